// The one-command local stack behind `npm start`: a fresh local chain on 8899/8900 with the
// registry program deployed (the demo deployer as upgrade authority), and the registry
// initialized over JSON-RPC with the demo council, then the indexer (a fresh SQLite file in the
// demo directory: the chain is reset on every run) serving GraphQL on 127.0.0.1:4000.
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import anchor from "@coral-xyz/anchor";
import { Connection } from "@solana/web3.js";
import { type RegistryLocalnet, startRegistryLocalnet } from "../app/src/localnet/registry-localnet.js";
import { chainUnixTime, fetchRegistry, registryProgram, summarizeRegistry } from "../app/src/sdk/index.js";
import { type IndexerService, startIndexerService } from "../indexer/src/service.js";
import { type DemoKeys, loadOrCreateDemoKeys } from "./demo-keys.js";
import { type DemoPartner, runDemoLifecycle } from "./demo-lifecycle.js";
import { DEFAULT_CONFIG_PATH } from "./deploy-defaults.js";
import {
  type EnsureHandoverResult,
  type EnsureRegistryResult,
  ensureHandover,
  ensureRegistry,
} from "./initialize-registry.js";
import { loadRegistryConfig, type RegistryConfig, registryConfigToJson } from "./registry-config.js";

export interface StackOptions {
  demoDir?: string;
  rpcPort?: number;
  wsPort?: number;
  /** The config whose policy, threshold and categories the demo uses (its council is replaced). */
  baseConfigPath?: string;
  /** GraphQL port (default 4000; 0 picks a free one). */
  graphqlPort?: number;
  /** Walk the demo partners through the lifecycle (default true). */
  demoPartners?: boolean;
  /** Progress lines while the demo runs. */
  log?: (line: string) => void;
}

export const DEFAULT_GRAPHQL_PORT = 4000;

export interface Stack {
  localnet: RegistryLocalnet;
  keys: DemoKeys;
  config: RegistryConfig;
  /** Where the demo's effective config was written (usable with migrations/deploy.ts). */
  configPath: string;
  registry: EnsureRegistryResult;
  /** The program's upgrade authority, handed to the registry council at start-up. */
  handover: EnsureHandoverResult;
  /** The demo partners walked through the lifecycle (empty with `demoPartners: false`). */
  partners: DemoPartner[];
  indexer: IndexerService;
  /** Where the indexer's SQLite file lives (recreated on every run). */
  indexerDbPath: string;
  /** How far the chain's clock runs ahead of this machine's after the demo's time travel (seconds). */
  chainClockAheadSeconds: number;
  stop(): Promise<void>;
}

/** The stack without its indexer: the chain, the program, the demo registry (`npm run fleet` puts its own replicas in front). */
export type DemoChain = Omit<Stack, "indexer" | "indexerDbPath" | "stop"> & { stop(): Promise<void> };

export async function startDemoChain(options: StackOptions = {}): Promise<DemoChain> {
  const keys = loadOrCreateDemoKeys(options.demoDir);
  const config: RegistryConfig = {
    ...loadRegistryConfig(options.baseConfigPath ?? DEFAULT_CONFIG_PATH),
    council: keys.council.map((k) => k.publicKey),
  };
  const configPath = join(keys.dir, "registry-config.json");
  writeFileSync(configPath, `${JSON.stringify(registryConfigToJson(config), null, 2)}\n`);

  const localnet = await startRegistryLocalnet({
    upgradeAuthority: keys.deployer.publicKey,
    rpcPort: options.rpcPort,
    wsPort: options.wsPort,
  });
  try {
    // Through the forwarded port, as every other client will connect.
    const connection = new Connection(localnet.rpcUrl, { commitment: "confirmed", wsEndpoint: localnet.wsUrl });
    const provider = new anchor.AnchorProvider(connection, new anchor.Wallet(keys.deployer), {
      commitment: "confirmed",
    });
    const program = registryProgram(provider);
    const initialized = await ensureRegistry(provider, config);
    // The end state of a real deployment: the council, not the deployer's key, holds the
    // program's upgrade authority (`lume program verify` says so).
    const handover = await ensureHandover(provider);
    const partners =
      options.demoPartners === false
        ? []
        : await runDemoLifecycle({
            program,
            connection,
            surfnet: localnet.surfnet,
            council: keys.council,
            legalVerifier: keys.legalVerifier,
            technicalAuditor: keys.technicalAuditor,
            monitors: { auditor: keys.auditor, guardian: keys.guardian, reportingNode: keys.reportingNode },
            partnerAuthorities: keys.partners,
            threshold: config.threshold,
            timeLockSeconds: config.timeLockSeconds,
            log: options.log,
          });
    // The summary as it stands after the demo (counters, history head).
    const account = await fetchRegistry(program);
    const registry: EnsureRegistryResult = account
      ? { ...initialized, registry: summarizeRegistry(account) }
      : initialized;
    const chainClockAheadSeconds = (await chainUnixTime(connection)) - Math.floor(Date.now() / 1000);
    return {
      localnet,
      keys,
      config,
      configPath,
      registry,
      handover,
      partners,
      chainClockAheadSeconds,
      stop: () => localnet.stop(),
    };
  } catch (err) {
    await localnet.stop();
    throw err;
  }
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const chain = await startDemoChain(options);
  try {
    const indexerDbPath = join(chain.keys.dir, "indexer.sqlite");
    for (const suffix of ["", "-wal", "-shm"]) rmSync(`${indexerDbPath}${suffix}`, { force: true });
    const indexer = await startIndexerService({
      rpcUrl: chain.localnet.rpcUrl,
      wsUrl: chain.localnet.wsUrl,
      dbPath: indexerDbPath,
      host: "127.0.0.1",
      port: options.graphqlPort ?? DEFAULT_GRAPHQL_PORT,
    });
    return {
      ...chain,
      indexer,
      indexerDbPath,
      stop: async () => {
        await indexer.stop();
        await chain.stop();
      },
    };
  } catch (err) {
    await chain.stop();
    throw err;
  }
}
