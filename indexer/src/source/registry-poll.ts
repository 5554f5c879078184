// For sources without a slot feed (Helius' stream, webhooks): the registry account, re-read every
// `staleAfterMs`. Its slot keeps the pipeline's lag honest and its change count lets the gap
// check notice changes the source never delivered.
import type { Commitment, Connection, PublicKey } from "@solana/web3.js";
import { registryAddress } from "../../../app/src/sdk/pda.js";
import type { IngestSink } from "./types.js";

export async function pollRegistry(
  connection: Connection,
  programId: PublicKey,
  commitment: Commitment | undefined,
  sink: IngestSink,
  sourceName: string,
  log?: (msg: string, fields?: Record<string, unknown>) => void,
): Promise<void> {
  try {
    const address = registryAddress(programId);
    const { context, value } = await connection.getAccountInfoAndContext(address, commitment);
    // Stored first: the slot then says what the index holds.
    if (value !== null)
      sink.accounts(sourceName, [
        { pubkey: address.toBase58(), slot: context.slot, lamports: value.lamports, data: value.data },
      ]);
    sink.chainSlot(context.slot);
  } catch (err) {
    log?.("registry poll failed", { err: String(err) });
  }
}
