// `npm run fleet`: N indexer replicas behind HAProxy until Ctrl-C (usage below, or --help).
import { resolve } from "node:path";
import { portArg } from "../../../app/src/entry/port-arg.js";
import { runMain } from "../../../app/src/entry/run-main.js";
import { parseScriptArgs } from "../../../app/src/entry/script-args.js";
import { untilStopSignal } from "../../../app/src/entry/signals.js";
import { UserError } from "../../../app/src/entry/user-error.js";
import { type DemoChain, startDemoChain } from "../../../migrations/stack.js";
import { startFleet } from "./fleet.js";

export const DEFAULT_FLEET_PORT = 4400;

const USAGE = `Usage: npm run fleet -- [options]

Indexer replicas behind HAProxy until Ctrl-C. Each replica is its own process with its own SQLite
file and its own stream of the chain; HAProxy routes HTTP and WebSocket (GraphQL, subscriptions,
/healthz, the explorer) to the healthy ones: a replica whose /healthz fails (stale state, or more
than --max-lag-slots behind the chain) is taken out of rotation and its subscribers reconnect to
another, resuming from their last change index (docs/subscriptions.md, docs/fleet.md).

Without --rpc-url it first starts a local chain with the registry program and the demo registry,
as npm start does (after npm run build), on free ports unless --rpc-port/--ws-port say otherwise.

Options:
  --replicas <n>          how many indexers (default 3)
  --port <n>              HAProxy's port for clients (default ${DEFAULT_FLEET_PORT}; 0 picks a free one)
  --host <addr>           where HAProxy and the replicas listen (default 127.0.0.1)
  --rpc-url <url>         follow this chain instead of starting one
  --ws-url <url>          its PubSub URL (default: derived from --rpc-url)
  --dir <dir>             SQLite files, logs and the generated haproxy.cfg (default .lume/fleet)
  --max-lag-slots <n>     a replica further behind the chain leaves the rotation (default 150, about a minute)
  --check-interval-ms <n> HAProxy's health check interval (default 1000; fall 3, rise 2)
  --stale-after-ms <n>    the replicas' --stale-after-ms (default the indexer's, 15000)
  --rpc-port <n>          the started chain's JSON-RPC port (default 0: free)
  --ws-port <n>           the started chain's PubSub port (default 0: free)
  --demo-dir <dir>        the started chain's demo keys (default .lume/demo)
  -h, --help              this text`;

function positive(value: string | undefined, fallback: number, flag: string): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UserError(`${flag} must be a whole number, at least 1, got ${value}`);
  return n;
}

async function main(): Promise<void> {
  const values = parseScriptArgs(USAGE, {
    replicas: { type: "string" },
    port: { type: "string" },
    host: { type: "string", default: "127.0.0.1" },
    "rpc-url": { type: "string" },
    "ws-url": { type: "string" },
    dir: { type: "string", default: ".lume/fleet" },
    "max-lag-slots": { type: "string" },
    "check-interval-ms": { type: "string" },
    "stale-after-ms": { type: "string" },
    "rpc-port": { type: "string" },
    "ws-port": { type: "string" },
    "demo-dir": { type: "string" },
  });
  if (values === undefined) return;
  const stopSignal = untilStopSignal();
  // A closed terminal (SIGHUP) stops the fleet too: HAProxy takes SIGHUP as "log the servers' state"
  // and would outlive it, holding the port.
  process.once("SIGHUP", () => process.kill(process.pid, "SIGTERM"));
  const replicas = positive(values.replicas, 3, "--replicas");
  const port = portArg(values.port, DEFAULT_FLEET_PORT, "--port");
  const maxLagSlots = positive(values["max-lag-slots"], 150, "--max-lag-slots");
  const checkIntervalMs = positive(values["check-interval-ms"], 1_000, "--check-interval-ms");
  const staleAfterMs =
    values["stale-after-ms"] === undefined ? undefined : positive(values["stale-after-ms"], 15_000, "--stale-after-ms");
  let chain: DemoChain | undefined;
  let rpcUrl = values["rpc-url"];
  let wsUrl = values["ws-url"];
  if (rpcUrl === undefined) {
    console.log("starting a local chain with the demo registry (npm run build first if target/deploy is missing) ...");
    chain = await startDemoChain({
      ...(values["demo-dir"] === undefined ? {} : { demoDir: values["demo-dir"] }),
      rpcPort: portArg(values["rpc-port"], 0, "--rpc-port"),
      wsPort: portArg(values["ws-port"], 0, "--ws-port"),
      log: (line) => console.log(`  demo: ${line}`),
    });
    rpcUrl = chain.localnet.rpcUrl;
    wsUrl = chain.localnet.wsUrl;
    console.log(`local chain: ${rpcUrl} (PubSub ${wsUrl})`);
  }
  try {
    const fleet = await startFleet({
      replicas,
      rpcUrl,
      ...(wsUrl === undefined ? {} : { wsUrl }),
      dir: resolve(values.dir),
      // A chain started now is new: older files are another chain's.
      fresh: chain !== undefined,
      host: values.host,
      port,
      maxLagSlots,
      checkIntervalMs,
      ...(staleAfterMs === undefined ? {} : { staleAfterMs }),
      log: (line) => console.log(`  ${line}`),
    });
    console.log(`
${replicas} replicas behind HAProxy:
  GraphQL      ${fleet.url}  (subscriptions: ${fleet.wsUrl})
  health       ${fleet.url.replace(/\/graphql$/, "/healthz")}  (of whichever replica answers; header X-Lume-Replica)
  HAProxy      ${fleet.configPath}
Ctrl-C stops everything.`);
    const signal = await stopSignal;
    await fleet.stop();
    console.log(`\nStopped (${signal}): HAProxy and ${replicas} replicas.`);
  } finally {
    await chain?.stop();
  }
}

runMain(main);
