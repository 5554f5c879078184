// The Helius webhook source: Helius POSTs every transaction that touches the program (a "raw"
// webhook on the program id) to a receiver here; each becomes a RawTransaction with the accounts
// it could write, which the pipeline re-reads over RPC before publishing its events (as for the
// Helius stream). Backfill and repair are the RPC source's (getProgramAccounts + signatures).
// Webhooks carry no slot feed and a delivery can be lost for good (Helius gives up after its
// retries), so the registry account is polled every `staleAfterMs`: the pipeline's gap check
// compares its change count with the stored history and re-backfills what never arrived.
import { parseWebhookBody } from "./helius-webhook-payload.js";
import { toRawTransaction } from "./raw-transaction.js";
import { RpcBackedSource, type RpcBackedSourceOptions } from "./rpc-backed-source.js";
import type { IngestSink } from "./types.js";
import { WebhookReceiver } from "./webhook-receiver.js";

export interface HeliusWebhookConfig {
  port: number;
  /** Default 127.0.0.1 (put an HTTPS proxy in front: Helius only posts to public HTTPS URLs). */
  host?: string;
  /** Default /helius-webhook. */
  path?: string;
  /** The webhook's authHeader: Helius sends it verbatim as the Authorization header. */
  secret: string;
  maxBodyBytes?: number;
}

export interface HeliusWebhookSourceOptions extends RpcBackedSourceOptions {
  webhook: HeliusWebhookConfig;
}

export class HeliusWebhookSource extends RpcBackedSource<HeliusWebhookSourceOptions> {
  readonly name = "helius-webhook";
  /** Transactions delivered that never touched the program (a webhook shared with other addresses). */
  ignored = 0;
  private receiverInstance: WebhookReceiver | undefined;

  /** The HTTP receiver (its URL and refusal counts), once started. */
  get receiver(): WebhookReceiver | undefined {
    return this.receiverInstance;
  }

  /** Listens first, so deliveries during the backfill are kept (the store ignores repeats). */
  async start(sink: IngestSink): Promise<void> {
    this.sink = sink;
    this.receiverInstance = await WebhookReceiver.listen({
      ...this.options.webhook,
      deliver: (body) => this.deliver(body),
      log: this.options.log,
    });
    this.options.log?.("receiving Helius webhooks", { url: this.receiverInstance.url });
    try {
      await this.backfill(sink);
    } catch (err) {
      await this.receiverInstance.close();
      throw err;
    }
    this.pollRegistryEvery(sink);
  }

  /** One POSTed batch, handed to the pipeline before the receiver answers 200. */
  private async deliver(body: unknown): Promise<void> {
    const sink = this.sink;
    if (sink === undefined || this.stopped) throw new Error("the indexer is not running");
    const delivered = parseWebhookBody(body);
    const programId = this.options.programId;
    const ours = delivered.filter((t) => t.accounts.some((k) => k.equals(programId)));
    this.ignored += delivered.length - ours.length;
    if (ours.length === 0) return;
    const transactions = ours.map((t) => toRawTransaction(t.signature, t.confirmed, programId, true));
    sink.transactions(this.name, transactions);
    sink.chainSlot(Math.max(...transactions.map((t) => t.slot)));
  }

  async stop(): Promise<void> {
    const stopping = this.stopPollAndRepair();
    await this.receiverInstance?.close();
    await stopping;
  }
}
