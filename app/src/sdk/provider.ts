// An AnchorProvider that keeps a failed transaction's error. When a transaction passes preflight
// (or skips it) and then fails on chain, Anchor 0.32 fetches its logs and re-throws them with
// web3.js' old positional SendTransactionError constructor, which web3.js 1.98 rejects with
// "Unknown action 'undefined'": the program's error is lost. Here that case is re-thrown with the
// current constructor, from the transaction's own record, so registryErrorOf can read it.
import anchor from "@coral-xyz/anchor";
import {
  type ConfirmOptions,
  SendTransactionError,
  type Signer,
  Transaction,
  type VersionedTransaction,
} from "@solana/web3.js";

const { bs58 } = anchor.utils.bytes;

function signatureOf(tx: Transaction | VersionedTransaction): string | undefined {
  const bytes = tx instanceof Transaction ? tx.signature : tx.signatures[0];
  return bytes === null || bytes === undefined ? undefined : bs58.encode(bytes);
}

export class RegistryProvider extends anchor.AnchorProvider {
  override async sendAndConfirm(
    tx: Transaction | VersionedTransaction,
    signers?: Signer[],
    opts?: ConfirmOptions,
  ): Promise<string> {
    try {
      return await super.sendAndConfirm(tx, signers, opts);
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith("Unknown action")) throw err;
      // The wallet signed `tx` in place, so its signature names the failed transaction.
      const signature = signatureOf(tx);
      const failed =
        signature === undefined
          ? null
          : await this.connection.getTransaction(signature, {
              commitment: "confirmed",
              maxSupportedTransactionVersion: 0,
            });
      if (signature === undefined || failed === null) throw err;
      throw new SendTransactionError({
        action: "send",
        signature,
        transactionMessage: `Transaction ${signature} failed: ${JSON.stringify(failed.meta?.err ?? null)}`,
        logs: failed.meta?.logMessages ?? [],
      });
    }
  }
}
