/**
 * Indexer ingest: synthetic but real-format Partner account updates (Anchor-encoded from the IDL)
 * through the indexer's ingest path (identify by discriminator, size check and lookup keys, one
 * SQLite transaction per batch, slot-guarded upsert, checkpoint), against a bare better-sqlite3
 * batched upsert of the same bytes measured in the same run. Reported as updates/s and their
 * ratio (the issue asks ≥ 20,000/s and ≥ 0.5). Account data is decoded when read, so the bench
 * also reports the first read of every account after the run (a decode each) and a second one
 * (cached).
 *
 *   npm run bench:indexer [-- <updates=100000> <batch=1000>]   (writes bench/results/indexer-ingest.json)
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Keypair } from "@solana/web3.js";
import Database from "better-sqlite3";
import { Indexer } from "../indexer/src/indexer.js";
import type { RawAccountUpdate } from "../indexer/src/source/types.js";
import { encodedPartner } from "./idl-zero.js";

const UPDATES = Number(process.argv[2] ?? 100_000);
const BATCH = Number(process.argv[3] ?? 1_000);
const ACCOUNTS = 2_000;

async function encodeAll(indexer: Indexer): Promise<{ pubkeys: string[]; data: Buffer[] }> {
  const pubkeys: string[] = [];
  const data: Buffer[] = [];
  for (let i = 0; i < ACCOUNTS; i++) {
    pubkeys.push(Keypair.generate().publicKey.toBase58());
    data.push(await encodedPartner(indexer.decoder, i));
  }
  return { pubkeys, data };
}

function bareBaseline(dbPath: string, updates: RawAccountUpdate[]): number {
  const db = new Database(dbPath);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.exec("CREATE TABLE accounts (pubkey TEXT PRIMARY KEY, slot INTEGER NOT NULL, raw BLOB)");
  const upsert = db.prepare(
    "INSERT INTO accounts(pubkey, slot, raw) VALUES (?, ?, ?) ON CONFLICT(pubkey) DO UPDATE SET slot = excluded.slot, raw = excluded.raw WHERE excluded.slot > accounts.slot",
  );
  const batch = db.transaction((rows: RawAccountUpdate[]) => {
    for (const r of rows) upsert.run(r.pubkey, r.slot, r.data);
  });
  const started = process.hrtime.bigint();
  for (let i = 0; i < updates.length; i += BATCH) batch(updates.slice(i, i + BATCH));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  db.close();
  return updates.length / seconds;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "lume-bench-ingest-"));
  try {
    const indexer = new Indexer({ rpcUrl: "http://127.0.0.1:1", dbPath: join(dir, "indexer.sqlite") });
    const { pubkeys, data } = await encodeAll(indexer);
    // Every update carries new content (the partner's revision changes), as a real stream would.
    const revisionOffset =
      8 +
      2 +
      8 +
      32 +
      64 +
      16 +
      32 +
      32 +
      128 +
      1 +
      1 +
      1 +
      20 +
      32 +
      32 +
      128 +
      8 +
      32 +
      32 +
      128 +
      8 +
      8 +
      8 +
      8 +
      32 +
      8 +
      8 +
      2 +
      4 +
      2 +
      2 +
      4 +
      2 +
      2;
    const updates: RawAccountUpdate[] = Array.from({ length: UPDATES }, (_, i) => {
      const bytes = Buffer.from(data[i % ACCOUNTS]!);
      bytes.writeUInt32LE(i, revisionOffset);
      return { pubkey: pubkeys[i % ACCOUNTS]!, slot: 1 + i, lamports: 1, data: bytes };
    });
    const check = indexer.decoder.account(updates[7]!);
    if ((check?.data as { revision?: number } | undefined)?.revision !== 7)
      throw new Error("the revision offset is wrong: fix revisionOffset");

    const bare = bareBaseline(join(dir, "bare.sqlite"), updates);
    const started = process.hrtime.bigint();
    for (let i = 0; i < updates.length; i += BATCH) indexer.accounts("bench", updates.slice(i, i + BATCH));
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const pipeline = UPDATES / seconds;
    if (indexer.decoder.failures > 0) throw new Error(`${indexer.decoder.failures} decode failures`);

    // Reads: the first decodes each account's latest bytes, the second is served from the cache.
    const readAll = (): number => {
      const readStarted = process.hrtime.bigint();
      for (const pubkey of pubkeys)
        if (indexer.store.account(pubkey)?.data === undefined) throw new Error(`lost ${pubkey}`);
      return ACCOUNTS / (Number(process.hrtime.bigint() - readStarted) / 1e9);
    };
    const firstRead = readAll();
    const cachedRead = readAll();
    const last = indexer.store.account(pubkeys[(UPDATES - 1) % ACCOUNTS]!);
    if (last?.data?.revision !== UPDATES - 1) throw new Error("the newest state was not kept");
    await indexer.stop();

    const figures = {
      updates: UPDATES,
      batch: BATCH,
      accounts: ACCOUNTS,
      pipelinePerSecond: Math.round(pipeline),
      bareUpsertPerSecond: Math.round(bare),
      ratio: Number((pipeline / bare).toFixed(3)),
      firstReadPerSecond: Math.round(firstRead),
      cachedReadPerSecond: Math.round(cachedRead),
    };
    const fmt = (n: number) => n.toLocaleString("en");
    console.log(`ingest (identify + store, indexer): ${fmt(figures.pipelinePerSecond)} updates/s`);
    console.log(`bare better-sqlite3 upsert: ${fmt(figures.bareUpsertPerSecond)} updates/s`);
    console.log(`ratio: ${figures.ratio} (target ≥ 0.5; absolute target ≥ 20,000/s on 2 cores)`);
    console.log(
      `reads after ingest: first (decodes) ${fmt(figures.firstReadPerSecond)} accounts/s, cached ${fmt(figures.cachedReadPerSecond)} accounts/s`,
    );
    mkdirSync("bench/results", { recursive: true });
    writeFileSync("bench/results/indexer-ingest.json", `${JSON.stringify(figures, null, 2)}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
