// Health is a claim about the chain, not about the SQLite file: an index that has not read its
// chain, reads another chain, or cannot read it any more says so (/healthz 503, authorize
// refuses), and heals without a person once it can. A real surfnet behind an RpcProxy the test
// makes misbehave, a real SQLite file, the real GraphQL server over HTTP.
import assert from "node:assert/strict";
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import anchor from "@coral-xyz/anchor";
import { Keypair } from "@solana/web3.js";
import Database from "better-sqlite3";
import { pino } from "pino";
import { addresses, type PartnerHandle, type RegistryFixture } from "../../harness/registry-fixture.js";
import { useRegistrySurfnet } from "../../harness/surfnet.js";
import type { ApiServer } from "../../indexer/src/api/server.js";
import { RegistryDecoder } from "../../indexer/src/decoder/decoder.js";
import { Indexer, type IndexerOptions } from "../../indexer/src/indexer.js";
import { IndexerStore } from "../../indexer/src/store/store.js";
import { verify } from "../../indexer/src/verify/verify.js";
import { RpcProxy } from "../support/rpc-proxy.js";
import { RunningScript, runScript } from "../support/scripts.js";
import { TcpProxy } from "../support/tcp-proxy.js";
import type { Authorization, HistoryEvent, NodeSnapshot } from "./graphql-schema.js";
import {
  caughtUp,
  closedPortUrl,
  gql,
  newIndexer,
  query,
  startApiServer,
  surfnetFixture,
  tempDir,
  until,
  wsClient,
} from "./support.js";

const YEAR = 365 * 86_400;

/** Mainnet-beta's genesis hash: an index copied from there. */
const MAINNET_GENESIS = "5eykt4UsFv8P8NJdTREpY1vzqKqZKvdpKuc147dw2N9d";

/** What /healthz answers (IndexerStatus plus ok). */
interface Health {
  ok: boolean;
  degraded: string | null;
  historyIncomplete: string | null;
  chainSlot: number;
  lag: number;
}

interface Served {
  indexer: Indexer;
  api: ApiServer;
  lines: string[];
  /** Resolves once `start()` returned (it waits for the chain). */
  started: Promise<void>;
  stop(): Promise<void>;
}

