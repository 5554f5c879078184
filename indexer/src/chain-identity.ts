// Which chain an index belongs to. The cluster's genesis hash and the program id are recorded in
// the store on the first read of the chain and checked on every start; so is the chain's slot,
// which never goes back on one chain. A file copied from another cluster, kept across a reset of
// a local chain, or opened for another program is refused in words (or rebuilt on request)
// instead of being served as truth.
import type { Connection, PublicKey } from "@solana/web3.js";
import { UserError } from "../../app/src/entry/user-error.js";
import type { ChainIdentity } from "./store/store.js";

/** The index and the chain it was pointed at are not the same chain. */
export class ChainMismatchError extends UserError {}

export interface ChainReading {
  identity: ChainIdentity;
  /**
   * The highest slot the node has processed when it was read. Processed, not confirmed: the index
   * may hold a slot seen at processed commitment (a websocket notification) that confirmed
   * commitment has not reached yet, and that must not look like a chain gone back.
   */
  slot: number;
}

/** Reads the cluster's genesis hash and slot; fails after `timeoutMs` (a wedged node must not hang a start). */
export async function readChain(
  connection: Connection,
  programId: PublicKey,
  timeoutMs: number,
): Promise<ChainReading> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    const [genesisHash, slot] = await Promise.race([
      Promise.all([connection.getGenesisHash(), connection.getSlot("processed")]),
      timeout,
    ]);
    return { identity: { genesisHash, programId: programId.toBase58() }, slot };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Why the index cannot be served from this chain, or null when it can: another cluster, another
 * program, or a chain whose slot is behind what the index already holds (a reset chain).
 */
export function chainMismatch(
  stored: ChainIdentity | undefined,
  indexedSlot: number,
  reading: ChainReading,
): string | null {
  const { identity, slot } = reading;
  if (stored !== undefined && stored.genesisHash !== identity.genesisHash)
    return `the index belongs to the cluster with genesis hash ${stored.genesisHash}, but the RPC serves the cluster ${identity.genesisHash}`;
  if (stored !== undefined && stored.programId !== identity.programId)
    return `the index follows program ${stored.programId}, not ${identity.programId}`;
  if (slot < indexedSlot)
    return `the index holds slot ${indexedSlot} but the chain is only at slot ${slot}: the chain was reset, or is another cluster`;
  return null;
}

/** An error's message with its cause (fetch failures hide the useful part, e.g. ECONNREFUSED, there). */
export function describeError(err: unknown): string {
  const error = err as Error & { cause?: { code?: string; message?: string } };
  const cause = error.cause?.code ?? error.cause?.message;
  return cause === undefined ? String(error.message ?? err) : `${error.message}: ${cause}`;
}
