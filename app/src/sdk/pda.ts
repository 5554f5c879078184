// Addresses derived from the program id: the registry PDA and the program's ProgramData.
import { PublicKey } from "@solana/web3.js";
import { LUME_REGISTRY_PROGRAM_ID } from "./idl.js";

export const BPF_LOADER_UPGRADEABLE_ID = new PublicKey("BPFLoaderUpgradeab1e11111111111111111111111");

export const REGISTRY_SEED = Buffer.from("registry");

/** The registry configuration account, PDA `["registry"]`. */
export function registryAddress(programId: PublicKey = LUME_REGISTRY_PROGRAM_ID): PublicKey {
  return PublicKey.findProgramAddressSync([REGISTRY_SEED], programId)[0];
}

/** The upgradeable loader's ProgramData account of `programId` (it holds the upgrade authority). */
export function programDataAddress(programId: PublicKey = LUME_REGISTRY_PROGRAM_ID): PublicKey {
  return PublicKey.findProgramAddressSync([programId.toBuffer()], BPF_LOADER_UPGRADEABLE_ID)[0];
}
