// The pipeline, one visible path: source → decoder → store → (API subscribers). Implements the
// sources' sink: decodes each batch, writes it in one transaction, then publishes the new
// events in change-index order, only once they are contiguous.
import { EventEmitter } from "node:events";
import { setTimeout as sleep } from "node:timers/promises";
import { Connection, type PublicKey } from "@solana/web3.js";
import type { Logger } from "pino";
import { retry } from "../../app/src/entry/retry.js";
import { UserError } from "../../app/src/entry/user-error.js";
import { LUME_REGISTRY_PROGRAM_ID } from "../../app/src/sdk/idl.js";
import { registryAddress } from "../../app/src/sdk/pda.js";
import { ChainMismatchError, chainMismatch, describeError, readChain } from "./chain-identity.js";
import { type IndexedAccount, RegistryDecoder } from "./decoder/decoder.js";
import { FinalityTracker } from "./finality.js";
import { StateFreshness } from "./freshness.js";
import { HistoryChain } from "./history-chain.js";
import { IndexerMetrics } from "./metrics.js";
import { createSource } from "./source/create-source.js";
import { type HeliusWebhookConfig, HeliusWebhookSource } from "./source/helius-webhook.js";
import type { ChainSource, IngestSink, RawAccountUpdate, RawTransaction } from "./source/types.js";
import { type AccountRow, type EventRow, IndexerStore, storeError } from "./store/store.js";

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
  /** An index of another chain (cluster, program, or a reset chain) is dropped and rebuilt instead of refused. */
  rebuild?: boolean;
  /** How many changes back `snapshotChanged` replays deltas; an older resume point must load a full snapshot (default 10,000). */
  deltaRetention?: number;
}

/** How long one read of the chain may take at start before it counts as failed. */
const CHAIN_READ_TIMEOUT_MS = 10_000;
/** How often the indexer looks for a gap to heal, and how long a gap must last to be one (live transactions trail their accounts a little). */
const HEAL_CHECK_MS = 500;
const GAP_PERSISTS_MS = 1_500;

export interface IndexerStatus {
  indexedSlot: number;
  chainSlot: number;
  /** Chain slot minus the slot the index is known complete at (0 while a healthy stream idles). */
  lag: number;
  /** The slot the index is known complete at: its newest row, or the chain slot last seen while healthy. */
  syncedSlot: number;
  /** The chain's finalized slot as last polled (null when indexing at finalized commitment). */
  finalizedSlot: number | null;
  /** Null while the served account state is fresh (authorize answers); otherwise why it may be stale. */
  degraded: string | null;
  /** Null while the stored history holds every change the chain counts; otherwise what is missing (being fetched). */
  historyIncomplete: string | null;
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
  /** Each stored batch whose written accounts are still being read, with its lowest change index. */
  private readonly awaitingReads = new Map<symbol, number>();
  /** Account reads after transaction batches, in order (events are published behind them). */
  private settling: Promise<void> = Promise.resolve();
  private healTimer: ReturnType<typeof setInterval> | undefined;
  /** When the current gap in the history was first seen (undefined: none). */
  private gapSeenAt: number | undefined;
  /** A fetch of missing history under way. */
  private healing: Promise<void> | undefined;
  private stopped = false;
  private readonly stopping = new AbortController();
  /** Whether the served state is fresh, judged from reads of the chain only. */
  readonly freshness: StateFreshness;
  /** Set after a write to the store failed, until a re-backfill started after it was stored whole. */
  private storeFailure: string | null = null;
  private writeFailures = 0;
  /** The hash chain over the stored contiguous history, checked against the registry account's head. */
  private readonly chain = new HistoryChain();
  /** Set while a history that disagrees with the chain's hash is being rebuilt. */
  private historyMismatch: string | null = null;
  /** Set while the accounts a transaction wrote cannot be read (its events wait meanwhile). */
  private accountsUnread: string | null = null;

