// What every source hands the pipeline: raw account states and raw transactions, each with the
// slot it reflects. Sources never decode; the decoder stage does.
import type { InnerInstruction } from "../../../app/src/sdk/events.js";

/** One account as the chain had it at `slot`; `data === null` means the account is gone (closed). */
export interface RawAccountUpdate {
  pubkey: string;
  slot: number;
  lamports: number;
  data: Buffer | null;
}

/** One transaction that touched the registry (success or failure). */
export interface RawTransaction {
  signature: string;
  slot: number;
  blockTime: number | null;
  err: unknown;
  /** Read for a failed transaction's program error only: events never come from logs (truncated at 10 KB). */
  logs: string[];
  signers: string[];
  /** The registry program's top-level instructions (data bytes). */
  instructions: Buffer[];
  /** Every instruction run through a CPI (meta.innerInstructions, resolved): where the events travel. */
  innerInstructions: InnerInstruction[];
  /**
   * Live transactions only: every account the transaction could write (static keys and loaded
   * addresses), for the pipeline to read before it publishes the events. Backfilled transactions
   * leave it out: the account snapshot taken before them already holds their effects.
   */
  writable?: string[];
}

/** Accounts read at (or after) a slot; `data === null` for an address that does not exist. */
export interface AccountRead {
  slot: number;
  updates: RawAccountUpdate[];
}

/** Where a source delivers; the pipeline implements it. */
export interface IngestSink {
  /** A batch of account states; `complete` is true for a full snapshot (getProgramAccounts) at `slot`. */
  accounts(source: string, updates: RawAccountUpdate[], snapshot?: { slot: number }): void;
  transactions(source: string, transactions: RawTransaction[]): void;
  /** The chain's slot moved (from the slot stream or a poll). */
  chainSlot(slot: number): void;
  /** Something may have been missed until the next re-backfill completes. */
  degraded(reason: string | null): void;
  /** The live stream closed or was refused (null: open again): the state is stale at once. */
  streamClosed?(reason: string | null): void;
}

/** A source of chain data: backfills, then streams until stopped. */
export interface ChainSource {
  readonly name: string;
  /**
   * True when every account change is streamed on its own (programSubscribe): a transaction
   * missing from the history then leaves the account state fresh. Otherwise accounts are read
   * only with the transactions the source delivers, and a gap in the history is stale state too.
   */
  readonly streamsAccounts?: boolean;
  start(sink: IngestSink): Promise<void>;
  /** Re-reads everything (accounts snapshot + missing transactions). */
  backfill(sink: IngestSink, progress?: (done: number, total: number) => void): Promise<void>;
  /**
   * Reads these accounts at `minSlot` or later, keeping those the program owns (and reporting
   * missing ones as closed): the pipeline stores what a transaction wrote before it tells anyone
   * about the transaction's events.
   */
  readAccounts?(pubkeys: string[], minSlot: number): Promise<AccountRead>;
  /** Reports degraded, re-backfills, reports healthy (the pipeline calls it on a detected gap). */
  repair(reason: string): Promise<void>;
  stop(): Promise<void>;
}
