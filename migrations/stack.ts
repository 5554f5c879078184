// The one-command local stack behind `npm start`: a fresh local chain on 8899/8900 with the
// registry program deployed (the demo deployer as upgrade authority), and the registry
// initialized over JSON-RPC with the demo council. The indexer and GraphQL join it later.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import anchor from "@coral-xyz/anchor";
import { Connection } from "@solana/web3.js";
import { startRegistryLocalnet, type RegistryLocalnet } from "../app/src/localnet/registry-localnet.js";
import { loadOrCreateDemoKeys, type DemoKeys } from "./demo-keys.js";
import { DEFAULT_CONFIG_PATH } from "./deploy-defaults.js";
import { ensureRegistry, type EnsureRegistryResult } from "./initialize-registry.js";
import { loadRegistryConfig, registryConfigToJson, type RegistryConfig } from "./registry-config.js";

export interface StackOptions {
  demoDir?: string;
  rpcPort?: number;
  wsPort?: number;
  /** The config whose policy, threshold and categories the demo uses (its council is replaced). */
  baseConfigPath?: string;
}

export interface Stack {
  localnet: RegistryLocalnet;
  keys: DemoKeys;
  config: RegistryConfig;
  /** Where the demo's effective config was written (usable with migrations/deploy.ts). */
  configPath: string;
  registry: EnsureRegistryResult;
  stop(): Promise<void>;
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
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
    const provider = new anchor.AnchorProvider(connection, new anchor.Wallet(keys.deployer), { commitment: "confirmed" });
    const registry = await ensureRegistry(provider, config);
    return { localnet, keys, config, configPath, registry, stop: () => localnet.stop() };
  } catch (err) {
    await localnet.stop();
    throw err;
  }
}
