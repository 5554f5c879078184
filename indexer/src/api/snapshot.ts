// The node snapshot served from the index, in the SDK's RegistrySnapshot shape (what the
// request verifier consumes), assembled by the SDK (`assembleRegistrySnapshot`, the same code
// that builds it from JSON-RPC) from the stored account bytes. It carries the registry's history
// head and change count, so a node can check it against the chain's registry account without
// trusting the indexer. Deltas (one partner's entry per change) are in snapshot-delta.ts.

import type { IdlAccounts } from "@coral-xyz/anchor";
import { PublicKey } from "@solana/web3.js";
import type { LumeRegistry } from "../../../app/src/sdk/idl.js";
import { registryAddress } from "../../../app/src/sdk/pda.js";
import {
  assembleRegistrySnapshot,
  type RegistrySnapshot,
  type SnapshotPartner,
  snapshotPartnerEntry,
  snapshotRegistryFields,
} from "../../../app/src/sdk/snapshot.js";
import type { Indexer } from "../indexer.js";

type Accounts = IdlAccounts<LumeRegistry>;

/**
 * A node loads the full snapshot at start and after a gap (deltas in between, snapshot-delta.ts),
 * and thousands may do so at once, so a snapshot is built once per account change and served
 * from this cache in between (stamped with the indexed slot and the time it is
 * served at). One cache per API server.
 */
export function snapshotCache(): (indexer: Indexer) => RegistrySnapshot | null {
  const built = new WeakMap<Indexer, { version: number; snapshot: RegistrySnapshot | null }>();
  return (indexer) => {
    let entry = built.get(indexer);
    if (entry === undefined || entry.version !== indexer.accountsVersion) {
      entry = { version: indexer.accountsVersion, snapshot: registrySnapshot(indexer) };
      built.set(indexer, entry);
    }
    return entry.snapshot === null
      ? null
      : { ...entry.snapshot, slot: indexer.store.indexedSlot(), fetchedAt: Date.now() };
  };
}

/** Decodes stored accounts of one kind (live ones only) with their addresses. */
function decoded<T>(indexer: Indexer, kind: string, pubkeys: readonly string[]): { address: PublicKey; account: T }[] {
  const coder = indexer.decoder.coder.accounts;
  const out: { address: PublicKey; account: T }[] = [];
  for (const pubkey of pubkeys) {
    const raw = indexer.store.accountRaw(pubkey);
    if (raw !== null) out.push({ address: new PublicKey(pubkey), account: coder.decode<T>(kind, raw) });
  }
  return out;
}

/** The stored registry account, decoded (null before it is indexed). */
function storedRegistry(indexer: Indexer): Accounts["registry"] | null {
  const key = registryAddress(indexer.programId).toBase58();
  if (indexer.store.account(key)?.closed !== false) return null;
  return decoded<Accounts["registry"]>(indexer, "registry", [key])[0]?.account ?? null;
}

/** The snapshot at the indexed slot, or null before the registry is indexed. */
export function registrySnapshot(indexer: Indexer): RegistrySnapshot | null {
  const registry = storedRegistry(indexer);
  if (registry === null) return null;
  const live = (kind: string) =>
    indexer.store
      .accounts(kind)
      .filter((row) => !row.closed)
      .map((row) => row.pubkey);
  return assembleRegistrySnapshot({
    programId: indexer.programId.toBase58(),
    slot: indexer.store.indexedSlot(),
    registry,
    partners: decoded<Accounts["partner"]>(indexer, "partner", live("partner")),
    endpoints: decoded<Accounts["endpoint"]>(indexer, "endpoint", live("endpoint")),
    keys: decoded<Accounts["infraKey"]>(indexer, "infraKey", live("infraKey")),
    fetchedAt: Date.now(),
  });
}

/** One partner's entry as stored now (its account, endpoints and keys), or null if it is not stored. */
export function storedPartnerEntry(indexer: Indexer, partner: string): SnapshotPartner | null {
  const row = indexer.store.account(partner);
  if (row === undefined || row.closed || row.kind !== "partner") return null;
  const account = decoded<Accounts["partner"]>(indexer, "partner", [partner])[0];
  if (account === undefined) return null;
  const of = (kind: "endpoint" | "infraKey") =>
    indexer.store
      .accountsOf(kind, partner)
      .filter((r) => !r.closed)
      .map((r) => r.pubkey);
  return snapshotPartnerEntry(
    account,
    decoded<Accounts["endpoint"]>(indexer, "endpoint", of("endpoint")),
    decoded<Accounts["infraKey"]>(indexer, "infraKey", of("infraKey")),
  );
}

/** The registry-wide fields as stored now (categories, review grace), or null before the registry is indexed. */
export function storedRegistryFields(
  indexer: Indexer,
): Pick<RegistrySnapshot, "categories" | "reviewGraceSeconds"> | null {
  const registry = storedRegistry(indexer);
  if (registry === null) return null;
  const { categories, reviewGraceSeconds } = snapshotRegistryFields(registry);
  return { categories, reviewGraceSeconds };
}
