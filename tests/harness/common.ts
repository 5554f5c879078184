// Shared by the harness's own tests, which drive the real registry program (it only runs at
// PROGRAM_ID: its entrypoint rejects any other program id).
import assert from "node:assert/strict";
import { Keypair, type PublicKey, Transaction, TransactionInstruction } from "@solana/web3.js";
import {
  defaultInitializeArgs,
  type InitializeArgs,
  initializeAccounts,
  PROGRAM_ID,
  registryClient,
  registryErrorCode,
} from "../../harness/program.js";
import type { TestRuntime } from "../../harness/types.js";

/** The program's error for data that names no instruction (includes data under 8 bytes). */
export const UNKNOWN_INSTRUCTION = registryErrorCode("UnknownInstruction");
/** The same code as the runtime prints it. */
export const UNKNOWN_INSTRUCTION_HEX = `0x${UNKNOWN_INSTRUCTION.toString(16)}`;
/** An 8-byte discriminator that no instruction has. */
export const UNKNOWN_DISCRIMINATOR = Buffer.from([0xde, 0xad, 0xbe, 0xef, 0xde, 0xad, 0xbe, 0xef]);
/** Lamports per signature in both runtimes. */
export const SIGNATURE_FEE = 5000n;

export const INVOKE_LOG = `Program ${PROGRAM_ID.toBase58()} invoke [1]`;

/** A transaction with one registry instruction of raw `data` (no accounts unless given). */
export function rawRegistryTx(data: Buffer, keys: TransactionInstruction["keys"] = []): Transaction {
  return new Transaction().add(new TransactionInstruction({ programId: PROGRAM_ID, keys, data }));
}

/** CU the registry itself reported ("Program <id> consumed N of M compute units"). */
export function loggedUnits(logs: readonly string[]): number {
  // The registry's outer invocation reports last: its event self-CPIs report before it.
  const line = [...logs].reverse().find((l) => l.startsWith(`Program ${PROGRAM_ID.toBase58()} consumed `));
  const n = line && /consumed (\d+) of/.exec(line)?.[1];
  assert.ok(n, `no consumed-units line in ${JSON.stringify(logs)}`);
  return Number(n);
}

/** Anchor's builder for initialize_registry signed by `authority` (not sent yet). */
export function initializeMethod(rt: TestRuntime, authority: Keypair, args: InitializeArgs = defaultInitializeArgs()) {
  return registryClient(rt)
    .methods.initializeRegistry(args.council, args.threshold, args.timeLockSeconds, args.policy, args.categories)
    .accountsStrict(initializeAccounts(authority.publicKey))
    .signers([authority]);
}

/** A keypair holding 10 SOL in `rt`, to sign (and pay for) initialize_registry. */
export async function fundedKeypair(rt: TestRuntime, keypair: Keypair = Keypair.generate()): Promise<Keypair> {
  await rt.airdrop(keypair.publicKey, 10_000_000_000n);
  return keypair;
}

export async function lamportsOf(rt: TestRuntime, address: PublicKey): Promise<bigint> {
  return (await rt.getAccount(address))?.lamports ?? 0n;
}
