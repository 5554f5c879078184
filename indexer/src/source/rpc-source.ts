// The RPC source (`@solana/web3.js`): getProgramAccounts + getSignaturesForAddress backfill, then
// programSubscribe, logsSubscribe and slotSubscribe. A reconnected websocket or a slot stream
// that stays silent past `staleAfterMs` counts as a gap: the source reports degraded,
// resubscribes and re-backfills.
import { type Commitment, Connection, PublicKey } from "@solana/web3.js";
import { retry } from "../../../app/src/entry/retry.js";
import {
  closeConnectionSocket,
  cutConnectionSocket,
  forgetSubscriptions,
  onSocket,
  socketOpen,
  socketUrl,
} from "../../../app/src/sdk/connection-socket.js";
import { registryAddress } from "../../../app/src/sdk/pda.js";
import { toRawTransaction } from "./raw-transaction.js";
import { pollRegistry } from "./registry-poll.js";
import type { AccountRead, ChainSource, IngestSink, RawAccountUpdate, RawTransaction } from "./types.js";

export interface RpcSourceOptions {
  rpcUrl: string;
  wsUrl?: string;
  programId: PublicKey;
  commitment?: Commitment;
  /** No slot notification for this long while the chain moves on → gap (default 15 s). */
  staleAfterMs?: number;
  /** The newest transaction already stored whose history is complete, to resume after it. */
  resumeSignature?: () => string | null;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
}

/** How long a resubscription waits for the node to confirm the old subscriptions' end. */
const UNSUBSCRIBE_TIMEOUT_MS = 2_000;

