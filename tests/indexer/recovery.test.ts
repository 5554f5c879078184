// Gaps are detected and repaired: a dropped websocket, and a hole in the stored history. A lost
// stream is stale state (degraded, authorize fails closed); a hole in the history alone is not.
import assert from "node:assert/strict";
import { pino } from "pino";
import { dropConnectionSocket } from "../../app/src/sdk/connection-socket.js";
import type { RegistryFixture } from "../../harness/registry-fixture.js";
import { RegistryDecoder } from "../../indexer/src/decoder/decoder.js";
import { Indexer } from "../../indexer/src/indexer.js";
import type { RpcSource } from "../../indexer/src/source/rpc-source.js";
import { IndexerStore } from "../../indexer/src/store/store.js";
import { verify } from "../../indexer/src/verify/verify.js";
import { caughtUp, newIndexer, surfnetFixture, until, useIndexerSurfnet } from "./support.js";

describe("indexer gap detection and repair (surfnet)", function () {
  this.timeout(120_000);
  let indexer: Indexer;
  const { net, tmp } = useIndexerSurfnet(() => indexer?.stop());
  let f: RegistryFixture;

  before(async () => {
    f = await surfnetFixture(net);
    // A short watchdog (slots come every ~75 ms on a surfnet), so the silent-stream test is quick.
    indexer = newIndexer(net, tmp.dbPath, 2_000);
    await indexer.start();
    await caughtUp(indexer, f);
  });

  it("a dropped websocket reconnects, and what changed meanwhile is re-backfilled", async () => {
    const degradedSeen: (string | null)[] = [];
    const original = indexer.degraded.bind(indexer);
    indexer.degraded = (reason) => {
      degradedSeen.push(reason);
      original(reason);
    };
    dropConnectionSocket((indexer.source as RpcSource).connection); // web3.js reconnects after a second
    const missed = await f.apply({ legalName: "Sent While Disconnected" });
    await until("the partner sent while disconnected", () => indexer.store.account(missed.address.toBase58()));
    await caughtUp(indexer, f);
    assert.ok(degradedSeen.includes("websocket reconnected"), JSON.stringify(degradedSeen));
    assert.equal(degradedSeen.at(-1), null);
    // And it keeps following live changes afterwards.
    const after = await f.apply({ legalName: "After Reconnect" });
    await until("a live change after the reconnect", () => indexer.store.account(after.address.toBase58()));
  });

  it("a silent slot stream trips the watchdog: degraded, resubscribed, re-backfilled, healthy again", async () => {
    await caughtUp(indexer, f);
    const source = indexer.source as unknown as {
      subscriptions: { kind: string; id: number }[];
      connection: RpcSource["connection"];
      options: { staleAfterMs?: number };
    };
    const reasons: (string | null)[] = [];
    const original = indexer.degraded.bind(indexer);
    indexer.degraded = (reason) => {
      reasons.push(reason);
      original(reason);
    };
    // The stream goes quiet (as Helius' and Yellowstone's have been seen to) while the chain moves on.
    const slot = source.subscriptions.find((s) => s.kind === "slot")!;
    await source.connection.removeSlotChangeListener(slot.id);
    source.subscriptions = source.subscriptions.filter((s) => s !== slot);
    await until("the watchdog to fire", () => reasons.some((r) => r?.startsWith("no slot notification")), 20_000);
    await until("healthy again", () => reasons.at(-1) === null, 20_000);
    assert.ok(
      source.subscriptions.some((s) => s.kind === "slot" && s.id !== slot.id),
      "resubscribed to slots",
    );
    const later = await f.apply({ legalName: "After Watchdog" });
    await until("a live change after the watchdog", () => indexer.store.account(later.address.toBase58()));
  });

  it("a hole in the stored history is reported as incomplete history, not stale state, and heals with no new change", async () => {
    await caughtUp(indexer, f);
    const lost = indexer.store.events()[1]!;
    indexer.store.db.prepare("DELETE FROM events WHERE change_index = ?").run(lost.changeIndex);
    assert.match(indexer.historyIncomplete ?? "", /history incomplete/);
    // The accounts stream on their own (programSubscribe): the state served is still fresh.
    assert.equal(indexer.degradation, null);
    const { authorize } = await import("../../indexer/src/api/authorize.js");
    const answer = authorize(
      indexer,
      { partner: "x", key: "y", endpoint: "z", category: "api-read" },
      { categories: f.options.categories },
      0,
    );
    assert.deepEqual([answer.reason, answer.degraded], ["unknown partner", false]);

    // No activity on the chain: the indexer fetches the missing change by itself.
    await caughtUp(indexer, f);
    const restored = indexer.store.events({ afterChangeIndex: lost.changeIndex - 1, limit: 1 })[0]!;
    assert.equal(restored.changeIndex, lost.changeIndex);
    assert.ok(restored.raw.equals(lost.raw));
    assert.equal(indexer.historyIncomplete, null);
  });

  it("a stored history whose hash chain disagrees with the registry's head is dropped and fetched again", async () => {
    await caughtUp(indexer, f);
    await indexer.stop();
    // Corrupt one stored event's bytes in the file (a bad disk, or someone with the file).
    const store = new IndexerStore(tmp.dbPath, { decodeAccount: new RegistryDecoder().accountData });
    const victim = store.historyEntries(2, 1)[0]!;
    const transactions = store.transactionCount();
    const corrupted = Buffer.from(victim.raw);
    corrupted[corrupted.length - 1]! ^= 0xff;
    store.db.prepare("UPDATE events SET raw = ? WHERE change_index = ?").run(corrupted, victim.changeIndex);
    store.close();

    const lines: string[] = [];
    const logger = pino({ level: "info" }, { write: (line: string) => void lines.push(line) });
    indexer = new Indexer({
      rpcUrl: net.surfnet.rpcUrl,
      wsUrl: net.surfnet.wsUrl,
      dbPath: tmp.dbPath,
      staleAfterMs: 2_000,
      logger,
    });
    await indexer.start();
    await caughtUp(indexer, f);
    assert.ok(
      lines.some((l) => l.includes("history hash chain mismatch at change")),
      "the mismatch is reported",
    );
    const stored = indexer.store.historyEntries(victim.changeIndex - 1, 1)[0]!;
    assert.ok(stored.raw.equals(victim.raw), "the chain's bytes are back");
    assert.equal(indexer.store.transactionCount(), transactions, "the whole history was fetched again");
    assert.equal(indexer.degradation, null);
    const report = await verify({ connection: net.connection, store: indexer.store });
    assert.deepEqual(report.differences, []);
  });
});
