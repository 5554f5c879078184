// The SQLite store: WAL + synchronous=NORMAL (the checkpoint is written in the same transaction
// as the data it covers, so a commit lost to a power cut is simply fetched again), versioned
// migrations, one transaction per batch, slot-ordered idempotent upserts. Accounts are stored as
// their raw bytes plus lookup keys and decoded when read (cached per address and content).
import Database from "better-sqlite3";
import { UserError } from "../../../app/src/entry/user-error.js";
import { type DecodedTransaction, type IndexedAccount, SEQ_FIELD } from "../decoder/decoder.js";
import type { Json } from "../decoder/normalize.js";
import { AccountDataCache, type AccountDataDecoder } from "./account-cache.js";
import { MIGRATIONS } from "./migrations.js";
import {
  type AccountData,
  type AccountKind,
  type AnyOf,
  accountDataOf,
  type EventData,
  eventDataOf,
} from "./row-data.js";

interface StoredAccount {
  pubkey: string;
  slot: number;
  finalized: boolean;
  closed: boolean;
}

/**
 * A stored account: `AccountRow<"partner">` (what the queries by kind return) has that kind's
 * data as the IDL types it (for a closed account, its last state); a row of any kind
 * (`AccountRow`) may hold any kind's fields, or null for an account of no known kind.
 */
export type AccountRow<K extends AccountKind | "any" = "any"> = StoredAccount &
  (K extends AccountKind
    ? { kind: K; data: AccountData<K> }
    : { kind: string | null; data: AnyOf<AccountData> | null });

export interface EventRow {
  changeIndex: number;
  signature: string;
  slot: number;
  blockTime: number | null;
  name: string;
  partner: string | null;
  /** The event's fields (any event's, as the IDL types them; null when its bytes do not decode). */
  data: AnyOf<EventData> | null;
  raw: Buffer;
}

/** An event as its stored columns say: untrusted JSON until verify compares it with the bytes. */
export type StoredEventRow = Omit<EventRow, "data"> & { data: Json };

/** A stored transaction: the decoded one without its events (those have their own table). */
export type TransactionRow = Omit<DecodedTransaction, "events">;

/** Which chain an index belongs to: the cluster (its genesis hash) and the program. */
export interface ChainIdentity {
  genesisHash: string;
  programId: string;
}

export interface Checkpoint {
  source: string;
  slot: number;
  signature: string | null;
}

interface RawAccountRow {
  pubkey: string;
  kind: string | null;
  slot: number;
  finalized: number;
  closed: number;
  raw: Buffer | null;
}

const ACCOUNT_COLUMNS = "pubkey, kind, slot, finalized, closed, raw";

interface RawEventRow {
  change_index: number;
  signature: string;
  slot: number;
  block_time: number | null;
  name: string;
  partner: string | null;
  data: string | null;
  raw: Buffer;
}

/** An event as its stored columns say (verify compares it with what its bytes say). */
function storedEventRow(r: RawEventRow): StoredEventRow {
  return {
    changeIndex: r.change_index,
    signature: r.signature,
    slot: r.slot,
    blockTime: r.block_time,
    name: r.name,
    partner: r.partner,
    data: r.data === null ? null : JSON.parse(r.data),
    raw: r.raw,
  };
}

/** Decodes an event's bytes into its name and fields (throws on malformed bytes). */
export type EventDecoder = (raw: Buffer) => { name: string; data: Json };

/** The partner an event is about, if any (for history by partner). */
export function eventPartner(event: { data: Json }): string | null {
  const data = event.data as Record<string, Json> | null;
  const partner = data?.partner;
  return typeof partner === "string" && partner !== "11111111111111111111111111111111" ? partner : null;
}

/** A changed row handed to subscribers: decoded only if one of them reads `data`. */
class ChangedAccountRow implements AccountRow {
  constructor(
    readonly pubkey: string,
    readonly kind: string | null,
    readonly slot: number,
    readonly finalized: boolean,
    readonly closed: boolean,
    private readonly raw: Buffer | null,
    private readonly cache: AccountDataCache,
  ) {}

