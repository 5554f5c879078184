// Registry snapshot deltas: what a node downloads per change instead of the whole snapshot.
// One delta per change index, in change order: the change's event bytes (so the node extends the
// history hash chain itself, head(n) = sha256(head(n-1) || raw)), the full entry of the partner
// the change names (its account, endpoints and keys as the server stores them when it serves the
// delta: at least as new as the change), and the registry-wide fields when the change may move
// them (RegistryInitialized, CategoryChanged, PolicyChanged). A change that names no partner and
// no registry field (a vote, a role) carries only its index and bytes. Applying every delta after
// a snapshot's change count, in order, gives the snapshot a fresh load gives once the server has
// stored the same changes (tests/verifier/snapshot-delta.test.ts checks it over random sequences).
import { createHash } from "node:crypto";
import type { RegistrySnapshot, SnapshotPartner } from "./snapshot.js";

/** Events that may change the registry-wide fields of a snapshot (categories, review grace). */
export const REGISTRY_FIELD_EVENTS: readonly string[] = ["registryInitialized", "categoryChanged", "policyChanged"];

export interface SnapshotDelta {
  /** The change's index: the registry's change count after it (1-based). */
  changeIndex: number;
  /** The ledger slot of the change's transaction. */
  slot: number;
  /** The event's bytes as emitted, hex (what the history hash chain covers). */
  raw: string;
  /** Set when the change may move them: the registry's categories and review grace as stored. */
  registry: Pick<RegistrySnapshot, "categories" | "reviewGraceSeconds"> | null;
  /** The entries of the partners the change names, as stored (none for a vote, a role, a policy). */
  partners: SnapshotPartner[];
}

/** Why a delta cannot be applied: the node must load a full snapshot. */
export interface DeltaGap {
  gap: string;
}

/** head(n) = sha256(head(n-1) || raw(n)), hex. */
export function nextHistoryHead(head: string, raw: string): string {
  return createHash("sha256").update(Buffer.from(head, "hex")).update(Buffer.from(raw, "hex")).digest("hex");
}

/**
 * The snapshot after one delta, or the gap that stops it: a delta at or below the snapshot's
 * change count is a repeat (`null`: nothing to do), one past the next index means changes were
 * skipped. Never mutates `snapshot`; `fetchedAt` is the caller's (the node's clock).
 */
export function applySnapshotDelta(
  snapshot: RegistrySnapshot,
  delta: SnapshotDelta,
  fetchedAt: number = snapshot.fetchedAt,
): RegistrySnapshot | DeltaGap | null {
  if (delta.changeIndex <= snapshot.changeCount) return null;
  if (delta.changeIndex !== snapshot.changeCount + 1)
    return {
      gap: `change ${snapshot.changeCount + 1} is missing: the next delta is change ${delta.changeIndex}`,
    };
  let partners = snapshot.partners;
  if (delta.partners.length > 0) {
    const byId = new Map(partners.map((p) => [p.id, p]));
    for (const p of delta.partners) byId.set(p.id, p);
    partners = [...byId.values()].sort((a, b) => a.id - b.id);
  }
  return {
    ...snapshot,
    ...(delta.registry ?? {}),
    slot: Math.max(snapshot.slot, delta.slot),
    changeCount: delta.changeIndex,
    historyHead: nextHistoryHead(snapshot.historyHead, delta.raw),
    partners,
    fetchedAt,
  };
}

export function isDeltaGap(value: RegistrySnapshot | DeltaGap | null): value is DeltaGap {
  return value !== null && "gap" in value;
}

/** The registry state two snapshots describe, without when they were read (slot, fetchedAt). */
export function registryState(snapshot: RegistrySnapshot): Omit<RegistrySnapshot, "slot" | "fetchedAt"> {
  const { slot: _slot, fetchedAt: _fetchedAt, ...state } = snapshot;
  return state;
}
