// Prometheus metrics of one indexer (own registry, so several indexers can run in one process).
import { Counter, collectDefaultMetrics, Gauge, Registry } from "prom-client";

export class IndexerMetrics {
  readonly registry = new Registry();
  readonly indexedSlot = this.gauge("lume_indexer_indexed_slot", "Highest slot stored");
  readonly chainSlot = this.gauge("lume_indexer_chain_slot", "Latest slot seen from the chain");
  readonly lag = this.gauge(
    "lume_indexer_lag_slots",
    "chain slot - the slot the index is known complete at (0 while a healthy stream idles)",
  );
  readonly finalizedSlot = this.gauge(
    "lume_indexer_finalized_slot",
    "The chain's finalized slot as last polled; rows at or below it are marked finalized",
  );
  readonly events = this.counter("lume_indexer_events_total", "Registry events stored");
  readonly accountUpdates = this.counter("lume_indexer_account_updates_total", "Account updates applied");
  readonly decodeErrors = this.counter("lume_indexer_decode_errors_total", "Unknown or malformed data");
  readonly degraded = this.gauge("lume_indexer_degraded", "1 while a gap is being repaired");

  private gauge(name: string, help: string): Gauge {
    return new Gauge({ name, help, registers: [this.registry] });
  }

  private counter(name: string, help: string): Counter {
    return new Counter({ name, help, registers: [this.registry] });
  }

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
