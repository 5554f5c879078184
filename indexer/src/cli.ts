// lume-indexer: start | backfill | verify | status. Configuration from flags, then environment
// (LUME_RPC_URL, LUME_WS_URL, LUME_HELIUS_WS_URL, LUME_INDEXER_DB, LUME_INDEXER_HOST, LUME_INDEXER_PORT,
// LUME_COMMITMENT, LUME_STALE_AFTER_MS, LUME_FINALITY_POLL_MS, LUME_HELIUS_WEBHOOK_*), then an optional JSON file (--config) with the same keys in
// camelCase. The webhook secret has no flag: command lines are visible to every local user.
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { dirname } from "node:path";
import { Connection } from "@solana/web3.js";
import cliProgress from "cli-progress";
import { Command, Option } from "commander";
import { pino } from "pino";
import { runMain } from "../../app/src/entry/run-main.js";
import { untilStopSignal } from "../../app/src/entry/signals.js";
import { UserError } from "../../app/src/entry/user-error.js";
import { RegistryDecoder } from "./decoder/decoder.js";
import { Indexer } from "./indexer.js";
import { type IndexerService, SAMPLE_QUERY, startIndexerService } from "./service.js";
import { type HeliusWebhookConfig, HeliusWebhookSource } from "./source/helius-webhook.js";
import { IndexerStore, storeError } from "./store/store.js";
import { verify } from "./verify/verify.js";

interface Config {
  rpcUrl: string;
  wsUrl?: string;
  db: string;
  host: string;
  port: number;
  commitment: "processed" | "confirmed" | "finalized";
  staleAfterMs: number;
  finalityPollMs: number;
  heliusWsUrl?: string;
  heliusWebhookPort?: number;
  heliusWebhookHost?: string;
  heliusWebhookPath?: string;
  heliusWebhookSecret?: string;
}

const DEFAULTS: Config = {
  rpcUrl: "http://127.0.0.1:8899",
  db: ".lume/indexer/index.sqlite",
  host: "127.0.0.1",
  port: 4000,
  commitment: "confirmed",
  staleAfterMs: 15_000,
  finalityPollMs: 5_000,
};

