// The registry's history hash chain, followed as events are stored: head = sha256(head || event
// bytes) over changes 1..n, as the program computes it on-chain. When the index holds as many
// changes as the stored registry account counts, the heads must agree; if they do not, the stored
// history is not the chain's (a corrupted file, events from a dropped fork) and is rebuilt.
import { createHash } from "node:crypto";

export class HistoryChain {
  private headBytes = Buffer.alloc(32);
  /** The change index the head covers (0: none). */
  through = 0;

  get head(): string {
    return this.headBytes.toString("hex");
  }

  /** Extends the head by the next change; `changeIndex` must follow the last one. */
  append(changeIndex: number, raw: Buffer): void {
    if (changeIndex !== this.through + 1) throw new Error(`history chain: change ${changeIndex} after ${this.through}`);
    this.headBytes = createHash("sha256").update(this.headBytes).update(raw).digest();
    this.through = changeIndex;
  }

  reset(): void {
    this.headBytes = Buffer.alloc(32);
    this.through = 0;
  }
}
