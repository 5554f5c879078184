// The HTTP side: graphql-yoga (GraphiQL included) at /graphql, graphql-ws subscriptions on the
// same path, /healthz and /metrics. Plugins are composed here, in one place.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { EnvelopArmorPlugin } from "@escape.tech/graphql-armor";
import { renderGraphiQL } from "@graphql-yoga/render-graphiql";
import { type DocumentNode, GraphQLError } from "graphql";
import { useServer } from "graphql-ws/use/ws";
import { createSchema, createYoga } from "graphql-yoga";
import { WebSocketServer } from "ws";
import { UserError } from "../../../app/src/entry/user-error.js";
import { explorerAssets } from "../explorer/assets.js";
import { type ExplorerConfig, handleExplorerRequest } from "../explorer/routes.js";
import type { Indexer } from "../indexer.js";
import { useRequestBodyLimit } from "./body-limit.js";
import { useHistoryNotice } from "./history-notice.js";
import { type Context, resolvers } from "./resolvers.js";
import { typeDefs } from "./schema.graphql.js";
import { sharedSubscription } from "./shared-delivery.js";

/** What onSubscribe hands graphql-ws as rootValue: the execute and subscribe of yoga's envelop. */
type EnvelopedRoot = Pick<ReturnType<ReturnType<typeof createYoga>["getEnveloped"]>, "execute" | "subscribe">;

/** graphql-armor's defaults, written out (RELIABILITY.md); change them only with a note why. */
export const ARMOR_LIMITS = {
  maxDepth: { n: 6, ignoreIntrospection: true },
  maxAliases: { n: 15 },
  costLimit: { maxCost: 5000, objectCost: 2, scalarCost: 1, depthCostFactor: 1.5, ignoreIntrospection: true },
  maxDirectives: { n: 50 },
  // GraphiQL's introspection query is ~1,300 tokens; 1,000 would lock auditors out of the docs.
  maxTokens: { n: 2000 },
  blockFieldSuggestion: { enabled: true },
} as const;

/** Subscriptions one WebSocket may hold at once (each holds a listener and a queue). */
export const MAX_SUBSCRIPTIONS_PER_CONNECTION = 100;

export interface ApiServer {
  url: string;
  wsUrl: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

export class PortInUseError extends UserError {}

export async function startApiServer(
  indexer: Indexer,
  options: { host?: string; port?: number; explorer?: ExplorerConfig } = {},
): Promise<ApiServer> {
  const host = options.host ?? "127.0.0.1";
  const explorer: ExplorerConfig = options.explorer ?? { rpcUrl: null, programId: indexer.programId.toBase58() };
  // Bundle the explorer now, so the first page is served at once (a failure is answered per request).
  explorerAssets().catch(() => {});
  const yoga = createYoga<object, Context>({
    schema: createSchema<Context>({ typeDefs, resolvers: resolvers() as never }),
    context: () => ({ indexer }),
    // The body limit last: it wraps whichever request parser was picked (see body-limit.ts).
    plugins: [EnvelopArmorPlugin(ARMOR_LIMITS), useHistoryNotice(indexer), useRequestBodyLimit()],
    // yoga's own limit copies every body through a stream; useRequestBodyLimit replaces it.
    maxRequestBodySize: false,
    // On by default, written out: parsed documents and validation results (graphql-armor's rules
    // included) are cached per query text, so a repeated lookup is neither re-parsed nor re-validated.
    parserAndValidationCache: true,
    graphiql: { subscriptionsProtocol: "WS" },
    // GraphiQL's page with its scripts and styles inlined from the package: yoga's default loads
    // them from a CDN, which fails offline and behind a strict network.
    renderGraphiQL,
    landingPage: false,
    logging: false,
    maskedErrors: true,
  });

  const server = createServer(async (req, res) => {
    if (req.url === "/healthz" || req.url?.startsWith("/healthz?")) {
      // 503 only for stale state (what authorize depends on); an incomplete history is reported
      // in the body (historyIncomplete) while it is fetched. A load balancer may add
      // ?maxLagSlots=N: a replica trailing the chain by more is 503 too (taken out of rotation).
      const status = indexer.status();
      const maxLag = Number(new URL(req.url, "http://x").searchParams.get("maxLagSlots") ?? Number.NaN);
      const lagging =
        Number.isFinite(maxLag) && status.lag > maxLag
          ? `lagging: ${status.lag} slots behind the chain (limit ${maxLag})`
          : null;
      const ok = status.degraded === null && lagging === null;
      res.writeHead(ok ? 200 : 503, { "content-type": "application/json" });
      res.end(JSON.stringify({ ok, ...(lagging === null ? {} : { lagging }), ...status }));
      return;
    }
    if (req.url === "/metrics") {
      res.writeHead(200, { "content-type": indexer.metrics.registry.contentType });
      res.end(await indexer.metrics.registry.metrics());
      return;
    }
    if (await handleExplorerRequest(req, res, explorer)) return;
    await yoga(req, res);
  });
  server.requestTimeout = 15_000;

  const port = options.port ?? 4000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", (err: NodeJS.ErrnoException) =>
      reject(
        err.code === "EADDRINUSE"
          ? new PortInUseError(
              `port ${port} on ${host} is already in use (GraphQL): stop what runs there, or pick another port ("npm start -- --graphql-port N", "lume-indexer start --port N")`,
            )
          : err,
      ),
    );
    server.listen(port, host, () => resolve());
  });
  // The WebSocket side only once the port is ours (a busy port is one clear error, nothing else).
  const wss = new WebSocketServer({ server, path: yoga.graphqlEndpoint });
  const wsServer = useServer(
    {
      // onSubscribe (below) puts the envelop's own execute and subscribe in rootValue.
      execute: (args) => (args.rootValue as EnvelopedRoot).execute(args),
      // snapshotChanged: one execution per change for all its subscribers (shared-delivery.ts).
      subscribe: async (args) =>
        (await sharedSubscription(wss, args)) ?? (args.rootValue as EnvelopedRoot).subscribe(args),
      onSubscribe: async (ctx, _id, params) => {
        // The one being set up counts too.
        if (Object.keys(ctx.subscriptions).length > MAX_SUBSCRIPTIONS_PER_CONNECTION)
          return [
            new GraphQLError(
              `too many subscriptions on this connection (at most ${MAX_SUBSCRIPTIONS_PER_CONNECTION}): complete one first, or open another connection`,
            ),
          ];
        const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
          ...ctx,
          req: ctx.extra.request,
          socket: ctx.extra.socket,
          params,
        });
        // A rejected document is answered with its error; the socket stays open.
        let document: DocumentNode;
        try {
          document = parse(params.query);
        } catch (err) {
          return [err instanceof GraphQLError ? err : new GraphQLError((err as Error).message)];
        }
        const args = {
          schema,
          operationName: params.operationName,
          document,
          variableValues: params.variables,
          contextValue: await contextFactory(),
          rootValue: { execute, subscribe },
        };
        let errors: readonly GraphQLError[];
        try {
          errors = validate(args.schema, args.document);
        } catch (err) {
          // graphql-armor's limits throw from inside validation.
          errors = [err instanceof GraphQLError ? err : new GraphQLError((err as Error).message)];
        }
        if (errors.length) return [...errors];
        return args;
      },
    },
    wss,
  );

  const actual = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${actual}${yoga.graphqlEndpoint}`,
    wsUrl: `ws://${host}:${actual}${yoga.graphqlEndpoint}`,
    port: actual,
    server,
    close: async () => {
      await wsServer.dispose();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
