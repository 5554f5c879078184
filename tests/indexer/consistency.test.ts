// Account and transaction notifications travel separately and race. A node that reloads its
// snapshot when it hears of a change must find the accounts that change wrote, so the pipeline
// publishes an event only once its transaction's accounts are stored. Here the account stream is
// held back by a second, and every published event must still find the registry account (which
// every registry transaction writes) at or past its own change.
import assert from "node:assert/strict";
import anchor from "@coral-xyz/anchor";
import { Keypair } from "@solana/web3.js";
import { LUME_REGISTRY_PROGRAM_ID } from "../../app/src/sdk/idl.js";
import { registryAddress } from "../../app/src/sdk/pda.js";
import { addresses, type RegistryFixture } from "../../harness/registry-fixture.js";
import { resolvers } from "../../indexer/src/api/resolvers.js";
import { changeStream } from "../../indexer/src/api/subscriptions.js";
import { Indexer } from "../../indexer/src/indexer.js";
import { RpcSource } from "../../indexer/src/source/rpc-source.js";
import type { ChainSource, IngestSink, RawTransaction } from "../../indexer/src/source/types.js";
import type { EventRow } from "../../indexer/src/store/store.js";
import { caughtUp, surfnetFixture, until, useIndexerSurfnet } from "./support.js";

const { BN } = anchor;

/** `sink` with live account notifications delivered a second late (snapshots at once). */
function withLateAccounts(sink: IngestSink): IngestSink {
  return {
    accounts: (source, updates, snapshot) =>
      snapshot
        ? sink.accounts(source, updates, snapshot)
        : void setTimeout(() => sink.accounts(source, updates), 1_000),
    transactions: (source, txs) => sink.transactions(source, txs),
    chainSlot: (slot) => sink.chainSlot(slot),
    degraded: (reason) => sink.degraded(reason),
  };
}

/** The RPC source with its live account notifications delivered a second late. */
class SlowAccountStream implements ChainSource {
  readonly name = "rpc";
  constructor(private readonly inner: RpcSource) {}
  start(sink: IngestSink): Promise<void> {
    return this.inner.start(withLateAccounts(sink));
  }
  backfill: ChainSource["backfill"] = (sink, progress) => this.inner.backfill(sink, progress);
  readAccounts: NonNullable<ChainSource["readAccounts"]> = (pubkeys, minSlot) =>
    this.inner.readAccounts(pubkeys, minSlot);
  repair = (reason: string) => this.inner.repair(reason);
  stop = () => this.inner.stop();
}

/** The RPC source with every read of a transaction's accounts taking `delayMs` longer. */
class SlowAccountReads implements ChainSource {
  readonly name = "rpc";
  constructor(
    private readonly inner: RpcSource,
    private readonly delayMs: number,
  ) {}
  start = (sink: IngestSink) => this.inner.start(sink);
  backfill: ChainSource["backfill"] = (sink, progress) => this.inner.backfill(sink, progress);
  readAccounts: NonNullable<ChainSource["readAccounts"]> = async (pubkeys, minSlot) => {
    await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    return this.inner.readAccounts(pubkeys, minSlot);
  };
  repair = (reason: string) => this.inner.repair(reason);
  stop = () => this.inner.stop();
}

/**
 * The RPC source with live account notifications a second late, reads of a transaction's
 * accounts 300 ms slower, and, once armed, the next live transaction batch held back until the
 * one after it has been delivered: a later transaction overtaking an earlier one, as notifications
 * and transaction fetches do.
 */
class OvertakingTransaction implements ChainSource {
  readonly name = "rpc";
  private armed = false;
  private held: { source: string; txs: RawTransaction[] } | undefined;
  constructor(private readonly inner: RpcSource) {}
  holdNext(): void {
    this.armed = true;
  }
  start(sink: IngestSink): Promise<void> {
    return this.inner.start({
      ...withLateAccounts(sink),
      transactions: (source, txs) => {
        const live = txs.some((t) => t.writable !== undefined);
        if (this.armed && live) {
          this.armed = false;
          this.held = { source, txs };
          return;
        }
        sink.transactions(source, txs);
        const held = this.held;
        this.held = undefined;
        if (held !== undefined) sink.transactions(held.source, held.txs);
      },
    });
  }
  backfill: ChainSource["backfill"] = (sink, progress) => this.inner.backfill(sink, progress);
  readAccounts: NonNullable<ChainSource["readAccounts"]> = async (pubkeys, minSlot) => {
    await new Promise((resolve) => setTimeout(resolve, 300));
    return this.inner.readAccounts(pubkeys, minSlot);
  };
  repair = (reason: string) => this.inner.repair(reason);
  stop = () => this.inner.stop();
}

/** Collects what a change stream delivers, noting whether the event's partner was stored by then. */
function collect(
  indexer: Indexer,
  stream: AsyncIterableIterator<EventRow>,
): { seen: { changeIndex: number; partnerStored: boolean }[]; stop(): Promise<unknown> } {
  const seen: { changeIndex: number; partnerStored: boolean }[] = [];
  const done = (async () => {
    for await (const event of stream)
      seen.push({
        changeIndex: event.changeIndex,
        partnerStored: event.partner !== null && indexer.store.account(event.partner) !== undefined,
      });
  })();
  return {
    seen,
    stop: async () => {
      await stream.return?.();
      return done;
    },
  };
}

