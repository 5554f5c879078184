// The pipeline, one visible path: source → decoder → store → (API subscribers). Implements the
// sources' sink: decodes each batch, writes it in one transaction, then publishes the new
// events in change-index order, only once they are contiguous.
import { EventEmitter } from "node:events";
import { Connection, type PublicKey } from "@solana/web3.js";
import type { Logger } from "pino";
import { LUME_REGISTRY_PROGRAM_ID } from "../../app/src/sdk/idl.js";
import { registryAddress } from "../../app/src/sdk/pda.js";
import { type IndexedAccount, RegistryDecoder } from "./decoder/decoder.js";
import { FinalityTracker } from "./finality.js";
import { HistoryChain } from "./history-chain.js";
import { IndexerMetrics } from "./metrics.js";
import { createSource } from "./source/create-source.js";
import { type HeliusWebhookConfig, HeliusWebhookSource } from "./source/helius-webhook.js";
import type { ChainSource, IngestSink, RawAccountUpdate, RawTransaction } from "./source/types.js";
import { type AccountRow, type EventRow, IndexerStore } from "./store/store.js";

export interface IndexerOptions {
  rpcUrl: string;
  wsUrl?: string;
  dbPath: string;
  programId?: PublicKey;
  commitment?: "processed" | "confirmed" | "finalized";
  staleAfterMs?: number;
  /** Milliseconds between polls of the finalized slot that upgrade rows to finalized (default 5 s). */
  finalityPollMs?: number;
  logger?: Logger;
  /** Stream from Helius Enhanced WebSockets instead of standard PubSub (backfill stays RPC). */
  heliusWsUrl?: string;
  /** Receive Helius raw-transaction webhooks instead of streaming (backfill stays RPC). */
  heliusWebhook?: HeliusWebhookConfig;
  /** A source built by the caller (tests); default: RPC, or Helius with `heliusWebhook` / `heliusWsUrl`. */
  source?: ChainSource;
}

export interface IndexerStatus {
  indexedSlot: number;
  chainSlot: number;
  /** Chain slot minus the slot the index is known complete at (0 while a healthy stream idles). */
  lag: number;
  /** The slot the index is known complete at: its newest row, or the chain slot last seen while healthy. */
  syncedSlot: number;
  /** The chain's finalized slot as last polled (null when indexing at finalized commitment). */
  finalizedSlot: number | null;
  degraded: string | null;
  eventCount: number;
  contiguousChangeIndex: number;
  onChainChangeCount: number | null;
  decodeErrors: number;
  checkpoints: { source: string; slot: number; signature: string | null }[];
}

export class Indexer implements IngestSink {
  readonly store: IndexerStore;
  readonly decoder: RegistryDecoder;
  readonly source: ChainSource;
  readonly metrics = new IndexerMetrics();
  /** "events" (EventRow, contiguous, in order), "accounts" (AccountRow[]). */
  readonly bus = new EventEmitter();
  readonly programId: PublicKey;
  /** Moves on whenever a stored account changes: what is derived from account state can be cached by it. */
  accountsVersion = 0;
  private chainSlotSeen = 0;
  /** The chain slot last seen while the index was healthy: it had everything up to there. */
  private syncedSlot = 0;
  private readonly finality: FinalityTracker | undefined;
  private degradedReason: string | null = null;
  private published: number;
  /** Events up to this change index may be published: the accounts their transactions wrote are stored. */
  private settledThrough: number;
  /** Account reads after transaction batches, in order (events are published behind them). */
  private settling: Promise<void> = Promise.resolve();
  private gapTimer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;
  /** The hash chain over the stored contiguous history, checked against the registry account's head. */
  private readonly chain = new HistoryChain();
  /** Set while a history that disagrees with the chain's hash is being rebuilt. */
  private historyMismatch: string | null = null;
  /** Set while the accounts a transaction wrote cannot be read (its events wait meanwhile). */
  private accountsUnread: string | null = null;

