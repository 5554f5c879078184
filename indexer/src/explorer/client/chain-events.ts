// The registry's events as the chain itself recorded them: the data of the program's self-CPI
// event instructions in a transaction (`EVENT_IX_TAG || event bytes`, app/src/sdk/events.ts), read
// over JSON-RPC. Used to name the first change whose bytes the indexer serves differently.
import { rpcCall } from "./json-rpc.js";

/** Anchor's event instruction tag, as app/src/sdk/events.ts has it. */
const EVENT_IX_TAG = [0xe4, 0x45, 0xa5, 0x2e, 0x51, 0xcb, 0x9a, 0x1d];

const ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

/**
 * Base58 (Bitcoin alphabet) to bytes. Written here because the bs58 in the dependency tree needs
 * Node's Buffer, which browsers lack; instruction data is at most ~1 KB, so the quadratic loop is fine.
 */
export function base58Bytes(text: string): Uint8Array {
  const bytes: number[] = [];
  for (const char of text) {
    let carry = ALPHABET.indexOf(char);
    if (carry < 0) throw new Error(`not base58: ${char}`);
    for (let i = 0; i < bytes.length; i++) {
      carry += bytes[i]! * 58;
      bytes[i] = carry & 0xff;
      carry >>= 8;
    }
    while (carry > 0) {
      bytes.push(carry & 0xff);
      carry >>= 8;
    }
  }
  for (const char of text) {
    if (char !== "1") break;
    bytes.push(0);
  }
  return Uint8Array.from(bytes.reverse());
}

interface RpcTransaction {
  meta: {
    err: unknown;
    innerInstructions?: { instructions: { programIdIndex: number; data: string }[] }[];
    loadedAddresses?: { writable: string[]; readonly: string[] };
  } | null;
  transaction: { message: { accountKeys: string[] } };
}

/** The registry events a transaction carries, as the chain's JSON-RPC returns it (empty if it failed). */
export async function chainEventsOf(rpcUrl: string, signature: string, programId: string): Promise<Uint8Array[]> {
  const tx = await rpcCall<RpcTransaction | null>(rpcUrl, "getTransaction", [
    signature,
    { encoding: "json", commitment: "confirmed", maxSupportedTransactionVersion: 0 },
  ]);
  if (!tx?.meta || tx.meta.err !== null) return [];
  const keys = [
    ...tx.transaction.message.accountKeys,
    ...(tx.meta.loadedAddresses?.writable ?? []),
    ...(tx.meta.loadedAddresses?.readonly ?? []),
  ];
  const events: Uint8Array[] = [];
  for (const group of tx.meta.innerInstructions ?? []) {
    for (const ix of group.instructions) {
      if (keys[ix.programIdIndex] !== programId) continue;
      const data = base58Bytes(ix.data);
      // The program refuses an event instruction its event authority did not sign, so in a
      // transaction that succeeded every one of these came from the program itself.
      if (data.length > 8 && EVENT_IX_TAG.every((b, i) => data[i] === b)) events.push(data.subarray(8));
    }
  }
  return events;
}
