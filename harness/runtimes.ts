// Entry point: start a TestRuntime of either kind with the same programs, payer and clock.
import { Keypair } from "@solana/web3.js";
import { startBankrun } from "./bankrun.js";
import { startLiteSvm } from "./litesvm.js";
import type { RuntimeKind, RuntimeOptions, TestRuntime } from "./types.js";

export type { RuntimeKind, RuntimeOptions, TestRuntime } from "./types.js";

export const RUNTIME_KINDS: readonly RuntimeKind[] = ["bankrun", "litesvm"];

export const DEFAULT_PAYER_LAMPORTS = 1_000_000_000_000n; // 1,000 SOL
/** 2025-06-15T15:06:40Z; a fixed start so time-dependent results match across runtimes. */
export const DEFAULT_UNIX_TIMESTAMP = 1_750_000_000n;

/** Runtimes selected by LUME_RUNTIMES (comma-separated), default both. */
export function selectedRuntimeKinds(env: string | undefined = process.env.LUME_RUNTIMES): RuntimeKind[] {
  if (env === undefined || env.trim() === "") return [...RUNTIME_KINDS];
  const wanted = env.split(",").map((s) => s.trim());
  for (const w of wanted) {
    if (!RUNTIME_KINDS.includes(w as RuntimeKind)) throw new Error(`unknown runtime in LUME_RUNTIMES: ${w}`);
  }
  return RUNTIME_KINDS.filter((k) => wanted.includes(k));
}

export interface StartOptions extends RuntimeOptions {
  /** Fixed payer, e.g. for deterministic PDAs and CU figures (default: a fresh keypair). */
  payer?: Keypair;
}

export async function startRuntime(kind: RuntimeKind, options: StartOptions = {}): Promise<TestRuntime> {
  const resolved = {
    ...options,
    payer: options.payer ?? Keypair.generate(),
    payerLamports: options.payerLamports ?? DEFAULT_PAYER_LAMPORTS,
  };
  const runtime = kind === "bankrun" ? await startBankrun(resolved) : await startLiteSvm(resolved);
  const clock = options.clock === undefined ? { unixTimestamp: DEFAULT_UNIX_TIMESTAMP } : options.clock;
  if (clock !== null) await runtime.setClock(clock);
  return runtime;
}
