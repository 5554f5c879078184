// `lume node watch`: follows an indexer's registryChanged (or partnerChanged) subscription over
// graphql-ws and prints each change, until stopped. followIndexer (app/src/verifier) only
// counts changes to reload a verifier's snapshot; this needs every event's fields, so it keeps
// its own subscription, with the same resume rule: after a lost connection it reconnects with
// backoff (`backoffDelay`, app/src/entry/retry.ts) and resubscribes from the last change index
// printed, so nothing is missed or repeated.
import { type Client, createClient } from "graphql-ws";
import WebSocket from "ws";
import { backoffDelay } from "../../entry/retry.js";
import { UserError } from "../../entry/user-error.js";

export interface Change {
  changeIndex: number;
  slot: number;
  signature: string;
  blockTime: number | null;
  name: string;
  partner: string | null;
  data: unknown;
}

export interface WatchOptions {
  /** The indexer's GraphQL URL over HTTP(S); the WebSocket URL is derived from it. */
  graphqlUrl: string;
  /** Replay the stored changes after this change index first (default: only changes from now). */
  from?: number;
  /** Only this partner's changes (partnerChanged), by account address. */
  partner?: string;
  json: boolean;
  out(line: string): void;
  /** Bound on each start-up request (the status query, the first connection). Default 10 s. */
  startTimeoutMs?: number;
  retryMinMs?: number;
  retryMaxMs?: number;
}

const FIELDS = "changeIndex slot signature blockTime name partner data";
const ALL = `subscription($from: Long) { registryChanged(fromChangeIndex: $from) { ${FIELDS} } }`;
const ONE = `subscription($from: Long, $partner: String!) { partnerChanged(partner: $partner, fromChangeIndex: $from) { ${FIELDS} } }`;

/** "keyRevoked" -> "key revoked". */
export function eventInWords(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, "$1 $2").toLowerCase();
}

/** What a status change or attestation did, in words (re-verifications and the like). */
export function changeDetail(name: string, data: unknown): string {
  if (data === null || typeof data !== "object") return "";
  const d = data as Record<string, unknown>;
  if (name === "partnerStatusChanged") {
    const until = d.until !== undefined && d.until !== "0" ? `, until ${isoSeconds(String(d.until))}` : "";
    return ` (${eventInWords(String(d.cause))}: ${d.oldStatus} -> ${d.newStatus}${until})`;
  }
  if (name === "verificationAttested")
    return ` (${d.kind}${d.stage === "admitted" ? " re-verification" : ""}, evidence ${d.evidenceUri})`;
  return "";
}

function isoSeconds(seconds: string): string {
  const ms = Number(seconds) * 1000;
  return Number.isFinite(ms) ? new Date(ms).toISOString().replace(".000Z", "Z") : seconds;
}

export function formatChange(c: Change): string {
  const when = c.blockTime === null ? "" : ` ${new Date(c.blockTime * 1000).toISOString()}`;
  return `#${c.changeIndex} slot ${c.slot}${when}  ${eventInWords(c.name)}${changeDetail(c.name, c.data)}  ${c.partner === null ? "(no partner)" : `partner ${c.partner}`}  tx ${c.signature}`;
}

