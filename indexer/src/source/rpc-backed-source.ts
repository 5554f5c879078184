// What the Helius sources share: everything but their live feed goes over standard RPC — the
// backfill (getProgramAccounts + signatures), reading the accounts a transaction wrote, a repair
// (degraded, re-backfill, healthy; one at a time), and a poll of the registry account every
// `staleAfterMs`, since neither feed carries slots: its change count lets the pipeline's gap check
// notice what the feed never delivered.
import type { Commitment, PublicKey } from "@solana/web3.js";
import { pollRegistry } from "./registry-poll.js";
import { RpcSource } from "./rpc-source.js";
import type { AccountRead, ChainSource, IngestSink } from "./types.js";

export interface RpcBackedSourceOptions {
  /** JSON-RPC URL (a Helius RPC URL or any other): backfill, account reads, the registry poll. */
  rpcUrl: string;
  programId: PublicKey;
  commitment?: "processed" | "confirmed" | "finalized";
  staleAfterMs?: number;
  resumeSignature?: () => string | null;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
}

export abstract class RpcBackedSource<Options extends RpcBackedSourceOptions> implements ChainSource {
  abstract readonly name: string;
  protected readonly rpc: RpcSource;
  protected sink: IngestSink | undefined;
  protected stopped = false;
  private poller: ReturnType<typeof setInterval> | undefined;
  private repairing: Promise<void> | undefined;

  constructor(protected readonly options: Options) {
    this.rpc = new RpcSource({
      rpcUrl: options.rpcUrl,
      programId: options.programId,
      commitment: options.commitment,
      resumeSignature: options.resumeSignature,
      log: options.log,
    });
  }

  abstract start(sink: IngestSink): Promise<void>;
  abstract stop(): Promise<void>;

  backfill(sink: IngestSink, progress?: (done: number, total: number) => void): Promise<void> {
    return this.rpc.backfill(sink, progress);
  }

  readAccounts(pubkeys: string[], minSlot: number): Promise<AccountRead> {
    return this.rpc.readAccounts(pubkeys, minSlot);
  }

  /** Degraded until a re-backfill completes; a gap noticed while one runs joins it. */
  repair(reason: string): Promise<void> {
    const sink = this.sink;
    if (this.repairing !== undefined || this.stopped || sink === undefined) return this.repairing ?? Promise.resolve();
    sink.degraded(reason);
    this.repairing = (async () => {
      try {
        await this.backfill(sink);
        sink.degraded(null);
      } catch (err) {
        // Still degraded: the pipeline's next gap check (or the registry poll) tries again.
        this.options.log?.("re-backfill failed; will retry", { err: String(err) });
      } finally {
        this.repairing = undefined;
      }
    })();
    return this.repairing;
  }

  /** Starts re-reading the registry account every `staleAfterMs`. */
  protected pollRegistryEvery(sink: IngestSink): void {
    this.poller = setInterval(
      () =>
        void pollRegistry(
          this.rpc.connection,
          this.options.programId,
          this.options.commitment as Commitment,
          sink,
          this.name,
          this.options.log,
        ),
      this.options.staleAfterMs ?? 15_000,
    );
  }

  /** Stops the poll and waits for a repair under way. */
  protected async stopPollAndRepair(): Promise<void> {
    this.stopped = true;
    if (this.poller !== undefined) clearInterval(this.poller);
    await this.repairing?.catch(() => undefined);
  }
}
