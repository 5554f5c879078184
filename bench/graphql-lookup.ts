/**
 * GraphQL API: (1) partner lookups per second over HTTP on loopback against an indexer whose store
 * holds 2,000 real-format partners, with two baselines from the same run: the same lookup as a
 * direct store call, and a trivial `{ __typename }` query through the same server (HTTP + yoga
 * overhead); (2) chain change → subscription delivery: a private surfnet, the indexer following
 * it, a graphql-ws `registryChanged` subscriber; each `apply` transaction is timed from the moment
 * the client sees it confirmed (signatureSubscribe, confirmed) and from its send, to the
 * subscription's event. Targets (issue 5): ≥ 3,000 lookups/s; p99 < 100 ms after confirmation.
 *
 * The HTTP load comes from a separate process (bench/http-load.ts, autocannon, keep-alive
 * connections, every answer checked), so the server has this process to itself, as in production.
 * Lookups and the trivial query alternate for `ROUNDS` rounds and the medians are reported: the
 * box is shared, and alternating spreads a neighbour's burst over both measurements.
 *
 *   npm run bench:graphql [-- <seconds=5> <concurrency=32> <changes=40>]   (writes bench/results/graphql.json)
 *
 * `changes = 0` skips the surfnet part and writes nothing. The results file's `before` block (the
 * server before the lookup work, measured with this same bench) is carried over from run to run.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import anchor from "@coral-xyz/anchor";
import { Keypair } from "@solana/web3.js";
import { createClient } from "graphql-ws";
import WebSocket from "ws";
import { closeConnectionSocket } from "../app/src/sdk/connection-socket.js";
import { addresses, RegistryFixture } from "../harness/registry-fixture.js";
import { startRegistrySurfnet } from "../harness/surfnet.js";
import { surfnetRuntime } from "../harness/surfnet-runtime.js";
import { startApiServer } from "../indexer/src/api/server.js";
import { Indexer } from "../indexer/src/indexer.js";
import type { RawAccountUpdate } from "../indexer/src/source/types.js";
import type { LoadResult, LoadSpec } from "./http-load.js";
import { encodedPartner } from "./idl-zero.js";

const execFileAsync = promisify(execFile);
const SECONDS = Number(process.argv[2] ?? 5);
const CONCURRENCY = Number(process.argv[3] ?? 32);
const CHANGES = Number(process.argv[4] ?? 40);
const PARTNERS = 2_000;
const ROUNDS = 3;
const RESULTS = "bench/results/graphql.json";

/** 2,000 partner accounts in the indexer's store, through its own ingest path. */
async function populate(indexer: Indexer): Promise<string[]> {
  const updates: RawAccountUpdate[] = [];
  for (let i = 0; i < PARTNERS; i++) {
    const data = await encodedPartner(indexer.decoder, i);
    updates.push({ pubkey: Keypair.generate().publicKey.toBase58(), slot: 1, lamports: 1, data });
  }
  indexer.accounts("bench", updates);
  return updates.map((u) => u.pubkey);
}

const LOOKUP =
  "query($a: String) { partner(address: $a) { address partnerId legalName jurisdiction status stage slot } }";

/**
 * `CONCURRENCY` keep-alive connections POSTing for `SECONDS`, from a separate process
 * (bench/http-load.ts, autocannon): the server keeps this process's CPU to itself.
 */
