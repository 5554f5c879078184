// Which source feeds the pipeline, from the configuration: Helius webhooks, Helius Enhanced
// WebSockets, or (the default) standard RPC PubSub. All three backfill over RPC.
import type { PublicKey } from "@solana/web3.js";
import type { IndexerOptions } from "../indexer.js";
import { HeliusSource } from "./helius-source.js";
import { HeliusWebhookSource } from "./helius-webhook.js";
import { RpcSource } from "./rpc-source.js";
import type { ChainSource } from "./types.js";

export function createSource(
  options: IndexerOptions,
  programId: PublicKey,
  resumeSignature: () => string | null,
  log: (msg: string, fields?: Record<string, unknown>) => void,
): ChainSource {
  const common = {
    rpcUrl: options.rpcUrl,
    programId,
    commitment: options.commitment,
    staleAfterMs: options.staleAfterMs,
    resumeSignature,
    log,
  };
  if (options.heliusWebhook !== undefined) {
    // Deliveries are confirmed transactions; their accounts cannot be read at finalized yet.
    if (options.commitment === "finalized")
      throw new Error(
        "Helius webhooks deliver confirmed transactions: index them at confirmed commitment (rows are upgraded to finalized later)",
      );
    return new HeliusWebhookSource({ ...common, webhook: options.heliusWebhook });
  }
  if (options.heliusWsUrl !== undefined) return new HeliusSource({ ...common, enhancedWsUrl: options.heliusWsUrl });
  return new RpcSource({ ...common, wsUrl: options.wsUrl });
}
