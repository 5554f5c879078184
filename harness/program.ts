// The Lume Registry program as tests see it: where its binary and IDL live, its PDAs,
// a typed Anchor client, and a valid default configuration to initialize with.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import type { IdlTypes, Program } from "@coral-xyz/anchor";
import { Keypair, PublicKey, SystemProgram } from "@solana/web3.js";
import { eventCpiAccounts } from "../app/src/sdk/events.js";
import type { LumeRegistry } from "../programs/lume-registry/idl/lume_registry.js";
import { customErrorCode, errorLogs } from "./errors.js";
import { LUME_REGISTRY_IDL_PATH, programFromIdl } from "./idl.js";
import { programDataAddress } from "./loader.js";
import type { ProgramSpec, TestRuntime } from "./types.js";

export type { LumeRegistry };
export type RegistryProgram = Program<LumeRegistry>;

export const PROGRAM_SO_PATH = "target/deploy/lume_registry.so";
export const PROGRAM_ID = new PublicKey("FW9CCNM5sLgyXnw6hCGCRD8rGbCX4gZV9KBDsk2WTyo7");
export const GENERATED_IDL_PATH = "target/idl/lume_registry.json";
export const GENERATED_TYPES_PATH = "target/types/lume_registry.ts";
export const COMMITTED_IDL_PATH = LUME_REGISTRY_IDL_PATH;
export const COMMITTED_TYPES_PATH = "programs/lume-registry/idl/lume_registry.ts";

export const registryAddress = (): PublicKey =>
  PublicKey.findProgramAddressSync([Buffer.from("registry")], PROGRAM_ID)[0];

/** The registry program deployed with `upgradeAuthority` (for `startRuntime`). */
export function registryProgramSpec(upgradeAuthority: PublicKey): ProgramSpec {
  return { programId: PROGRAM_ID, soPath: PROGRAM_SO_PATH, upgradeAuthority };
}

/** One client per provider: building an Anchor Program from the IDL costs about a millisecond. */
const clients = new WeakMap<TestRuntime["provider"], RegistryProgram>();

export function registryClient(rt: TestRuntime): RegistryProgram {
  let client = clients.get(rt.provider);
  if (client === undefined) {
    client = programFromIdl<LumeRegistry>(COMMITTED_IDL_PATH, rt.provider);
    clients.set(rt.provider, client);
  }
  return client;
}

/** `sha256(namespace:name)[..8]`, Anchor's discriminator. */
export function discriminator(namespace: "global" | "account" | "event", name: string): Buffer {
  return createHash("sha256").update(`${namespace}:${name}`).digest().subarray(0, 8);
}

/** The registry policy as Anchor's client types it from the IDL. */
export type PolicyArgs = IdlTypes<LumeRegistry>["policy"];

export interface InitializeArgs {
  council: PublicKey[];
  threshold: number;
  timeLockSeconds: number;
  policy: PolicyArgs;
  categories: string[];
}

const DAY = 86_400;

export const DEFAULT_POLICY: PolicyArgs = {
  reviewIntervalSeconds: 180 * DAY,
  reviewGraceSeconds: 14 * DAY,
  deviationThreshold: 3,
  deviationWindowSeconds: 7 * DAY,
  guardianSuspensionSeconds: 3 * DAY,
  proposalLifetimeSeconds: 14 * DAY,
  keyRotationGraceSeconds: 7 * DAY,
  guardianResuspensionCooldownSeconds: 7 * DAY,
};

export const DEFAULT_CATEGORIES = ["api-read", "api-write", "content-fetch", "price-feed", "search-index"];

export function defaultInitializeArgs(
  council: PublicKey[] = [1, 2, 3].map(() => Keypair.generate().publicKey),
): InitializeArgs {
  return {
    council,
    threshold: 2,
    timeLockSeconds: DAY,
    policy: { ...DEFAULT_POLICY },
    categories: [...DEFAULT_CATEGORIES],
  };
}

/** The accounts `initialize_registry` takes, signed by `authority`. */
export function initializeAccounts(authority: PublicKey) {
  return {
    registry: registryAddress(),
    authority,
    programData: programDataAddress(PROGRAM_ID),
    ...eventCpiAccounts(PROGRAM_ID),
    systemProgram: SystemProgram.programId,
  };
}

export interface IdlErrorEntry {
  code: number;
  name: string;
  msg: string;
}

/** The program's error codes by name, from the committed IDL. */
export function registryErrorCode(name: string): number {
  const entry = registryErrors().find((e) => e.name === name);
  if (!entry) throw new Error(`no error named ${name} in the IDL`);
  return entry.code;
}

let idlErrors: IdlErrorEntry[] | undefined;
/** The IDL's error list (read once: the fuzzer asks for a code at every step). */
export function registryErrors(): readonly IdlErrorEntry[] {
  idlErrors ??= (JSON.parse(readFileSync(COMMITTED_IDL_PATH, "utf8")) as { errors: IdlErrorEntry[] }).errors;
  return idlErrors;
}

/** Awaits `action` and checks it failed with the registry error `name`. */
export async function expectRegistryError(action: Promise<unknown>, name: string): Promise<void> {
  const expected = registryErrorCode(name);
  try {
    await action;
  } catch (err) {
    const code = customErrorCode(err);
    if (code !== expected) {
      throw new Error(
        `expected ${name} (${expected}), got ${code ?? "no custom code"}: ${String(err)}\n${errorLogs(err).join("\n")}`,
      );
    }
    return;
  }
  throw new Error(`expected ${name} (${expected}), but the transaction succeeded`);
}

/** Folds events into the history chain as the program does: sha256(head || event). */
export function extendHistory(head: Buffer, eventBytes: Buffer): Buffer {
  return createHash("sha256").update(head).update(eventBytes).digest();
}
