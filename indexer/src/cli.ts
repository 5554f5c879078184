// lume-indexer: start | backfill | verify | status. Configuration from flags, then environment
// (LUME_RPC_URL, LUME_WS_URL, LUME_HELIUS_WS_URL, LUME_INDEXER_DB, LUME_INDEXER_HOST, LUME_INDEXER_PORT,
// LUME_COMMITMENT), then an optional JSON file (--config) with the same keys in camelCase.
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { dirname } from "node:path";
import { Command, Option } from "commander";
import cliProgress from "cli-progress";
import { Connection } from "@solana/web3.js";
import { pino } from "pino";
import { runMain } from "../../app/src/cli/run-main.js";
import { untilStopSignal } from "../../app/src/cli/signals.js";
import { UserError } from "../../app/src/cli/user-error.js";
import { Indexer } from "./indexer.js";
import { SAMPLE_QUERY, startIndexerService } from "./service.js";
import { RegistryDecoder } from "./decoder/decoder.js";
import { IndexerStore } from "./store/store.js";
import { verify } from "./verify/verify.js";

interface Config {
  rpcUrl: string;
  wsUrl?: string;
  db: string;
  host: string;
  port: number;
  commitment: "processed" | "confirmed" | "finalized";
  staleAfterMs: number;
  heliusWsUrl?: string;
}

const DEFAULTS: Config = { rpcUrl: "http://127.0.0.1:8899", db: ".lume/indexer/index.sqlite", host: "127.0.0.1", port: 4000, commitment: "confirmed", staleAfterMs: 15_000 };

