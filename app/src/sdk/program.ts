// The typed Anchor client of the registry program.

import type { Program, Provider } from "@coral-xyz/anchor";
import anchor from "@coral-xyz/anchor";
import type { PublicKey } from "@solana/web3.js";
import { LUME_REGISTRY_IDL, type LumeRegistry } from "./idl.js";

export type RegistryProgram = Program<LumeRegistry>;

/** `Program<LumeRegistry>` on `provider`; `programId` overrides the IDL's address. */
export function registryProgram(provider: Provider, programId?: PublicKey): RegistryProgram {
  const idl = programId === undefined ? LUME_REGISTRY_IDL : { ...LUME_REGISTRY_IDL, address: programId.toBase58() };
  return new anchor.Program<LumeRegistry>(idl, provider);
}
