// The pipeline against a private surfnet: backfill, live updates, restart from the checkpoint,
// repeated and out-of-order input, and `verify` catching a tampered index.
import assert from "node:assert/strict";
import { registryAddress } from "../../app/src/sdk/pda.js";
import type { RegistryFixture } from "../../harness/registry-fixture.js";
import type { Indexer } from "../../indexer/src/indexer.js";
import { verify } from "../../indexer/src/verify/verify.js";
import { caughtUp, newIndexer, surfnetFixture, until, useIndexerSurfnet } from "./support.js";

describe("indexer pipeline (surfnet, SQLite)", function () {
  this.timeout(120_000);
  let indexer: Indexer;
  const { net, tmp } = useIndexerSurfnet(() => indexer?.stop());
  let f: RegistryFixture;

  before(async () => {
    f = await surfnetFixture(net);
  });
  it("backfills what happened before it started, then follows live updates", async () => {
    const first = await f.admittedPartner();
    indexer = newIndexer(net, tmp.dbPath);
    await indexer.start();
    const before = await caughtUp(indexer, f);
    const row = indexer.store.account(first.address.toBase58());
    assert.equal(row?.kind, "partner");
    assert.equal(row.data?.status, "active");
    assert.equal(row.data?.stage, "admitted");
    assert.equal(indexer.store.accountsWhere("endpoint", "partner", first.address.toBase58()).length, 1);
    assert.equal(indexer.store.events()[0]?.name, "registryInitialized");

    const second = await f.apply({ legalName: "Live Partner AG", jurisdiction: "CH" });
    const live = await until("the live partner", () => indexer.store.account(second.address.toBase58()));
    assert.equal(live.data?.legalName, "Live Partner AG");
    assert.equal(live.data?.status, "pending");
    const after = await caughtUp(indexer, f);
    assert.equal(after, before + 1);
    const applied = indexer.store.events({ afterChangeIndex: before });
    assert.deepEqual(
      applied.map((e) => e.name),
      ["partnerApplied"],
    );
    assert.equal(applied[0]?.partner, second.address.toBase58());
    const tx = indexer.store.transaction(applied[0]!.signature);
    assert.deepEqual(
      tx?.instructions.map((i) => i.name),
      ["apply"],
    );
    assert.ok(tx.signers.includes(second.authority.publicKey.toBase58()));
    assert.equal(indexer.status().degraded, null);
  });

  it("resumes from its checkpoint after a restart, without losing or repeating anything", async () => {
    const checkpoint = indexer.store.checkpoint("rpc:transactions");
    const transactionsBefore = indexer.store.transactionCount();
    await indexer.stop();

    // Activity while the indexer is down.
    const offline = await f.apply({ legalName: "While Offline SARL", jurisdiction: "FR" });
    f.assertOk(await f.declareEndpoint(offline), "declare_endpoint");

    indexer = newIndexer(net, tmp.dbPath);
    await indexer.start();
    const count = await caughtUp(indexer, f);
    assert.equal(indexer.store.account(offline.address.toBase58())?.data?.legalName, "While Offline SARL");
    assert.equal(indexer.store.accountsWhere("endpoint", "partner", offline.address.toBase58()).length, 1);
    // Exactly one row per change and per transaction: nothing fetched twice was stored twice.
    assert.equal(indexer.store.eventCount(), count);
    assert.equal(indexer.store.transactionCount(), transactionsBefore + 2);
    const resumed = indexer.store.checkpoint("rpc:transactions");
    assert.ok(resumed && checkpoint && resumed.slot > checkpoint.slot, "the checkpoint moved on");
  });

  it("ignores repeated and older account updates, and repeated transactions", async () => {
    const partner = (await f.apply({ legalName: "Ordering Test BV" })).address.toBase58();
    const newest = await until("the partner", () => indexer.store.account(partner));
    const rawNewest = indexer.store.accountRaw(partner)!;
    // An older state: the same account with another legal name, at an older slot.
    const older = Buffer.from(rawNewest);
    const nameOffset = older.indexOf(Buffer.from("Ordering Test BV"));
    older.write("Stale Name Inc.", nameOffset);
    indexer.accounts("rpc", [{ pubkey: partner, slot: newest.slot - 1, lamports: 1, data: older }]);
    assert.equal(indexer.store.account(partner)?.data?.legalName, "Ordering Test BV");
    // The same update again changes nothing.
    const changed = indexer.store.applyAccounts("rpc:accounts", [
      indexer.decoder.identify({ pubkey: partner, slot: newest.slot, lamports: 1, data: rawNewest })!,
    ]);
    assert.deepEqual(changed, []);
    // A transaction delivered twice (a logs notification, then a backfill) is stored once.
    const count = await caughtUp(indexer, f);
    const last = indexer.store.events().at(-1)!;
    const source = indexer.source as unknown as {
      fetchTransactions(s: string[]): Promise<import("../../indexer/src/source/types.js").RawTransaction[]>;
    };
    const again = await source.fetchTransactions([last.signature]);
    indexer.transactions("rpc", again);
    indexer.transactions("rpc", again);
    assert.equal(indexer.store.eventCount(), count);
    // Malformed data is counted, not fatal.
    const errors = indexer.decoder.failures;
    indexer.accounts("rpc", [
      { pubkey: partner, slot: newest.slot + 10_000_000, lamports: 1, data: Buffer.from("not an account at all") },
    ]);
    assert.equal(indexer.decoder.failures, errors + 1);
    assert.equal(indexer.store.account(partner)?.data?.legalName, "Ordering Test BV");
  });

  it("upgrades rows to finalized once the chain finalizes their slot; an idle healthy stream does not lag", async () => {
    const partner = await f.apply({ legalName: "Finality Test Oy" });
    const row = await until("the partner", () => indexer.store.account(partner.address.toBase58()));
    assert.equal(row.finalized, false, "written at confirmed commitment");
    const finalized = await until(
      "the partner's slot to be finalized",
      () => indexer.store.account(partner.address.toBase58())?.finalized === true && indexer.status(),
    );
    assert.ok(finalized.finalizedSlot !== null && finalized.finalizedSlot >= row.slot);
    const event = indexer.store.events({ partner: partner.address.toBase58() }).at(-1)!;
    assert.ok(
      indexer.store.db.prepare("SELECT finalized FROM events WHERE change_index = ?").pluck().get(event.changeIndex) ===
        1,
      "the event too",
    );
    assert.ok(
      indexer.store.db
        .prepare("SELECT finalized FROM transactions WHERE signature = ?")
        .pluck()
        .get(event.signature) === 1,
      "and its transaction",
    );
    // Nothing changes on the registry for a while; the chain's slot moves on.
    const idleFrom = indexer.status();
    await until("the chain slot to move on", () => indexer.status().chainSlot > idleFrom.indexedSlot + 20 && true);
    const idle = indexer.status();
    assert.equal(idle.degraded, null);
    assert.ok(idle.lag <= 2, `lag ${idle.lag} while idle (chain ${idle.chainSlot}, indexed ${idle.indexedSlot})`);
    assert.ok(idle.syncedSlot > idle.indexedSlot);
  });

  it("verify passes on a faithful index", async () => {
    await caughtUp(indexer, f);
    const report = await verify({ connection: net.connection, store: indexer.store });
    assert.deepEqual(report.differences, []);
    assert.ok(report.ok);
    assert.equal(report.eventsReplayed, report.onChainChangeCount);
    assert.equal(report.replayedHead, report.onChainHead);
    assert.ok(report.accountsChecked >= 8);
  });

  it("verify detects a tampered row and a missing event", async () => {
    await indexer.stop(); // the index is now only a file; tamper with it as an attacker would
    const { IndexerStore } = await import("../../indexer/src/store/store.js");
    const { RegistryDecoder } = await import("../../indexer/src/decoder/decoder.js");
    const store = new IndexerStore(tmp.dbPath, { decodeAccount: new RegistryDecoder().accountData });
    try {
      const registry = registryAddress().toBase58();
      const raw = store.accountRaw(registry)!;
      raw.writeUInt8(1, 8 + 2); // threshold (after the discriminator, layout version and bump)
      store.db.prepare("UPDATE accounts SET raw = ? WHERE pubkey = ?").run(raw, registry);
      let report = await verify({ connection: net.connection, store });
      assert.equal(report.ok, false);
      assert.ok(
        report.differences.some((d) => d.includes(registry) && d.includes("stored bytes differ")),
        report.differences.join("\n"),
      );
      assert.ok(
        report.differences.some((d) => d.includes(registry) && d.includes("threshold")),
        report.differences.join("\n"),
      );

      // A lookup key moved to another partner: readers would show the endpoint under the wrong owner.
      const endpoint = store.db.prepare("SELECT pubkey FROM accounts WHERE kind = 'endpoint' LIMIT 1").get() as {
        pubkey: string;
      };
      store.db.prepare("UPDATE accounts SET owner = ? WHERE pubkey = ?").run(registry, endpoint.pubkey);
      report = await verify({ connection: net.connection, store });
      assert.ok(
        report.differences.some((d) => d.includes(endpoint.pubkey) && d.includes("stored owner")),
        report.differences.join("\n"),
      );

      store.db.prepare("DELETE FROM events WHERE change_index = 3").run();
      report = await verify({ connection: net.connection, store });
      assert.ok(
        report.differences.some((d) => d.includes("change 3 missing")),
        report.differences.join("\n"),
      );
      assert.ok(
        report.differences.some((d) => d.includes("replayed head")),
        report.differences.join("\n"),
      );
      assert.ok(
        report.differences.some((d) => /counts \d+ changes, the index holds \d+ events/.test(d)),
        report.differences.join("\n"),
      );
    } finally {
      store.close();
    }
  });
});
