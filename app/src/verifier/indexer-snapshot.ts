// Loading the node snapshot from the indexer's GraphQL `snapshot` query over HTTP (the same
// RegistrySnapshot loadRegistrySnapshot reads over RPC, with the indexer's health beside it).
import type { RegistrySnapshot } from "../sdk/snapshot.js";

export interface ServedSnapshot {
  /** Non-null while the indexer may be missing changes: a node must not rely on the snapshot then. */
  degraded: string | null;
  /** False for the moment the newest change's accounts are still being read: load again shortly. */
  settled: boolean;
  /** The snapshot, its fetchedAt stamped with the node's clock when the request was sent. */
  snapshot: RegistrySnapshot;
  /** The response body's length in bytes (what the node downloaded). */
  bytes: number;
}

const SNAPSHOT_QUERY = "{ snapshot { degraded settled snapshot } }";

/** The indexer's snapshot as served, degraded or not. Throws a clear Error when there is none. */
export async function fetchIndexerSnapshot(
  graphqlUrl: string,
  options: { now?: () => number; timeoutMs?: number } = {},
): Promise<ServedSnapshot> {
  const sentAt = (options.now ?? Date.now)();
  let response: Response;
  try {
    response = await fetch(graphqlUrl, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({ query: SNAPSHOT_QUERY }),
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    });
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new Error(
      `cannot reach the indexer at ${graphqlUrl}: ${cause?.code ?? cause?.message ?? (err as Error).message}`,
    );
  }
  let body: {
    data?: { snapshot: { degraded: string | null; settled: boolean; snapshot: RegistrySnapshot } | null };
    errors?: { message: string }[];
  };
  let text = "";
  try {
    text = await response.text();
    body = JSON.parse(text) as typeof body;
  } catch {
    throw new Error(`the indexer at ${graphqlUrl} answered HTTP ${response.status} without a GraphQL body`);
  }
  if (body.errors?.length)
    throw new Error(
      `the indexer at ${graphqlUrl} refused the snapshot query: ${body.errors.map((e) => e.message).join("; ")}`,
    );
  const served = body.data?.snapshot;
  if (served === undefined || served === null)
    throw new Error(`the indexer at ${graphqlUrl} has not indexed the registry yet`);
  return {
    degraded: served.degraded,
    settled: served.settled,
    snapshot: { ...served.snapshot, fetchedAt: sentAt },
    bytes: Buffer.byteLength(text),
  };
}

/** The served snapshot once settled (the newest change's accounts stored), waiting up to ~2 s for it. */
export async function fetchSettledSnapshot(
  graphqlUrl: string,
  options: { now?: () => number; timeoutMs?: number } = {},
): Promise<ServedSnapshot> {
  for (let attempt = 0; ; attempt++) {
    const served = await fetchIndexerSnapshot(graphqlUrl, options);
    if (served.settled || served.degraded !== null || attempt >= 20) return served;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A snapshot to build a RequestVerifier with; throws while the indexer is degraded. */
export async function loadIndexerSnapshot(
  graphqlUrl: string,
  options: { now?: () => number; timeoutMs?: number } = {},
): Promise<RegistrySnapshot> {
  const served = await fetchSettledSnapshot(graphqlUrl, options);
  if (served.degraded !== null)
    throw new Error(`the indexer at ${graphqlUrl} is degraded (${served.degraded}): its snapshot may miss changes`);
  if (!served.settled)
    throw new Error(`the indexer at ${graphqlUrl} is still storing the accounts of its newest change: try again`);
  return served.snapshot;
}
