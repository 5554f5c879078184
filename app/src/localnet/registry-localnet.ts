// The project's local chain: the registry program from `npm run build`, deployed at its
// Anchor.toml id with a chosen upgrade authority, which is funded to pay for initialization.
import type { PublicKey } from "@solana/web3.js";
import { localnetProgramId, readAnchorToml } from "./anchor-toml.js";
import { type Localnet, startLocalnet } from "./localnet.js";

export const REGISTRY_PROGRAM_NAME = "lume_registry";
export const REGISTRY_SO_PATH = "target/deploy/lume_registry.so";
/** Enough for the registry account's rent and years of local transaction fees. */
export const AUTHORITY_FUNDING_LAMPORTS = 100_000_000_000n;

export interface RegistryLocalnetOptions {
  upgradeAuthority: PublicKey;
  rpcPort?: number;
  wsPort?: number;
  soPath?: string;
  anchorTomlPath?: string;
}

export interface RegistryLocalnet extends Localnet {
  readonly programId: PublicKey;
  readonly upgradeAuthority: PublicKey;
}

export async function startRegistryLocalnet(options: RegistryLocalnetOptions): Promise<RegistryLocalnet> {
  const programId = localnetProgramId(readAnchorToml(options.anchorTomlPath), REGISTRY_PROGRAM_NAME);
  const localnet = await startLocalnet({
    programs: [{ programId, soPath: options.soPath ?? REGISTRY_SO_PATH, upgradeAuthority: options.upgradeAuthority }],
    fund: [{ address: options.upgradeAuthority, lamports: AUTHORITY_FUNDING_LAMPORTS }],
    rpcPort: options.rpcPort,
    wsPort: options.wsPort,
  });
  return Object.assign(localnet, { programId, upgradeAuthority: options.upgradeAuthority });
}
