// Log padding for the truncation attack (issue 10): validators keep 10,000 bytes of a
// transaction's logs and replace the rest with "Log truncated".
import { PublicKey, TransactionInstruction } from "@solana/web3.js";

export const MEMO_PROGRAM_ID = new PublicKey("MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr");

/** SPL Memo instructions (about 230 bytes of logs each) that add up to more than 10,000 bytes. */
export function noisyMemos(count = 60): TransactionInstruction[] {
  return Array.from(
    { length: count },
    (_, i) =>
      new TransactionInstruction({ programId: MEMO_PROGRAM_ID, keys: [], data: Buffer.from([0x61 + (i % 26)]) }),
  );
}

/** Whether the logs were cut (the runtime's marker line). */
export function logsTruncated(logs: readonly string[]): boolean {
  return logs.includes("Log truncated");
}