async function load(url: string, bodies: string[], expect: LoadSpec["expect"], dir: string): Promise<LoadResult> {
  const specPath = join(dir, `load-${expect}.json`);
  const spec: LoadSpec = { url, seconds: SECONDS, connections: CONCURRENCY, bodies, expect };
  writeFileSync(specPath, JSON.stringify(spec));
  // Asynchronous: this process's event loop has to keep serving while the child runs.
  const { stdout } = await execFileAsync(process.execPath, ["--import", "tsx", "bench/http-load.ts", specPath], {
    encoding: "utf8",
  });
  return JSON.parse(stdout) as LoadResult;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** The round with the median throughput. */
function median(results: LoadResult[]): LoadResult {
  return [...results].sort((x, y) => x.perSecond - y.perSecond)[Math.floor(results.length / 2)]!;
}

async function lookups(dir: string) {
  const indexer = new Indexer({ rpcUrl: "http://127.0.0.1:1", dbPath: join(dir, "lookup.sqlite") });
  const api = await startApiServer(indexer, { port: 0 });
  try {
    const pubkeys = await populate(indexer);
    const lookupBodies = pubkeys.map((a) => JSON.stringify({ query: LOOKUP, variables: { a } }));
    const trivialBody = [JSON.stringify({ query: "{ __typename }" })];
    // Warm-up (JIT, prepared statements, the store's decode cache, the parse/validation cache).
    await load(api.url, lookupBodies, "partner", dir);
    const graphqlRounds: LoadResult[] = [];
    const trivialRounds: LoadResult[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      graphqlRounds.push(await load(api.url, lookupBodies, "partner", dir));
      trivialRounds.push(await load(api.url, trivialBody, "typename", dir));
    }
    const n = 200_000;
    const started = process.hrtime.bigint();
    for (let i = 0; i < n; i++)
      if (indexer.store.account(pubkeys[i % PARTNERS]!) === undefined) throw new Error("missing partner");
    const direct = n / (Number(process.hrtime.bigint() - started) / 1e9);
    return { graphql: median(graphqlRounds), trivial: median(trivialRounds), direct, graphqlRounds, trivialRounds };
  } finally {
    await api.close();
    await indexer.stop();
  }
}

async function latency(dir: string) {
  const net = await startRegistrySurfnet();
  const { surfnet, connection, upgradeAuthority } = net;
  const f = await RegistryFixture.create(surfnetRuntime(net), upgradeAuthority, { timeLockSeconds: 60 });
  const indexer = new Indexer({ rpcUrl: surfnet.rpcUrl, wsUrl: surfnet.wsUrl, dbPath: join(dir, "latency.sqlite") });
  await indexer.start();
  const api = await startApiServer(indexer, { port: 0 });
  const client = createClient({ url: api.wsUrl, webSocketImpl: WebSocket, retryAttempts: 0 });
  const delivered = new Map<string, number>();
  const waiters = new Map<string, () => void>();
  const unsubscribe = client.subscribe<{ registryChanged: { name: string; partner: string | null } }>(
    { query: 'subscription { registryChanged(names: ["partnerApplied"]) { name partner } }' },
    {
      next: (msg) => {
        const partner = msg.data?.registryChanged.partner;
        if (!partner) return;
        delivered.set(partner, performance.now());
        waiters.get(partner)?.();
      },
      error: (err) => console.error("subscription error", err),
      complete: () => {},
    },
  );
  const afterConfirm: number[] = [];
  const afterSend: number[] = [];
  try {
    await new Promise((r) => setTimeout(r, 1_000)); // the subscription is live
    for (let i = 0; i < CHANGES; i++) {
      const authority = await f.newSigner();
      const id = (await f.registry()).partnerCount.toNumber();
      const partner = addresses.partner(id).toBase58();
      const tx = await f.applyTx(authority.publicKey, id);
      const { blockhash } = await connection.getLatestBlockhash("confirmed");
      tx.feePayer = f.rt.payer.publicKey;
      tx.recentBlockhash = blockhash;
      tx.sign(f.rt.payer, authority);
      const seen = new Promise<void>((resolve) => waiters.set(partner, resolve));
      // Subscribed to the signature before sending, so a fast confirmation is never missed.
      const signature = anchor.utils.bytes.bs58.encode(tx.signature!);
      const confirmed = new Promise<number>((resolve) =>
        connection.onSignature(signature, () => resolve(performance.now()), "confirmed"),
      );
      await new Promise((r) => setTimeout(r, 50));
      const sent = performance.now();
      await connection.sendRawTransaction(tx.serialize(), { skipPreflight: true });
      const timeout = (what: string) =>
        new Promise<never>((_, reject) => {
          setTimeout(() => reject(new Error(`no ${what} for ${partner}`)), 20_000).unref();
        });
      const [confirmedAt] = await Promise.all([
        Promise.race([confirmed, timeout("confirmation")]),
        Promise.race([seen, timeout("event")]),
      ]);
      const at = delivered.get(partner)!;
      afterConfirm.push(at - confirmedAt);
      afterSend.push(at - sent);
    }
  } finally {
    unsubscribe();
    await client.dispose();
    await api.close();
    await indexer.stop();
    closeConnectionSocket(connection);
    surfnet.stop();
  }
  const stats = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    return {
      p50: Number(percentile(sorted, 50).toFixed(1)),
      p99: Number(percentile(sorted, 99).toFixed(1)),
      max: Number(sorted[sorted.length - 1]!.toFixed(1)),
    };
  };
  return { changes: CHANGES, afterConfirmMs: stats(afterConfirm), afterSendMs: stats(afterSend) };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "lume-bench-graphql-"));
  try {
    // The surfnet part first (a fresh process: the lookup load does not skew its timings).
    // `changes = 0` skips it (for iterating on the lookup path; nothing is written then).
    const t = CHANGES > 0 ? await latency(dir) : null;
    const l = await lookups(dir);
    const fmt = (n: number) => Math.round(n).toLocaleString("en").padStart(10);
    const ms = (r: LoadResult) => `${String(r.latencyMs.p50).padStart(6)} | ${String(r.latencyMs.p99).padStart(6)}`;
    console.log(
      `GraphQL partner lookup, HTTP on loopback, ${CONCURRENCY} keep-alive connections from a separate process (autocannon), median of ${ROUNDS} rounds of ${SECONDS}s`,
    );
    console.log("| measurement                                   | per second | ratio | p50 ms | p99 ms |");
    console.log("|-----------------------------------------------|-----------:|------:|-------:|-------:|");
    console.log(
      `| partner(address) over GraphQL                 | ${fmt(l.graphql.perSecond)} |  1.00 | ${ms(l.graphql)} |`,
    );
    console.log(
      `| baseline: { __typename } over the same server | ${fmt(l.trivial.perSecond)} |  ${(l.graphql.perSecond / l.trivial.perSecond).toFixed(2)} | ${ms(l.trivial)} |`,
    );
    console.log(
      `| baseline: the same lookup as a store call     | ${fmt(l.direct)} | ${(l.graphql.perSecond / l.direct).toFixed(3)} |        |        |`,
    );
    console.log(
      `rounds, lookups/s: ${l.graphqlRounds.map((r) => Math.round(r.perSecond)).join(", ")}; trivial/s: ${l.trivialRounds.map((r) => Math.round(r.perSecond)).join(", ")}`,
    );
    console.log(`target: ≥ 3,000 lookups/s → ${l.graphql.perSecond >= 3_000 ? "met" : "NOT met"}`);
    if (t === null) return;
    console.log(
      `\nchain change → registryChanged delivery (graphql-ws, loopback, surfnet), ${t.changes} apply transactions`,
    );
    console.log("| from                         |  p50 ms |  p99 ms |  max ms |");
    console.log("|------------------------------|--------:|--------:|--------:|");
    console.log(
      `| client sees it confirmed     | ${String(t.afterConfirmMs.p50).padStart(7)} | ${String(t.afterConfirmMs.p99).padStart(7)} | ${String(t.afterConfirmMs.max).padStart(7)} |`,
    );
    console.log(
      `| transaction sent             | ${String(t.afterSendMs.p50).padStart(7)} | ${String(t.afterSendMs.p99).padStart(7)} | ${String(t.afterSendMs.max).padStart(7)} |`,
    );
    console.log(
      `target: p99 < 100 ms after confirmation → ${t.afterConfirmMs.p99 < 100 ? "met" : "NOT met"} (negative: delivered before the client's own confirmation arrived)`,
    );
    const previous = existsSync(RESULTS) ? (JSON.parse(readFileSync(RESULTS, "utf8")) as { before?: unknown }) : {};
    const figures = {
      seconds: SECONDS,
      rounds: ROUNDS,
      concurrency: CONCURRENCY,
      partners: PARTNERS,
      loadGenerator: "autocannon, separate process",
      lookupPerSecond: Math.round(l.graphql.perSecond),
      lookupLatencyMs: l.graphql.latencyMs,
      trivialQueryPerSecond: Math.round(l.trivial.perSecond),
      trivialLatencyMs: l.trivial.latencyMs,
      directStorePerSecond: Math.round(l.direct),
      ratioToTrivialQuery: Number((l.graphql.perSecond / l.trivial.perSecond).toFixed(3)),
      ratioToDirectStore: Number((l.graphql.perSecond / l.direct).toFixed(4)),
      lookupRoundsPerSecond: l.graphqlRounds.map((r) => Math.round(r.perSecond)),
      trivialRoundsPerSecond: l.trivialRounds.map((r) => Math.round(r.perSecond)),
      subscription: t,
      ...(previous.before === undefined ? {} : { before: previous.before }),
    };
    mkdirSync("bench/results", { recursive: true });
    writeFileSync(RESULTS, `${JSON.stringify(figures, null, 2)}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main()
  .then(() => process.exit(0))
  .catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
