// The demo's keys, generated on the first `npm start` and kept under .lume/demo/ (git-ignored),
// so every later run shows the same deployer, council and (hence) the same addresses.
import { join } from "node:path";
import type { Keypair } from "@solana/web3.js";
import { loadOrCreateKeypairFile } from "../app/src/sdk/keypair-file.js";

export const DEFAULT_DEMO_DIR = ".lume/demo";
export const DEMO_COUNCIL_SIZE = 3;

export interface DemoKeys {
  dir: string;
  /** Upgrade authority of the local deploy; initializes the registry and pays for it. */
  deployer: Keypair;
  council: Keypair[];
  /** True when this run generated any of them (the first run, or after .lume/ was removed). */
  created: boolean;
}

export function loadOrCreateDemoKeys(dir = DEFAULT_DEMO_DIR): DemoKeys {
  const deployer = loadOrCreateKeypairFile(join(dir, "deployer.json"));
  const council = Array.from({ length: DEMO_COUNCIL_SIZE }, (_, i) =>
    loadOrCreateKeypairFile(join(dir, `council-${i + 1}.json`)),
  );
  return {
    dir,
    deployer: deployer.keypair,
    council: council.map((c) => c.keypair),
    created: deployer.created || council.some((c) => c.created),
  };
}
