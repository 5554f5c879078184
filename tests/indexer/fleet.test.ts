// The replica fleet (indexer/src/fleet, what `npm run fleet` starts): three indexer processes,
// each with its own SQLite file and its own stream of a private surfnet, behind a real HAProxy.
// A replica that falls behind (its chain cut off behind proxies) fails its /healthz and leaves
// the rotation, and comes back once it catches up; a replica killed mid-stream: the subscriber
// it served reconnects through HAProxy to another and, resuming from its last change index,
// receives every change exactly once and in order; and a node's verifier fed by deltas through
// the fleet gives the same verdicts as one fed by full snapshots, with no full reload after its first.
import assert from "node:assert/strict";
import type { IncomingMessage } from "node:http";
import { createServer } from "node:net";
import { Keypair } from "@solana/web3.js";
import { createClient } from "graphql-ws";
import WebSocket from "ws";
import { registryState } from "../../app/src/sdk/snapshot-delta.js";
import { followIndexer, type IndexerFeed } from "../../app/src/verifier/indexer-feed.js";
import { loadIndexerSnapshot } from "../../app/src/verifier/indexer-snapshot.js";
import { RequestVerifier } from "../../app/src/verifier/verifier.js";
import type { PartnerHandle, RegistryFixture } from "../../harness/registry-fixture.js";
import { useRegistrySurfnet } from "../../harness/surfnet.js";
import { type Fleet, startFleet } from "../../indexer/src/fleet/fleet.js";
import { childrenTiedToParent } from "../../indexer/src/fleet/tied-child.js";
import { RpcProxy } from "../support/rpc-proxy.js";
import { RunningScript } from "../support/scripts.js";
import { TcpProxy } from "../support/tcp-proxy.js";
import { revokeKey, signedRequest, surfnetFixture, tempDir, until } from "./support.js";

/** A subscriber with its own reconnection: resumes from the last change index it received, through HAProxy. */
class ResumingSubscriber {
  readonly received: number[] = [];
  /** The replica (HAProxy's X-Lume-Replica) of each connection, in order. */
  readonly replicas: string[] = [];
  private stopped = false;
  private dispose: (() => void) | undefined;

  constructor(
    private readonly wsUrl: string,
    private from: number,
  ) {
    this.connect();
  }

  private connect(): void {
    if (this.stopped) return;
    const replicas = this.replicas;
    class Tagged extends WebSocket {
      constructor(...args: ConstructorParameters<typeof WebSocket>) {
        super(...args);
        this.on("upgrade", (res: IncomingMessage) => replicas.push(String(res.headers["x-lume-replica"])));
      }
    }
    const client = createClient({ url: this.wsUrl, webSocketImpl: Tagged, retryAttempts: 0 });
    const again = () => {
      void client.dispose();
      if (!this.stopped) setTimeout(() => this.connect(), 100);
    };
    this.dispose = client.subscribe<{ registryChanged: { changeIndex: number } }>(
      { query: `subscription { registryChanged(fromChangeIndex: ${this.from}) { changeIndex } }` },
      {
        next: (m) => {
          const i = m.data?.registryChanged.changeIndex;
          if (i === undefined) return;
          this.received.push(i);
          this.from = i;
        },
        error: again,
        complete: again,
      },
    );
    this.client = client;
  }

  private client: ReturnType<typeof createClient> | undefined;

  async stop(): Promise<void> {
    this.stopped = true;
    this.dispose?.();
    await this.client?.dispose();
  }
}

