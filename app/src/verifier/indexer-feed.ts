// Feeding a node's verifier from the indexer instead of polling: the `snapshot` query once,
// then (by default) the `snapshotChanged` subscription (graphql-ws) from the snapshot's change
// count, whose deltas are applied in change-index order (one partner's entry per change, not the
// whole registry). A skipped change index, or a resume point the indexer no longer replays
// (RESUME_POINT_EXPIRED), and only those, make it load the full snapshot again; a reconnect
// resumes from the last change applied, on whichever replica answers. With `deltas: false` it
// follows `registryChanged` and re-loads the full snapshot per change (a burst causes one reload),
// never applying a snapshot older than the verifier's (by change count).
//
// Fail closed: a heartbeat over the same socket confirms, while it lives, that no change is
// missing, which keeps the snapshot's age low in a quiet registry. Once the socket is lost (or
// the indexer is degraded) nothing confirms it any more, so the snapshot ages and the verifier
// refuses every request past its maxSnapshotAgeMs, while the feed reconnects with backoff,
// re-loads the snapshot and resumes from the last change index it saw.
import { type Client, createClient } from "graphql-ws";
import WebSocket from "ws";
import type { RegistrySnapshot } from "../sdk/snapshot.js";
import { applySnapshotDelta, isDeltaGap, type SnapshotDelta } from "../sdk/snapshot-delta.js";
import { fetchIndexerSnapshot, fetchSettledSnapshot } from "./indexer-snapshot.js";
import type { RequestVerifier } from "./verifier.js";

export interface IndexerFeedOptions {
  /** The indexer's GraphQL endpoint over HTTP, e.g. http://127.0.0.1:4000/graphql (for the snapshot). */
  graphqlUrl: string;
  /** Its WebSocket endpoint (default: graphqlUrl with ws:// or wss://). */
  wsUrl?: string;
  /** Apply the snapshotChanged deltas (default true); false: reload the full snapshot per change. */
  deltas?: boolean;
  /**
   * Delta mode: load the full snapshot before the first subscription (default true). false: resume
   * from the verifier's snapshot as it is (a node restarting with a snapshot it kept); a resume
   * point the indexer no longer replays makes it load the full snapshot then.
   */
  loadFirst?: boolean;
  /** Changes arriving within this many ms cause one reload (default 50; full-snapshot mode). */
  debounceMs?: number;
  /** How often the live socket confirms the snapshot is current (default: a quarter of the verifier's maxSnapshotAgeMs). */
  heartbeatMs?: number;
  /** Reconnection backoff: the first wait, doubling up to the max (defaults 250 ms and 10 s). */
  retryMinMs?: number;
  retryMaxMs?: number;
  /** The node's clock, for the snapshot's fetchedAt (default Date.now). */
  now?: () => number;
  onUpdate?: (snapshot: RegistrySnapshot) => void;
  onError?: (err: Error) => void;
  /** The feed became healthy (connected, indexer not degraded) or unhealthy, and why. */
  onHealth?: (healthy: boolean, reason: string) => void;
}

export interface IndexerFeed {
  readonly healthy: boolean;
  /** The highest change index known: delivered by the subscription, or counted by a snapshot. */
  readonly lastChangeIndex: number;
  /** Resolves once the feed is first healthy (or stopped). */
  readonly ready: Promise<void>;
  /** What the node downloaded: full snapshots (count, bytes) and subscription messages (bytes). */
  readonly traffic: { snapshots: number; snapshotBytes: number; deltas: number; socketBytes: number };
  stop(): Promise<void>;
}

const CHANGES = "subscription($from: Long) { registryChanged(fromChangeIndex: $from) { changeIndex } }";
const DELTAS =
  "subscription($from: Long!) { snapshotChanged(fromChangeIndex: $from) { changeIndex slot raw registry partners } }";
const STATUS = "{ status { degraded contiguousChangeIndex onChainChangeCount } }";

interface Status {
  degraded: string | null;
  contiguousChangeIndex: number;
  onChainChangeCount: number | null;
}

/** graphql-ws reports close events, GraphQL error lists and Errors: one readable Error. */
function asError(err: unknown, what: string): Error {
  if (err instanceof Error) return err;
  if (Array.isArray(err))
    return new Error(`${what}: ${err.map((e) => (e as { message?: string }).message ?? String(e)).join("; ")}`);
  const close = err as { code?: number; reason?: string; message?: string };
  if (typeof close?.code === "number")
    return new Error(`${what}: socket closed (code ${close.code}${close.reason ? `, ${close.reason}` : ""})`);
  return new Error(`${what}: ${close?.message ?? String(err)}`);
}

