// Schema migrations, applied in order; `PRAGMA user_version` records how many ran. Never edit a
// shipped entry: append a new one.
export const MIGRATIONS: readonly string[] = [
  // 1: accounts (latest state per address, with the slot it reflects), transactions, events
  // (the history chain's entries, by change index), a checkpoint per source.
  `
  CREATE TABLE accounts (
    pubkey TEXT PRIMARY KEY,
    kind TEXT,
    slot INTEGER NOT NULL,
    finalized INTEGER NOT NULL DEFAULT 0,
    closed INTEGER NOT NULL DEFAULT 0,
    data TEXT,
    raw BLOB,
    updated_at INTEGER NOT NULL
  );
  CREATE INDEX accounts_kind ON accounts(kind);
  CREATE TABLE transactions (
    signature TEXT PRIMARY KEY,
    slot INTEGER NOT NULL,
    block_time INTEGER,
    ok INTEGER NOT NULL,
    err TEXT,
    signers TEXT NOT NULL,
    instructions TEXT NOT NULL,
    event_count INTEGER NOT NULL
  );
  CREATE INDEX transactions_slot ON transactions(slot);
  CREATE TABLE events (
    change_index INTEGER PRIMARY KEY,
    signature TEXT NOT NULL,
    slot INTEGER NOT NULL,
    block_time INTEGER,
    name TEXT NOT NULL,
    partner TEXT,
    data TEXT,
    raw BLOB NOT NULL
  );
  CREATE INDEX events_partner ON events(partner, change_index);
  CREATE INDEX events_slot ON events(slot);
  CREATE TABLE checkpoints (
    source TEXT PRIMARY KEY,
    slot INTEGER NOT NULL,
    signature TEXT,
    updated_at INTEGER NOT NULL
  );
  `,
  // 2: history by time range (block time, unix seconds).
  `CREATE INDEX events_block_time ON events(block_time, change_index);`,
  // 3: accounts keep their raw bytes only (decoded when read) plus the keys readers look them up
  // by: the partner they belong to (owner) and their number (seq). Transactions and events record
  // whether their slot is finalized, and a failed transaction its registry error by name; partial indexes find the rows still waiting for it. Events
  // by name (a proposal's votes, key revocations) without a scan.
  `
  ALTER TABLE accounts ADD COLUMN owner TEXT;
  ALTER TABLE accounts ADD COLUMN seq INTEGER;
  UPDATE accounts SET
    owner = CASE WHEN kind IN ('endpoint', 'infraKey', 'proposal', 'deviationReport') THEN json_extract(data, '$.partner') END,
    seq = CAST(CASE kind
      WHEN 'partner' THEN json_extract(data, '$.partnerId')
      WHEN 'proposal' THEN json_extract(data, '$.proposalId')
      WHEN 'endpoint' THEN json_extract(data, '$.index')
      WHEN 'infraKey' THEN json_extract(data, '$.index')
    END AS INTEGER);
  ALTER TABLE accounts DROP COLUMN data;
  DROP INDEX accounts_kind;
  CREATE INDEX accounts_kind_seq ON accounts(kind, seq);
  CREATE INDEX accounts_owner ON accounts(owner, kind) WHERE owner IS NOT NULL;
  ALTER TABLE transactions ADD COLUMN finalized INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE transactions ADD COLUMN program_error TEXT;
  ALTER TABLE events ADD COLUMN finalized INTEGER NOT NULL DEFAULT 0;
  CREATE INDEX transactions_unfinalized ON transactions(slot) WHERE finalized = 0;
  CREATE INDEX events_unfinalized ON events(slot) WHERE finalized = 0;
  CREATE INDEX events_name ON events(name, change_index);
  `,
  // 4: which chain the index belongs to (the cluster's genesis hash and the program id), recorded
  // on the first read of the chain and checked on every start.
  `CREATE TABLE chain_identity (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
  );`,
];