/** True when `work` settles within `ms`; false when it is still pending then (it is left to itself). */
async function settlesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([work.then(() => true as const), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Retries an RPC read with a doubling pause from 125 ms (RPC nodes lag, and `confirmed` reads race). */
function retryRead<T>(read: () => Promise<T>, attempts = 8): Promise<T> {
  return retry(read, { attempts, firstDelayMs: 125 });
}

export class RpcSource implements ChainSource {
  readonly name = "rpc";
  readonly streamsAccounts = true;
  readonly connection: Connection;
  private readonly commitment: Commitment;
  private readonly registry: PublicKey;
  private subscriptions: { kind: "account" | "logs" | "slot"; id: number }[] = [];
  private sink: IngestSink | undefined;
  private watchdog: ReturnType<typeof setInterval> | undefined;
  private registryPoll: ReturnType<typeof setInterval> | undefined;
  private lastSlotAt = Date.now();
  /** Set when a repair resubscribed, cleared by the next slot notification. */
  private resubscribedWithoutSlot = false;
  private stopped = false;
  private pendingAccounts: RawAccountUpdate[] = [];
  private flushScheduled = false;
  private repairing: Promise<void> | undefined;
  private opened = 0;
  private latestSlot = 0;

  constructor(private readonly options: RpcSourceOptions) {
    this.commitment = options.commitment ?? "confirmed";
    this.connection = new Connection(options.rpcUrl, {
      commitment: this.commitment,
      ...(options.wsUrl ? { wsEndpoint: options.wsUrl } : {}),
    });
    this.registry = registryAddress(options.programId);
  }

  private log(msg: string, fields?: Record<string, unknown>): void {
    this.options.log?.(msg, fields);
  }

  async start(sink: IngestSink): Promise<void> {
    this.sink = sink;
    this.watchWebSocket();
    this.subscribe(sink);
    const staleAfter = this.options.staleAfterMs ?? 15_000;
    this.lastSlotAt = Date.now();
    // Watching before the first backfill: should it fail, the watchdog's repair retries it.
    this.watchdog = setInterval(
      () => {
        if (Date.now() - this.lastSlotAt > staleAfter)
          void this.repair(`no slot notification for ${Date.now() - this.lastSlotAt} ms`, true);
      },
      Math.max(50, Math.min(1_000, staleAfter / 4)),
    );
    // A feed can drop notifications and keep streaming slots (seen: a PubSub connection silent
    // for under a second lost two registry changes, and the index called itself whole). The
    // registry account, read every `staleAfterMs`, carries the chain's change count: a change
    // the stream never delivered is then a known gap, healed like any other.
    this.registryPoll = setInterval(
      () =>
        void pollRegistry(this.connection, this.options.programId, this.commitment, sink, this.name, (msg, fields) =>
          this.log(msg, fields),
        ),
      staleAfter,
    );
    await this.backfill(sink);
  }

  /**
   * web3.js reconnects on its own and resubscribes; a second "open" means we may have missed
   * updates. A closed or refused socket is reported at once: nothing streams until it reopens.
   */
  private watchWebSocket(): void {
    onSocket(this.connection, "open", () => {
      this.opened += 1;
      this.sink?.streamClosed?.(null);
      if (this.opened > 1 && !this.stopped) void this.repair("websocket reconnected", false);
    });
    onSocket(this.connection, "close", () => {
      if (!this.stopped) this.sink?.streamClosed?.(`the websocket to ${this.wsUrl} is closed; reconnecting`);
    });
  }

  /** Drops the websocket at once, without a closing handshake a dead peer would never answer. */
  private cutSocket(): void {
    this.log("the websocket answers nothing; reconnecting", { ws: this.wsUrl });
    cutConnectionSocket(this.connection);
  }

  /** The websocket is open (not connecting, closing or closed). */
  private socketOpen(): boolean {
    return socketOpen(this.connection);
  }

  private get wsUrl(): string {
    return socketUrl(this.connection) ?? this.options.wsUrl ?? "?";
  }

  private subscribe(sink: IngestSink): void {
    const accountId = this.connection.onProgramAccountChange(
      this.options.programId,
      (info, ctx) => {
        // surfpool 1.5 stamps every program notification with one stale slot (seen: 34 while the
        // chain was at 99,765), so a notification never counts as older than the slot stream.
        const slot = Math.max(ctx.slot, this.latestSlot);
        this.pendingAccounts.push({
          pubkey: info.accountId.toBase58(),
          slot,
          lamports: info.accountInfo.lamports,
          data: info.accountInfo.data,
        });
        this.scheduleFlush();
      },
      { commitment: this.commitment },
    );
    const logsId = this.connection.onLogs(
      this.options.programId,
      (logs, ctx) => {
        this.latestSlot = Math.max(this.latestSlot, ctx.slot);
        void this.fetchTransactions([logs.signature], 0).then(
          (txs) => sink.transactions(this.name, txs),
          (err: unknown) => {
            this.log("could not fetch a notified transaction; re-backfilling", {
              signature: logs.signature,
              slot: ctx.slot,
              err: String(err),
            });
            void this.repair(`transaction ${logs.signature} unavailable`, false);
          },
        );
      },
      this.commitment,
    );
    const slotId = this.connection.onSlotChange((info) => {
      this.lastSlotAt = Date.now();
      this.resubscribedWithoutSlot = false;
      this.latestSlot = Math.max(this.latestSlot, info.slot);
      sink.chainSlot(info.slot);
    });
    this.subscriptions = [
      { kind: "account", id: accountId },
      { kind: "logs", id: logsId },
      { kind: "slot", id: slotId },
    ];
  }

  private async unsubscribe(): Promise<void> {
    const subs = this.subscriptions;
    this.subscriptions = [];
    await Promise.all(
      subs.map(({ kind, id }) =>
        (kind === "account"
          ? this.connection.removeProgramAccountChangeListener(id)
          : kind === "logs"
            ? this.connection.removeOnLogsListener(id)
            : this.connection.removeSlotChangeListener(id)
        ).catch(() => undefined),
      ),
    );
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      const batch = this.pendingAccounts;
      this.pendingAccounts = [];
      if (batch.length > 0 && !this.stopped) this.sink?.accounts(this.name, batch);
    });
  }

  /** Reports degraded, optionally resubscribes, re-backfills, then reports healthy again. */
  repair(reason: string, resubscribe = false): Promise<void> {
    if (this.repairing !== undefined || this.stopped || this.sink === undefined)
      return this.repairing ?? Promise.resolve();
    const sink = this.sink;
    this.log("gap suspected, re-backfilling", { reason });
    sink.degraded(reason);
    this.repairing = (async () => {
      try {
        // On a dead socket web3.js reconnects and resubscribes by itself (then "open" repairs);
        // unsubscribing on a closing socket would make it retry in a tight loop.
        if (resubscribe && this.socketOpen()) {
          // A socket that does not even answer an unsubscribe is open but dead (seen: a PubSub
          // connection that went silent; web3.js waits for the answer forever, and so did this
          // repair). Cut it: web3.js reconnects and subscribes afresh, and "open" repairs again.
          // A socket still silent after the last repair resubscribed is dead too: an unsubscribe of
          // subscriptions the server never confirmed resolves without asking it (web3.js), so that
          // probe alone let the repair loop on a silent socket (health.test.ts, 2 runs in 4).
          const unsubscribed = this.unsubscribe();
          const answered = !this.resubscribedWithoutSlot && (await settlesWithin(unsubscribed, UNSUBSCRIBE_TIMEOUT_MS));
          if (!answered) this.cutSocket();
          this.subscribe(sink);
          this.resubscribedWithoutSlot = true;
        }
        const slot = await retryRead(() => this.connection.getSlot(this.commitment));
        sink.chainSlot(slot);
        this.lastSlotAt = Date.now();
        await this.backfill(sink);
        sink.degraded(null);
      } catch (err) {
        this.log("re-backfill failed; will retry", { err: String(err) });
      } finally {
        this.repairing = undefined;
      }
    })();
    return this.repairing;
  }

  async backfill(sink: IngestSink, progress?: (done: number, total: number) => void): Promise<void> {
    const snapshotSlot = await this.backfillAccounts(sink);
    // Transactions that landed after the snapshot are not in it: their accounts are read again.
    await this.backfillTransactions(sink, this.options.resumeSignature?.() ?? null, progress, snapshotSlot);
  }

  /** Every program account at one slot: a full snapshot (accounts missing from it are closed). Returns the slot. */
  async backfillAccounts(sink: IngestSink): Promise<number> {
    const { context, value } = await retryRead(() =>
      this.connection.getProgramAccounts(this.options.programId, { commitment: this.commitment, withContext: true }),
    );
    const updates = value.map((a) => ({
      pubkey: a.pubkey.toBase58(),
      slot: context.slot,
      lamports: a.account.lamports,
      data: a.account.data,
    }));
    sink.accounts(this.name, updates, { slot: context.slot });
    sink.chainSlot(context.slot);
    return context.slot;
  }

  /** Signatures touching the registry after `until` (all when null), oldest first. */
  async signaturesSince(until: string | null): Promise<string[]> {
    const out: string[] = [];
    let before: string | undefined;
    for (;;) {
      const page = await retryRead(() =>
        this.connection.getSignaturesForAddress(
          this.registry,
          { limit: 1000, ...(before ? { before } : {}), ...(until ? { until } : {}) },
          this.commitment === "processed" ? "confirmed" : (this.commitment as "confirmed" | "finalized"),
        ),
      );
      out.push(...page.map((s) => s.signature));
      if (page.length < 1000) break;
      before = page[page.length - 1]!.signature;
    }
    return out.reverse();
  }

  /** The program's accounts among `pubkeys` as of `minSlot` or later (missing ones as closed). */
  async readAccounts(pubkeys: string[], minSlot: number): Promise<AccountRead> {
    const updates: RawAccountUpdate[] = [];
    let slot = minSlot;
    // getMultipleAccounts takes at most 100 addresses per call.
    for (let at = 0; at < pubkeys.length; at += 100) {
      const chunk = pubkeys.slice(at, at + 100);
      const keys = chunk.map((k) => new PublicKey(k));
      const { context, value } = await retryRead(
        () =>
          this.connection.getMultipleAccountsInfoAndContext(keys, {
            commitment: this.commitment,
            minContextSlot: minSlot,
          }),
        5,
      );
      slot = Math.max(slot, context.slot);
      value.forEach((account, i) => {
        if (account === null) updates.push({ pubkey: chunk[i]!, slot: context.slot, lamports: 0, data: null });
        else if (account.owner.equals(this.options.programId))
          updates.push({ pubkey: chunk[i]!, slot: context.slot, lamports: account.lamports, data: account.data });
      });
    }
    return { slot, updates };
  }

  /**
   * Fetches transactions and their registry instructions and logs; those after `writableAfterSlot`
   * carry the accounts they could write (the pipeline reads those before publishing).
   */
  async fetchTransactions(
    signatures: string[],
    writableAfterSlot = Number.POSITIVE_INFINITY,
  ): Promise<RawTransaction[]> {
    const finality = this.commitment === "processed" ? "confirmed" : (this.commitment as "confirmed" | "finalized");
    return Promise.all(
      signatures.map(async (signature) => {
        const tx = await retryRead(async () => {
          const found = await this.connection.getTransaction(signature, {
            commitment: finality,
            maxSupportedTransactionVersion: 0,
          });
          if (found === null) throw new Error(`transaction ${signature} not found`);
          return found;
        });
        return toRawTransaction(signature, tx, this.options.programId, tx.slot > writableAfterSlot);
      }),
    );
  }

  async backfillTransactions(
    sink: IngestSink,
    until: string | null,
    progress?: (done: number, total: number) => void,
    writableAfterSlot = Number.POSITIVE_INFINITY,
  ): Promise<number> {
    const signatures = await this.signaturesSince(until);
    progress?.(0, signatures.length);
    const chunk = 50;
    for (let i = 0; i < signatures.length; i += chunk) {
      const txs = await this.fetchTransactions(signatures.slice(i, i + chunk), writableAfterSlot);
      sink.transactions(this.name, txs);
      progress?.(Math.min(i + chunk, signatures.length), signatures.length);
    }
    return signatures.length;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.watchdog !== undefined) clearInterval(this.watchdog);
    if (this.registryPoll !== undefined) clearInterval(this.registryPoll);
    await this.repairing?.catch(() => undefined);
    // No unsubscribes: closing the socket ends the subscriptions on the server's side.
    this.subscriptions = [];
    forgetSubscriptions(this.connection);
    closeConnectionSocket(this.connection);
  }
}
