// Signing and sending logic shared by both runtimes' Anchor providers: set fee payer and the
// runtime's blockhash, sign, hand the transaction to the runtime, throw TxError on failure.
import type { Provider } from "@coral-xyz/anchor";
import type { Keypair, Signer, Transaction, VersionedTransaction } from "@solana/web3.js";
import { signatureOf } from "./tx-utils.js";
import type { TxResult } from "./types.js";

export type AnyTransaction = Transaction | VersionedTransaction;
export type SimulationResponse = Awaited<ReturnType<NonNullable<Provider["simulate"]>>>;

/** What a runtime must offer to back a provider. */
export interface TxEngine {
  readonly payer: Keypair;
  latestBlockhash(): Promise<string>;
  execute(tx: AnyTransaction, mode: "send" | "simulate"): Promise<TxResult>;
  /** Whether a transaction with this signature was already processed (a duplicate). */
  alreadyProcessed(signature: string): boolean;
  /** Moves the runtime to a new blockhash. */
  expireBlockhash(): Promise<void>;
}

function isVersioned(tx: AnyTransaction): tx is VersionedTransaction {
  return "version" in tx;
}

/**
 * Prepares `tx` in place: fee payer, blockhash, signatures of `signers` and the payer. If
 * the result would be a duplicate of a processed transaction (same blockhash, same
 * content), the runtime moves to a new blockhash first, so identical sends both execute.
 */
export async function prepareTransaction(
  engine: TxEngine,
  tx: AnyTransaction,
  signers: readonly Signer[],
): Promise<void> {
  await signWithBlockhash(engine, tx, signers, await engine.latestBlockhash());
  if (engine.alreadyProcessed(signatureOf(tx))) {
    await engine.expireBlockhash();
    await signWithBlockhash(engine, tx, signers, await engine.latestBlockhash());
  }
}

async function signWithBlockhash(
  engine: TxEngine,
  tx: AnyTransaction,
  signers: readonly Signer[],
  blockhash: string,
): Promise<void> {
  const payer = engine.payer;
  if (isVersioned(tx)) {
    tx.message.recentBlockhash = blockhash;
    const feePayer = tx.message.staticAccountKeys[0];
    const all = feePayer?.equals(payer.publicKey) ? [...signers, payer] : [...signers];
    if (all.length > 0) tx.sign(all);
    return;
  }
  tx.feePayer ??= payer.publicKey;
  tx.recentBlockhash = blockhash;
  for (const signer of signers) tx.partialSign(signer);
  if (tx.feePayer.equals(payer.publicKey)) tx.partialSign(payer);
}

export async function sendAndConfirmVia(
  engine: TxEngine,
  tx: AnyTransaction,
  signers: readonly Signer[] = [],
): Promise<string> {
  await prepareTransaction(engine, tx, signers);
  const result = await engine.execute(tx, "send");
  if (result.err !== null) throw result.err;
  return result.signature;
}

/** Sequential, each with its own blockhash: litesvm expires the blockhash after every send. */
export async function sendAllVia<T extends AnyTransaction>(
  engine: TxEngine,
  txWithSigners: { tx: T; signers?: Signer[] }[],
): Promise<string[]> {
  const signatures: string[] = [];
  for (const { tx, signers } of txWithSigners) {
    signatures.push(await sendAndConfirmVia(engine, tx, signers ?? []));
  }
  return signatures;
}

export async function simulateVia(
  engine: TxEngine,
  tx: AnyTransaction,
  signers: readonly Signer[] = [],
): Promise<SimulationResponse> {
  await prepareTransaction(engine, tx, signers);
  const result = await engine.execute(tx, "simulate");
  if (result.err !== null) throw result.err;
  return {
    logs: result.logs,
    unitsConsumed: result.computeUnits,
    returnData: result.returnData && {
      programId: result.returnData.programId.toBase58(),
      data: [result.returnData.data.toString("base64"), "base64"],
    },
  };
}
