// The registry account, read through Anchor's coder and flattened for display and JSON.
import type { IdlAccounts } from "@coral-xyz/anchor";
import type { PublicKey } from "@solana/web3.js";
import { catalogueNames } from "./fixed-text.js";
import type { LumeRegistry } from "./idl.js";
import { registryAddress } from "./pda.js";
import type { RegistryProgram } from "./program.js";

export type RegistryAccount = IdlAccounts<LumeRegistry>["registry"];

export interface RegistrySummary {
  address: string;
  layoutVersion: number;
  initializedBy: string;
  council: string[];
  councilEpoch: number;
  threshold: number;
  timeLockSeconds: number;
  policy: RegistryAccount["policy"];
  categories: string[];
  partnerCount: string;
  proposalCount: string;
  changeCount: string;
  historyHead: string;
  createdAt: string;
}

/** The registry account, or null if it was never initialized. */
export async function fetchRegistry(program: RegistryProgram): Promise<RegistryAccount | null> {
  return program.account.registry.fetchNullable(registryAddress(program.programId));
}

/** Fixed-size arrays are trimmed to their used length; u64s become decimal strings. */
export function summarizeRegistry(registry: RegistryAccount, address: PublicKey = registryAddress()): RegistrySummary {
  return {
    address: address.toBase58(),
    layoutVersion: registry.layoutVersion,
    initializedBy: registry.initializedBy.toBase58(),
    council: registry.council.slice(0, registry.councilLen).map((k) => k.toBase58()),
    councilEpoch: registry.councilEpoch,
    threshold: registry.threshold,
    timeLockSeconds: registry.timeLockSeconds,
    policy: registry.policy,
    categories: catalogueNames(registry),
    partnerCount: registry.partnerCount.toString(),
    proposalCount: registry.proposalCount.toString(),
    changeCount: registry.history.changeCount.toString(),
    historyHead: Buffer.from(registry.history.head).toString("hex"),
    createdAt: new Date(registry.createdAt.toNumber() * 1000).toISOString(),
  };
}
