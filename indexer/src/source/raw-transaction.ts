// A confirmed transaction (getTransaction's answer, or the same JSON from a Helius raw webhook)
// as the pipeline takes it: logs, signers, the program's top-level instruction data, its inner
// instructions (where the program's events travel), and for live transactions every account it
// could write. Shared by the RPC and Helius webhook sources.
import type { PublicKey, VersionedMessage } from "@solana/web3.js";
import { type CompiledInnerInstructions, innerInstructionsOf } from "../../../app/src/sdk/events.js";
import type { RawTransaction } from "./types.js";

/** The parts of web3.js' VersionedTransactionResponse this needs (a VersionedTransactionResponse fits). */
export interface ConfirmedTransaction {
  slot: number;
  blockTime?: number | null;
  transaction: { message: VersionedMessage };
  meta: {
    err: unknown;
    logMessages?: string[] | null;
    innerInstructions?: readonly CompiledInnerInstructions[] | null;
    loadedAddresses?: { writable: PublicKey[]; readonly: PublicKey[] };
  } | null;
}

/** `live`: include the accounts the transaction could write (static keys and loaded addresses). */
export function toRawTransaction(
  signature: string,
  tx: ConfirmedTransaction,
  programId: PublicKey,
  live: boolean,
): RawTransaction {
  const message = tx.transaction.message;
  const keys = message.staticAccountKeys;
  return {
    signature,
    slot: tx.slot,
    blockTime: tx.blockTime ?? null,
    err: tx.meta?.err ?? null,
    logs: tx.meta?.logMessages ?? [],
    signers: keys.slice(0, message.header.numRequiredSignatures).map((k) => k.toBase58()),
    instructions: message.compiledInstructions
      .filter((ix) => keys[ix.programIdIndex]?.equals(programId))
      .map((ix) => Buffer.from(ix.data)),
    innerInstructions: innerInstructionsOf(tx),
    ...(live
      ? {
          writable: [
            ...keys.filter((_, i) => message.isAccountWritable(i)).map((k) => k.toBase58()),
            ...(tx.meta?.loadedAddresses?.writable ?? []).map((k) => k.toBase58()),
          ],
        }
      : {}),
  };
}
