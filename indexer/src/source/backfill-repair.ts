// The Helius sources' repair: report degraded, re-backfill over RPC, report healthy again. One
// repair at a time: a gap noticed while one runs joins it instead of starting another.
import type { IngestSink } from "./types.js";

export interface BackfillRepairOptions {
  backfill: (sink: IngestSink) => Promise<void>;
  stopped: () => boolean;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
}

export class BackfillRepair {
  private running: Promise<void> | undefined;

  constructor(private readonly options: BackfillRepairOptions) {}

  run(sink: IngestSink | undefined, reason: string): Promise<void> {
    if (this.running !== undefined || this.options.stopped() || sink === undefined) return this.running ?? Promise.resolve();
    sink.degraded(reason);
    this.running = (async () => {
      try {
        await this.options.backfill(sink);
        sink.degraded(null);
      } catch (err) {
        // Still degraded: the pipeline's next gap check (or the registry poll) tries again.
        this.options.log?.("re-backfill failed; will retry", { err: String(err) });
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  /** Resolves once a repair under way has ended (for stop()). */
  settled(): Promise<void> {
    return this.running?.catch(() => undefined) ?? Promise.resolve();
  }
}
