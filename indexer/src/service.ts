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

/** Starts the API first (a busy port fails fast, before any backfill), then the indexer. */
export async function startIndexerService(
  options: IndexerOptions & { host?: string; port?: number; logger?: Logger; explorerRpcUrl?: string },
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
  try {
    await indexer.start();
  } catch (err) {
    await api.close();
    await indexer.stop();
    throw err;
  }
  options.logger?.info({ graphql: api.url, indexedSlot: indexer.store.indexedSlot() }, "indexer serving");
  return {
    indexer,
    api,
    stop: async () => {
      await api.close();
      await indexer.stop();
    },
  };
}
