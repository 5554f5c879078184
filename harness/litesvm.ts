// TestRuntime on npm litesvm 1.5.0 (Agave 4.3), which takes @solana/kit transactions; the
// provider below bridges the web3.js 1.x transactions that Anchor builds.

import type { Provider, Wallet } from "@coral-xyz/anchor";
import anchor from "@coral-xyz/anchor";
import { address, getTransactionDecoder, lamports } from "@solana/kit";
import { type Connection, type Keypair, PublicKey, type Signer, VersionedTransaction } from "@solana/web3.js";
import { Clock, FailedTransactionMetadata, LiteSVM, type TransactionMetadata } from "litesvm";
import type { InnerInstruction } from "../app/src/sdk/events.js";
import { RuntimeConnection } from "./connection.js";
import { TxError } from "./errors.js";
import { describeLiteSvmError } from "./litesvm-errors.js";
import { upgradeableProgramAccounts } from "./loader.js";
import {
  type AnyTransaction,
  type SimulationResponse,
  sendAllVia,
  sendAndConfirmVia,
  simulateVia,
  type TxEngine,
} from "./provider-core.js";
import { clockState, SvmRuntime, updatedClock } from "./svm-runtime.js";
import { signatureOf } from "./tx-utils.js";
import type { AccountState, ClockState, ClockUpdate, RuntimeOptions, TestRuntime, TxResult } from "./types.js";

const transactionDecoder = getTransactionDecoder();

/** An Anchor provider over litesvm: web3.js transaction -> wire bytes -> kit transaction. */
export class LiteSvmProvider implements Provider {
  readonly wallet: Wallet;
  readonly publicKey: PublicKey;

  constructor(
    readonly svm: LiteSVM,
    private readonly engine: TxEngine,
    readonly connection: Connection,
  ) {
    this.wallet = new anchor.Wallet(engine.payer);
    this.publicKey = engine.payer.publicKey;
  }

  async send(tx: AnyTransaction, signers?: Signer[]): Promise<string> {
    return sendAndConfirmVia(this.engine, tx, signers);
  }

  async sendAndConfirm(tx: AnyTransaction, signers?: Signer[]): Promise<string> {
    return sendAndConfirmVia(this.engine, tx, signers);
  }

  async sendAll<T extends AnyTransaction>(txWithSigners: { tx: T; signers?: Signer[] }[]): Promise<string[]> {
    return sendAllVia(this.engine, txWithSigners);
  }

  async simulate(tx: AnyTransaction, signers?: Signer[]): Promise<SimulationResponse> {
    return simulateVia(this.engine, tx, signers);
  }
}

class LiteSvmRuntime extends SvmRuntime implements TestRuntime {
  readonly name = "litesvm" as const;
  readonly provider: LiteSvmProvider;

  constructor(
    readonly svm: LiteSVM,
    readonly payer: Keypair,
  ) {
    super();
    const connection = new RuntimeConnection({
      getAccount: (a) => this.getAccount(a),
      latestBlockhash: () => this.latestBlockhash(),
      slot: async () => this.svm.getClock().slot,
    }).asConnection();
    this.provider = new LiteSvmProvider(svm, this, connection);
  }

  async getAccount(addr: PublicKey): Promise<AccountState | null> {
    const account = this.svm.getAccount(address(addr.toBase58()));
    if (!account.exists) return null;
    return {
      lamports: account.lamports,
      owner: new PublicKey(account.programAddress),
      data: Buffer.from(account.data),
      executable: account.executable,
    };
  }

  async setAccount(addr: PublicKey, account: AccountState): Promise<void> {
    setLiteSvmAccount(this.svm, addr, account);
  }

  async getClock(): Promise<ClockState> {
    const c = this.svm.getClock();
    return clockState(c);
  }

  async setClock(update: ClockUpdate): Promise<void> {
    const c = this.svm.getClock();
    if (update.slot !== undefined) this.svm.warpToSlot(update.slot);
    const after = this.svm.getClock();
    this.svm.setClock(new Clock(...updatedClock(after, update, c.unixTimestamp)));
  }

  async latestBlockhash(): Promise<string> {
    return this.svm.latestBlockhash();
  }

