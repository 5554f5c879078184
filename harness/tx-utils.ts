// Small conversions shared by the runtime adapters.
import anchor from "@coral-xyz/anchor";
import type { Transaction, VersionedTransaction } from "@solana/web3.js";

/** Base58 of the first signature (all zeros if unsigned), as RPC reports it. */
export function signatureOf(tx: Transaction | VersionedTransaction): string {
  const sig = "version" in tx ? tx.signatures[0] : tx.signature;
  return anchor.utils.bytes.bs58.encode(sig ?? new Uint8Array(64));
}

/** bankrun's account type holds lamports as a JS number: refuse silent rounding. */
export function toNumberLamports(lamports: bigint): number {
  if (lamports > BigInt(Number.MAX_SAFE_INTEGER) || lamports < 0n) {
    throw new RangeError(`lamports out of safe range: ${lamports}`);
  }
  return Number(lamports);
}