function resolveConfig(flags: Record<string, string | undefined>): Config {
  let file: Partial<Config> = {};
  if (flags.config !== undefined) {
    if (!existsSync(flags.config)) throw new UserError(`config file ${flags.config} does not exist`);
    try {
      file = JSON.parse(readFileSync(flags.config, "utf8")) as Partial<Config>;
    } catch (err) {
      throw new UserError(`config file ${flags.config} is not JSON: ${(err as Error).message}`);
    }
  }
  const env = process.env;
  const pick = (flag: string | undefined, envName: string, key: keyof Config): string | undefined => flag ?? env[envName] ?? (file[key] === undefined ? undefined : String(file[key]));
  const port = Number(pick(flags.port, "LUME_INDEXER_PORT", "port") ?? DEFAULTS.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UserError(`port must be 0-65535, got ${port}`);
  const commitment = (pick(flags.commitment, "LUME_COMMITMENT", "commitment") ?? DEFAULTS.commitment) as Config["commitment"];
  if (!["processed", "confirmed", "finalized"].includes(commitment)) throw new UserError(`commitment must be processed, confirmed or finalized, got ${commitment}`);
  const wsUrl = pick(flags.wsUrl, "LUME_WS_URL", "wsUrl");
  const heliusWsUrl = pick(flags.heliusWsUrl, "LUME_HELIUS_WS_URL", "heliusWsUrl");
  return {
    rpcUrl: pick(flags.rpcUrl, "LUME_RPC_URL", "rpcUrl") ?? DEFAULTS.rpcUrl,
    ...(wsUrl === undefined ? {} : { wsUrl }),
    ...(heliusWsUrl === undefined ? {} : { heliusWsUrl }),
    db: pick(flags.db, "LUME_INDEXER_DB", "db") ?? DEFAULTS.db,
    host: pick(flags.host, "LUME_INDEXER_HOST", "host") ?? DEFAULTS.host,
    port,
    commitment,
    staleAfterMs: Number(file.staleAfterMs ?? DEFAULTS.staleAfterMs),
  };
}

function withCommon(command: Command): Command {
  return command
    .option("--config <file>", "JSON config file (keys: rpcUrl, wsUrl, heliusWsUrl, db, host, port, commitment, staleAfterMs)")
    .option("--rpc-url <url>", `Solana JSON-RPC URL (env LUME_RPC_URL, default ${DEFAULTS.rpcUrl})`)
    .option("--ws-url <url>", "Solana PubSub URL (env LUME_WS_URL, default: derived from the RPC URL)")
    .option("--db <path>", `SQLite file (env LUME_INDEXER_DB, default ${DEFAULTS.db})`)
    .option("--helius-ws-url <url>", "stream from Helius Enhanced WebSockets (wss://atlas-…?api-key=…) instead of PubSub (env LUME_HELIUS_WS_URL)")
    .addOption(new Option("--commitment <level>", "commitment (env LUME_COMMITMENT)").choices(["processed", "confirmed", "finalized"]));
}

function openIndexer(config: Config, logger: pino.Logger): Indexer {
  mkdirSync(dirname(config.db), { recursive: true });
  return new Indexer({ rpcUrl: config.rpcUrl, ...(config.wsUrl ? { wsUrl: config.wsUrl } : {}), ...(config.heliusWsUrl ? { heliusWsUrl: config.heliusWsUrl } : {}), dbPath: config.db, commitment: config.commitment, staleAfterMs: config.staleAfterMs, logger });
}

export function buildProgram(): Command {
  const program = new Command("lume-indexer").description("Lume Registry indexer: chain → SQLite → GraphQL").showHelpAfterError();
  const logger = pino({ level: process.env.LOG_LEVEL ?? "info" }, pino.destination(2));

  withCommon(program.command("start").description("backfill, then follow the chain and serve GraphQL until Ctrl-C"))
    .option("--host <host>", `GraphQL host (env LUME_INDEXER_HOST, default ${DEFAULTS.host})`)
    .option("--port <port>", `GraphQL port (env LUME_INDEXER_PORT, default ${DEFAULTS.port})`)
    .action(async (flags) => {
      const config = resolveConfig(flags);
      mkdirSync(dirname(config.db), { recursive: true });
      const stopSignal = untilStopSignal();
      const service = await startIndexerService({ rpcUrl: config.rpcUrl, ...(config.wsUrl ? { wsUrl: config.wsUrl } : {}), ...(config.heliusWsUrl ? { heliusWsUrl: config.heliusWsUrl } : {}), dbPath: config.db, commitment: config.commitment, staleAfterMs: config.staleAfterMs, host: config.host, port: config.port, logger });
      console.log(`GraphQL (and GraphiQL) on ${service.api.url}; /healthz and /metrics beside it.`);
      console.log(`Try: curl -s ${service.api.url} -H 'content-type: application/json' -d '${JSON.stringify({ query: SAMPLE_QUERY })}'`);
      const signal = await stopSignal;
      await service.stop();
      logger.info({ signal }, "stopped");
    });

  withCommon(program.command("backfill").description("read every account and missing transaction once, then exit")).action(async (flags) => {
    const config = resolveConfig(flags);
    const indexer = openIndexer(config, logger);
    const bar = new cliProgress.SingleBar({ format: "transactions [{bar}] {value}/{total}", stream: process.stderr }, cliProgress.Presets.shades_classic);
    let started = false;
    try {
      await indexer.backfill((done, total) => {
        if (!started) (bar.start(total, 0), (started = true));
        bar.update(done);
      });
    } finally {
      if (started) bar.stop();
    }
    const status = indexer.status();
    await indexer.stop();
    console.log(JSON.stringify(status, null, 2));
  });

  withCommon(program.command("verify").description("diff every account with the chain and replay the history hash chain; exit 1 on any difference")).action(
    async (flags) => {
      const config = resolveConfig(flags);
      if (!existsSync(config.db)) throw new UserError(`no index at ${config.db}: run \`lume-indexer backfill\` first`);
      const store = new IndexerStore(config.db, { decodeAccount: new RegistryDecoder().accountData });
      try {
        const report = await verify({ connection: new Connection(config.rpcUrl, config.commitment), store, commitment: config.commitment });
        console.log(`${report.accountsChecked} accounts checked, ${report.eventsReplayed} events replayed at slot ${report.slot}`);
        console.log(`head: replayed ${report.replayedHead}, on chain ${report.onChainHead ?? "(no registry)"} (${report.onChainChangeCount ?? 0} changes)`);
        for (const d of report.differences) console.log(`DIFF ${d}`);
        console.log(report.ok ? "verify: OK" : `verify: ${report.differences.length} difference(s)`);
        process.exitCode = report.ok ? 0 : 1;
      } finally {
        store.close();
      }
    },
  );

  program
    .command("status")
    .description("what the index holds: checkpoints, counts, schema version (no chain access)")
    .option("--config <file>", "JSON config file")
    .option("--db <path>", `SQLite file (env LUME_INDEXER_DB, default ${DEFAULTS.db})`)
    .action((flags) => {
      const config = resolveConfig(flags);
      if (!existsSync(config.db)) throw new UserError(`no index at ${config.db}`);
      const store = new IndexerStore(config.db, { decodeAccount: new RegistryDecoder().accountData });
      console.log(
        JSON.stringify(
          { db: config.db, schemaVersion: store.schemaVersion, indexedSlot: store.indexedSlot(), events: store.eventCount(), contiguousChangeIndex: store.contiguousChangeIndex(), transactions: store.transactionCount(), accounts: store.accounts().length, checkpoints: store.checkpoints() },
          null,
          2,
        ),
      );
      store.close();
    });
  return program;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runMain(async () => {
    await buildProgram().parseAsync(process.argv);
    return typeof process.exitCode === "number" ? process.exitCode : 0;
  });
}
