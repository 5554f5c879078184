// The SQLite store on its own: pragmas and versioned migrations, slot-ordered idempotent
// upserts, closed accounts kept, and a batch that fails leaving neither data nor checkpoint.
import assert from "node:assert/strict";
import type { DecodedTransaction, IndexedAccount } from "../../indexer/src/decoder/decoder.js";
import type { AccountDataDecoder } from "../../indexer/src/store/account-cache.js";
import { MIGRATIONS } from "../../indexer/src/store/migrations.js";
import { IndexerStore } from "../../indexer/src/store/store.js";
import { syntheticTransaction, tempDir } from "./support.js";

const account = (
  pubkey: string,
  slot: number,
  name: string,
  keys: { kind?: string; owner?: string; seq?: number } = {},
): IndexedAccount => ({
  pubkey,
  slot,
  kind: keys.kind ?? "partner",
  owner: keys.owner ?? null,
  seq: keys.seq ?? null,
  raw: Buffer.from(name),
});

/** A stand-in for the IDL decoder: the bytes are the legal name; "MALFORMED" fails to decode. */
function nameDecoder(): AccountDataDecoder & { decoded: number; malformedReports: string[] } {
  const decoder = {
    decoded: 0,
    malformedReports: [] as string[],
    decode(_kind: string, raw: Buffer) {
      decoder.decoded += 1;
      if (raw.toString() === "MALFORMED") throw new Error("invalid enum variant 9");
      return { legalName: raw.toString() };
    },
    malformed(pubkey: string, slot: number) {
      decoder.malformedReports.push(`${pubkey}@${slot}`);
    },
  };
  return decoder;
}

