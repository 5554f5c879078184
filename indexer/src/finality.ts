// Finality: rows are written at the configured commitment (confirmed by default) and upgraded to
// finalized once the chain's finalized slot reaches the slot they reflect. A confirmed block is
// finalized in all but pathological cases; a row written from a fork that was later dropped is
// caught by `verify` and repaired by the next re-backfill, never marked finalized on its own.
import type { Connection } from "@solana/web3.js";
import type { IndexerStore } from "./store/store.js";

export interface FinalityOptions {
  /** Milliseconds between polls of the finalized slot (default 5 s). */
  intervalMs?: number;
  onFinalized?: (slot: number) => void;
  onError?: (err: unknown) => void;
}

export class FinalityTracker {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;
  /** The highest finalized slot seen (0 before the first poll). */
  finalizedSlot = 0;

  constructor(
    private readonly store: IndexerStore,
    private readonly connection: Connection,
    private readonly options: FinalityOptions = {},
  ) {}

  start(): void {
    this.schedule(0);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
  }

  /** One poll: reads the finalized slot and upgrades the rows it covers. */
  async poll(): Promise<void> {
    const slot = await this.connection.getSlot("finalized");
    if (this.stopped || slot <= this.finalizedSlot) return;
    this.finalizedSlot = slot;
    this.store.markFinalized(slot);
    this.options.onFinalized?.(slot);
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.poll()
        .catch((err: unknown) => this.options.onError?.(err))
        .finally(() => this.schedule(this.options.intervalMs ?? 5_000));
    }, delayMs);
    this.timer.unref();
  }
}