  constructor(readonly options: IndexerOptions) {
    this.programId = options.programId ?? LUME_REGISTRY_PROGRAM_ID;
    this.decoder = new RegistryDecoder(this.programId);
    this.store = new IndexerStore(options.dbPath, { decodeAccount: this.decoder.accountData });
    this.decoder.onFailure = (f) => {
      this.metrics.decodeErrors.inc();
      options.logger?.warn({ what: f.what, account: f.where, slot: f.slot, err: f.message }, "could not decode");
    };
    this.published = this.store.contiguousChangeIndex();
    this.settledThrough = this.published;
    // Rows written below finalized commitment are upgraded once the chain finalizes their slot.
    if (options.commitment !== "finalized") {
      this.finality = new FinalityTracker(this.store, new Connection(options.rpcUrl, "confirmed"), {
        intervalMs: options.finalityPollMs,
        onFinalized: (slot) => this.metrics.finalizedSlot.set(slot),
        onError: (err) => options.logger?.warn({ err: String(err) }, "could not read the finalized slot"),
      });
    }
    this.bus.setMaxListeners(0);
    const log = (msg: string, fields?: Record<string, unknown>) => options.logger?.warn(fields ?? {}, msg);
    this.source = options.source ?? createSource(options, this.programId, () => this.resumeSignature(), log);
    if (this.source instanceof HeliusWebhookSource) {
      const webhook = this.source;
      this.metrics.watchWebhook(() => {
        const receiver = webhook.receiver;
        return receiver === undefined
          ? undefined
          : { accepted: receiver.accepted, rejections: { ...receiver.rejections } };
      });
    }
  }

  /** Resume transactions after the checkpoint only if the stored history has no hole. */
  private resumeSignature(): string | null {
    if (this.store.contiguousChangeIndex() !== this.store.eventCount()) return null;
    return this.store.checkpoint(`${this.source.name}:transactions`)?.signature ?? null;
  }

  /** Backfills, then follows the chain until `stop()`. */
  async start(): Promise<void> {
    // A stored history that disagrees with the stored registry's head is dropped before the
    // backfill, which then fetches all of it again.
    this.followChain();
    this.checkHead(false);
    await this.source.start(this);
    this.finality?.start();
    this.checkGaps();
  }

