// Prometheus metrics of one indexer (own registry, so several indexers can run in one process).
import { Counter, collectDefaultMetrics, Gauge, Registry } from "prom-client";

export class IndexerMetrics {
  readonly registry = new Registry();
  readonly indexedSlot = new Gauge({
    name: "lume_indexer_indexed_slot",
    help: "Highest slot stored",
    registers: [this.registry],
  });
  readonly chainSlot = new Gauge({
    name: "lume_indexer_chain_slot",
    help: "Latest slot seen from the chain",
    registers: [this.registry],
  });
  readonly lag = new Gauge({
    name: "lume_indexer_lag_slots",
    help: "chain slot - the slot the index is known complete at (0 while a healthy stream idles)",
    registers: [this.registry],
  });
  readonly finalizedSlot = new Gauge({
    name: "lume_indexer_finalized_slot",
    help: "The chain's finalized slot as last polled; rows at or below it are marked finalized",
    registers: [this.registry],
  });
  readonly events = new Counter({
    name: "lume_indexer_events_total",
    help: "Registry events stored",
    registers: [this.registry],
  });
  readonly accountUpdates = new Counter({
    name: "lume_indexer_account_updates_total",
    help: "Account updates applied",
    registers: [this.registry],
  });
  readonly decodeErrors = new Counter({
    name: "lume_indexer_decode_errors_total",
    help: "Unknown or malformed data",
    registers: [this.registry],
  });
  readonly degraded = new Gauge({
    name: "lume_indexer_degraded",
    help: "1 while a gap is being repaired",
    registers: [this.registry],
  });

  constructor(defaults = false) {
    if (defaults) collectDefaultMetrics({ register: this.registry });
  }

  /** Exposes the Helius webhook receiver's counts (read when scraped): accepted batches, and refusals by reason. */
  watchWebhook(read: () => { accepted: number; rejections: Record<string, number> } | undefined): void {
    new Counter({
      name: "lume_indexer_webhook_batches_total",
      help: "Helius webhook deliveries: accepted, or refused by reason (unauthorized, badRequest, tooLarge, failed)",
      labelNames: ["outcome"],
      registers: [this.registry],
      collect() {
        const counts = read();
        this.reset();
        if (counts === undefined) return;
        this.inc({ outcome: "accepted" }, counts.accepted);
        for (const [reason, n] of Object.entries(counts.rejections)) this.inc({ outcome: reason }, n);
      },
    });
  }
}