/** Flags, then the environment, then the config file; only `start` receives webhooks (and needs their secret). */
function resolveConfig(
  flags: Record<string, string | undefined>,
  options: { receivesWebhooks?: boolean } = {},
): Config {
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
  const pick = (flag: string | undefined, envName: string, key: keyof Config): string | undefined =>
    flag ?? env[envName] ?? (file[key] === undefined ? undefined : String(file[key]));
  const port = Number(pick(flags.port, "LUME_INDEXER_PORT", "port") ?? DEFAULTS.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UserError(`port must be 0-65535, got ${port}`);
  const commitment = (pick(flags.commitment, "LUME_COMMITMENT", "commitment") ??
    DEFAULTS.commitment) as Config["commitment"];
  if (!["processed", "confirmed", "finalized"].includes(commitment))
    throw new UserError(`commitment must be processed, confirmed or finalized, got ${commitment}`);
  const wsUrl = pick(flags.wsUrl, "LUME_WS_URL", "wsUrl");
  const heliusWsUrl = pick(flags.heliusWsUrl, "LUME_HELIUS_WS_URL", "heliusWsUrl");
  const webhook = options.receivesWebhooks === true ? resolveWebhook(flags, pick, heliusWsUrl !== undefined) : {};
  const milliseconds = (
    flag: string | undefined,
    envName: string,
    key: "staleAfterMs" | "finalityPollMs",
    what: string,
  ): number => {
    const text = pick(flag, envName, key);
    if (text === undefined) return DEFAULTS[key];
    const value = Number(text);
    if (!Number.isInteger(value) || value < 100)
      throw new UserError(`${what} must be a whole number of milliseconds, at least 100, got ${text}`);
    return value;
  };
  return {
    ...webhook,
    rpcUrl: pick(flags.rpcUrl, "LUME_RPC_URL", "rpcUrl") ?? DEFAULTS.rpcUrl,
    ...(wsUrl === undefined ? {} : { wsUrl }),
    ...(heliusWsUrl === undefined ? {} : { heliusWsUrl }),
    db: pick(flags.db, "LUME_INDEXER_DB", "db") ?? DEFAULTS.db,
    host: pick(flags.host, "LUME_INDEXER_HOST", "host") ?? DEFAULTS.host,
    port,
    commitment,
    staleAfterMs: milliseconds(flags.staleAfterMs, "LUME_STALE_AFTER_MS", "staleAfterMs", "--stale-after-ms"),
    finalityPollMs: milliseconds(flags.finalityPollMs, "LUME_FINALITY_POLL_MS", "finalityPollMs", "--finality-poll-ms"),
  };
}

/** The Helius webhook receiver's settings, if a port is configured; refuses one without a secret. */
function resolveWebhook(
  flags: Record<string, string | undefined>,
  pick: (flag: string | undefined, envName: string, key: keyof Config) => string | undefined,
  streaming: boolean,
): Partial<Config> {
  const portText = pick(flags.heliusWebhookPort, "LUME_HELIUS_WEBHOOK_PORT", "heliusWebhookPort");
  if (portText === undefined) return {};
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UserError(`the Helius webhook port must be 0-65535, got ${portText}`);
  if (streaming)
    throw new UserError(
      "choose one Helius source: --helius-ws-url (Enhanced WebSockets) or --helius-webhook-port (webhooks), not both",
    );
  if (pick(flags.commitment, "LUME_COMMITMENT", "commitment") === "finalized")
    throw new UserError(
      "Helius webhooks deliver confirmed transactions: use --commitment confirmed with --helius-webhook-port (rows are upgraded to finalized as the chain finalizes them)",
    );
  const secret = pick(undefined, "LUME_HELIUS_WEBHOOK_SECRET", "heliusWebhookSecret");
  if (secret === undefined || secret.length < 16)
    throw new UserError(
      `${secret === undefined ? "no" : "too short a"} Helius webhook secret: set LUME_HELIUS_WEBHOOK_SECRET (or heliusWebhookSecret in the --config file) to the webhook's authHeader, at least 16 characters`,
    );
  const host = pick(flags.heliusWebhookHost, "LUME_HELIUS_WEBHOOK_HOST", "heliusWebhookHost");
  const path = pick(flags.heliusWebhookPath, "LUME_HELIUS_WEBHOOK_PATH", "heliusWebhookPath");
  if (path !== undefined && !path.startsWith("/"))
    throw new UserError(`the Helius webhook path must start with /, got ${path}`);
  return {
    heliusWebhookPort: port,
    heliusWebhookSecret: secret,
    ...(host === undefined ? {} : { heliusWebhookHost: host }),
    ...(path === undefined ? {} : { heliusWebhookPath: path }),
  };
}

/** The IndexerOptions part that picks the source. */
function sourceOptions(config: Config): { wsUrl?: string; heliusWsUrl?: string; heliusWebhook?: HeliusWebhookConfig } {
  return {
    ...(config.wsUrl ? { wsUrl: config.wsUrl } : {}),
    ...(config.heliusWsUrl ? { heliusWsUrl: config.heliusWsUrl } : {}),
    ...(config.heliusWebhookPort !== undefined && config.heliusWebhookSecret !== undefined
      ? {
          heliusWebhook: {
            port: config.heliusWebhookPort,
            secret: config.heliusWebhookSecret,
            ...(config.heliusWebhookHost === undefined ? {} : { host: config.heliusWebhookHost }),
            ...(config.heliusWebhookPath === undefined ? {} : { path: config.heliusWebhookPath }),
          },
        }
      : {}),
  };
}

function withCommon(command: Command): Command {
  return command
    .option(
      "--config <file>",
      "JSON config file (keys: rpcUrl, wsUrl, heliusWsUrl, heliusWebhookPort, heliusWebhookHost, heliusWebhookPath, heliusWebhookSecret, db, host, port, commitment, staleAfterMs, finalityPollMs)",
    )
    .option("--rpc-url <url>", `Solana JSON-RPC URL (env LUME_RPC_URL, default ${DEFAULTS.rpcUrl})`)
    .option("--ws-url <url>", "Solana PubSub URL (env LUME_WS_URL, default: derived from the RPC URL)")
    .option("--db <path>", `SQLite file (env LUME_INDEXER_DB, default ${DEFAULTS.db})`)
    .option(
      "--helius-ws-url <url>",
      "stream from Helius Enhanced WebSockets (wss://atlas-…?api-key=…) instead of PubSub (env LUME_HELIUS_WS_URL)",
    )
    .addOption(
      new Option("--commitment <level>", "commitment (env LUME_COMMITMENT)").choices([
        "processed",
        "confirmed",
        "finalized",
      ]),
    )
    .option(
      "--stale-after-ms <ms>",
      `a stream silent this long while the chain moves on counts as a gap: degraded, re-backfill (env LUME_STALE_AFTER_MS, default ${DEFAULTS.staleAfterMs})`,
    )
    .option(
      "--finality-poll-ms <ms>",
      `how often rows are upgraded to finalized from the chain's finalized slot (env LUME_FINALITY_POLL_MS, default ${DEFAULTS.finalityPollMs})`,
    );
}

/** For the commands that write the index: what to do with an index of another chain. */
function withRebuild(command: Command): Command {
  return command.option(
    "--rebuild",
    "if the index belongs to another chain (another cluster's genesis hash, another program, or a chain reset behind its slot), drop it and index this chain from scratch instead of refusing to start",
  );
}

/** What every command's indexer is opened with: the chain, the source, the index file, the logger. */
function indexerOptions(config: Config, logger: pino.Logger, rebuild: boolean) {
  return {
    rpcUrl: config.rpcUrl,
    ...sourceOptions(config),
    dbPath: config.db,
    commitment: config.commitment,
    staleAfterMs: config.staleAfterMs,
    finalityPollMs: config.finalityPollMs,
    logger,
    rebuild,
  };
}

function openIndexer(config: Config, logger: pino.Logger, rebuild: boolean): Indexer {
  mkdirSync(dirname(config.db), { recursive: true });
  return new Indexer(indexerOptions(config, logger, rebuild));
}

export function buildProgram(): Command {
  const program = new Command("lume-indexer")
    .description("Lume Registry indexer: chain → SQLite → GraphQL")
    .showHelpAfterError();
  const logger = pino({ level: process.env.LOG_LEVEL ?? "info" }, pino.destination(2));

  withRebuild(
    withCommon(program.command("start").description("backfill, then follow the chain and serve GraphQL until Ctrl-C")),
  )
    .option("--host <host>", `GraphQL host (env LUME_INDEXER_HOST, default ${DEFAULTS.host})`)
    .option("--port <port>", `GraphQL port (env LUME_INDEXER_PORT, default ${DEFAULTS.port})`)
    .option(
      "--helius-webhook-port <port>",
      "receive Helius raw-transaction webhooks on this port instead of streaming; the secret comes from LUME_HELIUS_WEBHOOK_SECRET (env LUME_HELIUS_WEBHOOK_PORT)",
    )
    .option(
      "--helius-webhook-host <host>",
      "the webhook receiver's host (env LUME_HELIUS_WEBHOOK_HOST, default 127.0.0.1)",
    )
    .option(
      "--helius-webhook-path <path>",
      "the webhook receiver's path (env LUME_HELIUS_WEBHOOK_PATH, default /helius-webhook)",
    )
    .option(
      "--explorer-rpc-url <url>",
      "the JSON-RPC URL the explorer's integrity page suggests to readers (default: --rpc-url when it is on this machine, else none: a remote URL may hold an API key)",
    )
    .action(async (flags) => {
      const config = resolveConfig(flags, { receivesWebhooks: true });
      mkdirSync(dirname(config.db), { recursive: true });
      const stopSignal = untilStopSignal();
      let serving: IndexerService | undefined;
      // Ctrl-C works while the indexer still waits for an unreachable chain.
      void stopSignal.then(() => serving?.stop());
      const service = await startIndexerService(
        {
          ...indexerOptions(config, logger, flags.rebuild === true),
          host: config.host,
          port: config.port,
          ...(flags.explorerRpcUrl === undefined ? {} : { explorerRpcUrl: String(flags.explorerRpcUrl) }),
        },
        (s) => (serving = s),
      );
      console.log(`GraphQL (and GraphiQL) on ${service.api.url}; /healthz and /metrics beside it.`);
      console.log(`Explorer (for people): ${service.api.url.replace(/\/graphql$/, "/")}`);
      if (service.indexer.source instanceof HeliusWebhookSource)
        console.log(`Helius webhooks received on ${service.indexer.source.receiver?.url}`);
      console.log(
        `Try: curl -s ${service.api.url} -H 'content-type: application/json' -d '${JSON.stringify({ query: SAMPLE_QUERY })}'`,
      );
      const signal = await stopSignal;
      await service.stop();
      logger.info({ signal }, "stopped");
    });

  withRebuild(
    withCommon(program.command("backfill").description("read every account and missing transaction once, then exit")),
  ).action(async (flags) => {
    const config = resolveConfig(flags);
    const indexer = openIndexer(config, logger, flags.rebuild === true);
    const bar = new cliProgress.SingleBar(
      { format: "transactions [{bar}] {value}/{total}", stream: process.stderr },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    try {
      await indexer.backfill((done, total) => {
        if (!started) {
          bar.start(total, 0);
          started = true;
        }
        bar.update(done);
      });
    } finally {
      if (started) bar.stop();
    }
    const status = indexer.status();
    await indexer.stop();
    console.log(JSON.stringify(status, null, 2));
  });

  withCommon(
    program
      .command("verify")
      .description("diff every account with the chain and replay the history hash chain; exit 1 on any difference"),
  ).action(async (flags) => {
    const config = resolveConfig(flags);
    if (!existsSync(config.db)) throw new UserError(`no index at ${config.db}: run \`lume-indexer backfill\` first`);
    const store = new IndexerStore(config.db, { decodeAccount: new RegistryDecoder().accountData });
    try {
      const report = await verify({
        connection: new Connection(config.rpcUrl, config.commitment),
        store,
        commitment: config.commitment,
      }).catch((err: unknown) => {
        throw storeError(err, config.db);
      });
      console.log(
        `${report.accountsChecked} accounts checked, ${report.eventsReplayed} events replayed at slot ${report.slot}`,
      );
      console.log(
        `head: replayed ${report.replayedHead}, on chain ${report.onChainHead ?? "(no registry)"} (${report.onChainChangeCount ?? 0} changes)`,
      );
      for (const d of report.differences) console.log(`DIFF ${d}`);
      console.log(report.ok ? "verify: OK" : `verify: ${report.differences.length} difference(s)`);
      process.exitCode = report.ok ? 0 : 1;
    } finally {
      store.close();
    }
  });

  program
    .command("status")
    .description("what the index holds: checkpoints, counts, schema version (no chain access)")
    .option("--config <file>", "JSON config file")
    .option("--db <path>", `SQLite file (env LUME_INDEXER_DB, default ${DEFAULTS.db})`)
    // Named so that a chain flag copied from another command gets a reason, not "unknown option".
    .addOption(new Option("--rpc-url <url>").hideHelp())
    .addOption(new Option("--ws-url <url>").hideHelp())
    .action((flags) => {
      for (const flag of ["rpcUrl", "wsUrl"] as const)
        if (flags[flag] !== undefined)
          throw new UserError(
            `status reads only the index file (no chain access), so --${flag === "rpcUrl" ? "rpc-url" : "ws-url"} is not used: ` +
              "drop it, or compare the index with the chain with `verify --rpc-url <url>`",
          );
      const config = resolveConfig(flags);
      if (!existsSync(config.db)) throw new UserError(`no index at ${config.db}`);
      const store = new IndexerStore(config.db, { decodeAccount: new RegistryDecoder().accountData });
      console.log(
        JSON.stringify(
          {
            db: config.db,
            schemaVersion: store.schemaVersion,
            indexedSlot: store.indexedSlot(),
            events: store.eventCount(),
            contiguousChangeIndex: store.contiguousChangeIndex(),
            transactions: store.transactionCount(),
            accounts: store.accounts().length,
            checkpoints: store.checkpoints(),
          },
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