  /** One backfill pass (no streaming). */
  async backfill(progress?: (done: number, total: number) => void): Promise<void> {
    await this.source.backfill(this, progress);
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.gapTimer !== undefined) clearTimeout(this.gapTimer);
    this.finality?.stop();
    await this.source.stop();
    this.store.close();
  }

  // --- the sink ---------------------------------------------------------------------------

  accounts(source: string, updates: RawAccountUpdate[], snapshot?: { slot: number }): void {
    if (this.stopped) return;
    this.guarded("account batch", () => this.applyAccounts(source, updates, snapshot));
  }

  transactions(source: string, transactions: RawTransaction[]): void {
    if (this.stopped || transactions.length === 0) return;
    this.guarded("transaction batch", () => this.applyTransactions(source, transactions));
  }

  /**
   * A batch that cannot be stored (database busy, disk full) must not crash the process or be
   * lost silently: it rolled back, so report degraded and fetch it again with a re-backfill.
   */
  private guarded(what: string, apply: () => void): void {
    try {
      apply();
    } catch (err) {
      this.options.logger?.error({ err: String(err) }, `could not store a ${what}; re-backfilling`);
      this.degraded(`could not store a ${what}: ${(err as Error).message}`);
      setTimeout(() => this.repairThenPublish(`store failure: ${(err as Error).message}`), 1_000).unref();
    }
  }

  private applyAccounts(source: string, updates: RawAccountUpdate[], snapshot?: { slot: number }): void {
    const identified: IndexedAccount[] = [];
    for (const update of updates) {
      const account = this.decoder.identify(update);
      if (account !== undefined) identified.push(account);
    }
    const changed = this.store.applyAccounts(`${source}:accounts`, identified, {
      ...(snapshot ? { snapshotSlot: snapshot.slot } : {}),
      finalized: this.options.commitment === "finalized",
    });
    if (changed.length > 0) this.accountsVersion += 1;
    this.metrics.accountUpdates.inc(changed.length);
    this.updateSlots();
    if (changed.length > 0) this.bus.emit("accounts", changed);
    this.scheduleGapCheck();
  }

  private applyTransactions(source: string, transactions: RawTransaction[]): void {
    const decoded = transactions.map((t) => this.decoder.transaction(t));
    const added = this.store.applyTransactions(`${source}:transactions`, decoded, {
      finalized: this.options.commitment === "finalized",
    });
    this.metrics.events.inc(added.length);
    this.updateSlots();
    const through = added.reduce((max, e) => Math.max(max, e.changeIndex), 0);
    // Account and transaction notifications race; a node that reloads its snapshot on an event
    // must find the accounts that event's transaction wrote. So read those first, then publish.
    const toRead = transactions.filter((t) => (t.err === null || t.err === undefined) && (t.writable?.length ?? 0) > 0);
    const pubkeys = [...new Set(toRead.flatMap((t) => t.writable!))];
    const minSlot = toRead.reduce((max, t) => Math.max(max, t.slot), 0);
    this.settling = this.settling
      .then(async () => {
        if (pubkeys.length > 0 && this.source.readAccounts !== undefined)
          await this.readWrittenAccounts(source, pubkeys, minSlot);
        if (this.stopped) return;
        this.settledThrough = Math.max(this.settledThrough, through);
        this.publish();
      })
      .catch((err: unknown) => {
        // The chain of reads must go on; whatever failed here is fetched again by a re-backfill.
        if (this.stopped) return;
        this.options.logger?.error({ err: String(err) }, "could not publish a transaction batch; re-backfilling");
        this.repairThenPublish(`publishing failed: ${(err as Error).message}`);
      });
    this.scheduleGapCheck();
  }

  /**
   * Reads (and stores) the accounts a transaction could write, as of its slot or later. Without
   * them, publishing its events would show subscribers a state the chain never had, so this
   * retries, degraded meanwhile, until the read succeeds (or the indexer stops).
   */
  private async readWrittenAccounts(source: string, pubkeys: string[], minSlot: number): Promise<void> {
    for (let delayMs = 250; !this.stopped; delayMs = Math.min(delayMs * 2, 10_000)) {
      try {
        const read = await this.source.readAccounts!(pubkeys, minSlot);
        this.accounts(source, read.updates);
        this.accountsUnread = null;
        return;
      } catch (err) {
        if (this.stopped) return;
        this.accountsUnread = `the accounts written at slot ${minSlot} could not be read yet: ${(err as Error).message}`;
        this.options.logger?.warn(
          { err: String(err), slot: minSlot, retryInMs: delayMs },
          "could not read the accounts of a transaction; retrying",
        );
        await new Promise((resolve) => setTimeout(resolve, delayMs));
      }
    }
  }

  /** A re-backfill, then whatever became publishable (never an unhandled rejection). */
  private repairThenPublish(reason: string): void {
    void this.source
      .repair(reason)
      .then(() => this.publish())
      .catch((err: unknown) => this.options.logger?.error({ err: String(err) }, "repair failed"));
  }

  chainSlot(slot: number): void {
    if (slot > this.chainSlotSeen) this.chainSlotSeen = slot;
    // A live, healthy stream has delivered everything up to the chain's slot: an idle registry is
    // not lagging just because nothing changed.
    // (Not while stored changes still wait for their accounts.)
    if (!this.stopped && this.degradation === null && this.published >= this.store.contiguousChangeIndex())
      this.syncedSlot = this.chainSlotSeen;
    this.updateSlots();
  }

  degraded(reason: string | null): void {
    this.degradedReason = reason;
    this.metrics.degraded.set(reason === null ? 0 : 1);
    if (reason !== null) this.options.logger?.warn({ reason }, "degraded");
    else this.options.logger?.info("caught up: healthy");
  }

  // --- state -------------------------------------------------------------------------------

  /** Null when healthy; otherwise why answers may be stale (nodes must fail closed). */
  get degradation(): string | null {
    if (this.degradedReason !== null) return this.degradedReason;
    if (this.historyMismatch !== null) return this.historyMismatch;
    if (this.accountsUnread !== null) return this.accountsUnread;
    const onChain = this.onChainChangeCount();
    if (onChain !== null && this.store.contiguousChangeIndex() < onChain)
      return `history incomplete: ${this.store.contiguousChangeIndex()} of ${onChain} changes stored`;
    return null;
  }

  /** How far the index trails the chain: from the last slot it was known complete at. */
  private lagSlots(indexedSlot: number): number {
    return Math.max(0, this.chainSlotSeen - Math.max(indexedSlot, this.syncedSlot));
  }

  private updateSlots(): void {
    const indexed = this.store.indexedSlot();
    this.metrics.indexedSlot.set(indexed);
    this.metrics.chainSlot.set(this.chainSlotSeen);
    this.metrics.lag.set(this.lagSlots(indexed));
  }

  /** The change count of the stored registry account (what the chain says exists). */
  onChainChangeCount(): number | null {
    const registry = this.store.account(registryAddress(this.programId).toBase58());
    return registry?.data?.history?.changeCount === undefined ? null : Number(registry.data.history.changeCount);
  }

  /** Publishes stored, settled events past the last published one, stopping at the first hole. */
  private publish(): void {
    if (this.stopped) return;
    this.followChain();
    this.checkHead(true);
    const contiguous = Math.min(this.store.contiguousChangeIndex(), this.settledThrough);
    if (contiguous <= this.published) return;
    const events = this.store.events({ afterChangeIndex: this.published, limit: contiguous - this.published });
    this.published = contiguous;
    for (const event of events) this.bus.emit("event", event);
  }

  /** Extends the history hash chain over stored events that became contiguous. */
  private followChain(): void {
    const contiguous = this.store.contiguousChangeIndex();
    while (this.chain.through < contiguous) {
      const entries = this.store.historyEntries(this.chain.through, Math.min(1_000, contiguous - this.chain.through));
      if (entries.length === 0) break;
      for (const entry of entries) this.chain.append(entry.changeIndex, entry.raw);
    }
  }

  /**
   * Once the history covers every change the stored registry counts, its head must be the
   * registry's. A mismatch means the stored history is not the chain's: drop it and fetch it
   * again (degraded until the heads agree).
   */
  private checkHead(repair: boolean): void {
    const history = this.store.account(registryAddress(this.programId).toBase58())?.data?.history as
      | { changeCount: string; head: string }
      | undefined;
    if (history === undefined || Number(history.changeCount) !== this.chain.through) return;
    if (history.head === this.chain.head) {
      if (this.historyMismatch !== null) {
        this.options.logger?.info("history hash chain agrees with the registry again");
        this.historyMismatch = null;
        this.metrics.degraded.set(this.degradedReason === null ? 0 : 1);
      }
      return;
    }
    if (this.historyMismatch !== null) return; // already rebuilding
    const reason = `history hash chain mismatch at change ${this.chain.through}: stored ${this.chain.head}, registry ${history.head}; rebuilding the history`;
    this.historyMismatch = reason;
    this.metrics.degraded.set(1);
    this.options.logger?.error({ reason }, "history hash chain mismatch");
    this.store.resetHistory();
    this.chain.reset();
    // Published again as they come back (streams drop what a subscriber already has).
    this.published = 0;
    this.settledThrough = 0;
    if (repair) this.repairThenPublish(reason);
  }

  private scheduleGapCheck(): void {
    if (this.gapTimer !== undefined || this.stopped) return;
    // Transactions trail their account notifications a little; look after they had time to land.
    this.gapTimer = setTimeout(() => {
      this.gapTimer = undefined;
      this.checkGaps();
    }, 1_500);
  }

  /** A hole in the history, or fewer events than the registry counts, is a gap: re-backfill. */
  private checkGaps(): void {
    if (this.stopped) return;
    const contiguous = this.store.contiguousChangeIndex();
    const onChain = this.onChainChangeCount();
    const hole = contiguous !== this.store.eventCount();
    if (hole || (onChain !== null && contiguous < onChain)) {
      const reason = hole
        ? `hole in history after change ${contiguous}`
        : `history behind the registry (${contiguous} < ${onChain})`;
      this.repairThenPublish(reason);
    }
  }

  status(): IndexerStatus {
    const indexedSlot = this.store.indexedSlot();
    return {
      indexedSlot,
      chainSlot: this.chainSlotSeen,
      lag: this.lagSlots(indexedSlot),
      syncedSlot: Math.max(indexedSlot, this.syncedSlot),
      finalizedSlot: this.finality?.finalizedSlot ?? null,
      degraded: this.degradation,
      eventCount: this.store.eventCount(),
      contiguousChangeIndex: this.store.contiguousChangeIndex(),
      onChainChangeCount: this.onChainChangeCount(),
      decodeErrors: this.decoder.failures,
      checkpoints: this.store.checkpoints(),
    };
  }

  /** The last change index published to subscribers (stored, contiguous, its accounts stored). */
  get publishedChangeIndex(): number {
    return this.published;
  }

  /** Accounts changed events, typed. */
  onAccounts(listener: (rows: AccountRow[]) => void): () => void {
    this.bus.on("accounts", listener);
    return () => this.bus.off("accounts", listener);
  }

  onEvent(listener: (event: EventRow) => void): () => void {
    this.bus.on("event", listener);
    return () => this.bus.off("event", listener);
  }
}
