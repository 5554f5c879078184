// The SQLite store on its own: pragmas and versioned migrations, slot-ordered idempotent
// upserts, closed accounts kept, and a batch that fails leaving neither data nor checkpoint.
import assert from "node:assert/strict";
import { IndexerStore } from "../../indexer/src/store/store.js";
import { MIGRATIONS } from "../../indexer/src/store/migrations.js";
import type { DecodedAccount, DecodedTransaction } from "../../indexer/src/decoder/decoder.js";
import { tempDir } from "./support.js";

const account = (pubkey: string, slot: number, name: string): DecodedAccount => ({ pubkey, slot, kind: "partner", data: { legalName: name }, raw: Buffer.from(name) });

describe("indexer store (SQLite)", () => {
  const tmp = tempDir();
  let store: IndexerStore;
  beforeEach(() => {
    store?.close();
    store = new IndexerStore(`${tmp.dir}/store-${Math.random().toString(36).slice(2)}.sqlite`);
  });
  after(() => {
    store?.close();
    tmp.remove();
  });

  it("opens in WAL mode with synchronous=NORMAL and records the schema version; reopening migrates nothing twice", () => {
    assert.equal(store.db.pragma("journal_mode", { simple: true }), "wal");
    assert.equal(store.db.pragma("synchronous", { simple: true }), 1); // NORMAL
    assert.equal(store.schemaVersion, MIGRATIONS.length);
    store.applyAccounts("rpc:accounts", [account("A", 5, "kept")]);
    store.close();
    store = new IndexerStore(store.path);
    assert.equal(store.schemaVersion, MIGRATIONS.length);
    assert.equal(store.account("A")?.data.legalName, "kept");
  });

  it("keeps the newest state whatever order updates arrive in, and repeats change nothing", () => {
    assert.equal(store.applyAccounts("rpc:accounts", [account("A", 10, "ten")]).length, 1);
    assert.equal(store.applyAccounts("rpc:accounts", [account("A", 7, "seven")]).length, 0);
    assert.equal(store.applyAccounts("rpc:accounts", [account("A", 10, "ten")]).length, 0);
    assert.equal(store.account("A")?.data.legalName, "ten");
    assert.equal(store.applyAccounts("rpc:accounts", [account("A", 12, "twelve")]).length, 1);
    assert.equal(store.account("A")?.slot, 12);
    assert.deepEqual(store.checkpoint("rpc:accounts"), { source: "rpc:accounts", slot: 12, signature: null });
  });

  it("marks an account closed (not forgotten) when a snapshot no longer has it, or a notification says so", () => {
    store.applyAccounts("rpc:accounts", [account("A", 10, "a"), account("B", 10, "b")]);
    const changed = store.applyAccounts("rpc:accounts", [account("A", 20, "a")], { snapshotSlot: 20 });
    assert.deepEqual(changed.map((c) => [c.pubkey, c.closed]), [["A", false], ["B", true]]);
    assert.equal(store.account("B")?.closed, true);
    assert.equal(store.account("B")?.data.legalName, "b", "the last state is kept");
    store.applyAccounts("rpc:accounts", [{ pubkey: "A", slot: 30, kind: null, data: null, raw: null }]);
    assert.equal(store.account("A")?.closed, true);
  });

  it("writes a batch and its checkpoint in one transaction: a failing batch leaves neither", () => {
    const tx = (signature: string, slot: number, changeIndex: number): DecodedTransaction => ({
      signature,
      slot,
      blockTime: null,
      ok: true,
      err: null,
      signers: [],
      instructions: [],
      events: [{ signature, slot, changeIndex, name: "partnerApplied", data: { partner: "A" }, raw: Buffer.alloc(16) }],
    });
    store.applyTransactions("rpc:transactions", [tx("s1", 5, 1)]);
    const broken = tx("s2", 6, 2);
    (broken.events[0] as { data: unknown }).data = { notJson: 1n }; // fails mid-batch, after s3 was written
    assert.throws(() => store.applyTransactions("rpc:transactions", [tx("s3", 6, 3), broken]));
    assert.equal(store.transaction("s3"), undefined);
    assert.equal(store.eventCount(), 1);
    assert.deepEqual(store.checkpoint("rpc:transactions"), { source: "rpc:transactions", slot: 5, signature: "s1" });
    // Replaying the same transaction is a no-op.
    assert.deepEqual(store.applyTransactions("rpc:transactions", [tx("s1", 5, 1)]), []);
    assert.equal(store.contiguousChangeIndex(), 1);
  });
});
