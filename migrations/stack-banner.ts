// What `npm start` prints once the stack is up: what runs, where to connect, what is not there yet.
import { formatRegistry } from "../app/src/cli/format-registry.js";
import { SAMPLE_QUERY } from "../indexer/src/service.js";
import type { Stack } from "./stack.js";

/** The last line printed when everything is up (tests wait for it). */
export const READY_LINE = "Ready. Ctrl-C stops everything.";

export const GRAPHQL_URL = "http://127.0.0.1:4000/graphql";

export function stackBanner(stack: Stack): string {
  const { localnet, keys, registry } = stack;
  const address = registry.registry.address;
  const rpcQuery = JSON.stringify({
    jsonrpc: "2.0",
    id: 1,
    method: "getAccountInfo",
    params: [address, { encoding: "base64" }],
  });
  return [
    "",
    "Lume Registry: local stack",
    "",
    "State: reset. The local chain lives in memory, so this run started from an empty ledger,",
    "deployed the program and initialized the registry again.",
    keys.created
      ? `Demo keys: created now in ${keys.dir}/ and kept there, so later runs reuse the same deployer, council and addresses.`
      : `Demo keys: reused from ${keys.dir}/, so the deployer, the council and every address are those of the last run.`,
    "",
    `  Solana JSON-RPC     ${localnet.rpcUrl}`,
    `  Solana PubSub (WS)  ${localnet.wsUrl}`,
    `  program             ${localnet.programId.toBase58()} (upgrade authority: demo deployer ${keys.deployer.publicKey.toBase58()})`,
    `  demo keys           ${keys.dir}/deployer.json, ${keys.dir}/council-{1..${keys.council.length}}.json`,
    `  registry config     ${stack.configPath}`,
    "",
    formatRegistry(registry.registry),
    "",
    "Try:",
    `  solana config set --url ${localnet.rpcUrl}`,
    `  solana account ${address}`,
    `  curl -s ${localnet.rpcUrl} -H 'content-type: application/json' -d '${rpcQuery}'`,
    "",
    `  Explorer            ${stack.indexer.api.url.replace(/\/graphql$/, "/")} (partners, proposals, council, history check: open it in a browser)`,
    `  GraphQL + GraphiQL   ${stack.indexer.api.url} (subscriptions over WebSocket: ${stack.indexer.api.wsUrl})`,
    `  indexer             ${stack.indexerDbPath} (SQLite; /healthz and /metrics beside /graphql)`,
    "",
    "Query the indexer:",
    `  curl -s ${stack.indexer.api.url} -H 'content-type: application/json' -d '${JSON.stringify({ query: SAMPLE_QUERY })}'`,
    `  npm run indexer -- verify --rpc-url ${localnet.rpcUrl} --db ${stack.indexerDbPath}`,
    `  npx lume node watch --indexer ${stack.indexer.api.url}     (registry changes as they land; Ctrl-C to stop)`,
    "",
    ...(stack.partners.length === 0
      ? []
      : [
          "Demo partners (applied, verified, admitted by council vote; one key revoked, one partner suspended):",
          ...stack.partners.map((p) => `  ${p.status.padEnd(10)} ${p.name.padEnd(26)} ${p.address.toBase58()}`),
          "",
        ]),
    READY_LINE,
  ].join("\n");
}
