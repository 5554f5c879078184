// The snapshotChanged subscription's deltas (the SDK's SnapshotDelta): one per change, built once
// when first asked for and shared by every subscriber (10,000 nodes get the same object), from
// the stored accounts of the partner the change names. The retention bounds how far back a node
// may resume: older resume points are refused with RESUME_POINT_EXPIRED, and the node loads a
// full snapshot instead (replaying thousands of deltas would cost more than one snapshot).
import { GraphQLError } from "graphql";
import { REGISTRY_FIELD_EVENTS, type SnapshotDelta } from "../../../app/src/sdk/snapshot-delta.js";
import type { Indexer } from "../indexer.js";
import type { EventRow } from "../store/store.js";
import { storedPartnerEntry, storedRegistryFields } from "./snapshot.js";

export const DEFAULT_DELTA_RETENTION = 10_000;
/** Deltas kept built per indexer (the newest ones: live delivery and short resumes hit them). */
const CACHED_DELTAS = 1_024;

const caches = new WeakMap<Indexer, Map<number, SnapshotDelta>>();

/** The delta of one published change (cached: every subscriber is handed the same one). */
export function deltaOf(indexer: Indexer, event: EventRow): SnapshotDelta {
  let cache = caches.get(indexer);
  if (cache === undefined) {
    cache = new Map();
    caches.set(indexer, cache);
  }
  const cached = cache.get(event.changeIndex);
  if (cached !== undefined) return cached;
  const partner = event.partner === null ? null : storedPartnerEntry(indexer, event.partner);
  const delta: SnapshotDelta = {
    changeIndex: event.changeIndex,
    slot: event.slot,
    raw: event.raw.toString("hex"),
    registry: REGISTRY_FIELD_EVENTS.includes(event.name) ? storedRegistryFields(indexer) : null,
    partners: partner === null ? [] : [partner],
  };
  cache.set(event.changeIndex, delta);
  if (cache.size > CACHED_DELTAS) cache.delete(cache.keys().next().value as number);
  return delta;
}

/** Refuses a resume point older than the retention, before anything is streamed. */
export function checkDeltaResume(indexer: Indexer, fromChangeIndex: number): void {
  if (!Number.isInteger(fromChangeIndex) || fromChangeIndex < 0)
    throw new GraphQLError(`fromChangeIndex must be 0 or more (your snapshot's changeCount), got ${fromChangeIndex}`, {
      extensions: { code: "BAD_USER_INPUT" },
    });
  const retention = indexer.options.deltaRetention ?? DEFAULT_DELTA_RETENTION;
  const newest = indexer.publishedChangeIndex;
  if (newest - fromChangeIndex > retention)
    throw new GraphQLError(
      `change ${fromChangeIndex} is ${newest - fromChangeIndex} changes behind this indexer's newest (${newest}); it replays deltas for at most ${retention}: load the full snapshot and resume from its changeCount`,
      { extensions: { code: "RESUME_POINT_EXPIRED", newestChangeIndex: newest, retention } },
    );
}
