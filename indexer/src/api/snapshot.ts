// The node snapshot served from the index, in the SDK's RegistrySnapshot shape (what the
// request verifier consumes), built with the SDK's own per-account mappers from the stored
// account bytes. It carries the registry's history head and change count, so a node can check
// it against the chain's registry account without trusting the indexer.

import type { IdlAccounts } from "@coral-xyz/anchor";
import { PublicKey } from "@solana/web3.js";
import type { LumeRegistry } from "../../../app/src/sdk/idl.js";
import { registryAddress } from "../../../app/src/sdk/pda.js";
import {
  type RegistrySnapshot,
  SNAPSHOT_FORMAT_VERSION,
  type SnapshotPartner,
  snapshotEndpoint,
  snapshotKey,
  snapshotPartner,
} from "../../../app/src/sdk/snapshot.js";
import type { Indexer } from "../indexer.js";

type Accounts = IdlAccounts<LumeRegistry>;

/**
 * Every node reloads its snapshot after each change, so a snapshot is built once per account
 * change and served from this cache in between (stamped with the indexed slot and the time it is
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

/** The snapshot at the indexed slot, or null before the registry is indexed. */
export function registrySnapshot(indexer: Indexer): RegistrySnapshot | null {
  const { store } = indexer;
  const coder = indexer.decoder.program.coder.accounts;
  const decode = <T>(kind: string, pubkey: string): T | null => {
    const raw = store.accountRaw(pubkey);
    return raw === null ? null : coder.decode<T>(kind as never, raw);
  };
  const registryKey = registryAddress(indexer.programId).toBase58();
  const registry =
    store.account(registryKey)?.closed === false ? decode<Accounts["registry"]>("registry", registryKey) : null;
  if (registry === null) return null;
  const live = (kind: string) => store.accounts(kind).filter((row) => !row.closed);
  const partners = new Map<string, SnapshotPartner>();
  for (const row of live("partner"))
    partners.set(
      row.pubkey,
      snapshotPartner(new PublicKey(row.pubkey), decode<Accounts["partner"]>("partner", row.pubkey)!),
    );
  for (const row of live("endpoint")) {
    const e = decode<Accounts["endpoint"]>("endpoint", row.pubkey)!;
    partners.get(e.partner.toBase58())?.endpoints.push(snapshotEndpoint(new PublicKey(row.pubkey), e));
  }
  for (const row of live("infraKey")) {
    const k = decode<Accounts["infraKey"]>("infraKey", row.pubkey)!;
    partners.get(k.partner.toBase58())?.keys.push(snapshotKey(new PublicKey(row.pubkey), k));
  }
  const list = [...partners.values()].sort((a, b) => a.id - b.id);
  for (const p of list) {
    p.endpoints.sort((a, b) => a.index - b.index);
    p.keys.sort((a, b) => a.index - b.index);
  }
  return {
    formatVersion: SNAPSHOT_FORMAT_VERSION,
    programId: indexer.programId.toBase58(),
    slot: store.indexedSlot(),
    changeCount: registry.history.changeCount.toNumber(),
    historyHead: Buffer.from(registry.history.head).toString("hex"),
    categories: registry.categories
      .slice(0, registry.categoryCount)
      .map((c) => Buffer.from(c.bytes.slice(0, c.len)).toString("utf8")),
    reviewGraceSeconds: registry.policy.reviewGraceSeconds,
    partners: list,
    fetchedAt: Date.now(),
  };
}
