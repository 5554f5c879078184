/**
 * Serving a node pool (issue 16): WebSocket subscribers of `snapshotChanged` (what a node's
 * verifier follows) held by one indexer replica, then by three behind HAProxy (`npm run fleet`'s
 * startFleet), on a local chain with the demo registry. Per scenario: the replicas' resident
 * memory per subscriber (RSS with the subscribers minus before, over their count), and the
 * delivery of one change (an auditor's review of one partner) to every subscriber, from the
 * transaction's send to each receipt, p50/p99 over all subscribers and changes. The baseline,
 * measured in the same run: the same delivery to a single subscriber. Then the bytes a node
 * downloads per change: one delta (the WebSocket message) against one full snapshot load (the
 * HTTP body of the `snapshot` query), at the demo's 3 partners as measured and at 2,000 partners
 * (the measured partner entries repeated: the registry size the issue names).
 *
 * The subscribers run in their own process (bench/fleet-subscribers.ts). Budget (issue 16):
 * 10,000 subscribers on one replica within 1 GB, p99 under 2 s on 2 cores, under 2 KB per
 * single-partner change. A benchmark, not a test: it prints figures, it asserts nothing.
 *
 *   npm run bench:fleet [-- <subscribers=10000> <changes=3>]   (writes bench/results/fleet.json)
 *
 * Open files: a replica holds one descriptor per subscriber, HAProxy two; HAProxy's connection
 * limit follows `ulimit -Hn` (fleet.ts), so behind it the bench holds at most that many.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import anchor from "@coral-xyz/anchor";
import { Connection } from "@solana/web3.js";
import { eventCpiAccounts } from "../app/src/sdk/events.js";
import { registryAddresses } from "../app/src/sdk/pda.js";
import { registryProgram } from "../app/src/sdk/program.js";
import { openFileLimit, startFleet } from "../indexer/src/fleet/fleet.js";
import { startDemoChain } from "../migrations/stack.js";

const SUBSCRIBERS = Number(process.argv[2] ?? 10_000);
const CHANGES = Number(process.argv[3] ?? 3);
const RESULTS = "bench/results/fleet.json";

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) * 1024;
}

/** The subscriber process: resolves once all `n` are subscribed; `next()` gives each change's receipt times. */
async function subscribers(wsUrl: string, n: number, from: number) {
  const child: ChildProcess = spawn(
    process.execPath,
    ["--import", "tsx", "bench/fleet-subscribers.ts", wsUrl, String(n), String(from)],
    { stdio: ["pipe", "pipe", "inherit"] },
  );
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const read = async (): Promise<{ ready?: number; change: number; times: number[]; bytes: number }> => {
    const line = await lines.next();
    if (line.done) throw new Error("the subscriber process ended early (see its errors above)");
    return JSON.parse(line.value);
  };
  const ready = await read();
  if (ready.ready !== n) throw new Error(`subscribers: ${JSON.stringify(ready)}`);
  return {
    next: read,
    stop: () => {
      child.stdin!.end();
      return new Promise((r) => child.once("exit", r));
    },
  };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "lume-bench-fleet-"));
  console.log(`open files: hard limit ${openFileLimit()}; starting a local chain with the demo registry ...`);
  const chain = await startDemoChain({ demoDir: join(dir, "demo"), rpcPort: 0, wsPort: 0 });
  const connection = new Connection(chain.localnet.rpcUrl, {
    commitment: "confirmed",
    wsEndpoint: chain.localnet.wsUrl,
  });
  const provider = new anchor.AnchorProvider(connection, new anchor.Wallet(chain.keys.auditor), {
    commitment: "confirmed",
  });
  const program = registryProgram(provider);
  const addresses = registryAddresses(program.programId);
  const partner = addresses.partner(0);
  /** One single-partner change (a passed review of partner #0): its send time and change index. */
  let reviews = 0;
  const change = async (): Promise<number> => {
    const sentAt = Date.now();
    // A different report each time: identical transactions in one blockhash would be one.
    reviews += 1;
    await program.methods
      .recordReview(
        { passed: {} } as never,
        Array.from(Buffer.alloc(32, reviews)),
        `https://audit.example/bench/${reviews}`,
      )
      .accountsStrict({
        ...eventCpiAccounts(program.programId),
        registry: addresses.registry(),
        partner,
        auditor: chain.keys.auditor.publicKey,
        roleGrant: addresses.role("auditor", chain.keys.auditor.publicKey),
      })
      .rpc();
    return sentAt;
  };
  const changeCount = async () =>
    Number((await program.account.registry.fetch(addresses.registry())).history.changeCount);

  const figures: Record<string, unknown> = {
    machine: "2 cores shared, loopback",
    openFileHardLimit: openFileLimit(),
    changesTimed: CHANGES,
  };
  try {
    const scenario = async (name: string, replicas: number, wanted: number) => {
      const fleet = await startFleet({
        replicas,
        rpcUrl: chain.localnet.rpcUrl,
        wsUrl: chain.localnet.wsUrl,
        dir: join(dir, name),
        fresh: true,
        port: 0,
        log: (line) => console.log(`  ${line}`),
      });
      try {
        // One replica: straight to it; several: through HAProxy, within its connection limit.
        const direct = replicas === 1;
        const limit = Math.floor((openFileLimit() - 100) / 2) - 50;
        const n = direct ? wanted : Math.min(wanted, limit);
        const url = direct ? fleet.replicas[0]!.url.replace(/^http/, "ws") : fleet.wsUrl;
        const pids = fleet.replicas.map((r) => r.process.pid!);
        const measure = async (count: number) => {
          const rssBefore = pids.reduce((s, p) => s + rssBytes(p), 0);
          const subscribedAt = Date.now();
          const subs = await subscribers(url, count, await changeCount());
          const subscribeSeconds = (Date.now() - subscribedAt) / 1000;
          // Untimed: proves every subscription is registered before the timed changes.
          await change();
          await subs.next();
          const rssAfter = pids.reduce((s, p) => s + rssBytes(p), 0);
          const latencies: number[] = [];
          let bytes = 0;
          for (let i = 0; i < CHANGES; i++) {
            const sentAt = await change();
            const got = await subs.next();
            bytes = got.bytes;
            for (const t of got.times) latencies.push(t - sentAt);
          }
          await subs.stop();
          latencies.sort((a, b) => a - b);
          return {
            subscribers: count,
            subscribeSeconds,
            rssBeforeMB: Math.round(rssBefore / 2 ** 20),
            rssWithSubscribersMB: Math.round(rssAfter / 2 ** 20),
            bytesPerSubscriber: Math.round((rssAfter - rssBefore) / count),
            deliveryFromSendMs: {
              p50: percentile(latencies, 50),
              p99: percentile(latencies, 99),
              max: latencies.at(-1)!,
            },
            deltaMessageBytes: bytes,
          };
        };
        const baseline = await measure(1);
        console.log(`${name}: baseline (1 subscriber) ${JSON.stringify(baseline.deliveryFromSendMs)}`);
        const loaded = await measure(n);
        const result = {
          replicas,
          via: direct ? "the replica directly" : "HAProxy",
          ...loaded,
          baselineOneSubscriberMs: baseline.deliveryFromSendMs,
          p99RatioToBaseline: Number((loaded.deliveryFromSendMs.p99 / baseline.deliveryFromSendMs.p99).toFixed(1)),
        };
        console.log(`${name}: ${JSON.stringify(result)}`);
        figures[name] = result;
        if (direct) {
          const res = await fetch(fleet.replicas[0]!.url, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ query: "{ snapshot { degraded settled snapshot } }" }),
          });
          const text = await res.text();
          const snapshot = JSON.parse(text).data.snapshot.snapshot as { partners: unknown[] };
          const entries = snapshot.partners.map((p) => Buffer.byteLength(JSON.stringify(p)));
          const perEntry = entries.reduce((a, b) => a + b, 0) / entries.length;
          const at2000 = Math.round(Buffer.byteLength(text) + (2_000 - entries.length) * (perEntry + 1));
          figures.bytesPerChange = {
            deltaMessage: loaded.deltaMessageBytes,
            fullSnapshotDemo: Buffer.byteLength(text),
            demoPartners: entries.length,
            fullSnapshotAt2000Partners: at2000,
            ratioAt2000: Number((at2000 / loaded.deltaMessageBytes).toFixed(0)),
            nodes10000At2000PartnersMB: {
              deltas: Math.round((loaded.deltaMessageBytes * 10_000) / 2 ** 20),
              snapshots: Math.round((at2000 * 10_000) / 2 ** 20),
            },
          };
          console.log(`bytes per change: ${JSON.stringify(figures.bytesPerChange)}`);
        }
      } finally {
        await fleet.stop();
      }
    };
    await scenario("oneReplica", 1, SUBSCRIBERS);
    await scenario("threeReplicasHaproxy", 3, SUBSCRIBERS);
    mkdirSync("bench/results", { recursive: true });
    // The `before` block (one replica before snapshotChanged shared one execution per change,
    // measured with this bench) is carried over from run to run.
    if (existsSync(RESULTS)) {
      const before = (JSON.parse(readFileSync(RESULTS, "utf8")) as { before?: unknown }).before;
      if (before !== undefined) figures.before = before;
    }
    writeFileSync(RESULTS, `${JSON.stringify(figures, null, 2)}\n`);
    console.log(`written to ${RESULTS}`);
  } finally {
    await chain.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
// The chain connection's socket would keep retrying the stopped chain.
process.exit(0);
