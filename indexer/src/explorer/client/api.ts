// The explorer reads only the indexer's public GraphQL API (over HTTP, and its subscription feed
// over WebSocket) and, for the integrity check, the chain's JSON-RPC.
import { type Client, createClient } from "graphql-ws";

export class ApiError extends Error {}

/** One GraphQL query against the indexer that served this page. */
export async function gql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const response = await fetch("/graphql", {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: { message: string }[] };
  if (body.errors?.length) throw new ApiError(body.errors.map((e) => e.message).join("; "));
  if (body.data === undefined) throw new ApiError(`the indexer answered ${response.status} without data`);
  return body.data;
}

let client: Client | undefined;

/** The page's one WebSocket to the indexer (graphql-ws), opened on first use, reopened after drops. */
function wsClient(): Client {
  const url = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/graphql`;
  client ??= createClient({ url, retryAttempts: Number.POSITIVE_INFINITY, shouldRetry: () => true });
  return client;
}

/** Calls `onChange` for every registry change after `afterChangeIndex`; returns the unsubscribe. */
export function subscribeChanges(
  afterChangeIndex: number,
  onChange: (change: { changeIndex: number; name: string }) => void,
): () => void {
  let last = afterChangeIndex;
  return wsClient().subscribe<{ registryChanged: { changeIndex: number; name: string } }>(
    {
      query: "subscription ($from: Long) { registryChanged(fromChangeIndex: $from) { changeIndex name } }",
      variables: { from: last },
    },
    {
      next: (message) => {
        const change = message.data?.registryChanged;
        if (change === undefined || change.changeIndex <= last) return;
        last = change.changeIndex;
        onChange(change);
      },
      error: () => {},
      complete: () => {},
    },
  );
}

export interface IndexerHealth {
  ok: boolean;
  degraded: string | null;
}

/** The indexer's /healthz: 200 while it is checked against the chain, 503 with a reason when not. */
export async function health(): Promise<IndexerHealth> {
  const response = await fetch("/healthz", { cache: "no-store" });
  const body = (await response.json()) as { degraded?: string | null };
  return { ok: response.ok, degraded: body.degraded ?? null };
}

export interface ExplorerConfig {
  rpcUrl: string | null;
  programId: string;
}

export async function explorerConfig(): Promise<ExplorerConfig> {
  const response = await fetch("/explorer/config.json");
  return (await response.json()) as ExplorerConfig;
}
