// Synthetic registry snapshot entries (no chain): the verifier's property tests and bench/verifier.ts
// build their snapshots from these.
import type { SnapshotEndpoint, SnapshotPartner } from "../app/src/sdk/snapshot.js";

/**
 * Partner `id`, admitted and active, at its first endpoint and key set versions with no check pending;
 * `fields` give its traffic model, review date, endpoints and keys (and may override the rest).
 */
export function admittedSnapshotPartner(
  id: number,
  fields: Pick<SnapshotPartner, "trafficModel" | "nextReviewAt" | "endpoints" | "keys"> & Partial<SnapshotPartner>,
): SnapshotPartner {
  return {
    id,
    address: `partner-${id}`,
    authority: `authority-${id}`,
    legalName: `Partner ${id}`,
    status: "active",
    stage: "admitted",
    suspensionExpiresAt: 0,
    endpointSetVersion: 1,
    technicalEndpointSetVersion: 1,
    pendingChecks: [],
    reverificationDeadline: 0,
    keySetVersion: 1,
    ...fields,
  };
}

/** An active HTTPS endpoint (host "h", port 443) serving `categories`, changed in endpoint set `version`. */
export function snapshotEndpoint(index: number, address: string, categories: number[], version = 1): SnapshotEndpoint {
  return {
    index,
    address,
    host: "h",
    port: 443,
    protocol: "https",
    categories,
    status: "active",
    changedInVersion: version,
  };
}