  /** Never: every send is followed by a blockhash expiry (see execute). */
  alreadyProcessed(): boolean {
    return false;
  }

  async expireBlockhash(): Promise<void> {
    this.svm.expireBlockhash();
  }

  async execute(tx: AnyTransaction, mode: "send" | "simulate"): Promise<TxResult> {
    const wire =
      "version" in tx
        ? tx.serialize()
        : tx.serialize({ requireAllSignatures: mode === "send", verifySignatures: false });
    const kitTx = transactionDecoder.decode(wire);
    const signature = signatureOf(tx);
    const keys = VersionedTransaction.deserialize(wire).message.staticAccountKeys;
    if (mode === "simulate") {
      const sim = this.svm.simulateTransaction(kitTx);
      return sim instanceof FailedTransactionMetadata
        ? failedResult(sim, signature, mode)
        : okResult(sim.meta(), signature, keys);
    }
    const res = this.svm.sendTransaction(kitTx);
    // A new blockhash for the next send: otherwise an identical transaction (same
    // signature) is rejected as AlreadyProcessed.
    this.svm.expireBlockhash();
    const result =
      res instanceof FailedTransactionMetadata ? failedResult(res, signature, mode) : okResult(res, signature, keys);
    this.lastCu = result.computeUnits;
    return result;
  }
}

/** litesvm's inner instructions in execution order, with indices resolved against `keys`. */
function innerInstructionsOf(meta: TransactionMetadata, keys: readonly PublicKey[]): InnerInstruction[] {
  const key = (index: number): string => {
    const found = keys[index];
    if (found === undefined) throw new Error(`litesvm reported account index ${index} past the transaction's keys`);
    return found.toBase58();
  };
  return meta.innerInstructions().flatMap((group) =>
    group.map((inner) => {
      const ix = inner.instruction();
      return {
        programId: key(ix.programIdIndex()),
        accounts: [...ix.accounts()].map(key),
        data: Buffer.from(ix.data()),
      };
    }),
  );
}

function okResult(meta: TransactionMetadata, signature: string, keys: readonly PublicKey[]): TxResult {
  const rd = meta.returnData();
  const data = Buffer.from(rd.data());
  return {
    ok: true,
    signature,
    logs: meta.logs(),
    innerInstructions: innerInstructionsOf(meta, keys),
    computeUnits: Number(meta.computeUnitsConsumed()),
    returnData: data.length > 0 ? { programId: new PublicKey(rd.programId()), data } : null,
    err: null,
  };
}

function failedResult(failed: FailedTransactionMetadata, signature: string, mode: "send" | "simulate"): TxResult {
  const meta = failed.meta();
  const logs = meta.logs();
  const computeUnits = Number(meta.computeUnitsConsumed());
  const err = new TxError({
    runtime: "litesvm",
    action: mode,
    signature,
    logs,
    computeUnits,
    ...describeLiteSvmError(failed.err()),
  });
  // A failed transaction changed nothing: it has no events.
  return { ok: false, signature, logs, innerInstructions: [], computeUnits, returnData: null, err };
}

function setLiteSvmAccount(svm: LiteSVM, addr: PublicKey, account: AccountState): void {
  svm.setAccount({
    address: address(addr.toBase58()),
    lamports: lamports(account.lamports),
    programAddress: address(account.owner.toBase58()),
    executable: account.executable,
    data: account.data,
    space: BigInt(account.data.length),
  });
}

export async function startLiteSvm(
  options: RuntimeOptions & { payer: Keypair; payerLamports: bigint },
): Promise<TestRuntime> {
  const svm = new LiteSVM();
  // ProgramData before the program account: litesvm compiles the program when the
  // executable account is written ("Program is not deployed" in the other order).
  for (const { address: a, account } of (options.programs ?? []).flatMap(upgradeableProgramAccounts)) {
    setLiteSvmAccount(svm, a, account);
  }
  for (const { address: a, account } of options.accounts ?? []) setLiteSvmAccount(svm, a, account);
  setLiteSvmAccount(svm, options.payer.publicKey, {
    lamports: options.payerLamports,
    owner: anchor.web3.SystemProgram.programId,
    data: Buffer.alloc(0),
    executable: false,
  });
  return new LiteSvmRuntime(svm, options.payer);
}