describe("indexer: events are published only with the accounts they wrote (surfnet)", function () {
  this.timeout(120_000);
  let indexer: Indexer | undefined;
  const { net, tmp } = useIndexerSurfnet(() => indexer?.stop());
  let f: RegistryFixture;
  /** The real RPC source on this suite's surfnet, for a test's wrapper to slow down. */
  const rpcSource = () =>
    new RpcSource({
      rpcUrl: net.surfnet.rpcUrl,
      wsUrl: net.surfnet.wsUrl,
      programId: LUME_REGISTRY_PROGRAM_ID,
      staleAfterMs: 15_000,
    });

  before(async () => {
    f = await surfnetFixture(net);
  });

  it("a subscriber hearing of a change finds the registry and the key it wrote already stored", async () => {
    const inner = rpcSource();
    indexer = new Indexer({
      rpcUrl: net.surfnet.rpcUrl,
      dbPath: tmp.dbPath,
      source: new SlowAccountStream(inner),
      finalityPollMs: 60_000,
    });
    const partner = await f.admittedPartner();
    await indexer.start();
    await caughtUp(indexer, f);

    const registry = registryAddress().toBase58();
    const seen: { event: EventRow; registryChangeCount: number; keyStatus: string | undefined }[] = [];
    indexer.onEvent((event) => {
      const row = indexer!.store.account(registry);
      const key =
        event.name === "keyIssued" || event.name === "keyRevoked"
          ? indexer!.store.account(addresses.key(partner.address, 0).toBase58())
          : undefined;
      seen.push({ event, registryChangeCount: Number(row?.data?.history?.changeCount), keyStatus: key?.data?.status });
    });
    const now = await f.now();
    const key = Keypair.generate();
    const issue = {
      issueKey: {
        publicKey: Array.from(key.publicKey.toBuffer()),
        endpoints: [],
        validFrom: new BN(now),
        validUntil: new BN(now + 86_400),
        replaces: null,
      },
    };
    f.assertOk(await f.pass(issue, partner.address, [partner.address, addresses.key(partner.address, 0)]), "issue key");
    f.assertOk(
      await f.pass({ revokeKey: { index: 0, reason: { compromised: {} } } }, partner.address, [
        partner.address,
        addresses.key(partner.address, 0),
      ]),
      "revoke key",
    );
    const total = await caughtUp(indexer, f);
    await until("every change published", () => seen.at(-1)?.event.changeIndex === total);

    assert.ok(seen.length >= 8, `${seen.length} events published`);
    for (const { event, registryChangeCount } of seen) {
      assert.ok(
        registryChangeCount >= event.changeIndex,
        `change ${event.changeIndex} (${event.name}) published while the stored registry counted ${registryChangeCount}`,
      );
    }
    assert.deepEqual(
      seen.filter((s) => s.keyStatus !== undefined).map((s) => [s.event.name, s.keyStatus]),
      [
        ["keyIssued", "active"],
        ["keyRevoked", "revoked"],
      ],
    );
  });

  it("while a change waits for its accounts: live subscribers still get it, replays and snapshots wait for it", async () => {
    await indexer?.stop();
    const inner = rpcSource();
    indexer = new Indexer({
      rpcUrl: net.surfnet.rpcUrl,
      dbPath: `${tmp.dir}/slow-reads.sqlite`,
      source: new SlowAccountReads(inner, 1_500),
      finalityPollMs: 60_000,
    });
    await indexer.start();
    const before = await caughtUp(indexer, f);
    const snapshotOf = resolvers().Query.snapshot;

    const applied = await f.apply({ legalName: "Slow Read Oy" });
    await until("the event stored, its accounts still being read", () => indexer!.store.eventCount() > before);
    assert.equal(indexer.publishedChangeIndex, before, "not published before its accounts are read");
    assert.equal(
      snapshotOf(null, null, { indexer })?.settled,
      false,
      "the snapshot says it may miss the change's accounts",
    );
    const live = collect(indexer, changeStream(indexer, null));
    const replay = collect(indexer, changeStream(indexer, { afterChangeIndex: before - 1 }));
    await until("the change published", () => indexer!.publishedChangeIndex > before, 10_000);
    await until("both streams delivered it", () => live.seen.length > 0 && replay.seen.length > 1);
    assert.deepEqual(
      live.seen,
      [{ changeIndex: before + 1, partnerStored: true }],
      "a live subscriber that came in meanwhile gets the change",
    );
    assert.deepEqual(
      replay.seen.map((e) => e.changeIndex),
      [before, before + 1],
    );
    assert.ok(
      replay.seen.every((e) => e.partnerStored || e.changeIndex === before),
      "a replay never runs ahead of the accounts",
    );
    assert.equal(indexer.store.account(applied.address.toBase58())?.data?.legalName, "Slow Read Oy");
    assert.equal(snapshotOf(null, null, { indexer })?.settled, true);
    await Promise.all([live.stop(), replay.stop()]);
  });
  it("a transaction overtaken by a later one is published only once its own accounts are stored", async () => {
    // Seen flaky here (2 runs in 10): the later transaction's batch settled first and published
    // the earlier change too, while that change's own accounts were still being read.
    await indexer?.stop();
    const source = new OvertakingTransaction(rpcSource());
    indexer = new Indexer({
      rpcUrl: net.surfnet.rpcUrl,
      dbPath: `${tmp.dir}/overtaken.sqlite`,
      source,
      finalityPollMs: 60_000,
    });
    await indexer.start();
    const before = await caughtUp(indexer, f);
    const live = collect(indexer, changeStream(indexer, null));
    source.holdNext();
    await f.apply({ legalName: "Overtaken AG" });
    await f.apply({ legalName: "Overtaking AG" });
    await until("both changes published", () => live.seen.length >= 2, 15_000);
    await live.stop();
    assert.deepEqual(live.seen, [
      { changeIndex: before + 1, partnerStored: true },
      { changeIndex: before + 2, partnerStored: true },
    ]);
  });
});
