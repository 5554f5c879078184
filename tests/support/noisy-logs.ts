// Log padding for the truncation attack (issue 10): validators keep 10,000 bytes of a
// transaction's logs and replace the rest with "Log truncated".
import { type Keypair, PublicKey, Transaction, TransactionInstruction } from "@solana/web3.js";
import type { RegistryFixture } from "../../harness/registry-fixture.js";
import type { TxResult } from "../../harness/types.js";

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

/** Sends `tx`'s instructions behind noisyMemos(), signed by `signer`; asserts it succeeded. */
async function sendPadded(f: RegistryFixture, tx: Transaction, signer: Keypair, label: string): Promise<TxResult> {
  const result = await f.send(Promise.resolve(new Transaction().add(...noisyMemos(), ...tx.instructions)), [signer]);
  f.assertOk(result, label);
  return result;
}

/** A new partner's `apply` behind noisyMemos(): the result and the partner's id. */
export async function paddedApply(f: RegistryFixture): Promise<{ result: TxResult; id: number }> {
  const authority = await f.newSigner();
  const id = (await f.registry()).partnerCount.toNumber();
  const apply = await f.applyTx(authority.publicKey, id, { legalName: "Noisy Neighbour GmbH" });
  return { result: await sendPadded(f, apply, authority, "padded apply"), id };
}

/** The `execute` of an approved AddCategory behind noisyMemos(): the result and the proposal's id. */
export async function paddedExecute(f: RegistryFixture): Promise<{ result: TxResult; id: number }> {
  const id = await f.approved({ addCategory: { name: "zz-noise" } });
  const executor = f.council[0]!;
  const execute = await f.executeTx(id, executor.publicKey);
  return { result: await sendPadded(f, execute, executor, "padded execute"), id };
}
