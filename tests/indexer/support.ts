// Indexer tests: a private surfnet per suite driven through RegistryFixture (the same action
// shapes as the program tests) over real JSON-RPC, an indexer on a SQLite file in a temp dir,
// and its GraphQL server on an ephemeral port.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import anchor from "@coral-xyz/anchor";
import { Keypair } from "@solana/web3.js";
import { type Client, createClient } from "graphql-ws";
import WebSocket from "ws";
import { type FixtureOptions, RegistryFixture } from "../../harness/registry-fixture.js";
import { SOL, type SurfnetSuite, useRegistrySurfnet } from "../../harness/surfnet.js";
import { surfnetRuntime } from "../../harness/surfnet-runtime.js";
import { type ApiServer, startApiServer } from "../../indexer/src/api/server.js";
import { Indexer } from "../../indexer/src/indexer.js";

/** The registry initialized on the suite's surfnet, driven through RegistryFixture. */
export async function surfnetFixture(net: SurfnetSuite, options: FixtureOptions = {}): Promise<RegistryFixture> {
  const rt = surfnetRuntime(net);
  return RegistryFixture.create(rt, net.upgradeAuthority, { timeLockSeconds: 60, ...options });
}

export function tempDir(): { dir: string; dbPath: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), "lume-indexer-"));
  return { dir, dbPath: join(dir, "index.sqlite"), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Inside `describe`: a private surfnet with the registry (`net`), and `serve()` (in a `before`)
 * opens an index of it (not started) and its GraphQL server on a free port. Both stop in `after`,
 * before the surfnet does, and the temp dir `tmp` is removed.
 */
export function useServedIndex(): {
  net: SurfnetSuite;
  /** The index file's temp dir (other index files may go beside it: it is removed with them). */
  tmp: { dir: string; dbPath: string };
  serve(): Promise<{ indexer: Indexer; api: ApiServer }>;
} {
  const served: { indexer?: Indexer; api?: ApiServer } = {};
  const tmp = tempDir();
  // Registered before the surfnet's own `after`, so the indexer stops before the chain does.
  after(async () => {
    await served.api?.close();
    await served.indexer?.stop();
    tmp.remove();
  });
  const net = useRegistrySurfnet();
  return {
    net,
    tmp,
    async serve() {
      const indexer = newIndexer(net, tmp.dbPath);
      served.indexer = indexer;
      const api = await startApiServer(indexer, { port: 0 });
      served.api = api;
      return { indexer, api };
    },
  };
}

export function newIndexer(net: SurfnetSuite, dbPath: string, staleAfterMs = 15_000): Indexer {
  return new Indexer({
    rpcUrl: net.surfnet.rpcUrl,
    wsUrl: net.surfnet.wsUrl,
    dbPath,
    staleAfterMs,
    finalityPollMs: 500,
  });
}

export async function until<T>(
  what: string,
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A GraphQL response body: `T` is the shape of `data`, as the query selects it. */
export interface GqlBody<T> {
  data?: T;
  errors?: { message: string }[];
  extensions?: Record<string, unknown>;
}

/** POSTs a GraphQL query; returns the parsed body (data and errors). */
export async function gql<T = unknown>(
  api: ApiServer,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<GqlBody<T>> {
  const res = await fetch(api.url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as GqlBody<T>;
}

/** Like gql, failing on any GraphQL error (and on an answer without data); returns `data`. */
export async function query<T>(api: ApiServer, q: string, variables: Record<string, unknown> = {}): Promise<T> {
  const body = await gql<T>(api, q, variables);
  if (body.errors?.length) throw new Error(`GraphQL errors: ${body.errors.map((e) => e.message).join("; ")}`);
  if (body.data === undefined) throw new Error("GraphQL answer without data");
  return body.data;
}

export function wsClient(api: ApiServer): Client {
  return createClient({ url: api.wsUrl, webSocketImpl: WebSocket, retryAttempts: 0, lazy: true });
}

export { anchor, Keypair, SOL, startApiServer };

/** Waits until the index holds every change the registry counts, with no hole, and is healthy; returns the count. */
export async function caughtUp(indexer: Indexer, f: RegistryFixture): Promise<number> {
  const expected = Number((await f.registry()).history.changeCount);
  return until(`the index to hold ${expected} changes`, () => {
    const status = indexer.status();
    const whole =
      status.contiguousChangeIndex === expected &&
      status.eventCount === expected &&
      status.onChainChangeCount === expected;
    return whole && status.degraded === null && expected;
  });
}
