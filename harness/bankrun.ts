// TestRuntime on solana-bankrun 0.4.0 (Solana 1.18 runtime) with anchor-bankrun's provider.
import anchor from "@coral-xyz/anchor";
import type { Keypair, PublicKey, Signer } from "@solana/web3.js";
import { BankrunProvider } from "anchor-bankrun";
import {
  type AddedAccount,
  type BanksTransactionResultWithMeta,
  Clock,
  type ProgramTestContext,
  start,
} from "solana-bankrun";
import { RuntimeConnection } from "./connection.js";
import { parseErrorDescription, TxError } from "./errors.js";
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
import { signatureOf, toNumberLamports } from "./tx-utils.js";
import type { AccountState, ClockState, ClockUpdate, RuntimeOptions, TestRuntime, TxResult } from "./types.js";

/**
 * anchor-bankrun's BankrunProvider, with sends routed through the runtime so that compute
 * units are recorded and failures throw the same TxError as on litesvm, and with a
 * connection shim that returns null for missing accounts.
 */
export class HarnessBankrunProvider extends BankrunProvider {
  constructor(
    context: ProgramTestContext,
    private readonly engine: TxEngine,
  ) {
    super(context, new anchor.Wallet(engine.payer));
  }

  override async send(tx: AnyTransaction, signers?: Signer[]): Promise<string> {
    return sendAndConfirmVia(this.engine, tx, signers);
  }

  override async sendAndConfirm(tx: AnyTransaction, signers?: Signer[]): Promise<string> {
    return sendAndConfirmVia(this.engine, tx, signers);
  }

  override async sendAll<T extends AnyTransaction>(txWithSigners: { tx: T; signers?: Signer[] }[]): Promise<string[]> {
    return sendAllVia(this.engine, txWithSigners);
  }

  override async simulate(tx: AnyTransaction, signers?: Signer[]): Promise<SimulationResponse> {
    return simulateVia(this.engine, tx, signers);
  }
}

const BLOCKHASH_WAIT_MS = 2_000;

class BankrunRuntime extends SvmRuntime implements TestRuntime {
  readonly name = "bankrun" as const;
  readonly provider: HarnessBankrunProvider;
  /** Signatures sent so far; a signature commits to its blockhash, so no pruning is needed. */
  private readonly processed = new Set<string>();

  constructor(
    readonly context: ProgramTestContext,
    readonly payer: Keypair,
  ) {
    super();
    this.provider = new HarnessBankrunProvider(context, this);
    this.provider.connection = new RuntimeConnection({
      getAccount: (a) => this.getAccount(a),
      latestBlockhash: () => this.latestBlockhash(),
      slot: () => this.context.banksClient.getSlot(),
    }).asConnection();
  }

  async getAccount(address: PublicKey): Promise<AccountState | null> {
    const info = await this.context.banksClient.getAccount(address);
    if (info === null) return null;
    return {
      lamports: BigInt(info.lamports),
      owner: info.owner,
      data: Buffer.from(info.data),
      executable: info.executable,
    };
  }

  async setAccount(address: PublicKey, account: AccountState): Promise<void> {
    this.context.setAccount(address, toBankrunAccount(account));
  }

  async getClock(): Promise<ClockState> {
    const c = await this.context.banksClient.getClock();
    return clockState(c);
  }

  async setClock(update: ClockUpdate): Promise<void> {
    const before = await this.getClock();
    if (update.slot !== undefined && update.slot !== before.slot) {
      if (update.slot < before.slot) {
        throw new Error(`bankrun cannot move the slot back (${before.slot} -> ${update.slot})`);
      }
      // A warp makes a new bank; the Clock is written over afterwards.
      this.context.warpToSlot(update.slot);
    }
    const c = await this.getClock();
    this.context.setClock(new Clock(...updatedClock(c, update, before.unixTimestamp)));
  }

  async latestBlockhash(): Promise<string> {
    const latest = await this.context.banksClient.getLatestBlockhash();
    if (latest === null) throw new Error("bankrun returned no blockhash");
    return latest[0];
  }

  alreadyProcessed(signature: string): boolean {
    return this.processed.has(signature);
  }

  /**
   * bankrun registers a new blockhash every few milliseconds on its own, without moving
   * the slot, so a quick duplicate can still meet the old one: wait for the next one
   * (keeps Clock.slot deterministic) and warp a slot only if none comes.
   */
  async expireBlockhash(): Promise<void> {
    const used = await this.latestBlockhash();
    const deadline = Date.now() + BLOCKHASH_WAIT_MS;
    while (Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 1));
      if ((await this.latestBlockhash()) !== used) return;
    }
    const { slot } = await this.getClock();
    await this.setClock({ slot: slot + 1n });
  }

  async execute(tx: AnyTransaction, mode: "send" | "simulate"): Promise<TxResult> {
    const client = this.context.banksClient;
    const res = mode === "send" ? await client.tryProcessTransaction(tx) : await client.simulateTransaction(tx);
    const result = toTxResult(res, signatureOf(tx), mode);
    if (mode === "send") {
      this.lastCu = result.computeUnits;
      this.processed.add(result.signature);
    }
    return result;
  }
}

function toBankrunAccount(account: AccountState): AddedAccount["info"] {
  return {
    lamports: toNumberLamports(account.lamports),
    owner: account.owner,
    data: account.data,
    executable: account.executable,
    rentEpoch: 0,
  };
}

function toTxResult(res: BanksTransactionResultWithMeta, signature: string, mode: "send" | "simulate"): TxResult {
  const meta = res.meta;
  const logs = meta?.logMessages ?? [];
  const computeUnits = Number(meta?.computeUnitsConsumed ?? 0n);
  const rd = meta?.returnData ?? null;
  const returnData = rd !== null && rd.data.length > 0 ? { programId: rd.programId, data: Buffer.from(rd.data) } : null;
  const err =
    res.result === null
      ? null
      : new TxError({
          runtime: "bankrun",
          action: mode,
          signature,
          description: res.result,
          logs,
          computeUnits,
          ...parseErrorDescription(res.result),
        });
  // bankrun 0.4.0 reports no inner instructions: its results carry no events.
  return { ok: err === null, signature, logs, innerInstructions: null, computeUnits, returnData, err };
}

export async function startBankrun(
  options: RuntimeOptions & { payer: Keypair; payerLamports: bigint },
): Promise<TestRuntime> {
  // bankrun echoes every program log line to stderr at debug level; quiet unless asked
  // (RUST_LOG=debug npm test). Read by the native logger when start() first runs.
  process.env.RUST_LOG ??= "error";
  // Programs go in as genesis accounts: accounts set after start() may not reach the
  // 1.18 runtime's program cache.
  const genesis = [
    ...(options.programs ?? []).flatMap(upgradeableProgramAccounts),
    ...(options.accounts ?? []),
    {
      address: options.payer.publicKey,
      account: {
        lamports: options.payerLamports,
        owner: anchor.web3.SystemProgram.programId,
        data: Buffer.alloc(0),
        executable: false,
      },
    },
  ];
  const context = await start(
    [],
    genesis.map(({ address, account }) => ({ address, info: toBankrunAccount(account) })),
  );
  return new BankrunRuntime(context, options.payer);
}
