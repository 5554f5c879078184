// What `npm start` prints once the stack is up: what runs, where to connect, what is not there yet.
import { join } from "node:path";
import type { Keypair } from "@solana/web3.js";
import { formatRegistry } from "../app/src/cli/format-registry.js";
import { SAMPLE_QUERY } from "../indexer/src/service.js";
import { DEMO_KEY_FILES, type DemoKeys } from "./demo-keys.js";
import type { Stack } from "./stack.js";

/** The last line printed when everything is up (tests wait for it). */
export const READY_LINE = "Ready. Ctrl-C stops everything.";

export const GRAPHQL_URL = "http://127.0.0.1:4000/graphql";

/** One line per demo key file: the role, the file, the public key. */
function demoKeyLines(keys: DemoKeys): string[] {
  const rows: [string, string, Keypair][] = [
    ["deployer (handed the upgrade authority to the council)", DEMO_KEY_FILES.deployer, keys.deployer],
    ...keys.council.map((k, i): [string, string, Keypair] => [`council member ${i + 1}`, DEMO_KEY_FILES.council(i), k]),
    ["legal verifier", DEMO_KEY_FILES.legalVerifier, keys.legalVerifier],
    ["technical auditor", DEMO_KEY_FILES.technicalAuditor, keys.technicalAuditor],
    ["auditor", DEMO_KEY_FILES.auditor, keys.auditor],
    ["guardian", DEMO_KEY_FILES.guardian, keys.guardian],
    ["reporting node", DEMO_KEY_FILES.reportingNode, keys.reportingNode],
    ...keys.partners.map((k, i): [string, string, Keypair] => [
      `partner #${i} authority`,
      DEMO_KEY_FILES.partner(i),
      k,
    ]),
  ];
  return rows.map(
    ([role, file, key]) => `  ${role.padEnd(29)} ${join(keys.dir, file).padEnd(36)} ${key.publicKey.toBase58()}`,
  );
}

/** The demo passes each time lock by moving the chain's clock: say how far ahead it now runs. */
function chainClockLine(aheadSeconds: number): string {
  const hours = (aheadSeconds / 3_600).toFixed(1);
  return aheadSeconds < 60
    ? "Chain clock: in step with this machine's."
    : `Chain clock: ${hours} h ahead of this machine's (the demo moved it past each proposal's time lock), so times on chain\n` +
        "and in the indexer read that much later. Pass a time lock yourself with `npx lume localnet time-travel +1h`.";
}

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
    `  program             ${localnet.programId.toBase58()} (upgrade authority: the registry council ${stack.handover.upgradeAuthority}, handed over by the demo deployer ${keys.deployer.publicKey.toBase58()})`,
    `  registry config     ${stack.configPath}`,
    "",
    formatRegistry(registry.registry),
    "",
    "Demo keys (sign as a role with `npx lume -k <file> ...`):",
    ...demoKeyLines(keys),
    "",
    chainClockLine(stack.chainClockAheadSeconds),
    "",
    "Try (the lume CLI is `npx lume` from the repository root; the Solana CLI is not installed by setup):",
    "  npx lume council show",
    "  npx lume proposals list --all",
    "  npx lume partner status --partner 0",
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
          ...stack.partners.map(
            (p, id) => `  #${id} ${p.status.padEnd(10)} ${p.name.padEnd(26)} ${p.address.toBase58()}`,
          ),
          "",
        ]),
    READY_LINE,
  ].join("\n");
}
