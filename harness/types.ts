// Shared shapes of the test harness: what every runtime offers a program test.
import type { Provider } from "@coral-xyz/anchor";
import type { Keypair, PublicKey, Signer, Transaction } from "@solana/web3.js";
import type { InnerInstruction } from "../app/src/sdk/events.js";
import type { TxError } from "./errors.js";

export type RuntimeKind = "bankrun" | "litesvm";

/** An account as tests read and write it; lamports are bigint because u64 exceeds 2^53. */
export interface AccountState {
  lamports: bigint;
  owner: PublicKey;
  data: Buffer;
  executable: boolean;
}

/** A program loaded under the BPF Upgradeable Loader (v3) at start-up. */
export interface ProgramSpec {
  programId: PublicKey;
  soPath: string;
  /** Written into ProgramData; `null` makes the program immutable. */
  upgradeAuthority: PublicKey | null;
  /** Slot recorded in ProgramData (default 0, i.e. deployed at genesis). */
  deploySlot?: bigint;
  /** Room for the ELF in ProgramData (default: the ELF's size), for upgrades to larger builds. */
  maxDataLen?: number;
}

export interface GenesisAccount {
  address: PublicKey;
  account: AccountState;
}

export interface ClockUpdate {
  unixTimestamp?: bigint;
  /** Moves the bank forward to this slot first (bankrun cannot go backwards). */
  slot?: bigint;
  epoch?: bigint;
}

export interface ClockState {
  slot: bigint;
  epochStartTimestamp: bigint;
  epoch: bigint;
  leaderScheduleEpoch: bigint;
  unixTimestamp: bigint;
}

export interface RuntimeOptions {
  programs?: ProgramSpec[];
  /** Extra accounts present from the start (bankrun: genesis accounts). */
  accounts?: GenesisAccount[];
  /** Lamports of the harness payer (default 1,000 SOL). */
  payerLamports?: bigint;
  /**
   * Clock set right after start. The runtimes disagree by default (bankrun: wall
   * clock, litesvm: 0), so `startRuntime` fixes the timestamp unless told otherwise.
   */
  clock?: ClockUpdate | null;
}

export interface ReturnData {
  programId: PublicKey;
  data: Buffer;
}

/** Outcome of one transaction; never throws for on-chain failures. */
export interface TxResult {
  ok: boolean;
  signature: string;
  logs: string[];
  /**
   * Every instruction run through a CPI, in order (where the registry's events travel); `null`
   * when the runtime does not report them (solana-bankrun 0.4.0 does not).
   */
  innerInstructions: InnerInstruction[] | null;
  computeUnits: number;
  returnData: ReturnData | null;
  err: TxError | null;
}

/** An Anchor Provider whose sending methods are all present. */
export type HarnessProvider = Provider & Required<Pick<Provider, "sendAndConfirm" | "sendAll" | "simulate">>;

export interface TestRuntime {
  readonly name: RuntimeKind;
  /** Anchor provider whose wallet is `payer`; `connection` is a small read-only shim. */
  readonly provider: HarnessProvider;
  readonly payer: Keypair;

  getAccount(address: PublicKey): Promise<AccountState | null>;
  setAccount(address: PublicKey, account: AccountState): Promise<void>;
  /** Credits lamports directly (no transaction), creating a system account if needed. */
  airdrop(address: PublicKey, lamports: bigint | number): Promise<void>;

  getClock(): Promise<ClockState>;
  setClock(update: ClockUpdate): Promise<void>;
  warpTo(unixTimestamp: bigint): Promise<void>;

  latestBlockhash(): Promise<string>;
  /** Moves to a new blockhash without moving the Clock (sends do this when needed). */
  expireBlockhash(): Promise<void>;
  /** CU consumed by the last transaction sent through this runtime (not simulations). */
  lastComputeUnits(): number | undefined;

  /**
   * Sets fee payer (default: `payer`) and blockhash, signs with `signers` (+ payer when
   * it pays), processes the transaction and reports the outcome without throwing.
   */
  sendRaw(tx: Transaction, signers?: Signer[]): Promise<TxResult>;
  /** Like `sendRaw` but only simulates. */
  simulateRaw(tx: Transaction, signers?: Signer[]): Promise<TxResult>;
}