export function followIndexer(verifier: RequestVerifier, options: IndexerFeedOptions): IndexerFeed {
  return new IndexerFollower(verifier, options);
}

class IndexerFollower implements IndexerFeed {
  healthy = false;
  lastChangeIndex: number;
  readonly traffic = { snapshots: 0, snapshotBytes: 0, deltas: 0, socketBytes: 0 };
  private readonly deltas: boolean;
  /** Delta mode: load the full snapshot before subscribing (first connection, after a gap). */
  private needFull = true;
  readonly ready: Promise<void>;
  private markReady!: () => void;
  private readonly wsUrl: string;
  private readonly now: () => number;
  private readonly debounceMs: number;
  private readonly heartbeatMs: number;
  private stopped = false;
  /** Bumped on every (re)connection: callbacks of an older connection are ignored. */
  private session = 0;
  private client: Client | null = null;
  private connected = false;
  private degraded: string | null = null;
  private failures = 0;
  private reloadDelay: number;
  private reloading = false;
  private reloadAgain = false;
  private beating = false;
  private reloadTimer: ReturnType<typeof setTimeout> | undefined;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private heartbeatTimer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly verifier: RequestVerifier,
    private readonly options: IndexerFeedOptions,
  ) {
    this.wsUrl = options.wsUrl ?? options.graphqlUrl.replace(/^http/, "ws");
    this.now = options.now ?? Date.now;
    this.debounceMs = options.debounceMs ?? 50;
    this.heartbeatMs = options.heartbeatMs ?? Math.max(250, Math.floor(verifier.maxSnapshotAgeMs / 4));
    this.reloadDelay = this.debounceMs;
    this.deltas = options.deltas ?? true;
    this.needFull = options.loadFirst ?? true;
    this.lastChangeIndex = verifier.snapshot.changeCount;
    this.ready = new Promise((resolve) => (this.markReady = resolve));
    void this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.session += 1;
    this.clearTimers();
    clearTimeout(this.reconnectTimer);
    this.healthy = false;
    this.markReady();
    const client = this.client;
    this.client = null;
    await client?.dispose();
  }

  // --- connection ------------------------------------------------------------------------

  /** One connection: load the snapshot (unless deltas resume), then subscribe from the last change index known. */
  private async connect(): Promise<void> {
    if (this.stopped) return;
    const session = ++this.session;
    try {
      if (!this.deltas) await this.reload(session);
      else if (this.needFull) await this.loadFull(session);
    } catch (err) {
      this.lost(session, asError(err, "loading the snapshot"));
      return;
    }
    if (session !== this.session) return;
    const traffic = this.traffic;
    // Counts what arrives over the socket (the bytes a node downloads per change).
    class CountingWebSocket extends WebSocket {
      constructor(...args: ConstructorParameters<typeof WebSocket>) {
        super(...args);
        this.on("message", (data: Buffer) => {
          traffic.socketBytes += data.length;
        });
      }
    }
    const client = createClient({
      url: this.wsUrl,
      webSocketImpl: CountingWebSocket,
      retryAttempts: 0, // reconnection is ours: it resumes from the last index (and re-loads when it must)
      on: {
        connected: () => this.onConnected(session),
        closed: (event) => this.lost(session, asError(event, `the indexer's socket at ${this.wsUrl}`)),
      },
    });
    this.client = client;
    if (this.deltas) {
      client.subscribe<{ snapshotChanged: SnapshotDelta }>(
        { query: DELTAS, variables: { from: this.verifier.snapshot.changeCount } },
        {
          next: (message) => {
            if (session !== this.session) return;
            if (message.errors?.length) {
              if (message.errors.some((e) => e.extensions?.code === "RESUME_POINT_EXPIRED")) this.needFull = true;
              return this.lost(session, asError([...message.errors], "the snapshotChanged subscription"));
            }
            const delta = message.data?.snapshotChanged;
            if (delta !== undefined) this.applyDelta(session, delta);
          },
          error: (err) => {
            if (Array.isArray(err) && err.some((e) => e?.extensions?.code === "RESUME_POINT_EXPIRED"))
              this.needFull = true;
            this.lost(session, asError(err, "the snapshotChanged subscription"));
          },
          complete: () => this.lost(session, new Error("the indexer ended the snapshotChanged subscription")),
        },
      );
      return;
    }
    client.subscribe<{ registryChanged: { changeIndex: number } }>(
      { query: CHANGES, variables: { from: this.lastChangeIndex } },
      {
        next: (message) => {
          if (message.errors?.length)
            return this.lost(session, asError([...message.errors], "the registryChanged subscription"));
          const index = message.data?.registryChanged.changeIndex;
          if (index !== undefined && session === this.session) this.changed(index);
        },
        error: (err) => this.lost(session, asError(err, "the registryChanged subscription")),
        complete: () => this.lost(session, new Error("the indexer ended the registryChanged subscription")),
      },
    );
  }

  /** Delta mode: the full snapshot, once settled; applied unless older than the verifier's. */
  private async loadFull(session: number): Promise<void> {
    const served = await fetchSettledSnapshot(this.options.graphqlUrl, { now: this.now });
    if (session !== this.session) return;
    this.traffic.snapshots += 1;
    this.traffic.snapshotBytes += served.bytes;
    this.degraded = served.degraded;
    if (served.degraded !== null) throw new Error(`the indexer is degraded (${served.degraded})`);
    if (!served.settled) throw new Error("the indexer is still storing the accounts of its newest change");
    if (served.snapshot.changeCount >= this.verifier.snapshot.changeCount) {
      this.verifier.updateSnapshot(served.snapshot);
      this.options.onUpdate?.(served.snapshot);
    }
    if (this.verifier.snapshot.changeCount > this.lastChangeIndex)
      this.lastChangeIndex = this.verifier.snapshot.changeCount;
    this.needFull = false;
  }

  /** One delta, in order: applied; a repeat ignored; a skipped index means the full snapshot again. */
  private applyDelta(session: number, delta: SnapshotDelta): void {
    this.traffic.deltas += 1;
    const next = applySnapshotDelta(this.verifier.snapshot, delta, this.now());
    if (next === null) return;
    if (isDeltaGap(next)) {
      this.needFull = true;
      this.lost(
        session,
        new Error(`the snapshotChanged subscription skipped a change (${next.gap}): loading the full snapshot`),
      );
      return;
    }
    this.verifier.updateSnapshot(
      next,
      delta.partners.map((p) => p.id),
    );
    if (next.changeCount > this.lastChangeIndex) this.lastChangeIndex = next.changeCount;
    this.options.onUpdate?.(next);
  }

  private onConnected(session: number): void {
    if (session !== this.session) return;
    this.connected = true;
    this.failures = 0;
    this.heartbeatTimer = setInterval(() => void this.beat(session), this.heartbeatMs);
    this.heartbeatTimer.unref?.();
    this.updateHealth("subscribed to the indexer's changes");
  }

  /** The connection is gone or unusable: unhealthy, then a new one after a backoff. */
  private lost(session: number, err: Error): void {
    if (session !== this.session || this.stopped) return;
    this.session += 1;
    this.connected = false;
    this.clearTimers();
    const client = this.client;
    this.client = null;
    void client?.dispose();
    this.updateHealth(err.message);
    this.options.onError?.(err);
    const min = this.options.retryMinMs ?? 250;
    const wait = Math.min(this.options.retryMaxMs ?? 10_000, min * 2 ** this.failures) * (0.8 + 0.4 * Math.random());
    this.failures += 1;
    // Not unref'd: a node whose only work is following the indexer must not exit while cut off.
    this.reconnectTimer = setTimeout(() => void this.connect(), wait);
  }

  private clearTimers(): void {
    clearTimeout(this.reloadTimer);
    clearInterval(this.heartbeatTimer);
    this.reloadTimer = undefined;
    this.heartbeatTimer = undefined;
  }

  private updateHealth(reason: string): void {
    const healthy = this.connected && this.degraded === null && !this.stopped;
    if (healthy === this.healthy) return;
    this.healthy = healthy;
    this.options.onHealth?.(healthy, this.degraded === null ? reason : `indexer degraded: ${this.degraded}`);
    if (healthy) this.markReady();
  }

  // --- changes and reloads ---------------------------------------------------------------

  private changed(index: number): void {
    if (index > this.lastChangeIndex) this.lastChangeIndex = index;
    if (this.lastChangeIndex > this.verifier.snapshot.changeCount) this.scheduleReload(this.debounceMs);
  }

  /** One reload for a burst: a reload asked for while one runs runs once more afterwards. */
  private scheduleReload(delayMs: number): void {
    if (this.stopped || this.reloadTimer !== undefined) return;
    if (this.reloading) {
      this.reloadAgain = true;
      return;
    }
    const session = this.session;
    this.reloadTimer = setTimeout(() => {
      this.reloadTimer = undefined;
      this.reload(session).catch((err: unknown) => {
        // The socket may still be fine (HTTP hiccup): retry the reload; the heartbeat watches the socket.
        if (session !== this.session) return;
        this.options.onError?.(asError(err, "reloading the snapshot"));
        this.retryReload();
      });
    }, delayMs);
  }

  /** The next wait while the snapshot stays behind or degraded (the indexer is catching up). */
  private longerDelay(): number {
    this.reloadDelay = Math.min(this.options.retryMaxMs ?? 10_000, this.reloadDelay * 2);
    return this.reloadDelay;
  }

  private retryReload(): void {
    this.scheduleReload(this.longerDelay());
  }

  /** Loads the snapshot and applies it unless it is older than the verifier's (by change count). */
  private async reload(session: number): Promise<void> {
    this.reloading = true;
    let again: number | null = null;
    try {
      const served = await fetchIndexerSnapshot(this.options.graphqlUrl, { now: this.now });
      this.traffic.snapshots += 1;
      this.traffic.snapshotBytes += served.bytes;
      if (session !== this.session) return;
      this.degraded = served.degraded;
      if (served.degraded !== null) {
        this.updateHealth("");
        again = this.longerDelay();
        return;
      }
      // The newest change's accounts are still being stored: its event follows in moments.
      if (!served.settled) {
        again = this.debounceMs;
        return;
      }
      if (served.snapshot.changeCount >= this.verifier.snapshot.changeCount) {
        this.verifier.updateSnapshot(served.snapshot);
        this.options.onUpdate?.(served.snapshot);
      }
      if (served.snapshot.changeCount > this.lastChangeIndex) this.lastChangeIndex = served.snapshot.changeCount;
      this.updateHealth("snapshot loaded");
      // Events can reach the indexer before the accounts they changed: load again until it has them.
      if (this.verifier.snapshot.changeCount < this.lastChangeIndex) again = this.longerDelay();
      else this.reloadDelay = this.debounceMs;
    } finally {
      this.reloading = false;
      if (this.reloadAgain) again ??= this.debounceMs;
      this.reloadAgain = false;
      if (again !== null && session === this.session) this.scheduleReload(again);
    }
  }

  // --- heartbeat -------------------------------------------------------------------------

  /** Asks the indexer, over the subscription's socket, whether anything changed; if not, the snapshot is current. */
  private async beat(session: number): Promise<void> {
    const client = this.client;
    if (this.beating || client === null || session !== this.session) return;
    this.beating = true;
    const sentAt = this.now();
    try {
      const status = await this.ask(client, Math.max(this.heartbeatMs, 2_000));
      if (session !== this.session) return;
      this.degraded = status.degraded;
      this.updateHealth("heartbeat answered");
      const head = Math.max(status.contiguousChangeIndex, status.onChainChangeCount ?? 0);
      if (head > this.lastChangeIndex) this.lastChangeIndex = head;
      // Delta mode: the deltas of changes beyond the snapshot are on their way (a gap shows as one).
      if (this.deltas) {
        if (status.degraded === null && this.lastChangeIndex <= this.verifier.snapshot.changeCount)
          this.verifier.confirmSnapshot(sentAt);
      } else if (status.degraded !== null || this.lastChangeIndex > this.verifier.snapshot.changeCount)
        this.scheduleReload(this.debounceMs);
      else if (!this.reloading && this.reloadTimer === undefined) this.verifier.confirmSnapshot(sentAt);
    } catch (err) {
      this.lost(session, asError(err, "the heartbeat"));
    } finally {
      this.beating = false;
    }
  }

  private ask(client: Client, timeoutMs: number): Promise<Status> {
    return new Promise((resolve, reject) => {
      let status: Status | undefined;
      const timer = setTimeout(() => {
        cancel();
        reject(new Error(`the indexer did not answer a heartbeat within ${timeoutMs} ms`));
      }, timeoutMs);
      const cancel = client.subscribe<{ status: Status }>(
        { query: STATUS },
        {
          next: (message) => {
            if (message.errors?.length) reject(asError([...message.errors], "the heartbeat"));
            else status = message.data?.status;
          },
          error: (err) => {
            clearTimeout(timer);
            reject(asError(err, "the heartbeat"));
          },
          complete: () => {
            clearTimeout(timer);
            if (status === undefined) reject(new Error("the indexer answered the heartbeat without a status"));
            else resolve(status);
          },
        },
      );
    });
  }
}
