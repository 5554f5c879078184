// Plays Helius' side of a raw-transaction webhook on the program id: finds the program's new
// transactions on a surfnet (getSignaturesForAddress), fetches each with getTransaction
// (encoding json, maxSupportedTransactionVersion 0: the shape Helius posts) and POSTs them as one
// JSON array with the webhook's authHeader as the Authorization header.
import type { Connection, PublicKey } from "@solana/web3.js";

/**
 * getTransaction's JSON answer (encoding json), as Helius posts it: the fields the tests read or
 * spoil are named (indexer/src/source/helius-webhook-payload.ts checks them), the rest is carried as is.
 */
export interface RawRpcTransaction {
  slot: number;
  transaction: {
    signatures: string[];
    message: {
      accountKeys: string[];
      instructions: { programIdIndex: number; accounts: number[]; data: string }[];
      [field: string]: unknown;
    };
  };
  [field: string]: unknown;
}

export interface PostResult {
  status: number;
  body: { ok?: true; error?: string };
}

export class HeliusWebhookPoster {
  /** The newest signature delivered with a 2xx (Helius moves on only after a success). */
  private delivered: string | undefined;

  constructor(
    private readonly chain: Connection,
    private readonly programId: PublicKey,
    readonly url: string,
    private readonly secret: string,
  ) {}

  /** Treats everything on chain so far as delivered (the indexer's backfill read it). */
  async skipExisting(): Promise<void> {
    const [newest] = await this.chain.getSignaturesForAddress(this.programId, { limit: 1 }, "confirmed");
    this.delivered = newest?.signature;
  }

  /** The program's transactions after the last successful delivery, oldest first. */
  async pending(): Promise<string[]> {
    const page = await this.chain.getSignaturesForAddress(
      this.programId,
      { limit: 1000, ...(this.delivered ? { until: this.delivered } : {}) },
      "confirmed",
    );
    return page.map((s) => s.signature).reverse();
  }

  /** A transaction as a raw webhook carries it: getTransaction's JSON, untouched. */
  async rawTransaction(signature: string): Promise<RawRpcTransaction> {
    const rpc = this.chain as unknown as {
      _rpcRequest(method: string, params: unknown[]): Promise<{ result: RawRpcTransaction | null; error?: unknown }>;
    };
    const { result, error } = await rpc._rpcRequest("getTransaction", [
      signature,
      { encoding: "json", commitment: "confirmed", maxSupportedTransactionVersion: 0 },
    ]);
    if (result === null) throw new Error(`transaction ${signature} not found: ${JSON.stringify(error)}`);
    return result;
  }

  /** Delivers every pending transaction in one POST (`authorization`: what to send instead of the secret; null: no header). */
  async deliverPending(authorization: string | null = this.secret): Promise<PostResult & { signatures: string[] }> {
    const signatures = await this.pending();
    const batch = await Promise.all(signatures.map((s) => this.rawTransaction(s)));
    const result = await this.post(JSON.stringify(batch), authorization);
    if (result.status >= 200 && result.status < 300 && signatures.length > 0)
      this.delivered = signatures[signatures.length - 1];
    return { ...result, signatures };
  }

  /** POSTs a body as is. */
  async post(
    body: string,
    authorization: string | null = this.secret,
    init: { method?: string; url?: string } = {},
  ): Promise<PostResult> {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (authorization !== null) headers.authorization = authorization;
    const res = await fetch(init.url ?? this.url, {
      method: init.method ?? "POST",
      headers,
      ...(init.method === "GET" ? {} : { body }),
    });
    return { status: res.status, body: (await res.json()) as PostResult["body"] };
  }
}
