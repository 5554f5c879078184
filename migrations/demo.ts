// `npm start` (after `npm run build`): the local stack until Ctrl-C (usage below, or --help).
import { portArg } from "../app/src/entry/port-arg.js";
import { runMain } from "../app/src/entry/run-main.js";
import { parseScriptArgs } from "../app/src/entry/script-args.js";
import { untilStopSignal } from "../app/src/entry/signals.js";
import { DEFAULT_RPC_PORT, DEFAULT_WS_PORT } from "../app/src/localnet/localnet.js";
import { DEFAULT_DEMO_DIR } from "./demo-keys.js";
import { DEFAULT_GRAPHQL_PORT, startStack } from "./stack.js";
import { stackBanner } from "./stack-banner.js";

const USAGE = `Usage: npm start -- [options]   (or, after npm run build: npx tsx migrations/demo.ts [options])

The local stack until Ctrl-C: a fresh local chain with the registry program, the demo registry
(council, roles and three partners) and the indexer with its GraphQL API.

Options:
  --demo-dir <dir>       where the demo's keys, config and indexer database live (default ${DEFAULT_DEMO_DIR})
  --rpc-port <n>         JSON-RPC port (default ${DEFAULT_RPC_PORT}; 0 picks a free one)
  --ws-port <n>          PubSub (WebSocket) port (default ${DEFAULT_WS_PORT}; 0 picks a free one)
  --graphql-port <n>     the indexer's GraphQL port (default ${DEFAULT_GRAPHQL_PORT}; 0 picks a free one)
  -h, --help             this text`;

async function main(): Promise<void> {
  const values = parseScriptArgs(USAGE, {
    "demo-dir": { type: "string", default: DEFAULT_DEMO_DIR },
    "rpc-port": { type: "string" },
    "ws-port": { type: "string" },
    "graphql-port": { type: "string" },
  });
  if (values === undefined) return;
  // Listen before starting, so a Ctrl-C during startup still stops what was started.
  const stopSignal = untilStopSignal();
  const started = Date.now();
  const stack = await startStack({
    demoDir: values["demo-dir"],
    rpcPort: portArg(values["rpc-port"], DEFAULT_RPC_PORT, "--rpc-port"),
    wsPort: portArg(values["ws-port"], DEFAULT_WS_PORT, "--ws-port"),
    graphqlPort: portArg(values["graphql-port"], DEFAULT_GRAPHQL_PORT, "--graphql-port"),
    log: (line) => console.log(`  demo: ${line}`),
  });
  console.log(`(up in ${Date.now() - started} ms)`);
  console.log(stackBanner(stack));
  const signal = await stopSignal;
  await stack.stop();
  const ports = [stack.localnet.rpcUrl, stack.localnet.wsUrl, stack.indexer.api.url]
    .map((u) => new URL(u).port)
    .join(", ");
  console.log(`\nStopped (${signal}): indexer and local chain closed, ports ${ports} freed.`);
}

runMain(main);