  constructor(readonly options: IndexerOptions) {
    this.programId = options.programId ?? LUME_REGISTRY_PROGRAM_ID;
    this.decoder = new RegistryDecoder(this.programId);
    this.freshness = new StateFreshness(2 * (options.staleAfterMs ?? 15_000));
    this.store = new IndexerStore(options.dbPath, {
      decodeAccount: this.decoder.accountData,
      // Events are served from their bytes (what the history hash chain proves), not their columns.
      decodeEvent: (raw) => {
        const event = this.decoder.event(raw, "stored event", 0);
        if (event === undefined) throw new Error("event too short");
        return { name: event.name, data: event.data };
      },
    });
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

  /**
   * Where to resume fetching transactions: after the checkpoint while the history is whole; after
   * the last stored change while it trails the registry (a lost tail); from the start past a hole.
   */
  private resumeSignature(): string | null {
    const contiguous = this.store.contiguousChangeIndex();
    if (contiguous !== this.store.eventCount()) return null;
    const onChain = this.onChainChangeCount();
    if (onChain !== null && contiguous < onChain)
      return contiguous === 0 ? null : this.store.signatureBeforeChange(contiguous);
    return this.store.checkpoint(`${this.source.name}:transactions`)?.signature ?? null;
  }

  /**
   * Reads the chain (retrying until it answers, in words, never with a stack), checks that the
   * index belongs to it, then backfills and follows it until `stop()`. Until the first read the
   * indexer is degraded and authorizes nothing.
   */
  async start(): Promise<void> {
    await this.reachChain(Number.POSITIVE_INFINITY);
    if (this.stopped) return;
    // A stored history that disagrees with the stored registry's head is dropped before the
    // backfill, which then fetches all of it again.
    this.followChain();
    this.checkHead();
    try {
      await this.source.start(this);
    } catch (err) {
      // A configuration problem (a webhook port in use) is the operator's to fix: say it and stop.
      if (this.stopped) return;
      if (err instanceof UserError) throw err;
      // The chain answered a moment ago: keep serving (degraded) and let the healing retry.
      this.options.logger?.error({ err: describeError(err) }, "the first backfill failed; retrying");
      this.degraded(`the first backfill failed: ${describeError(err)}`);
    }
    if (this.stopped) return;
    this.finality?.start();
    this.healTimer = setInterval(() => this.heal(), HEAL_CHECK_MS);
    this.healTimer.unref();
  }

  /** One backfill pass (no streaming), after checking that the index belongs to the chain. */
  async backfill(progress?: (done: number, total: number) => void): Promise<void> {
    await this.reachChain(5);
    await this.source.backfill(this, progress);
  }

  /**
   * The first read of the chain: its genesis hash and slot, checked against the index's recorded
   * identity (recorded now if there is none). Retried with backoff up to `attempts` times, each
   * failure logged in words; a mismatch is refused at once (or the index dropped with `rebuild`).
   */
  private async reachChain(attempts: number): Promise<void> {
    const connection = new Connection(this.options.rpcUrl, "confirmed");
    const { logger } = this.options;
    let reason = "";
    let reading: Awaited<ReturnType<typeof readChain>>;
    try {
      reading = await retry(
        () =>
          readChain(connection, this.programId, CHAIN_READ_TIMEOUT_MS).catch((err: unknown) => {
            reason = `cannot reach the chain at ${this.options.rpcUrl} (${describeError(err)})`;
            this.freshness.unreachable(reason);
            throw err;
          }),
        {
          attempts,
          firstDelayMs: 500,
          maxDelayMs: 10_000,
          signal: this.stopping.signal,
          onRetry: ({ attempt, delayMs }) =>
            logger?.warn({ attempt, retryInMs: delayMs }, `${reason}; retrying in ${delayMs / 1000} s`),
        },
      );
    } catch {
      if (this.stopped) return;
      throw new UserError(`${reason}: is the RPC URL right, and the node up?`);
    }
    const mismatch = chainMismatch(this.store.chainIdentity(), this.store.indexedSlot(), reading);
    if (mismatch !== null && this.options.rebuild !== true)
      throw new ChainMismatchError(
        `${mismatch}. The index at ${this.store.path} is not this chain's: point --rpc-url at its chain, or start with --rebuild to drop it and index this chain from scratch`,
      );
    if (mismatch !== null) {
      logger?.warn({ reason: mismatch }, "the index is another chain's: dropping it and rebuilding (--rebuild)");
      this.store.clear();
      this.chain.reset();
      this.published = 0;
      this.settledThrough = 0;
    }
    if (this.store.chainIdentity() === undefined) this.store.recordChainIdentity(reading.identity);
    this.freshness.read(reading.slot);
    this.chainSlot(reading.slot);
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.stopping.abort();
    if (this.healTimer !== undefined) clearInterval(this.healTimer);
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
   * lost silently: it rolled back, so report degraded until a whole re-backfill has been stored
   * after it (healing runs one every 2 s meanwhile). A later write that happens to succeed is
   * not enough: what the failed batch held is still missing.
   */
  private guarded(what: string, apply: () => void): void {
    try {
      apply();
    } catch (err) {
      this.writeFailures += 1;
      // A damaged file says how to recover (rebuild into a new file) in the same words as at open.
      const error = storeError(err, this.store.path) as Error;
      this.options.logger?.error({ err: error.message }, `could not store a ${what}; re-backfilling`);
      this.storeFailure = `could not store a ${what}: ${error.message}`;
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
    // Transactions arrive out of order: a batch settled first must not publish an earlier change
    // whose own batch is still reading its accounts (seen: keyIssued published before its key).
    const batch = Symbol("batch");
    if (added.length > 0)
      this.awaitingReads.set(
        batch,
        added.reduce((min, e) => Math.min(min, e.changeIndex), Number.POSITIVE_INFINITY),
      );
    this.settling = this.settling
      .then(async () => {
        if (pubkeys.length > 0 && this.source.readAccounts !== undefined)
          await this.readWrittenAccounts(source, pubkeys, minSlot);
        this.awaitingReads.delete(batch);
        if (this.stopped) return;
        this.settledThrough = Math.max(this.settledThrough, through);
        this.publish();
      })
      .catch((err: unknown) => {
        this.awaitingReads.delete(batch);
        // The chain of reads must go on; whatever failed here is fetched again by a re-backfill.
        if (this.stopped) return;
        this.options.logger?.error({ err: String(err) }, "could not publish a transaction batch; re-backfilling");
        this.repairThenPublish(`publishing failed: ${(err as Error).message}`);
      });
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
    this.freshness.read(slot);
    if (slot > this.chainSlotSeen) this.chainSlotSeen = slot;
    // A live, healthy stream has delivered everything up to the chain's slot: an idle registry is
    // not lagging just because nothing changed.
    // (Not while stored changes still wait for their accounts.)
    if (!this.stopped && this.degradation === null && this.published >= this.store.contiguousChangeIndex())
      this.syncedSlot = this.chainSlotSeen;
    this.updateSlots();
  }

  streamClosed(reason: string | null): void {
    this.freshness.streamClosed(reason);
    if (reason !== null) this.options.logger?.warn({ reason }, "stream closed: degraded");
  }

  degraded(reason: string | null): void {
    this.degradedReason = reason;
    if (reason !== null) this.options.logger?.warn({ reason }, "degraded");
    else this.options.logger?.info("caught up: healthy");
  }

  // --- state -------------------------------------------------------------------------------

  /**
   * Null while the served account state is fresh; otherwise why it may be stale (authorize and
   * nodes fail closed). A gap in the history alone is not stale state (see historyIncomplete),
   * unless the source learns of account changes only through the transactions it delivers.
   */
  get degradation(): string | null {
    const stale = this.freshness.stale();
    if (stale !== null) return stale;
    if (this.storeFailure !== null) return this.storeFailure;
    if (this.degradedReason !== null) return this.degradedReason;
    if (this.accountsUnread !== null) return this.accountsUnread;
    const gap = this.historyIncomplete;
    if (gap !== null && this.source.streamsAccounts !== true)
      return `${gap} (this source reads accounts only with the transactions it delivers: they are read again)`;
    return null;
  }

  /** Null while the stored history is exactly the changes the stored registry counts; otherwise what is wrong with it. */
  get historyIncomplete(): string | null {
    return this.historyMismatch ?? this.gap();
  }

  /** How far the index trails the chain: from the last slot it was known complete at (growing while the chain cannot be read). */
  private lagSlots(indexedSlot: number): number {
    const chainSlot = Math.max(this.chainSlotSeen, this.freshness.estimatedSlot());
    return Math.max(0, chainSlot - Math.max(indexedSlot, this.syncedSlot));
  }

  private updateSlots(): void {
    const indexed = this.store.indexedSlot();
    this.metrics.indexedSlot.set(indexed);
    this.metrics.chainSlot.set(this.chainSlotSeen);
    this.metrics.lag.set(this.lagSlots(indexed));
    this.metrics.degraded.set(this.degradation === null ? 0 : 1);
  }

  /** The slot the stored registry account was read at (0 before it is stored). */
  private registryReadSlot(): number {
    return this.store.account(registryAddress(this.programId).toBase58())?.slot ?? 0;
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
    this.checkHead();
    const waitingFrom = Math.min(Number.POSITIVE_INFINITY, ...this.awaitingReads.values());
    const contiguous = Math.min(this.store.contiguousChangeIndex(), this.settledThrough, waitingFrom - 1);
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
   * again (historyIncomplete says so until the heads agree).
   */
  private checkHead(): void {
    const history = this.store.account(registryAddress(this.programId).toBase58())?.data?.history as
      | { changeCount: string; head: string }
      | undefined;
    if (history === undefined || Number(history.changeCount) !== this.chain.through) return;
    if (history.head === this.chain.head) {
      if (this.historyMismatch !== null) {
        this.options.logger?.info("history hash chain agrees with the registry again");
        this.historyMismatch = null;
      }
      return;
    }
    if (this.historyMismatch !== null) return; // already rebuilding
    this.dropHistory(
      `history hash chain mismatch at change ${this.chain.through}: stored ${this.chain.head}, registry ${history.head}`,
    );
  }

  /** Forgets a stored history that is not the chain's, to fetch it again (reported until the heads agree). */
  private dropHistory(why: string): void {
    const reason = `${why}; rebuilding the history`;
    this.historyMismatch = reason;
    this.options.logger?.error({ reason }, "the stored history is not the chain's");
    this.store.resetHistory();
    this.chain.reset();
    // Published again as they come back (streams drop what a subscriber already has).
    this.published = 0;
    this.settledThrough = 0;
  }

  /**
   * Runs every HEAL_CHECK_MS: a gap in the history (a hole, or fewer changes than the registry
   * counts) that lasts past GAP_PERSISTS_MS is healed at once, without waiting for the next
   * change; so is a source-reported fault or a failed store write that no repair is fixing.
   */
  private heal(): void {
    if (this.stopped || this.healing !== undefined) return;
    this.followChain();
    this.checkHead();
    const gap = this.gap();
    if (gap === null) this.gapSeenAt = undefined;
    else this.gapSeenAt ??= Date.now();
    const gapPersists = gap !== null && Date.now() - this.gapSeenAt! >= GAP_PERSISTS_MS;
    const fault = this.storeFailure ?? this.degradedReason;
    if (!gapPersists && fault === null) return;
    const reason = fault ?? gap!;
    this.options.logger?.info({ reason }, "healing: fetching what is missing");
    // A stored history longer than the chain's is not this chain's: dropped, then fetched again.
    if (fault === null && gap!.startsWith("history ahead")) this.dropHistory(gap!);
    // After a failed write, a backfill started now (not one already under way); a source's fault
    // is the source's to repair (degraded meanwhile); a gap in the history alone is fetched
    // without calling the state stale.
    const failuresBefore = this.writeFailures;
    const work = this.storeFailure === null && fault !== null ? this.source.repair(reason) : this.source.backfill(this);
    this.healing = work
      .then(() => {
        if (this.storeFailure !== null && this.writeFailures === failuresBefore) {
          this.options.logger?.info("the store accepts writes again: everything missed is stored");
          this.storeFailure = null;
        }
        this.publish();
      })
      .catch((err: unknown) => this.options.logger?.warn({ err: describeError(err) }, "healing failed; retrying"))
      // Paced: one attempt at a time, then a pause, so a chain that cannot answer is not hammered.
      .then(() => sleep(gapPersists ? HEAL_CHECK_MS : 2_000, undefined, { signal: this.stopping.signal }))
      .catch(() => undefined)
      .finally(() => {
        this.healing = undefined;
      });
  }

  /** A hole in the history, fewer events than the registry counts, or more; null when none. */
  private gap(): string | null {
    const contiguous = this.store.contiguousChangeIndex();
    const onChain = this.onChainChangeCount();
    if (contiguous !== this.store.eventCount())
      return `history incomplete: a hole after change ${contiguous}; fetching the rest`;
    if (onChain !== null && contiguous < onChain)
      return `history incomplete: ${contiguous} of ${onChain} changes stored; fetching the rest`;
    // Ahead only by a registry read at least as new as the newest stored change: events often
    // land before the account notification that counts them.
    if (onChain !== null && contiguous > onChain && this.registryReadSlot() >= this.store.eventSlot(contiguous))
      return `history ahead of the chain: ${contiguous} changes stored, the registry counts ${onChain}`;
    return null;
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
      historyIncomplete: this.historyIncomplete,
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
