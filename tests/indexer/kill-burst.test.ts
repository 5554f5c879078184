// kill -9 during a burst: the `lume-indexer start` process (its own CLI, a real SQLite file, its
// GraphQL server) is killed with SIGKILL at random points while a burst of registry transactions
// lands on a surfnet, and restarted on the same file each time. A GraphQL subscriber resumes after
// every kill from the last change index it got. The run must end with the index whole, `verify`
// clean, no event stored or delivered twice and none lost. `npm test` runs a small burst;
// `npm run test:faults` the size (LUME_KILL_TXS=5000, LUME_KILL_COUNT=20).
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import type { Keypair } from "@solana/web3.js";
import Database from "better-sqlite3";
import { type Client, createClient } from "graphql-ws";
import WebSocket from "ws";
import { freePort } from "../../app/src/entry/free-port.js";
import type { RegistryFixture } from "../../harness/registry-fixture.js";
import { useRegistrySurfnet } from "../../harness/surfnet.js";
import { RegistryDecoder } from "../../indexer/src/decoder/decoder.js";
import { IndexerStore } from "../../indexer/src/store/store.js";
import { verify } from "../../indexer/src/verify/verify.js";
import { RunningScript } from "../support/scripts.js";
import { seededRandom } from "../support/seeded-random.js";
import { surfnetFixture, tempDir, until } from "./support.js";

const TXS = Number(process.env.LUME_KILL_TXS ?? 300);
const KILLS = Number(process.env.LUME_KILL_COUNT ?? 3);
const SEED = Number(process.env.LUME_KILL_SEED ?? 7);

describe(`kill -9 during a burst: ${KILLS} kills in ${TXS} transactions (lume-indexer process, surfnet, SQLite, GraphQL over WebSocket)`, function () {
  this.timeout(300_000 + TXS * 200);
  const net = useRegistrySurfnet();
  const tmp = tempDir();
  let f: RegistryFixture;
  let authority: Keypair;
  let indexer: RunningScript | undefined;
  after(async () => {
    await indexer?.stop("SIGKILL");
    tmp.remove();
  });
  before(async () => {
    f = await surfnetFixture(net);
    // One applicant pays for every partner account of the burst.
    authority = net.fundedKeypair(Math.ceil(TXS / 10) + 10);
  });

  it("ends whole and verified; the subscriber got every change once, in order, across every restart", async () => {
    const next = seededRandom(SEED);
    const port = await freePort();
    const graphql = `http://127.0.0.1:${port}/graphql`;
    const start = () =>
      RunningScript.start("indexer/src/cli.ts", [
        "start",
        "--rpc-url",
        net.surfnet.rpcUrl,
        "--ws-url",
        net.surfnet.wsUrl,
        "--db",
        tmp.dbPath,
        "--port",
        String(port),
      ]);
    indexer = start();
    const delivered: number[] = [];
    const subscriber = resumingSubscriber(graphql.replace("http", "ws"), delivered);

    // Kill points: random transaction numbers of the burst, so kills land at random stages
    // (streaming, backfilling after a restart, starting up, writing a batch).
    const killAt = new Set(Array.from({ length: KILLS }, () => 1 + Math.floor(next() * (TXS - 1))));
    while (killAt.size < KILLS) killAt.add(1 + Math.floor(next() * (TXS - 1)));
    const kills: Promise<void>[] = [];
    let killed = 0;
    const before = Number((await f.registry()).partnerCount);
    let blockhash = (await net.connection.getLatestBlockhash("processed")).blockhash;
    let blockhashAt = Date.now();
    for (let n = 0; n < TXS; n++) {
      if (Date.now() - blockhashAt > 1_000) {
        blockhash = (await net.connection.getLatestBlockhash("processed")).blockhash;
        blockhashAt = Date.now();
      }
      const tx = await f.applyTx(authority.publicKey, before + n, { legalName: `Burst ${n}` });
      tx.feePayer = authority.publicKey;
      tx.recentBlockhash = blockhash;
      tx.sign(authority);
      await net.connection.sendRawTransaction(tx.serialize(), { skipPreflight: true });
      if (killAt.has(n)) {
        killed += 1;
        const victim = indexer;
        // Restarted at once, on the same file, while the burst goes on.
        kills.push(
          victim.stop("SIGKILL").then((result) => {
            assert.equal(result.signal, "SIGKILL", "killed, not exited by itself");
            indexer = start();
          }),
        );
        await kills.at(-1);
      }
    }
    await Promise.all(kills);
    assert.equal(killed, KILLS);

    const registry = await f.registry();
    const landed = Number(registry.partnerCount) - before;
    assert.equal(landed, TXS, `the burst landed ${landed} of ${TXS} applications`);
    const total = Number(registry.history.changeCount);
    await until(
      `the restarted indexer to hold ${total} changes`,
      async () => {
        const status = await indexerStatus(graphql).catch(() => undefined);
        return status?.contiguousChangeIndex === total && status.eventCount === total && status.degraded === null;
      },
      120_000 + TXS * 20,
    );
    await until(`the subscriber to get ${total} changes`, () => delivered.length >= total, 60_000);
    await subscriber.stop();
    assert.deepEqual(
      delivered,
      Array.from({ length: total }, (_, i) => i + 1),
      "every change delivered exactly once, in order, across the kills",
    );

    const result = await indexer.stop("SIGINT");
    assert.equal(result.code, 0, result.stderr);
    const db = new Database(tmp.dbPath, { readonly: true });
    const rows = db.prepare("SELECT count(*) AS n, count(DISTINCT change_index) AS d FROM events").get() as {
      n: number;
      d: number;
    };
    db.close();
    assert.deepEqual(rows, { n: total, d: total }, "each change stored once");
    const store = new IndexerStore(tmp.dbPath, { decodeAccount: new RegistryDecoder().accountData });
    try {
      const report = await verify({ connection: net.connection, store });
      assert.deepEqual(report.differences, []);
    } finally {
      store.close();
    }
  });
});

interface Status {
  contiguousChangeIndex: number;
  eventCount: number;
  degraded: string | null;
}

async function indexerStatus(graphql: string): Promise<Status> {
  const res = await fetch(graphql, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query: "{ status { contiguousChangeIndex eventCount degraded } }" }),
    signal: AbortSignal.timeout(2_000),
  });
  const body = (await res.json()) as { data: { status: Status } };
  return {
    ...body.data.status,
    contiguousChangeIndex: Number(body.data.status.contiguousChangeIndex),
    eventCount: Number(body.data.status.eventCount),
  };
}

/**
 * A node's subscription: registryChanged from the last change index it got, subscribed again
 * (after 200 ms) whenever the server goes away, as `lume node watch` does.
 */
function resumingSubscriber(url: string, delivered: number[]): { stop(): Promise<void> } {
  let stopped = false;
  let client: Client | undefined;
  const running = (async () => {
    while (!stopped) {
      client = createClient({ url, webSocketImpl: WebSocket, retryAttempts: 0, lazy: true });
      try {
        const changes = client.iterate<{ registryChanged: { changeIndex: number | string } }>({
          query: "subscription($from: Long) { registryChanged(fromChangeIndex: $from) { changeIndex } }",
          variables: { from: delivered.at(-1) ?? 0 },
        });
        for await (const change of changes) {
          if (change.data) delivered.push(Number(change.data.registryChanged.changeIndex));
        }
      } catch {
        // The indexer was killed (or is not up yet): subscribe again below.
      } finally {
        await client.dispose();
      }
      if (!stopped) await sleep(200);
    }
  })();
  return {
    async stop() {
      stopped = true;
      await client?.dispose();
      await running;
    },
  };
}
