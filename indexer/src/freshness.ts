// Is the account state the index serves fresh? Only the chain can say: the index is fresh once it
// has read the chain, while its stream is open and while it keeps reading the chain (slot
// notifications, polls, backfills). While it cannot, the chain's slot is estimated from the wall
// clock, so lag keeps growing instead of freezing at the last slot seen.

/** Solana's nominal slot time, until slots seen give a measured one. */
const DEFAULT_MS_PER_SLOT = 400;

export class StateFreshness {
  private reached = false;
  private notReachedReason = "the indexer has not read the chain yet";
  private lastReadAt = 0;
  private lastSlot = 0;
  private lastSlotAt = 0;
  private msPerSlot = DEFAULT_MS_PER_SLOT;
  private streamClosedReason: string | null = null;

  /**
   * @param silentAfterMs no successful chain read for this long makes the state stale (a source
   * that polls reads the chain once per `staleAfterMs`, so the indexer passes twice that).
   */
  constructor(
    private readonly silentAfterMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The chain answered (at `slot`, when the answer carried one). */
  read(slot?: number): void {
    const now = this.now();
    this.reached = true;
    this.lastReadAt = now;
    if (slot !== undefined && slot > this.lastSlot) {
      if (this.lastSlot > 0 && now > this.lastSlotAt) {
        // A moving average of the measured slot time, bounded to something a chain can do.
        const sample = (now - this.lastSlotAt) / (slot - this.lastSlot);
        this.msPerSlot = Math.min(2_000, Math.max(10, 0.8 * this.msPerSlot + 0.2 * sample));
      }
      this.lastSlot = slot;
      this.lastSlotAt = now;
    }
  }

  /** The first read of the chain failed (why, for /healthz while it is retried). */
  unreachable(reason: string): void {
    if (!this.reached) this.notReachedReason = `the indexer has not read the chain yet (${reason})`;
  }

  /** The live stream closed (null: open again). */
  streamClosed(reason: string | null): void {
    this.streamClosedReason = reason;
  }

  /** Null while the state is fresh; otherwise why it may be stale. */
  stale(): string | null {
    if (!this.reached) return this.notReachedReason;
    if (this.streamClosedReason !== null) return this.streamClosedReason;
    const silentMs = this.now() - this.lastReadAt;
    if (silentMs > this.silentAfterMs) return `the chain has not been read for ${Math.round(silentMs / 1000)} s`;
    return null;
  }

  /** The chain's slot: the last one read, plus (while the chain cannot be read) the slots that passed since. */
  estimatedSlot(): number {
    if (this.stale() === null || this.lastSlot === 0) return this.lastSlot;
    return this.lastSlot + Math.floor((this.now() - this.lastSlotAt) / this.msPerSlot);
  }
}