/** The indexer's newest contiguous change index, over HTTP: also proves the URL is an indexer. */
async function indexerHead(graphqlUrl: string, timeoutMs: number): Promise<{ head: number; degraded: string | null }> {
  const hint = "Is the indexer running (`npm run indexer -- start`), and is --indexer its /graphql URL?";
  let response: Response;
  try {
    response = await fetch(graphqlUrl, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({ query: "{ status { contiguousChangeIndex degraded } }" }),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    const why =
      (err as Error).name === "TimeoutError"
        ? `no answer within ${timeoutMs} ms`
        : (cause?.code ?? cause?.message ?? (err as Error).message);
    throw new UserError(`cannot reach the indexer at ${graphqlUrl}: ${why}. ${hint}`);
  }
  let body: {
    data?: { status?: { contiguousChangeIndex: number; degraded: string | null } };
    errors?: { message: string }[];
  };
  try {
    body = (await response.json()) as typeof body;
  } catch {
    throw new UserError(`${graphqlUrl} answered HTTP ${response.status}, not GraphQL. ${hint}`);
  }
  const status = body.data?.status;
  if (status === undefined)
    throw new UserError(
      `${graphqlUrl} did not answer the indexer's status query (${body.errors?.map((e) => e.message).join("; ") ?? "no data"}). ${hint}`,
    );
  return { head: status.contiguousChangeIndex, degraded: status.degraded };
}

/** graphql-ws rejects with a close event, a GraphQL error list or an Error: one line of text. */
function reasonOf(err: unknown): string {
  if (Array.isArray(err)) return err.map((e) => (e as { message?: string }).message ?? String(e)).join("; ");
  const close = err as { code?: number; reason?: string; message?: string };
  if (typeof close?.code === "number")
    return `socket closed (code ${close.code}${close.reason ? `, ${close.reason}` : ""})`;
  return close?.message ?? String(err);
}

export class IndexerWatch {
  /** Rejects with a UserError when the watch cannot go on (refused subscription); never resolves otherwise. */
  readonly failed: Promise<never>;
  private fail!: (err: UserError) => void;
  private readonly wsUrl: string;
  private client: Client | null = null;
  private last = 0;
  private everConnected = false;
  private lostSince: string | null = null;
  private failures = 0;
  private stopped = false;
  private session = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly options: WatchOptions) {
    this.wsUrl = options.graphqlUrl.replace(/^http/, "ws");
    this.failed = new Promise<never>((_, reject) => (this.fail = reject));
    this.failed.catch(() => undefined); // observed by whoever races it
  }

  /** Resolves once subscribed; a clear UserError (never a hang) if the indexer cannot be reached. */
  async start(): Promise<void> {
    const timeoutMs = this.options.startTimeoutMs ?? 10_000;
    const { head, degraded } = await indexerHead(this.options.graphqlUrl, timeoutMs);
    // Without --from: from the indexer's head, so a reconnect before the first change still misses nothing.
    this.last = this.options.from ?? head;
    if (degraded !== null)
      this.notice(
        { type: "degraded", reason: degraded },
        `note: the indexer reports it is degraded (${degraded}); changes may come late`,
      );
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new UserError(
              `the indexer at ${this.wsUrl} did not accept a WebSocket subscription within ${timeoutMs} ms`,
            ),
          ),
        timeoutMs,
      );
      this.connect({
        connected: () => {
          clearTimeout(timer);
          resolve();
        },
        failed: (why) => {
          clearTimeout(timer);
          reject(new UserError(`cannot subscribe at ${this.wsUrl}: ${why}`));
        },
      });
    }).catch(async (err: unknown) => {
      await this.stop();
      throw err;
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.session += 1;
    clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = null;
    await client?.dispose();
  }

  private notice(json: Record<string, unknown>, text: string): void {
    this.options.out(this.options.json ? JSON.stringify(json) : text);
  }

  /** One connection; `first` reports how the start-up connection went. */
  private connect(first?: { connected(): void; failed(why: string): void }): void {
    if (this.stopped) return;
    const session = ++this.session;
    const from = this.last;
    const client = createClient({
      url: this.wsUrl,
      webSocketImpl: WebSocket,
      retryAttempts: 0, // reconnection is ours: it resumes from the last change printed
      connectionAckWaitTimeout: this.options.startTimeoutMs ?? 10_000,
      on: {
        connected: () => {
          if (session !== this.session) return;
          this.failures = 0;
          if (!this.everConnected) {
            this.everConnected = true;
            const what =
              this.options.partner === undefined ? "registry changes" : `changes of partner ${this.options.partner}`;
            this.notice(
              { type: "connected", indexer: this.wsUrl, after: from },
              `watching ${what} at ${this.wsUrl} after change #${from} (Ctrl-C to stop)`,
            );
            first?.connected();
          } else {
            this.notice(
              { type: "reconnected", indexer: this.wsUrl, after: from, lostSince: this.lostSince },
              `reconnected to ${this.wsUrl}; resuming after change #${from}`,
            );
          }
          this.lostSince = null;
        },
        closed: (event) => this.lost(session, reasonOf(event), first),
      },
    });
    this.client = client;
    const variables = this.options.partner === undefined ? { from } : { from, partner: this.options.partner };
    client.subscribe<{ registryChanged?: Change; partnerChanged?: Change }>(
      { query: this.options.partner === undefined ? ALL : ONE, variables },
      {
        next: (message) => {
          if (session !== this.session) return;
          if (message.errors?.length) return this.refused(reasonOf([...message.errors]), first);
          const change = message.data?.registryChanged ?? message.data?.partnerChanged;
          if (change === undefined || change.changeIndex <= this.last) return; // a replayed duplicate
          this.last = change.changeIndex;
          this.options.out(this.options.json ? JSON.stringify({ type: "change", ...change }) : formatChange(change));
        },
        error: (err) => {
          if (session !== this.session) return;
          // A GraphQL error list is the indexer refusing the subscription: retrying cannot help.
          if (Array.isArray(err)) this.refused(reasonOf(err), first);
          else this.lost(session, reasonOf(err), first);
        },
        complete: () => this.lost(session, "the indexer ended the subscription", first),
      },
    );
  }

  private refused(why: string, first?: { failed(why: string): void }): void {
    const err = new UserError(`the indexer refused the subscription: ${why}`);
    if (first !== undefined && !this.everConnected) first.failed(`the indexer refused the subscription: ${why}`);
    void this.stop();
    this.fail(err);
  }

  private lost(session: number, why: string, first?: { failed(why: string): void }): void {
    if (session !== this.session || this.stopped) return;
    this.session += 1;
    const client = this.client;
    this.client = null;
    void client?.dispose();
    if (!this.everConnected) {
      first?.failed(why);
      return;
    }
    const wait = backoffDelay(this.failures, this.options.retryMinMs ?? 250, this.options.retryMaxMs ?? 10_000);
    this.failures += 1;
    this.lostSince ??= new Date().toISOString();
    this.notice(
      { type: "disconnected", reason: why, retryInMs: wait, after: this.last },
      `connection lost (${why}); reconnecting in ${wait} ms`,
    );
    this.retryTimer = setTimeout(() => this.connect(), wait);
  }
}