describe("replica fleet behind HAProxy (3 indexer processes, a surfnet)", function () {
  this.timeout(180_000);
  const tmp = tempDir();
  let fleet: Fleet | undefined;
  let rpcProxy: RpcProxy;
  let wsProxy: TcpProxy;
  const feeds: IndexerFeed[] = [];
  let subscriber: ResumingSubscriber | undefined;
  after(async () => {
    await subscriber?.stop();
    for (const feed of feeds) await feed.stop();
    await fleet?.stop();
    await rpcProxy?.stop();
    await wsProxy?.stop();
    tmp.remove();
  });
  const net = useRegistrySurfnet();
  let f: RegistryFixture;
  let partner: PartnerHandle;
  const keys = [Keypair.generate(), Keypair.generate(), Keypair.generate()];
  const onChainCount = async () => Number((await f.registry()).history.changeCount);

  before(async function () {
    this.timeout(180_000);
    f = await surfnetFixture(net);
    partner = await f.admittedPartner();
    for (const [i, key] of keys.entries()) await f.issueKeyValidNow(partner.address, key, i);
    // Replica 2 reads the chain through proxies the test can cut (JSON-RPC and PubSub).
    rpcProxy = await RpcProxy.start(net.surfnet.rpcUrl);
    wsProxy = await TcpProxy.start(net.surfnet.wsUrl);
    fleet = await startFleet({
      replicas: 3,
      rpcUrl: net.surfnet.rpcUrl,
      wsUrl: net.surfnet.wsUrl,
      chainOf: (i) =>
        i === 2
          ? { rpcUrl: rpcProxy.url, wsUrl: wsProxy.url(net.surfnet.wsUrl) }
          : { rpcUrl: net.surfnet.rpcUrl, wsUrl: net.surfnet.wsUrl },
      dir: tmp.dir,
      fresh: true,
      port: 0,
      checkIntervalMs: 500,
      fall: 2,
      rise: 2,
      staleAfterMs: 2_000,
    });
    await until(
      "HAProxy has every replica up",
      async () => Object.values(await fleet!.serverStates()).join() === "UP,UP,UP",
      30_000,
    );
  });

  it("a replica that falls behind the chain fails its health check and leaves the rotation; it returns once caught up", async () => {
    const replica = fleet!.replicas[2]!;
    rpcProxy.mode = "hang";
    wsProxy.down();
    const states = await until(
      "HAProxy takes replica-2 out",
      async () => {
        const s = await fleet!.serverStates();
        return s["replica-2"]?.startsWith("DOWN") && s;
      },
      30_000,
    );
    assert.deepEqual([states["replica-0"], states["replica-1"]], ["UP", "UP"]);
    const health = await fetch(`http://127.0.0.1:${replica.port}/healthz?maxLagSlots=150`);
    assert.equal(health.status, 503);
    const body = (await health.json()) as { ok: boolean; degraded: string | null; lagging?: string };
    assert.equal(body.ok, false);
    assert.ok(body.degraded !== null || body.lagging !== undefined, JSON.stringify(body));
    // Every request through HAProxy is answered by another replica.
    const answeredBy = new Set<string>();
    for (let i = 0; i < 12; i++) {
      const res = await fetch(fleet!.url.replace(/\/graphql$/, "/healthz"));
      assert.equal(res.status, 200);
      answeredBy.add(String(res.headers.get("x-lume-replica")));
      await res.arrayBuffer();
    }
    assert.ok(!answeredBy.has("replica-2"), [...answeredBy].join(", "));

    rpcProxy.mode = "forward";
    wsProxy.up();
    await until("replica-2 back in rotation", async () => (await fleet!.serverStates())["replica-2"] === "UP", 60_000);
  });

  it("a replica killed mid-stream: its subscriber resumes on another with every change exactly once, in order; a delta-fed verifier agrees with a snapshot-fed one", async () => {
    const start = await onChainCount();
    await until("every replica has the chain's changes", async () => {
      for (const r of fleet!.replicas) {
        const res = await fetch(`http://127.0.0.1:${r.port}/healthz`);
        const status = (await res.json()) as { contiguousChangeIndex: number };
        if (status.contiguousChangeIndex < start) return false;
      }
      return true;
    });
    subscriber = new ResumingSubscriber(fleet!.wsUrl, start);
    const byDeltas = new RequestVerifier(await loadIndexerSnapshot(fleet!.url), { maxSnapshotAgeMs: 60_000 });
    const bySnapshots = new RequestVerifier(await loadIndexerSnapshot(fleet!.url), { maxSnapshotAgeMs: 60_000 });
    const deltaFeed = followIndexer(byDeltas, { graphqlUrl: fleet!.url, retryMinMs: 100, retryMaxMs: 500 });
    const snapshotFeed = followIndexer(bySnapshots, { graphqlUrl: fleet!.url, deltas: false });
    feeds.push(deltaFeed, snapshotFeed);
    await Promise.all([deltaFeed.ready, snapshotFeed.ready]);
    await until("the subscriber is connected", () => subscriber!.replicas.length > 0);

    await revokeKey(f, partner, 1);
    const middle = await onChainCount();
    await until("the subscriber has the first revocation", () => subscriber!.received.at(-1) === middle);
    // Kill the replica this subscriber is on, as a crash would (no goodbye to anyone).
    const victim = fleet!.replicas.find((r) => r.name === subscriber!.replicas.at(-1))!;
    victim.process.kill("SIGKILL");
    await victim.exited;
    await revokeKey(f, partner, 2);
    const end = await onChainCount();
    await until("the subscriber has every change", () => subscriber!.received.at(-1) === end, 30_000);

    assert.deepEqual(
      subscriber!.received,
      Array.from({ length: end - start }, (_, i) => start + 1 + i),
    );
    assert.ok(subscriber!.replicas.length >= 2, `connections: ${subscriber!.replicas.join(", ")}`);
    assert.notEqual(subscriber!.replicas.at(-1), victim.name);

    await until(
      "both verifiers have every change",
      () => byDeltas.snapshot.changeCount === end && bySnapshots.snapshot.changeCount === end,
      30_000,
    );
    assert.deepEqual(registryState(byDeltas.snapshot), registryState(bySnapshots.snapshot));
    const verdicts = (v: RequestVerifier, nonce: number) =>
      [0, 1, 2].map((k) => v.verify(signedRequest(partner, keys[k]!, k, Buffer.alloc(16, nonce + k))).reason);
    assert.deepEqual(verdicts(byDeltas, 10), ["allowed", "key_revoked", "key_revoked"]);
    assert.deepEqual(verdicts(bySnapshots, 20), verdicts(byDeltas, 30));
    // Deltas: one full snapshot (the first), resumed across the kill without another.
    assert.equal(deltaFeed.traffic.snapshots, 1, JSON.stringify(deltaFeed.traffic));
    // Snapshots: the first and at least one refetch (two revocations close together may be read by one).
    assert.ok(snapshotFeed.traffic.snapshots >= 2, JSON.stringify(snapshotFeed.traffic));
  });

  /** `npm run fleet` with two replicas, once it says it is ready: its URL and its children's pids. */
  async function startFleetScript(dir: string) {
    const script = RunningScript.start("indexer/src/fleet/main.ts", [
      "--rpc-url",
      net.surfnet.rpcUrl,
      "--ws-url",
      net.surfnet.wsUrl,
      "--replicas",
      "2",
      "--port",
      "0",
      "--dir",
      dir,
    ]);
    await script.waitForOutput("Ctrl-C stops everything.", 90_000);
    const url = /GraphQL\s+(http:\S+)/.exec(script.stdout)![1]!;
    const pids = [...script.stdout.matchAll(/pid (\d+)/g)].map((m) => Number(m[1]));
    assert.equal(pids.length, 3, script.stdout); // two replicas and HAProxy
    return { script, url, pids };
  }

  const isRunning = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };

  it("npm run fleet -- --rpc-url: serves through HAProxy until Ctrl-C, which stops HAProxy and every replica", async () => {
    const dir = tempDir();
    let script: RunningScript | undefined;
    try {
      const fleet = await startFleetScript(dir.dir);
      script = fleet.script;
      const res = await fetch(fleet.url.replace(/\/graphql$/, "/healthz"));
      assert.equal(res.status, 200);
      assert.match(String(res.headers.get("x-lume-replica")), /^replica-[01]$/);
      const run = await script.stop("SIGINT");
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /Stopped \(SIGINT\): HAProxy and 2 replicas\./);
      for (const pid of fleet.pids) assert.ok(!isRunning(pid), `process ${pid} still runs`);
    } finally {
      if (script?.running) await script.stop("SIGKILL");
      dir.remove();
    }
  });

  it("npm run fleet killed with SIGKILL (no handler runs): HAProxy and every replica end with it, the port is free again", async function () {
    // util-linux's setpriv ties the children to the fleet; Debian always has it (essential package).
    if (!childrenTiedToParent) this.skip();
    const dir = tempDir();
    const fleet = await startFleetScript(dir.dir);
    try {
      const port = Number(new URL(fleet.url).port);
      await fleet.script.stop("SIGKILL");
      await until("HAProxy and both replicas ended", () => !fleet.pids.some(isRunning), 20_000);
      // The balancer's port is free: something else can listen on it.
      const server = createServer();
      await new Promise<void>((ok, fail) => server.once("error", fail).listen(port, "127.0.0.1", ok));
      await new Promise((ok) => server.close(ok));
    } finally {
      for (const pid of fleet.pids) if (isRunning(pid)) process.kill(pid, "SIGKILL");
      dir.remove();
    }
  });
});
