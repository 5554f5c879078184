/**
 * The subscribers of bench/fleet.ts, in their own process (so the replica under test shares the
 * machine with them as with any other client, but not its event loop): `n` WebSockets, each one
 * graphql-ws `snapshotChanged` subscription from `from`, speaking the protocol directly (a full
 * client per socket would measure the client). Prints JSON lines on stdout: {"ready": n} once
 * every subscription is acknowledged by its first keep-alive-free round trip, then per change
 * {"change": i, "times": [...receipt ms...], "bytes": size of one delivery} once all n have it.
 *
 *   tsx bench/fleet-subscribers.ts <wsUrl> <n> <fromChangeIndex>
 */
import WebSocket from "ws";

const [url, nText, fromText] = process.argv.slice(2);
const n = Number(nText);
const from = Number(fromText);
const QUERY = `subscription { snapshotChanged(fromChangeIndex: ${from}) { changeIndex slot raw registry partners } }`;
const received = new Map<number, number[]>();
let bytes = 0;
const sockets: WebSocket[] = [];
let closing = false;

function open(): Promise<void> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url!, "graphql-transport-ws", { perMessageDeflate: false });
    sockets.push(ws);
    ws.on("open", () => ws.send(JSON.stringify({ type: "connection_init" })));
    ws.on("error", reject);
    // A subscriber cut off would wait forever: say so and stop the run.
    ws.on("close", () => {
      if (!closing) {
        console.error("a subscriber's socket closed before the run ended (the server or HAProxy dropped it)");
        process.exit(1);
      }
    });
    ws.on("message", (data: Buffer) => {
      const m = JSON.parse(data.toString()) as {
        type: string;
        payload?: { data?: { snapshotChanged?: { changeIndex: number } }; errors?: unknown };
      };
      if (m.type === "connection_ack") {
        ws.send(JSON.stringify({ id: "1", type: "subscribe", payload: { query: QUERY } }));
        // The server registers the subscription before its next message: a ping round trip confirms it.
        ws.send(JSON.stringify({ type: "ping" }));
      } else if (m.type === "pong") resolve();
      else if (m.type === "next") {
        const at = Date.now();
        const i = m.payload?.data?.snapshotChanged?.changeIndex as number | undefined;
        if (i === undefined) {
          console.error(`subscriber error: ${JSON.stringify(m.payload?.errors ?? m.payload)}`);
          return;
        }
        if (bytes === 0) bytes = data.length;
        const times = received.get(i) ?? [];
        received.set(i, times);
        times.push(at);
        if (times.length === n) {
          console.log(JSON.stringify({ change: i, times, bytes }));
          received.delete(i);
        }
      } else if (m.type === "error") console.error(`subscription refused: ${JSON.stringify(m.payload)}`);
    });
  });
}

const BATCH = 250;
for (let i = 0; i < n; i += BATCH) await Promise.all(Array.from({ length: Math.min(BATCH, n - i) }, () => open()));
console.log(JSON.stringify({ ready: n }));
process.stdin.on("data", () => undefined);
process.stdin.on("end", () => {
  closing = true;
  for (const ws of sockets) ws.terminate();
  process.exit(0);
});
