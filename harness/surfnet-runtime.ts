// A TestRuntime over a surfnet's JSON-RPC (a real local chain), so that RegistryFixture drives
// it as it drives bankrun and litesvm: the indexer suites and bench/graphql-lookup.ts use it.
import type { Signer, Transaction } from "@solana/web3.js";
import { SYSVAR_CLOCK_PUBKEY, TransactionExpiredBlockheightExceededError } from "@solana/web3.js";
import { innerInstructionsOf } from "../app/src/sdk/events.js";
import { TxError } from "./errors.js";
import type { SurfnetSuite } from "./surfnet.js";
import { decodeClockSysvar } from "./sysvars.js";
import type { ClockState, HarnessProvider, TestRuntime, TxResult } from "./types.js";

/** A TestRuntime over a surfnet's JSON-RPC, so RegistryFixture drives the real local chain. */
export function surfnetRuntime(net: SurfnetSuite): TestRuntime {
  const payer = net.fundedKeypair(1_000);
  const provider = net.provider(payer) as unknown as HarnessProvider;
  const { connection, surfnet } = net;
  const getClock = async (): Promise<ClockState> =>
    decodeClockSysvar((await connection.getAccountInfo(SYSVAR_CLOCK_PUBKEY, "processed"))!.data);
  const unsupported = (what: string) => () =>
    Promise.reject(new Error(`${what} is not supported on the surfnet runtime`));
  return {
    name: "litesvm", // only used for labels
    provider,
    payer,
    getAccount: unsupported("getAccount"),
    setAccount: unsupported("setAccount"),
    airdrop: async (address, lamports) => surfnet.fundSol(address, BigInt(lamports)),
    getClock,
    setClock: unsupported("setClock"),
    warpTo: async (unixTimestamp) => {
      surfnet.timeTravel({ unixTimestamp: Number(unixTimestamp) });
    },
    latestBlockhash: async () => (await connection.getLatestBlockhash()).blockhash,
    expireBlockhash: async () => {},
    lastComputeUnits: () => undefined,
    simulateRaw: unsupported("simulateRaw"),
    async sendRaw(tx: Transaction, signers: Signer[] = []): Promise<TxResult> {
      tx.feePayer ??= payer.publicKey;
      const all = tx.feePayer.equals(payer.publicKey) ? [payer, ...signers] : signers;
      const unique = all.filter((s, i) => all.findIndex((o) => o.publicKey.equals(s.publicKey)) === i);
      // A surfnet's blockhash lives ~11 s (75 ms slots); on a machine loaded enough to stall that
      // long, a transaction can arrive expired and be dropped. It never landed: sign it again.
      let signature = "";
      for (let attempt = 1; ; attempt++) {
        const { blockhash, lastValidBlockHeight } = await connection.getLatestBlockhash("processed");
        tx.recentBlockhash = blockhash;
        tx.sign(...unique);
        signature = await connection.sendRawTransaction(tx.serialize(), { skipPreflight: true });
        try {
          await connection.confirmTransaction({ signature, blockhash, lastValidBlockHeight }, "confirmed");
          break;
        } catch (err) {
          if (!(err instanceof TransactionExpiredBlockheightExceededError) || attempt === 3) throw err;
        }
      }
      const confirmed = await connection.getTransaction(signature, {
        commitment: "confirmed",
        maxSupportedTransactionVersion: 0,
      });
      const logs = confirmed?.meta?.logMessages ?? [];
      const computeUnits = confirmed?.meta?.computeUnitsConsumed ?? 0;
      const err = confirmed?.meta?.err ?? null;
      if (err === null) {
        const innerInstructions = confirmed === null ? [] : innerInstructionsOf(confirmed);
        return { ok: true, signature, logs, innerInstructions, computeUnits, returnData: null, err: null };
      }
      const custom = /"Custom":(\d+)/.exec(JSON.stringify(err));
      return {
        ok: false,
        signature,
        logs,
        innerInstructions: [],
        computeUnits,
        returnData: null,
        err: new TxError({
          runtime: "litesvm",
          action: "send",
          signature,
          description: JSON.stringify(err),
          logs,
          computeUnits,
          ...(custom ? { code: Number(custom[1]) } : {}),
        }),
      };
    },
  };
}
