// The registry's history read straight from the chain's transactions (no indexer): every
// transaction that names the program, decoded as the indexer decodes it, its events in change
// order. `lume history` prints them; `lume audit` replays the hash chain over them.
import type { ConfirmedSignatureInfo } from "@solana/web3.js";
import { type DecodedEvent, RegistryDecoder } from "../../../../indexer/src/decoder/decoder.js";
import { toRawTransaction } from "../../../../indexer/src/source/raw-transaction.js";
import type { CliContext } from "./context.js";

export interface ChainEvent extends DecodedEvent {
  blockTime: number | null;
}

/** How many signatures one getSignaturesForAddress page holds (the RPC maximum). */
const PAGE = 1_000;

/** Every successful transaction signature of the program, oldest first. */
async function programSignatures(ctx: CliContext, progress: (line: string) => void): Promise<string[]> {
  const found: ConfirmedSignatureInfo[] = [];
  for (let before: string | undefined; ; ) {
    const page = await ctx.read("listing the program's transactions", () =>
      ctx.connection.getSignaturesForAddress(ctx.programId, { before, limit: PAGE }, "confirmed"),
    );
    found.push(...page);
    if (page.length < PAGE) break;
    before = page.at(-1)!.signature;
    progress(`listed ${found.length} transactions ...`);
  }
  return found
    .filter((s) => s.err === null)
    .reverse()
    .map((s) => s.signature);
}

/** The registry's events from the chain, in change order; `progress` gets a line now and then. */
export async function readChainEvents(ctx: CliContext, progress: (line: string) => void): Promise<ChainEvent[]> {
  const decoder = new RegistryDecoder(ctx.programId);
  const signatures = await programSignatures(ctx, progress);
  const events: ChainEvent[] = [];
  for (const [i, signature] of signatures.entries()) {
    const tx = await ctx.read(`reading transaction ${signature}`, () =>
      ctx.connection.getTransaction(signature, { commitment: "confirmed", maxSupportedTransactionVersion: 0 }),
    );
    if (tx === null) continue;
    const decoded = decoder.transaction(toRawTransaction(signature, tx, ctx.programId, false));
    for (const event of decoded.events) events.push({ ...event, blockTime: decoded.blockTime });
    if ((i + 1) % 100 === 0) progress(`read ${i + 1} of ${signatures.length} transactions ...`);
  }
  return events.sort((a, b) => a.changeIndex - b.changeIndex);
}
