// The indexer and its GraphQL server together: what `lume-indexer start` and `npm start` run.
import type { Logger } from "pino";
import { type ApiServer, startApiServer } from "./api/server.js";
import { browserRpcUrl } from "./explorer/routes.js";
import { Indexer, type IndexerOptions } from "./indexer.js";

export interface IndexerService {
  indexer: Indexer;
  api: ApiServer;
  stop(): Promise<void>;
}

export const SAMPLE_QUERY =
  "{ registry { council threshold changeCount } partners(first: 5) { edges { node { partnerId legalName status } } } }";

/**
 * Starts the API first (a busy port fails fast, before any backfill), then the indexer, which
 * waits for its chain (the API answers 503 meanwhile). `onServing` gets the service as soon as
 * the API is up, so a caller can stop it while the indexer still waits for the chain.
 */
export async function startIndexerService(
  options: IndexerOptions & { host?: string; port?: number; logger?: Logger; explorerRpcUrl?: string },
  onServing?: (service: IndexerService) => void,
): Promise<IndexerService> {
  const indexer = new Indexer(options);
  let api: ApiServer;
  try {
    api = await startApiServer(indexer, {
      host: options.host,
      port: options.port,
      explorer: {
        rpcUrl: browserRpcUrl(options.rpcUrl, options.explorerRpcUrl),
        programId: indexer.programId.toBase58(),
      },
    });
  } catch (err) {
    await indexer.stop();
    throw err;
  }
  let stopping: Promise<void> | undefined;
  const service: IndexerService = {
    indexer,
    api,
    // Once, however many callers ask (Ctrl-C may come while the indexer still waits for the chain).
    stop: () =>
      (stopping ??= (async () => {
        await api.close();
        await indexer.stop();
      })()),
  };
  onServing?.(service);
  try {
    await indexer.start();
  } catch (err) {
    await service.stop();
    throw err;
  }
  // Stopped while it waited for the chain: nothing more to say.
  if (!indexer.isStopped)
    options.logger?.info({ graphql: api.url, indexedSlot: indexer.store.indexedSlot() }, "indexer serving");
  return service;
}