  get data(): AnyOf<AccountData> | null {
    return this.kind === null || this.raw === null
      ? null
      : accountDataOf(this.cache.data(this.pubkey, this.slot, this.kind, this.raw) ?? null);
  }
}

/** The SQLite file is damaged (corrupt pages, truncated, not a database): rebuild it from the chain. */
export class StoreDamagedError extends UserError {
  constructor(path: string, detail: string) {
    super(
      `the index at ${path} is damaged (${detail}). The chain holds everything it had: rebuild it into a new file with \`lume-indexer backfill --db <new file>\`, then start with --db <new file> (or move it over the damaged one)`,
    );
  }
}

/** SQLite's codes for a damaged file. */
const DAMAGED_CODES = new Set(["SQLITE_CORRUPT", "SQLITE_NOTADB", "SQLITE_CORRUPT_VTAB", "SQLITE_CORRUPT_INDEX"]);

/** A damaged-file error from SQLite as a StoreDamagedError (with the recovery); anything else unchanged. */
export function storeError(err: unknown, path: string): unknown {
  const code = (err as { code?: string }).code;
  return code !== undefined && DAMAGED_CODES.has(code) ? new StoreDamagedError(path, (err as Error).message) : err;
}

export interface IndexerStoreOptions {
  /** Decodes an account's bytes (the indexer passes its IDL decoder; tests may pass their own). */
  decodeAccount: AccountDataDecoder;
  /**
   * Decodes an event's bytes. Given, every event read is served from its bytes (which the
   * history hash chain proves), never from the name/partner/data columns (kept for lookups).
   */
  decodeEvent?: EventDecoder;
}

export class IndexerStore {
  readonly db: Database.Database;
  readonly accountData: AccountDataCache;
  /** Events decoded from their bytes, cached per change index and content. */
  private readonly eventData: AccountDataCache | undefined;
  private readonly statements = new Map<string, Database.Statement>();

  constructor(
    readonly path: string,
    options: IndexerStoreOptions,
  ) {
    this.accountData = new AccountDataCache(options.decodeAccount);
    const { decodeEvent } = options;
    if (decodeEvent !== undefined)
      this.eventData = new AccountDataCache({
        decode: (_kind, raw) => decodeEvent(raw) as unknown as Json,
        // Stored events that do not decode were stored as "unknown" with no data: served so.
        malformed: () => undefined,
      });
    // A file that is not a database at all fails right here.
    try {
      this.db = new Database(path);
    } catch (err) {
      throw storeError(err, path);
    }
    try {
      this.db.pragma("journal_mode = WAL");
      this.db.pragma("synchronous = NORMAL");
      this.db.pragma("busy_timeout = 5000");
      // A damaged file is refused here, in words, rather than served (or crashing a reader later).
      const problems = (this.db.pragma("quick_check(3)") as { quick_check: string }[]).map((r) => r.quick_check);
      if (problems.join() !== "ok") throw new StoreDamagedError(path, problems.join("; "));
      this.migrate();
    } catch (err) {
      this.db.close();
      throw storeError(err, path);
    }
  }

  /** Applies every migration above `PRAGMA user_version`, each in its own transaction. */
  private migrate(): void {
    const current = this.db.pragma("user_version", { simple: true }) as number;
    MIGRATIONS.forEach((sql, i) => {
      const version = i + 1;
      if (version <= current) return;
      this.db.transaction(() => {
        this.db.exec(sql);
        this.db.pragma(`user_version = ${version}`);
      })();
    });
  }

  /** A prepared statement, compiled once per SQL text (preparing costs more than a point lookup). */
  private sql(text: string): Database.Statement {
    let statement = this.statements.get(text);
    if (statement === undefined) {
      statement = this.db.prepare(text);
      this.statements.set(text, statement);
    }
    return statement;
  }