describe("indexer health comes from the chain (surfnet, RPC proxy, SQLite, GraphQL over HTTP)", function () {
  this.timeout(180_000);
  const running: Served[] = [];
  afterEach(async () => {
    for (const served of running.splice(0)) await served.stop();
  });
  after(() => tmp.remove());
  const net = useRegistrySurfnet();
  const tmp = tempDir();
  let f: RegistryFixture;
  let partner: PartnerHandle;
  const key = Keypair.generate();

  before(async () => {
    f = await surfnetFixture(net);
    partner = await f.admittedPartner();
    const now = await f.now();
    f.assertOk(
      await f.pass(
        {
          issueKey: {
            publicKey: Array.from(key.publicKey.toBuffer()),
            endpoints: [],
            validFrom: new anchor.BN(now),
            validUntil: new anchor.BN(now + YEAR),
            replaces: null,
          },
        },
        partner.address,
        [partner.address, addresses.key(partner.address, 0)],
      ),
      "issue key",
    );
    // The index file every test starts from, built while the chain was reachable.
    const built = newIndexer(net, tmp.dbPath);
    await built.start();
    await caughtUp(built, f);
    await built.stop();
  });

  /** A copy of the index file built in `before` (closed, so one file holds it all). */
  function copyIndex(name: string): string {
    const path = join(tmp.dir, `${name}.sqlite`);
    copyFileSync(tmp.dbPath, path);
    return path;
  }

  const openStore = (path: string) => new IndexerStore(path, { decodeAccount: new RegistryDecoder().accountData });
  function withStore<T>(path: string, read: (store: IndexerStore) => T): T {
    const store = openStore(path);
    try {
      return read(store);
    } finally {
      store.close();
    }
  }

  /** An indexer on the shared file with its GraphQL server; `start()` runs in the background. */
  async function serve(options: Partial<IndexerOptions> = {}): Promise<Served> {
    const lines: string[] = [];
    const logger = pino({ level: "info" }, { write: (line: string) => void lines.push(line) });
    const indexer = new Indexer({
      rpcUrl: net.surfnet.rpcUrl,
      wsUrl: net.surfnet.wsUrl,
      dbPath: tmp.dbPath,
      staleAfterMs: 2_000,
      finalityPollMs: 500,
      logger,
      ...options,
    });
    const api = await startApiServer(indexer, { port: 0 });
    const started = indexer.start();
    started.catch(() => undefined);
    const served: Served = {
      indexer,
      api,
      lines,
      started,
      stop: () =>
        (stopping ??= (async () => {
          await api.close();
          await indexer.stop();
        })()),
    };
    let stopping: Promise<void> | undefined;
    running.push(served);
    return served;
  }

  async function healthz(api: ApiServer): Promise<{ status: number; body: Health }> {
    const res = await fetch(api.url.replace("/graphql", "/healthz"));
    return { status: res.status, body: (await res.json()) as Health };
  }

  async function authorize(api: ApiServer): Promise<{ allowed: boolean; reason: string }> {
    const data = await query<{ authorize: Pick<Authorization, "allowed" | "reason"> }>(
      api,
      'query($p: String!, $k: String!) { authorize(partner: $p, key: $k, endpoint: "api.partner.example", category: "api-read") { allowed reason } }',
      { p: partner.address.toBase58(), k: key.publicKey.toBase58() },
    );
    return data.authorize;
  }

  it("serves healthy and authorizes on a reachable chain (the baseline the faults below break)", async () => {
    const { api, started, indexer } = await serve();
    await started;
    await caughtUp(indexer, f);
    assert.equal((await healthz(api)).status, 200);
    assert.deepEqual(await authorize(api), { allowed: true, reason: "ok" });
  });

  it("an index holding a slot the node processed but has not confirmed yet is this chain's, not a reset one", async () => {
    // Seen in CI: a checkpoint written from a processed-commitment notification was one slot ahead
    // of getSlot("confirmed") on the restart, and the index was refused as another chain's.
    const copy = copyIndex("processed-ahead");
    const processed = await net.connection.getSlot("processed");
    const db = new Database(copy);
    db.prepare("UPDATE checkpoints SET slot = ?").run(processed);
    db.close();
    const proxy = await RpcProxy.start(net.surfnet.rpcUrl);
    proxy.confirmedSlotLag = 64;
    try {
      assert.ok((await net.connection.getSlot("processed")) - 64 < processed, "confirmed answers trail the index");
      const { api, started, indexer } = await serve({ dbPath: copy, rpcUrl: proxy.url });
      await started;
      await caughtUp(indexer, f);
      assert.equal((await healthz(api)).status, 200);
    } finally {
      await proxy.stop();
    }
  });

  it("before its first chain read it is not healthy and authorizes nothing; an unreachable RPC is retried in words", async () => {
    const proxy = await RpcProxy.start(net.surfnet.rpcUrl, "refuse");
    try {
      const { api, lines, started, indexer } = await serve({ rpcUrl: proxy.url });
      await until("a retry in the log", () => lines.some((l) => l.includes("cannot reach the chain")), 10_000);
      const health = await healthz(api);
      assert.equal(health.status, 503);
      assert.match(health.body.degraded ?? "", /has not read the chain yet/);
      const answer = await authorize(api);
      assert.equal(answer.allowed, false);
      assert.match(answer.reason, /has not read the chain yet/);
      const retry = JSON.parse(lines.find((l) => l.includes("cannot reach the chain"))!);
      assert.match(retry.msg, new RegExp(`cannot reach the chain at ${proxy.url}`));
      assert.ok(!lines.some((l) => /\n\s+at /.test(l)), "no stack trace in the log");

      proxy.mode = "forward"; // the RPC node comes back: healthy without a restart
      await started;
      await caughtUp(indexer, f);
      assert.equal((await healthz(api)).status, 200);
      assert.deepEqual(await authorize(api), { allowed: true, reason: "ok" });
    } finally {
      await proxy.stop();
    }
  });

  it("lume-indexer start on an unreachable RPC: retries in words, no stack trace, and Ctrl-C stops it", async () => {
    const deadRpc = await closedPortUrl();
    const script = RunningScript.start("indexer/src/cli.ts", [
      "start",
      "--rpc-url",
      deadRpc,
      "--db",
      `${tmp.dir}/unreachable.sqlite`,
      "--port",
      "0",
    ]);
    await until("a retry on stderr", () => script.stderr.includes(`cannot reach the chain at ${deadRpc}`), 20_000);
    await until("a second retry", () => script.stderr.split("cannot reach the chain").length > 2, 10_000);
    const stoppedAt = Date.now();
    const result = await script.stop("SIGINT", 10_000);
    assert.equal(result.signal, null, "stopped by itself, not killed");
    assert.equal(result.code, 0, result.stderr);
    assert.ok(Date.now() - stoppedAt < 5_000, "stops within 5 s");
    assert.match(result.stderr, /ECONNREFUSED/);
    assert.doesNotMatch(result.stderr, /\n\s+at /, "no stack trace");
    assert.doesNotMatch(result.stderr, /TypeError/);
  });

  it("a closed stream is stale state at once, and lag grows with wall time while the chain cannot be read", async () => {
    const rpc = await RpcProxy.start(net.surfnet.rpcUrl);
    const pubsub = await TcpProxy.start(net.surfnet.wsUrl);
    try {
      const { api, started, indexer } = await serve({ rpcUrl: rpc.url, wsUrl: pubsub.url(net.surfnet.wsUrl) });
      await started;
      await caughtUp(indexer, f);
      assert.equal((await healthz(api)).status, 200);

      // The node dies: its websocket closes, its JSON-RPC refuses.
      pubsub.down();
      rpc.mode = "refuse";
      const diedAt = Date.now();
      const first = await until("503", async () => {
        const h = await healthz(api);
        return h.status === 503 && h;
      });
      assert.ok(Date.now() - diedAt < 500, `stale after ${Date.now() - diedAt} ms (the watchdog waits 2,000)`);
      assert.match(first.body.degraded ?? "", /websocket .* is closed/);
      assert.deepEqual((await authorize(api)).allowed, false);
      const lagSoon = (await healthz(api)).body.lag;
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      const lagLater = (await healthz(api)).body.lag;
      assert.ok(lagLater > lagSoon, `lag grows while the chain cannot be read: ${lagSoon} then ${lagLater}`);

      // The node is back: the stream reopens, what was missed is fetched, healthy again.
      pubsub.up();
      rpc.mode = "forward";
      await until("healthy again", async () => (await healthz(api)).status === 200, 20_000);
      assert.deepEqual(await authorize(api), { allowed: true, reason: "ok" });
    } finally {
      await pubsub.stop();
      await rpc.stop();
    }
  });

  it("a PubSub connection that stays open but answers nothing is cut and reopened; what it dropped is fetched; stop() returns", async () => {
    // Seen in the seeded faults: the watchdog's resubscription waited forever for the silent
    // socket to confirm an unsubscribe, so the index stayed behind and stop() never returned.
    const pubsub = await TcpProxy.start(net.surfnet.wsUrl);
    try {
      const served = await serve({ wsUrl: pubsub.url(net.surfnet.wsUrl), staleAfterMs: 1_000 });
      await served.started;
      await caughtUp(served.indexer, f);
      pubsub.frameMode = "silence";
      const dropped = await f.apply({ legalName: "Sent Into Silence" });
      await until(
        "the watchdog's verdict",
        () => served.lines.some((l) => l.includes("the websocket answers nothing")),
        15_000,
      );
      pubsub.forward();
      await until(
        "the change sent into the silence",
        () => served.indexer.store.account(dropped.address.toBase58()),
        15_000,
      );
      await caughtUp(served.indexer, f);
      const later = await f.apply({ legalName: "After The Silence" });
      await until(
        "a live change on the new socket",
        () => served.indexer.store.account(later.address.toBase58()),
        15_000,
      );
      await caughtUp(served.indexer, f);
      const stopping = served.stop();
      const stopped = await Promise.race([stopping.then(() => true), sleep(10_000).then(() => false)]);
      assert.ok(stopped, "stop() returned within 10 s");
    } finally {
      await pubsub.stop();
    }
  });

  it("a lost tail of history heals by itself at once; meanwhile history says incomplete and fresh state is served", async () => {
    const { api, started, indexer } = await serve();
    await started;
    const total = await caughtUp(indexer, f);
    // The newest changes vanish from the file (a restored backup, a rolled-back write); their
    // transactions and the checkpoint stay, so resuming after the checkpoint would fetch nothing.
    indexer.store.db.prepare("DELETE FROM events WHERE change_index > ?").run(total - 3);
    const health = await healthz(api);
    assert.equal(health.status, 200, JSON.stringify(health.body));
    assert.equal(health.body.degraded, null);
    assert.equal(
      health.body.historyIncomplete,
      `history incomplete: ${total - 3} of ${total} changes stored; fetching the rest`,
    );
    assert.deepEqual(await authorize(api), { allowed: true, reason: "ok" });
    const answer = await gql<{
      history: Pick<HistoryEvent, "changeIndex">[];
      snapshot: Pick<NodeSnapshot, "degraded" | "historyIncomplete" | "settled"> | null;
    }>(api, "{ history(first: 1) { changeIndex } snapshot { degraded historyIncomplete settled } }");
    assert.match(String(answer.extensions?.historyIncomplete), /history incomplete/);
    const snapshot = answer.data!.snapshot!;
    assert.equal(snapshot.degraded, null);
    assert.match(snapshot.historyIncomplete ?? "", /history incomplete/);
    assert.equal(snapshot.settled, true);

    // Nothing happens on the chain: the indexer fetches the tail by itself, within seconds.
    const healedAt = Date.now();
    await caughtUp(indexer, f);
    assert.ok(Date.now() - healedAt < 5_000, `healed in ${Date.now() - healedAt} ms`);
    assert.equal((await healthz(api)).body.historyIncomplete, null);
    assert.equal((await gql(api, "{ history(first: 1) { changeIndex } }")).extensions, undefined);
  });

  it("a failed write keeps it degraded until what it missed is stored again (no healthy flapping in between)", async () => {
    const copy = copyIndex("failing-writes");
    const { api, started, indexer } = await serve({ dbPath: copy });
    await started;
    await caughtUp(indexer, f);
    // Real SQLite refusing every write to the program's tables (as a full or failing disk would).
    for (const table of ["accounts", "events", "transactions"])
      for (const op of ["INSERT", "UPDATE"])
        indexer.store.db.exec(
          `CREATE TRIGGER refuse_${op}_${table} BEFORE ${op} ON ${table} BEGIN SELECT RAISE(ABORT, 'disk I/O error (test)'); END`,
        );
    await f.apply({ legalName: "Written While The Disk Fails" });
    await until("the failed write reported", async () => (await healthz(api)).status === 503);
    const samples: number[] = [];
    for (let i = 0; i < 30; i++) {
      samples.push((await healthz(api)).status);
      await new Promise((resolve) => setTimeout(resolve, 100)); // 3 s: past the 1 s re-backfill and a heal
    }
    assert.deepEqual(new Set(samples), new Set([503]), `no 200 while writes fail: ${samples.join(",")}`);
    assert.match((await healthz(api)).body.degraded ?? "", /could not store a .*disk I\/O error \(test\)/);

    for (const table of ["accounts", "events", "transactions"])
      for (const op of ["INSERT", "UPDATE"]) indexer.store.db.exec(`DROP TRIGGER refuse_${op}_${table}`);
    await caughtUp(indexer, f);
    assert.equal((await healthz(api)).status, 200);
  });

  it("a damaged or truncated file is refused at open in words, with the recovery (backfill into a new file)", async () => {
    const damaged = copyIndex("damaged");
    const bytes = readFileSync(damaged);
    const pageSize = bytes.readUInt16BE(16);
    // Scribble over every page after the schema page: the b-tree headers no longer make sense.
    for (let at = pageSize; at < bytes.length; at += pageSize) bytes.fill(0xa5, at, at + 64);
    writeFileSync(damaged, bytes);
    const truncated = copyIndex("truncated");
    writeFileSync(truncated, readFileSync(truncated).subarray(0, 1_000));
    for (const path of [damaged, truncated]) {
      assert.throws(
        () => openStore(path),
        (err: Error) => {
          assert.equal(err.name, "StoreDamagedError");
          assert.match(err.message, new RegExp(`the index at ${path} is damaged`));
          assert.match(err.message, /lume-indexer backfill --db <new file>/);
          return true;
        },
      );
      for (const command of [["status"], ["verify", "--rpc-url", net.surfnet.rpcUrl]]) {
        const result = await runScript("indexer/src/cli.ts", [...command, "--db", path]);
        assert.equal(result.code, 1, result.stderr);
        assert.match(result.stderr, /^error: the index at .* is damaged/m);
        assert.doesNotMatch(result.stderr, /\n\s+at /, "no stack trace");
      }
    }
  });

  it("edited event columns are never served: history and subscriptions come from the proven bytes, verify names the edit", async () => {
    const copy = copyIndex("edited-columns");
    const victim = withStore(copy, (store) => {
      const event = store.events().find((e) => e.partner !== null && e.name !== "keyRevoked")!;
      // Someone with the file turns a change into a fake key revocation of another partner.
      store.db
        .prepare("UPDATE events SET name = 'keyRevoked', partner = ?, data = ? WHERE change_index = ?")
        .run(
          key.publicKey.toBase58(),
          JSON.stringify({ partner: key.publicKey.toBase58(), index: 0 }),
          event.changeIndex,
        );
      return event;
    });
    const { api, started, indexer } = await serve({ dbPath: copy });
    await started;
    await caughtUp(indexer, f);

    const history = await query<{ history: Pick<HistoryEvent, "name" | "partner">[] }>(
      api,
      "query($after: Long) { history(afterChangeIndex: $after, first: 1) { name partner } }",
      {
        after: victim.changeIndex - 1,
      },
    );
    assert.deepEqual(history.history, [{ name: victim.name, partner: victim.partner }]);
    const client = wsClient(api);
    try {
      const stream = client.iterate<{ registryChanged: { changeIndex: number; name: string; partner: string } }>({
        query: `subscription { registryChanged(fromChangeIndex: ${victim.changeIndex - 1}) { changeIndex name partner } }`,
      });
      const first = await stream.next();
      assert.deepEqual(first.value?.data?.registryChanged, {
        changeIndex: victim.changeIndex,
        name: victim.name,
        partner: victim.partner,
      });
      await stream.return?.();
    } finally {
      await client.dispose();
    }
    const revocations = await query<{ history: Pick<HistoryEvent, "name">[] }>(api, "{ history(first: 100) { name } }");
    assert.ok(!revocations.history.some((e) => e.name === "keyRevoked"), "no fake revocation");

    const report = await verify({ connection: net.connection, store: indexer.store });
    assert.deepEqual(report.differences, [
      `history: change ${victim.changeIndex}: stored name, partner, data differ from its bytes`,
    ]);
  });

  it("an index of another cluster is refused in words, or dropped and rebuilt with rebuild", async () => {
    const copy = copyIndex("other-cluster");
    const store = openStore(copy);
    const identity = store.chainIdentity()!;
    assert.equal(identity.genesisHash, await net.connection.getGenesisHash(), "recorded on the first read");
    store.recordChainIdentity({ ...identity, genesisHash: MAINNET_GENESIS });
    store.close();

    const refused = await serve({ dbPath: copy });
    await assert.rejects(refused.started, (err: Error) => {
      assert.equal(err.name, "ChainMismatchError");
      assert.match(err.message, new RegExp(`genesis hash ${MAINNET_GENESIS}, but the RPC serves the cluster`));
      assert.match(err.message, /--rebuild/);
      return true;
    });
    await refused.stop();

    const rebuilt = await serve({ dbPath: copy, rebuild: true });
    await rebuilt.started;
    await caughtUp(rebuilt.indexer, f);
    assert.equal(rebuilt.indexer.store.chainIdentity()?.genesisHash, identity.genesisHash);
    assert.ok(rebuilt.lines.some((l) => l.includes("dropping it and rebuilding")));
  });

  describe("pointed at a chain that was reset with the same genesis hash (two surfnets started together share one)", () => {
    const reset = useRegistrySurfnet();
    let g: RegistryFixture;
    before(async () => {
      g = await surfnetFixture(reset);
    });

    /** A copy of the index that records the reset chain's genesis hash, as if it had been indexed there. */
    async function copyForResetChain(name: string): Promise<string> {
      const copy = copyIndex(name);
      const genesisHash = await reset.connection.getGenesisHash();
      withStore(copy, (store) => store.recordChainIdentity({ ...store.chainIdentity()!, genesisHash }));
      return copy;
    }

    it("a chain whose slot is behind the index is refused in words", async () => {
      const copy = await copyForResetChain("reset-behind");
      const indexedSlot = withStore(copy, (store) => store.indexedSlot());
      assert.ok((await reset.connection.getSlot()) < indexedSlot, "the new chain is younger");
      const refused = await serve({ dbPath: copy, rpcUrl: reset.surfnet.rpcUrl, wsUrl: reset.surfnet.wsUrl });
      await assert.rejects(
        refused.started,
        /the index holds slot \d+ but the chain is only at slot \d+: the chain was reset/,
      );
    });

    it("a stored history running ahead of the chain's change count is a fault: dropped and fetched again", async () => {
      const copy = await copyForResetChain("reset-ahead");
      const stored = withStore(copy, (store) => ({ slot: store.indexedSlot(), events: store.eventCount() }));
      reset.surfnet.timeTravel({ slot: stored.slot + 1_000 }); // past the index: the slot check cannot tell
      const counted = Number((await g.registry()).history.changeCount);
      assert.ok(counted < stored.events, `${counted} < ${stored.events}`);
      const served = await serve({ dbPath: copy, rpcUrl: reset.surfnet.rpcUrl, wsUrl: reset.surfnet.wsUrl });
      await served.started;
      await until("the fault reported", () =>
        served.lines.some((l) => l.includes(`history ahead of the chain: ${stored.events} changes stored`)),
      );
      await caughtUp(served.indexer, g);
      const report = await verify({ connection: reset.connection, store: served.indexer.store });
      assert.deepEqual(report.differences, []);
    });
  });
});
