// What the two in-process runtimes (bankrun.ts, litesvm.ts) share: airdrops, clock warps, raw
// sends and the compute units of the last send, written over each runtime's own account,
// clock and execute primitives.
import anchor from "@coral-xyz/anchor";
import type { Keypair, PublicKey, Signer, Transaction } from "@solana/web3.js";
import { type AnyTransaction, prepareTransaction, type TxEngine } from "./provider-core.js";
import type { AccountState, ClockState, ClockUpdate, TxResult } from "./types.js";

export abstract class SvmRuntime implements TxEngine {
  /** Compute units of the last send (`execute` records them). */
  protected lastCu: number | undefined;

  abstract readonly payer: Keypair;
  abstract getAccount(address: PublicKey): Promise<AccountState | null>;
  abstract setAccount(address: PublicKey, account: AccountState): Promise<void>;
  abstract setClock(update: ClockUpdate): Promise<void>;
  abstract latestBlockhash(): Promise<string>;
  abstract execute(tx: AnyTransaction, mode: "send" | "simulate"): Promise<TxResult>;
  abstract alreadyProcessed(signature: string): boolean;
  abstract expireBlockhash(): Promise<void>;

  async airdrop(address: PublicKey, lamports: bigint | number): Promise<void> {
    const current = await this.getAccount(address);
    await this.setAccount(address, {
      lamports: (current?.lamports ?? 0n) + BigInt(lamports),
      owner: current?.owner ?? anchor.web3.SystemProgram.programId,
      data: current?.data ?? Buffer.alloc(0),
      executable: current?.executable ?? false,
    });
  }

  async warpTo(unixTimestamp: bigint): Promise<void> {
    await this.setClock({ unixTimestamp });
  }

  lastComputeUnits(): number | undefined {
    return this.lastCu;
  }

  async sendRaw(tx: Transaction, signers: Signer[] = []): Promise<TxResult> {
    await prepareTransaction(this, tx, signers);
    return this.execute(tx, "send");
  }

  async simulateRaw(tx: Transaction, signers: Signer[] = []): Promise<TxResult> {
    await prepareTransaction(this, tx, signers);
    return this.execute(tx, "simulate");
  }
}

/** A runtime's Clock sysvar as the harness reports it. */
export function clockState(c: ClockState): ClockState {
  return {
    slot: c.slot,
    epochStartTimestamp: c.epochStartTimestamp,
    epoch: c.epoch,
    leaderScheduleEpoch: c.leaderScheduleEpoch,
    unixTimestamp: c.unixTimestamp,
  };
}

/**
 * The Clock after `update` (slot already warped to in `current`), as the arguments both runtimes'
 * `Clock` constructors take; the time stays `unixTimestamp` unless the update moves it.
 */
export function updatedClock(
  current: ClockState,
  update: ClockUpdate,
  unixTimestamp: bigint,
): [bigint, bigint, bigint, bigint, bigint] {
  return [
    current.slot,
    current.epochStartTimestamp,
    update.epoch ?? current.epoch,
    current.leaderScheduleEpoch,
    update.unixTimestamp ?? unixTimestamp,
  ];
}