  get schemaVersion(): number {
    return this.db.pragma("user_version", { simple: true }) as number;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  private writeCheckpoint(source: string, slot: number, signature: string | null): void {
    this.sql(
      `INSERT INTO checkpoints(source, slot, signature, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT(source) DO UPDATE SET
           slot = max(checkpoints.slot, excluded.slot),
           signature = CASE WHEN excluded.slot >= checkpoints.slot THEN coalesce(excluded.signature, checkpoints.signature) ELSE checkpoints.signature END,
           updated_at = excluded.updated_at`,
    ).run(source, slot, signature, Date.now());
  }

  /**
   * Upserts account states in one transaction. An update older than the stored row is ignored
   * (so repeats and out-of-order notifications are harmless); a closed account keeps its last
   * state, marked closed; a `snapshot` (a full getProgramAccounts at a slot) marks accounts
   * missing from it as closed. Returns the rows that changed.
   */
  applyAccounts(
    source: string,
    accounts: IndexedAccount[],
    options: { snapshotSlot?: number; finalized?: boolean } = {},
  ): AccountRow[] {
    // kind, owner and seq never change for an address (its seeds fix them), so an update leaves
    // their indexes alone; only the hot columns are rewritten.
    const upsert = this.sql(
      `INSERT INTO accounts(pubkey, kind, owner, seq, slot, finalized, closed, raw, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?)
       ON CONFLICT(pubkey) DO UPDATE SET
         slot = excluded.slot, finalized = excluded.finalized, closed = 0, raw = excluded.raw, updated_at = excluded.updated_at
       WHERE excluded.slot > accounts.slot OR (excluded.slot = accounts.slot AND excluded.raw IS NOT accounts.raw)`,
    );
    // A close of an address never stored open leaves nothing to record.
    const close = this.sql(
      "UPDATE accounts SET closed = 1, slot = ?, finalized = ?, updated_at = ? WHERE pubkey = ? AND slot < ? RETURNING kind, raw",
    );
    const changed: AccountRow[] = [];
    this.db.transaction(() => {
      let maxSlot = options.snapshotSlot ?? 0;
      const now = Date.now();
      const finalized = options.finalized === true;
      const finalizedFlag = finalized ? 1 : 0;
      for (const a of accounts) {
        if (a.slot > maxSlot) maxSlot = a.slot;
        if (a.kind === null) {
          // Positional parameters: binding a named-parameter object per row costs more than the row.
          const row = close.get(a.slot, finalizedFlag, now, a.pubkey, a.slot) as
            | { kind: string | null; raw: Buffer | null }
            | undefined;
          if (row !== undefined)
            changed.push(new ChangedAccountRow(a.pubkey, row.kind, a.slot, finalized, true, row.raw, this.accountData));
          continue;
        }
        if (upsert.run(a.pubkey, a.kind, a.owner, a.seq, a.slot, finalizedFlag, a.raw, now).changes > 0) {
          changed.push(new ChangedAccountRow(a.pubkey, a.kind, a.slot, finalized, false, a.raw, this.accountData));
        }
      }
      if (options.snapshotSlot !== undefined) {
        const seen = new Set(accounts.map((a) => a.pubkey));
        const stale = this.sql("SELECT pubkey FROM accounts WHERE closed = 0 AND slot < ?").all(
          options.snapshotSlot,
        ) as { pubkey: string }[];
        for (const { pubkey } of stale) {
          if (seen.has(pubkey)) continue;
          const row = close.get(options.snapshotSlot, finalizedFlag, now, pubkey, options.snapshotSlot) as
            | { kind: string | null; raw: Buffer | null }
            | undefined;
          if (row !== undefined)
            changed.push(
              new ChangedAccountRow(pubkey, row.kind, options.snapshotSlot, finalized, true, row.raw, this.accountData),
            );
        }
      }
      if (maxSlot > 0) this.writeCheckpoint(source, maxSlot, null);
    })();
    return changed;
  }

  /**
   * Marks every row whose slot is at or below `slot` (the chain's finalized slot) as finalized.
   * Returns how many rows changed, per table.
   */
  markFinalized(slot: number): { accounts: number; transactions: number; events: number } {
    return this.db.transaction(() => ({
      // The accounts table holds one row per address (small): a scan is cheaper than an index
      // the hot upsert would have to maintain.
      accounts: this.sql("UPDATE accounts SET finalized = 1 WHERE finalized = 0 AND slot <= ?").run(slot).changes,
      transactions: this.sql("UPDATE transactions SET finalized = 1 WHERE finalized = 0 AND slot <= ?").run(slot)
        .changes,
      events: this.sql("UPDATE events SET finalized = 1 WHERE finalized = 0 AND slot <= ?").run(slot).changes,
    }))();
  }

  /** Rows not yet known to be finalized, per table. */
  unfinalizedCounts(): { accounts: number; transactions: number; events: number } {
    const count = (table: string) =>
      (this.sql(`SELECT count(*) AS n FROM ${table} WHERE finalized = 0`).get() as { n: number }).n;
    return { accounts: count("accounts"), transactions: count("transactions"), events: count("events") };
  }

  /** Stores transactions and their events (idempotent by signature and change index); returns the new events. */
  applyTransactions(
    source: string,
    transactions: DecodedTransaction[],
    options: { finalized?: boolean } = {},
  ): EventRow[] {
    const finalized = options.finalized === true ? 1 : 0;
    const insertTx = this.sql(
      `INSERT OR IGNORE INTO transactions(signature, slot, block_time, ok, err, program_error, signers, instructions, event_count, finalized)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const insertEvent = this.sql(
      `INSERT OR IGNORE INTO events(change_index, signature, slot, block_time, name, partner, data, raw, finalized) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const added: EventRow[] = [];
    this.db.transaction(() => {
      let newest: DecodedTransaction | undefined;
      for (const tx of transactions) {
        const programError = tx.programError === null ? null : JSON.stringify(tx.programError);
        insertTx.run(
          tx.signature,
          tx.slot,
          tx.blockTime,
          tx.ok ? 1 : 0,
          JSON.stringify(tx.err),
          programError,
          JSON.stringify(tx.signers),
          JSON.stringify(tx.instructions),
          tx.events.length,
          finalized,
        );
        for (const e of tx.events) {
          const partner = eventPartner(e);
          const data = e.data === null ? null : JSON.stringify(e.data);
          if (
            insertEvent.run(e.changeIndex, e.signature, e.slot, tx.blockTime, e.name, partner, data, e.raw, finalized)
              .changes > 0
          ) {
            added.push({
              changeIndex: e.changeIndex,
              signature: e.signature,
              slot: e.slot,
              blockTime: tx.blockTime,
              name: e.name,
              partner,
              data: eventDataOf(e.data),
              raw: e.raw,
            });
          }
        }
        if (newest === undefined || tx.slot >= newest.slot) newest = tx;
      }
      if (newest !== undefined) this.writeCheckpoint(source, newest.slot, newest.signature);
    })();
    return added.sort((a, b) => a.changeIndex - b.changeIndex);
  }

  checkpoint(source: string): Checkpoint | undefined {
    return this.sql("SELECT source, slot, signature FROM checkpoints WHERE source = ?").get(source) as
      | Checkpoint
      | undefined;
  }

  checkpoints(): Checkpoint[] {
    return this.sql("SELECT source, slot, signature FROM checkpoints ORDER BY source").all() as Checkpoint[];
  }

  /** The highest slot any stored row reflects. */
  indexedSlot(): number {
    const row = this.sql("SELECT max(slot) AS slot FROM checkpoints").get() as { slot: number | null };
    return row.slot ?? 0;
  }

  /** A stored row with its data decoded; undefined for malformed data (reported, never shown). */
  private accountRow(r: RawAccountRow): AccountRow | undefined {
    let data: Json = null;
    if (r.kind !== null && r.raw !== null) {
      const decoded = this.accountData.data(r.pubkey, r.slot, r.kind, r.raw);
      if (decoded === undefined) return undefined;
      data = decoded;
    }
    return {
      pubkey: r.pubkey,
      kind: r.kind,
      slot: r.slot,
      finalized: r.finalized === 1,
      closed: r.closed === 1,
      data: accountDataOf(data),
    };
  }

  private accountRows(rows: RawAccountRow[]): AccountRow[] {
    const out: AccountRow[] = [];
    for (const r of rows) {
      const row = this.accountRow(r);
      if (row !== undefined) out.push(row);
    }
    return out;
  }

  account(pubkey: string): AccountRow | undefined {
    const row = this.sql(`SELECT ${ACCOUNT_COLUMNS} FROM accounts WHERE pubkey = ?`).get(pubkey) as
      | RawAccountRow
      | undefined;
    return row === undefined ? undefined : this.accountRow(row);
  }

  /** The account at `pubkey` if it is one of `kind`. */
  accountOf<K extends AccountKind>(kind: K, pubkey: string): AccountRow<K> | undefined {
    const row = this.account(pubkey);
    return row?.kind === kind ? (row as AccountRow<K>) : undefined;
  }

  accounts<K extends AccountKind>(kind: K): AccountRow<K>[];
  accounts(kind?: string): AccountRow[];
  accounts(kind?: string): AccountRow[] {
    const rows = (
      kind === undefined
        ? this.sql(`SELECT ${ACCOUNT_COLUMNS} FROM accounts ORDER BY pubkey`).all()
        : this.sql(`SELECT ${ACCOUNT_COLUMNS} FROM accounts WHERE kind = ? ORDER BY pubkey`).all(kind)
    ) as RawAccountRow[];
    return this.accountRows(rows);
  }

  /** Accounts of `kind` that belong to partner `owner` (its endpoints, keys, proposals, reports). */
  accountsOf<K extends AccountKind>(kind: K, owner: string): AccountRow<K>[] {
    const rows = this.sql(
      `SELECT ${ACCOUNT_COLUMNS} FROM accounts WHERE owner = ? AND kind = ? ORDER BY seq, pubkey`,
    ).all(owner, kind) as RawAccountRow[];
    return this.accountRows(rows) as AccountRow<K>[];
  }

  /** The account of `kind` with number `seq` (a partner by id, a proposal by id). */
  accountBySeq<K extends AccountKind>(kind: K, seq: number): AccountRow<K> | undefined {
    const row = this.sql(
      `SELECT ${ACCOUNT_COLUMNS} FROM accounts WHERE kind = ? AND seq = ? ORDER BY closed, slot DESC LIMIT 1`,
    ).get(kind, seq) as RawAccountRow | undefined;
    return row === undefined ? undefined : (this.accountRow(row) as AccountRow<K> | undefined);
  }

  /**
   * Accounts of `kind` whose field equals `value`: by the store's keys when the field is one
   * (`partner` → owner; partnerId, proposalId, index → seq), else by scanning decoded rows.
   */
  accountsWhere<K extends AccountKind>(kind: K, field: string, value: string | number): AccountRow<K>[] {
    if (field === "partner") return this.accountsOf(kind, String(value));
    if (SEQ_FIELD[kind] === field) {
      const rows = this.sql(`SELECT ${ACCOUNT_COLUMNS} FROM accounts WHERE kind = ? AND seq = ? ORDER BY pubkey`).all(
        kind,
        Number(value),
      ) as RawAccountRow[];
      return this.accountRows(rows) as AccountRow<K>[];
    }
    return this.accounts(kind).filter(
      (row) => row.data !== null && String((row.data as Record<string, Json>)[field]) === String(value),
    );
  }

  /** The keys an account is looked up by, as stored (for verify). */
  accountKeys(pubkey: string): { kind: string | null; owner: string | null; seq: number | null } | undefined {
    return this.sql("SELECT kind, owner, seq FROM accounts WHERE pubkey = ?").get(pubkey) as
      | { kind: string | null; owner: string | null; seq: number | null }
      | undefined;
  }

  /** The raw bytes of an account as stored (for verify). */
  accountRaw(pubkey: string): Buffer | null {
    const row = this.sql("SELECT raw FROM accounts WHERE pubkey = ?").get(pubkey) as { raw: Buffer | null } | undefined;
    return row?.raw ?? null;
  }

  /** Events in change order; `fromTime`/`toTime` (unix seconds, inclusive) filter on block time, so events without one are left out. */
  events(
    filter: {
      partner?: string;
      name?: string;
      proposalId?: number;
      fromSlot?: number;
      toSlot?: number;
      fromTime?: number;
      toTime?: number;
      afterChangeIndex?: number;
      limit?: number;
    } = {},
  ): EventRow[] {
    const where: string[] = [];
    const params: (string | number)[] = [];
    const add = (clause: string, value: string | number): void => {
      where.push(clause);
      params.push(value);
    };
    if (filter.partner !== undefined) add("partner = ?", filter.partner);
    if (filter.name !== undefined) add("name = ?", filter.name);
    if (filter.proposalId !== undefined)
      add("CAST(json_extract(data, '$.proposalId') AS INTEGER) = ?", filter.proposalId);
    if (filter.fromSlot !== undefined) add("slot >= ?", filter.fromSlot);
    if (filter.toSlot !== undefined) add("slot <= ?", filter.toSlot);
    if (filter.fromTime !== undefined) add("block_time >= ?", filter.fromTime);
    if (filter.toTime !== undefined) add("block_time <= ?", filter.toTime);
    if (filter.afterChangeIndex !== undefined) add("change_index > ?", filter.afterChangeIndex);
    const sql = `SELECT * FROM events ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY change_index LIMIT ?`;
    const rows = (this.sql(sql).all(...params, filter.limit ?? -1) as RawEventRow[]).map((r) => this.eventRow(r));
    // The columns only find candidates: a row whose bytes say otherwise is left out.
    return rows.filter(
      (e) =>
        (filter.partner === undefined || e.partner === filter.partner) &&
        (filter.name === undefined || e.name === filter.name) &&
        (filter.proposalId === undefined || String(e.data?.proposalId) === String(filter.proposalId)),
    );
  }

  /** An event as its bytes say (the columns when no event decoder was given). */
  private eventRow(r: RawEventRow): EventRow {
    const stored = storedEventRow(r);
    if (this.eventData === undefined) return { ...stored, data: eventDataOf(stored.data) };
    const decoded = this.eventData.data(`event:${r.change_index}`, r.slot, "event", r.raw) as
      | { name: string; data: Json }
      | undefined;
    const name = decoded?.name ?? "unknown";
    const data = decoded?.data ?? null;
    return { ...stored, name, data: eventDataOf(data), partner: eventPartner({ data }) };
  }

  /** Events as their stored columns say, in change order (verify checks them against the bytes). */
  storedEvents(): StoredEventRow[] {
    return (this.sql("SELECT * FROM events ORDER BY change_index").all() as RawEventRow[]).map(storedEventRow);
  }

  /** The slot of a stored change (0 when it is not stored). */
  eventSlot(changeIndex: number): number {
    const row = this.sql("SELECT slot FROM events WHERE change_index = ?").get(changeIndex) as
      | { slot: number }
      | undefined;
    return row?.slot ?? 0;
  }

  /** Highest change index such that every index 1..n is stored (0 when none). */
  contiguousChangeIndex(): number {
    const row = this.sql("SELECT count(*) AS n, max(change_index) AS m FROM events").get() as {
      n: number;
      m: number | null;
    };
    if (row.m === null) return 0;
    if (row.m === row.n) return row.n;
    // First hole: the lowest index whose successor is missing.
    const hole = this.sql(
      "SELECT min(e.change_index) AS h FROM events e WHERE NOT EXISTS (SELECT 1 FROM events f WHERE f.change_index = e.change_index + 1)",
    ).get() as { h: number | null };
    const first = this.sql("SELECT min(change_index) AS f FROM events").get() as { f: number };
    return first.f === 1 ? (hole.h ?? 0) : 0;
  }

  /** The program's clock at the latest stored change (from the event's `change` header), or null. */
  latestChangeTime(): number | null {
    const row = this.sql(
      "SELECT CAST(json_extract(data, '$.change.unixTimestamp') AS INTEGER) AS t FROM events ORDER BY change_index DESC LIMIT 1",
    ).get() as { t: number | null } | undefined;
    return row?.t ?? null;
  }

  /** The raw bytes of stored events after `afterChangeIndex`, in change order (for the history hash chain). */
  historyEntries(afterChangeIndex: number, limit: number): { changeIndex: number; raw: Buffer }[] {
    return this.sql(
      "SELECT change_index AS changeIndex, raw FROM events WHERE change_index > ? ORDER BY change_index LIMIT ?",
    ).all(afterChangeIndex, limit) as {
      changeIndex: number;
      raw: Buffer;
    }[];
  }

  /**
   * Forgets every stored transaction and event and the transaction checkpoints, so the next
   * backfill fetches the whole history again (accounts are kept: a snapshot refreshes them).
   */
  resetHistory(): void {
    this.db.transaction(() => {
      this.sql("DELETE FROM events").run();
      this.sql("DELETE FROM transactions").run();
      this.sql("DELETE FROM checkpoints WHERE source LIKE '%:transactions'").run();
    })();
  }

  /** The chain this index belongs to, as recorded on its first read of the chain (undefined before). */
  chainIdentity(): ChainIdentity | undefined {
    const rows = this.sql("SELECT key, value FROM chain_identity").all() as { key: string; value: string }[];
    const values = new Map(rows.map((r) => [r.key, r.value]));
    const genesisHash = values.get("genesisHash");
    const programId = values.get("programId");
    return genesisHash === undefined || programId === undefined ? undefined : { genesisHash, programId };
  }

  recordChainIdentity(identity: ChainIdentity): void {
    const put = this.sql("INSERT OR REPLACE INTO chain_identity(key, value) VALUES (?, ?)");
    this.db.transaction(() => {
      put.run("genesisHash", identity.genesisHash);
      put.run("programId", identity.programId);
    })();
  }

  /** Forgets everything indexed (accounts, history, checkpoints, the chain identity): a rebuild from scratch. */
  clear(): void {
    this.db.transaction(() => {
      for (const table of ["accounts", "transactions", "events", "checkpoints", "chain_identity"])
        this.sql(`DELETE FROM ${table}`).run();
    })();
  }

  /**
   * Where to resume fetching transactions so that every change after `changeIndex` is fetched
   * again: the newest stored transaction before the one holding change `changeIndex` (that one
   * may hold later changes too). Null: from the start.
   */
  signatureBeforeChange(changeIndex: number): string | null {
    const row = this.sql(
      `SELECT signature FROM events
        WHERE change_index < ? AND signature != (SELECT signature FROM events WHERE change_index = ?)
        ORDER BY change_index DESC LIMIT 1`,
    ).get(changeIndex, changeIndex) as { signature: string } | undefined;
    return row?.signature ?? null;
  }

  eventCount(): number {
    return (this.sql("SELECT count(*) AS n FROM events").get() as { n: number }).n;
  }

  transaction(signature: string): TransactionRow | undefined {
    const r = this.sql("SELECT * FROM transactions WHERE signature = ?").get(signature) as
      | {
          signature: string;
          slot: number;
          block_time: number | null;
          ok: number;
          err: string;
          program_error: string | null;
          signers: string;
          instructions: string;
        }
      | undefined;
    if (r === undefined) return undefined;
    return {
      signature: r.signature,
      slot: r.slot,
      blockTime: r.block_time,
      ok: r.ok === 1,
      err: JSON.parse(r.err),
      programError: r.program_error === null ? null : JSON.parse(r.program_error),
      signers: JSON.parse(r.signers),
      instructions: JSON.parse(r.instructions),
    };
  }

  transactionCount(): number {
    return (this.sql("SELECT count(*) AS n FROM transactions").get() as { n: number }).n;
  }
}
