// Per-client work is bounded: a WebSocket may hold at most MAX_SUBSCRIPTIONS_PER_CONNECTION
// subscriptions, and replays from the store run a few at a time in small pages handed on through
// the event loop, so the server's loop is never held up long and live delivery keeps its pace
// under a replay storm. The real GraphQL server over HTTP and
// WebSocket on a real SQLite file holding a long history (synthetic events: no chain is needed to
// replay a store, and none is read).
import assert from "node:assert/strict";
import { monitorEventLoopDelay } from "node:perf_hooks";
import type { Client } from "graphql-ws";
import { type ApiServer, MAX_SUBSCRIPTIONS_PER_CONNECTION } from "../../indexer/src/api/server.js";
import { MAX_CONCURRENT_REPLAYS } from "../../indexer/src/api/subscriptions.js";
import type { DecodedTransaction } from "../../indexer/src/decoder/decoder.js";
import { RegistryDecoder } from "../../indexer/src/decoder/decoder.js";
import { Indexer } from "../../indexer/src/indexer.js";
import { IndexerStore } from "../../indexer/src/store/store.js";
import { RunningScript } from "../support/scripts.js";
import { closedPortUrl, startApiServer, syntheticTransaction, tempDir, until, wsClient } from "./support.js";

const HISTORY = 2_000;
const STORM_CLIENTS = 40;

function syntheticHistory(count: number): DecodedTransaction[] {
  return Array.from({ length: count }, (_, i) => {
    const changeIndex = i + 1;
    const raw = Buffer.alloc(16);
    raw.writeBigUInt64LE(BigInt(changeIndex), 8);
    return syntheticTransaction(`synthetic-${changeIndex}`, 1_000 + changeIndex, {
      changeIndex,
      name: "unknown",
      data: null,
      raw,
    });
  });
}

describe("bounded per-client work (GraphQL over HTTP + WebSocket, SQLite)", function () {
  this.timeout(120_000);
  const tmp = tempDir();
  let indexer: Indexer;
  let api: ApiServer;
  const clients: Client[] = [];

  before(async () => {
    const store = new IndexerStore(tmp.dbPath, { decodeAccount: new RegistryDecoder().accountData });
    store.applyTransactions("rpc:transactions", syntheticHistory(HISTORY));
    store.close();
    // A URL nothing listens on: this indexer is never started, it only serves its file.
    indexer = new Indexer({ rpcUrl: await closedPortUrl(), dbPath: tmp.dbPath });
    api = await startApiServer(indexer, { port: 0 });
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.dispose()));
  });
  after(async () => {
    await api?.close();
    await indexer?.stop();
    tmp.remove();
  });

  /** A live event, as the pipeline publishes one. */
  function publishLive(changeIndex: number): void {
    const raw = Buffer.alloc(16);
    raw.writeBigUInt64LE(BigInt(changeIndex), 8);
    indexer.bus.emit("event", {
      changeIndex,
      signature: `live-${changeIndex}`,
      slot: 9_999,
      blockTime: null,
      name: "unknown",
      partner: null,
      data: null,
      raw,
    });
  }

  it(`one connection holds at most ${MAX_SUBSCRIPTIONS_PER_CONNECTION} subscriptions; the next is refused in words`, async () => {
    const client = wsClient(api);
    clients.push(client);
    const received = new Array<number>(MAX_SUBSCRIPTIONS_PER_CONNECTION).fill(0);
    for (let i = 0; i < MAX_SUBSCRIPTIONS_PER_CONNECTION; i++)
      client.subscribe(
        { query: "subscription { registryChanged { changeIndex } }" },
        {
          next: () => {
            received[i]! += 1;
          },
          error: () => undefined,
          complete: () => undefined,
        },
      );
    const refused = await new Promise<string>((resolve) =>
      client.subscribe(
        { query: "subscription { registryChanged { changeIndex } }" },
        {
          next: (value) => resolve(`delivered: ${JSON.stringify(value)}`),
          error: (err) => resolve(Array.isArray(err) ? err.map((e) => e.message).join("; ") : String(err)),
          complete: () => resolve("completed"),
        },
      ),
    );
    assert.match(refused, /too many subscriptions on this connection \(at most 100\)/);
    // The ones it holds still work.
    await new Promise((resolve) => setTimeout(resolve, 200));
    publishLive(HISTORY + 1);
    await until("every held subscription to get the live change", () => received.every((n) => n === 1));
  });

  it(`a replay storm (${STORM_CLIENTS} clients × ${HISTORY} changes) completes, with the event loop and live delivery responsive`, async () => {
    const live = wsClient(api);
    clients.push(live);
    let liveAt: number | undefined;
    live.subscribe(
      { query: "subscription { registryChanged { changeIndex } }" },
      {
        next: () => {
          liveAt ??= Date.now();
        },
        error: () => undefined,
        complete: () => undefined,
      },
    );
    await new Promise((resolve) => setTimeout(resolve, 200));

    const storm = RunningScript.start("tests/indexer/replay-storm-clients.ts", [
      api.wsUrl,
      String(STORM_CLIENTS),
      String(HISTORY),
    ]);
    // The server runs in this process: how long its event loop was ever held up is what every
    // other client (live subscribers, /healthz, queries) waits at most.
    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    try {
      await storm.waitForOutput("subscribed", 20_000);
      loopDelay.enable();
      const publishedAt = Date.now();
      publishLive(HISTORY + 2);
      const healthz = api.url.replace("/graphql", "/healthz");
      const deadline = Date.now() + 90_000;
      let answered = 0;
      while (!storm.stdout.includes("replayed") && Date.now() < deadline) {
        if ((await fetch(healthz)).status > 0) answered += 1;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      loopDelay.disable();
      assert.match(storm.stdout, /replayed/, `every client replayed every change: ${storm.stderr}`);
      await until("the live change", () => liveAt !== undefined);
      // A timing, so with a wide margin for whatever else the machine runs (GC pauses included):
      // on a quiet 2-core machine the loop was held up 644 ms before replays were bounded and
      // 120-250 ms after; under a parallel test run, up to about 700 ms after.
      const slowestMs = loopDelay.max / 1e6;
      assert.ok(slowestMs < 1_500, `the event loop was never held up 1.5 s (longest ${slowestMs.toFixed(0)} ms)`);
      assert.ok(liveAt! - publishedAt < 2_000, `live delivery within 2 s (took ${liveAt! - publishedAt} ms)`);
      assert.ok(answered > 0, "/healthz answered during the storm");
      assert.ok(MAX_CONCURRENT_REPLAYS < STORM_CLIENTS, "the storm is bigger than the replays allowed at once");
    } finally {
      await storm.stop("SIGKILL", 5_000);
    }
  });
});