describe("indexer store (SQLite)", () => {
  const tmp = tempDir();
  let store: IndexerStore;
  let decoder: ReturnType<typeof nameDecoder>;
  const open = (path: string) => new IndexerStore(path, { decodeAccount: decoder });
  beforeEach(() => {
    store?.close();
    decoder = nameDecoder();
    store = open(`${tmp.dir}/store-${Math.random().toString(36).slice(2)}.sqlite`);
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
    store = open(store.path);
    assert.equal(store.schemaVersion, MIGRATIONS.length);
    assert.equal(store.account("A")?.data?.legalName, "kept");
  });

  it("keeps the newest state whatever order updates arrive in, and repeats change nothing", () => {
    assert.equal(store.applyAccounts("rpc:accounts", [account("A", 10, "ten")]).length, 1);
    assert.equal(store.applyAccounts("rpc:accounts", [account("A", 7, "seven")]).length, 0);
    assert.equal(store.applyAccounts("rpc:accounts", [account("A", 10, "ten")]).length, 0);
    assert.equal(store.account("A")?.data?.legalName, "ten");
    assert.equal(store.applyAccounts("rpc:accounts", [account("A", 12, "twelve")]).length, 1);
    assert.equal(store.account("A")?.slot, 12);
    assert.deepEqual(store.checkpoint("rpc:accounts"), { source: "rpc:accounts", slot: 12, signature: null });
  });

  it("marks an account closed (not forgotten) when a snapshot no longer has it, or a notification says so", () => {
    store.applyAccounts("rpc:accounts", [account("A", 10, "a"), account("B", 10, "b")]);
    const changed = store.applyAccounts("rpc:accounts", [account("A", 20, "a")], { snapshotSlot: 20 });
    assert.deepEqual(
      changed.map((c) => [c.pubkey, c.closed]),
      [
        ["A", false],
        ["B", true],
      ],
    );
    assert.equal(store.account("B")?.closed, true);
    assert.equal(store.account("B")?.data?.legalName, "b", "the last state is kept");
    const closed = store.applyAccounts("rpc:accounts", [
      { pubkey: "A", slot: 30, kind: null, owner: null, seq: null, raw: null },
    ]);
    assert.equal(closed[0]?.data?.legalName, "a", "subscribers see the last state of what closed");
    assert.equal(store.account("A")?.closed, true);
    assert.equal(store.account("A")?.data?.legalName, "a");
    // A close for an address never seen open records nothing; a later re-open is a live row again.
    assert.deepEqual(
      store.applyAccounts("rpc:accounts", [{ pubkey: "Z", slot: 31, kind: null, owner: null, seq: null, raw: null }]),
      [],
    );
    assert.equal(store.account("Z"), undefined);
    store.applyAccounts("rpc:accounts", [account("A", 40, "again")]);
    assert.deepEqual([store.account("A")?.closed, store.account("A")?.data?.legalName], [false, "again"]);
  });

  it("decodes stored bytes when read, once per content, and leaves malformed data out (reported once)", () => {
    const changed = store.applyAccounts("rpc:accounts", [account("A", 1, "first"), account("B", 1, "MALFORMED")]);
    assert.equal(decoder.decoded, 0, "ingest decodes nothing");
    assert.equal(changed[0]!.data?.legalName, "first");
    for (let i = 0; i < 3; i++) assert.equal(store.account("A")?.data?.legalName, "first");
    assert.equal(decoder.decoded, 1, "the same bytes are decoded once");
    store.applyAccounts("rpc:accounts", [account("A", 2, "second")]);
    assert.equal(store.account("A")?.data?.legalName, "second", "new bytes are decoded afresh");
    assert.equal(store.account("B"), undefined);
    assert.deepEqual(
      store.accounts("partner").map((r) => r.pubkey),
      ["A"],
    );
    assert.deepEqual(decoder.malformedReports, ["B@1"]);
  });

  it("finds accounts by owner and number (the keys stored at ingest)", () => {
    store.applyAccounts("rpc:accounts", [
      account("E2", 5, "e2", { kind: "endpoint", owner: "P1", seq: 2 }),
      account("E1", 5, "e1", { kind: "endpoint", owner: "P1", seq: 1 }),
      account("E3", 5, "e3", { kind: "endpoint", owner: "P2", seq: 1 }),
      account("K1", 5, "k1", { kind: "infraKey", owner: "P1", seq: 1 }),
      account("P1", 5, "p1", { kind: "partner", seq: 7 }),
    ]);
    assert.deepEqual(
      store.accountsOf("endpoint", "P1").map((r) => r.pubkey),
      ["E1", "E2"],
    );
    assert.deepEqual(
      store.accountsWhere("endpoint", "partner", "P2").map((r) => r.pubkey),
      ["E3"],
    );
    assert.equal(store.accountBySeq("partner", 7)?.pubkey, "P1");
    assert.deepEqual(
      store.accountsWhere("partner", "partnerId", "7").map((r) => r.pubkey),
      ["P1"],
    );
    assert.deepEqual(
      store.accountsWhere("partner", "legalName", "p1").map((r) => r.pubkey),
      ["P1"],
      "other fields: a scan of decoded rows",
    );
  });

  it("marks rows finalized once the chain's finalized slot reaches them", () => {
    const tx = (signature: string, slot: number, changeIndex: number): DecodedTransaction =>
      syntheticTransaction(signature, slot, { changeIndex, name: "partnerApplied", data: { partner: "A" } });
    store.applyAccounts("rpc:accounts", [account("A", 10, "a"), account("B", 20, "b")]);
    store.applyTransactions("rpc:transactions", [tx("s1", 10, 1), tx("s2", 20, 2)]);
    assert.deepEqual(store.unfinalizedCounts(), { accounts: 2, transactions: 2, events: 2 });
    assert.deepEqual(store.markFinalized(15), { accounts: 1, transactions: 1, events: 1 });
    assert.deepEqual([store.account("A")?.finalized, store.account("B")?.finalized], [true, false]);
    assert.deepEqual(store.markFinalized(15), { accounts: 0, transactions: 0, events: 0 }, "idempotent");
    // A newer confirmed state of a finalized account is not finalized until its own slot is.
    store.applyAccounts("rpc:accounts", [account("A", 30, "a2")]);
    assert.equal(store.account("A")?.finalized, false);
    store.markFinalized(30);
    assert.deepEqual(store.unfinalizedCounts(), { accounts: 0, transactions: 0, events: 0 });
  });

  it("finds events by name and proposal; the latest change's program clock", () => {
    const voted = (
      signature: string,
      changeIndex: number,
      proposalId: number,
      unixTimestamp: number,
    ): DecodedTransaction =>
      syntheticTransaction(signature, changeIndex, {
        changeIndex,
        name: "proposalVoted",
        data: { proposalId: String(proposalId), change: { unixTimestamp: String(unixTimestamp) } },
      });
    assert.equal(store.latestChangeTime(), null);
    store.applyTransactions("rpc:transactions", [
      voted("s1", 1, 4, 100),
      voted("s2", 2, 5, 300),
      voted("s3", 3, 4, 200),
    ]);
    assert.deepEqual(
      store.events({ name: "proposalVoted", proposalId: 4 }).map((e) => e.changeIndex),
      [1, 3],
    );
    assert.deepEqual(store.events({ name: "keyRevoked" }), []);
    assert.equal(store.latestChangeTime(), 200, "the clock at the newest change, by change order");
  });

  it("history by block time range: inclusive bounds, events without a block time left out", () => {
    const at = (signature: string, changeIndex: number, blockTime: number | null): DecodedTransaction =>
      syntheticTransaction(signature, changeIndex, { changeIndex, name: "partnerApplied", data: null }, blockTime);
    store.applyTransactions("rpc:transactions", [
      at("s1", 1, 100),
      at("s2", 2, 200),
      at("s3", 3, null),
      at("s4", 4, 300),
    ]);
    const ids = (filter: { fromTime?: number; toTime?: number }) => store.events(filter).map((e) => e.changeIndex);
    assert.deepEqual(ids({ fromTime: 100, toTime: 200 }), [1, 2]);
    assert.deepEqual(ids({ fromTime: 101 }), [2, 4]);
    assert.deepEqual(ids({ toTime: 299 }), [1, 2]);
    assert.deepEqual(ids({ fromTime: 301 }), []);
    assert.deepEqual(ids({}), [1, 2, 3, 4]);
  });

  it("migrates a version-2 index: JSON data becomes lookup keys, nothing is lost", () => {
    const path = `${tmp.dir}/v2-${Math.random().toString(36).slice(2)}.sqlite`;
    const Database = store.db.constructor as typeof import("better-sqlite3");
    const old = new Database(path);
    old.exec(MIGRATIONS[0]!);
    old.exec(MIGRATIONS[1]!);
    old.pragma("user_version = 2");
    const insert = old.prepare(
      "INSERT INTO accounts(pubkey, kind, slot, data, raw, updated_at) VALUES (?, ?, 5, ?, ?, 0)",
    );
    insert.run("P", "partner", JSON.stringify({ partnerId: "3", legalName: "x" }), Buffer.from("partner three"));
    insert.run("E", "endpoint", JSON.stringify({ partner: "P", index: 2 }), Buffer.from("endpoint"));
    old.close();
    store.close();
    store = open(path);
    assert.equal(store.schemaVersion, MIGRATIONS.length);
    assert.equal(store.accountBySeq("partner", 3)?.data.legalName, "partner three");
    assert.deepEqual(store.accountKeys("E"), { kind: "endpoint", owner: "P", seq: 2 });
  });

  it("writes a batch and its checkpoint in one transaction: a failing batch leaves neither", () => {
    const tx = (signature: string, slot: number, changeIndex: number): DecodedTransaction =>
      syntheticTransaction(signature, slot, { changeIndex, name: "partnerApplied", data: { partner: "A" } });
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
