// The Helius source: Enhanced WebSockets (`transactionSubscribe` through helius-sdk) for every
// transaction that touches the program, with full logs and message, then the program accounts
// each one touched, re-read over RPC. Backfill is the RPC source's (getProgramAccounts +
// signatures). Helius' stream has no slot feed and has been seen to stop delivering
// (helius-rust-sdk#120), so a poll of the registry account every `staleAfterMs` lets the
// pipeline's gap check notice changes the stream missed; a closed stream reconnects and
// re-backfills.
import { VersionedTransaction } from "@solana/web3.js";
import { type EnhancedWsClient, makeEnhancedWsClient } from "helius-sdk/websockets/enhancedWs";
import type { TransactionNotificationResult } from "helius-sdk/websockets/types";
import { WebSocket as NodeWebSocket } from "ws";
import { retry } from "../../../app/src/entry/retry.js";
import { type CompiledInnerInstructions, resolveInnerInstructions } from "../../../app/src/sdk/events.js";
import { RpcBackedSource, type RpcBackedSourceOptions } from "./rpc-backed-source.js";
import type { IngestSink, RawTransaction } from "./types.js";

export interface HeliusSourceOptions extends RpcBackedSourceOptions {
  /** Enhanced WebSocket URL (wss://atlas-mainnet.helius-rpc.com/?api-key=…). */
  enhancedWsUrl: string;
}

/** The shape of `transaction` in a transactionNotification with encoding base64, details full. */
interface FullTransaction {
  transaction: [string, "base64"];
  meta: {
    err: unknown;
    logMessages?: string[] | null;
    innerInstructions?: CompiledInnerInstructions[] | null;
    loadedAddresses?: { writable?: string[]; readonly?: string[] } | null;
  } | null;
  blockTime?: number | null;
}

// helius-sdk opens sockets with the global WebSocket, which Node 20 does not have.
(globalThis as { WebSocket?: unknown }).WebSocket ??= NodeWebSocket;

export class HeliusSource extends RpcBackedSource<HeliusSourceOptions> {
  readonly name = "helius";
  private client: EnhancedWsClient | undefined;
  private reconnecting: Promise<void> | undefined;
  /** Aborted by stop(): ends a reconnect's pause at once. */
  private readonly stopping = new AbortController();

  async start(sink: IngestSink): Promise<void> {
    this.sink = sink;
    await this.subscribe(sink);
    await this.backfill(sink);
    this.pollRegistryEvery(sink);
  }

  private async subscribe(sink: IngestSink): Promise<void> {
    const client = makeEnhancedWsClient(this.options.enhancedWsUrl);
    this.client = client;
    const subscription = await client.transactionSubscribe(
      { accountInclude: [this.options.programId.toBase58()], failed: true, vote: false },
      {
        commitment: this.options.commitment ?? "confirmed",
        encoding: "base64",
        transactionDetails: "full",
        maxSupportedTransactionVersion: 0,
      },
    );
    void (async () => {
      try {
        for await (const notification of subscription) await this.handle(sink, notification);
      } catch (err) {
        this.options.log?.("Helius stream failed", { err: String(err) });
      }
      if (!this.stopped && this.client === client) void this.reconnect(sink, "Helius websocket closed");
    })();
  }

  private reconnect(sink: IngestSink, reason: string): Promise<void> {
    if (this.reconnecting !== undefined) return this.reconnecting;
    sink.degraded(reason);
    this.reconnecting = (async () => {
      await retry(
        async () => {
          if (this.stopped) return;
          this.client?.close();
          await this.subscribe(sink);
          await this.backfill(sink);
          sink.degraded(null);
        },
        {
          attempts: Number.POSITIVE_INFINITY,
          firstDelayMs: 250,
          maxDelayMs: 10_000,
          signal: this.stopping.signal,
          onRetry: ({ error, delayMs }) =>
            this.options.log?.("Helius reconnect failed; retrying", { err: String(error), delayMs }),
        },
      ).catch((err) => {
        // A stop, or a bug (a TypeError, which is not retried): the stream stays degraded.
        if (!this.stopped) this.options.log?.("Helius reconnect gave up", { err: String(err) });
      });
    })().finally(() => (this.reconnecting = undefined));
    return this.reconnecting;
  }

  /**
   * One notification: the transaction, with the accounts it could write. The stream carries no
   * account data: the pipeline re-reads those accounts over RPC (readAccounts) before it
   * publishes the transaction's events.
   */
  private async handle(sink: IngestSink, notification: TransactionNotificationResult): Promise<void> {
    const full = notification.transaction as FullTransaction;
    const tx = VersionedTransaction.deserialize(Buffer.from(full.transaction[0], "base64"));
    const keys = tx.message.staticAccountKeys;
    const raw: RawTransaction = {
      signature: notification.signature,
      slot: notification.slot,
      blockTime: full.blockTime ?? null,
      err: full.meta?.err ?? null,
      logs: full.meta?.logMessages ?? [],
      signers: keys.slice(0, tx.message.header.numRequiredSignatures).map((k) => k.toBase58()),
      instructions: tx.message.compiledInstructions
        .filter((ix) => keys[ix.programIdIndex]?.equals(this.options.programId))
        .map((ix) => Buffer.from(ix.data)),
      // The events: inner instructions, numbered over the static keys then the loaded addresses.
      innerInstructions: resolveInnerInstructions(full.meta?.innerInstructions, [
        ...keys,
        ...(full.meta?.loadedAddresses?.writable ?? []),
        ...(full.meta?.loadedAddresses?.readonly ?? []),
      ]),
      // Static keys, then the writable addresses loaded from lookup tables (base58 in the JSON meta).
      writable: [
        ...keys.filter((_, i) => tx.message.isAccountWritable(i)).map((k) => k.toBase58()),
        ...(full.meta?.loadedAddresses?.writable ?? []),
      ],
    };
    sink.transactions(this.name, [raw]);
    sink.chainSlot(notification.slot);
  }

  async stop(): Promise<void> {
    const stopping = this.stopPollAndRepair();
    this.stopping.abort();
    this.client?.close();
    this.client = undefined;
    await this.reconnecting?.catch(() => undefined);
    await stopping;
  }
}
