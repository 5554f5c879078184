// Loads surfpool's embedded runtime: the prebuilt N-API module in the npm package
// @solana/surfpool-linux-x64-gnu. Its wrapper (@solana/surfpool, which picks the package for
// the platform) is not on the registry, so the platform package is required directly.
import { createRequire } from "node:module";
import { LocalnetError } from "./errors.js";

export const SURFPOOL_PACKAGE = "@solana/surfpool-linux-x64-gnu";

/** The native API as surfpool 1.5.0 exports it (read from the module and its Rust source). */
export interface NativeEpochInfo {
  epoch: number;
  slotIndex: number;
  slotsInEpoch: number;
  absoluteSlot: number;
  blockHeight: number;
  transactionCount?: number | null;
}

export interface NativeSimnetEvent {
  kind: string;
  message?: string | null;
  timestamp?: string | null;
  transactionSignature?: string | null;
  logs?: string[] | null;
  computeUnitsConsumed?: number | null;
  errorMessage?: string | null;
  accountPubkey?: string | null;
}

export interface NativeSurfnetConfig {
  offline?: boolean;
  remoteRpcUrl?: string;
  blockProductionMode?: "clock" | "transaction" | "manual";
  slotTimeMs?: number;
  airdropSol?: number;
  airdropAddresses?: string[];
  payerSecretKey?: number[];
  enableFeatures?: string[];
  disableFeatures?: string[];
  allFeatures?: boolean;
}

/**
 * Byte arrays cross the boundary as plain `number[]` (napi `Vec<u8>`): a Uint8Array is
 * refused with "Given napi value is not an array". Amounts are f64 holding a u64.
 */
export interface NativeSurfnet {
  readonly rpcUrl: string;
  readonly wsUrl: string;
  readonly payer: string;
  readonly payerSecretKey: number[];
  readonly instanceId: string;
  stop(): void;
  drainEvents(): NativeSimnetEvent[];
  deploy(options: { programId: string; soPath?: string; soBytes?: number[]; idlPath?: string }): string;
  setAccount(address: string, lamports: number, data: number[], owner: string): void;
  fundSol(address: string, lamports: number): void;
  timeTravelToSlot(slot: number): NativeEpochInfo;
  timeTravelToEpoch(epoch: number): NativeEpochInfo;
  /** Milliseconds since the Unix epoch. */
  timeTravelToTimestamp(timestampMs: number): NativeEpochInfo;
}

export interface NativeSurfnetClass {
  start(): NativeSurfnet;
  startWithConfig(config: NativeSurfnetConfig): NativeSurfnet;
  newKeypair(): { publicKey: string; secretKey: number[] };
}

let cached: NativeSurfnetClass | undefined;

/** The native `Surfnet` class, loaded once; a LocalnetError explains a machine it cannot run on. */
export function loadSurfnetClass(): NativeSurfnetClass {
  if (cached !== undefined) return cached;
  const supported = process.platform === "linux" && process.arch === "x64";
  try {
    const module = createRequire(import.meta.url)(SURFPOOL_PACKAGE) as { Surfnet: NativeSurfnetClass };
    cached = module.Surfnet;
    return cached;
  } catch (err) {
    const reason = (err as Error).message.split("\n")[0] ?? String(err);
    const needs =
      `surfpool's embedded runtime (${SURFPOOL_PACKAGE}) needs Linux on x86_64 with glibc ` +
      `2.34 or newer (Debian 12, Ubuntu 22.04) and Node >= 18`;
    const here = `this machine is ${process.platform}/${process.arch}`;
    const fix = supported
      ? `run \`npm ci\` (or \`npm run setup\`) to install it`
      : `the other platforms' packages are not on the npm registry, so run the local chain on a Linux x64 machine`;
    throw new LocalnetError(`cannot load the local chain runtime: ${reason}\n${needs}; ${here}: ${fix}.`);
  }
}
