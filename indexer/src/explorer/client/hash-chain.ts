// The integrity check, done in the reader's browser: download the event history from the
// indexer, replay the registry's hash chain with WebCrypto SHA-256
// (head(n) = sha256(head(n-1) || raw(n)), head(0) = 32 zero bytes), and compare the result with
// the head the registry account holds, read from the chain's JSON-RPC, not from the indexer.
import idl from "../../../../programs/lume-registry/idl/lume_registry.json";
import { gql } from "./api.js";
import { rpcCall } from "./json-rpc.js";

export interface HistoryItem {
  changeIndex: number;
  signature: string;
  raw: string;
}

const PAGE = 100;

/** Every stored event, in change order, `onProgress` after each page. */
export async function downloadHistory(onProgress: (count: number) => void): Promise<HistoryItem[]> {
  const all: HistoryItem[] = [];
  for (;;) {
    const after = all.at(-1)?.changeIndex ?? 0;
    const { history } = await gql<{ history: HistoryItem[] }>(
      "query ($after: Long, $first: Int) { history(afterChangeIndex: $after, first: $first) { changeIndex signature raw } }",
      { after, first: PAGE },
    );
    all.push(...history);
    onProgress(all.length);
    if (history.length < PAGE) return all;
  }
}

/** Hex (as GraphQL serves event bytes) to bytes; the server never sends malformed hex. */
export function hexBytes(text: string): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(text.length >> 1);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(text.slice(2 * i, 2 * i + 2), 16);
  return bytes;
}

function base64Bytes(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

export type ReplayResult =
  | { ok: true; count: number; head: string }
  | { ok: false; count: number; head: string; changeIndex: number; problem: string };

/** The change index an event's bytes carry (after its 8-byte discriminator, little-endian u64). */
export function embeddedChangeIndex(raw: Uint8Array): number {
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  return raw.length < 16 ? -1 : Number(view.getBigUint64(8, true));
}

/** Replays the chain over `events`; stops at the first event out of place. */
export async function replay(events: HistoryItem[]): Promise<ReplayResult> {
  let head = new Uint8Array(32);
  let count = 0;
  for (const event of events) {
    const expected = count + 1;
    const raw = hexBytes(event.raw);
    if (event.changeIndex !== expected)
      return {
        ok: false,
        count,
        head: hex(head),
        changeIndex: expected,
        problem: `change ${expected} is missing (the next one served is ${event.changeIndex})`,
      };
    if (embeddedChangeIndex(raw) !== expected)
      return {
        ok: false,
        count,
        head: hex(head),
        changeIndex: expected,
        problem: `the bytes served for change ${expected} say they are change ${embeddedChangeIndex(raw)}`,
      };
    const input = new Uint8Array(32 + raw.length);
    input.set(head, 0);
    input.set(raw, 32);
    head = new Uint8Array(await crypto.subtle.digest("SHA-256", input));
    count = expected;
  }
  return { ok: true, count, head: hex(head) };
}

type IdlType = string | { array: [IdlType, number] } | { defined: { name: string } };
type IdlDef = { name: string; type: { kind: string; fields?: { name: string; type: IdlType }[] } };
const PRIMITIVE_SIZES: Record<string, number> = { u8: 1, bool: 1, u16: 2, u32: 4, u64: 8, i64: 8, pubkey: 32 };

/** Size of a fixed-size IDL type (the program's accounts are zero-copy: every field is fixed). */
function sizeOf(type: IdlType): number {
  if (typeof type === "string") {
    const size = PRIMITIVE_SIZES[type];
    if (size === undefined) throw new Error(`no fixed size for ${type}`);
    return size;
  }
  if ("array" in type) return sizeOf(type.array[0]) * type.array[1];
  const def = (idl.types as IdlDef[]).find((t) => t.name === type.defined.name);
  if (def === undefined) throw new Error(`type ${type.defined.name} is not in the IDL`);
  if (def.type.kind === "enum") return 1;
  return (def.type.fields ?? []).reduce((sum, f) => sum + sizeOf(f.type), 0);
}

/** Where `history` (change count u64, head [u8; 32]) sits in the Registry account, from the IDL. */
function historyOffset(): number {
  const def = (idl.types as IdlDef[]).find((t) => t.name === "Registry");
  let offset = 8; // the account discriminator
  for (const field of def?.type.fields ?? []) {
    if (field.name === "history") return offset;
    offset += sizeOf(field.type);
  }
  throw new Error("the IDL's Registry has no history field");
}

const REGISTRY_DISCRIMINATOR = (idl.accounts as { name: string; discriminator: number[] }[]).find(
  (a) => a.name === "Registry",
)?.discriminator;

export interface ChainHead {
  changeCount: number;
  head: string;
  slot: number;
}

/** The registry account's history head, read over JSON-RPC and checked to be the program's Registry. */
export async function chainHead(rpcUrl: string, registry: string, programId: string): Promise<ChainHead> {
  const result = await rpcCall<{ context: { slot: number }; value: { owner: string; data: [string, string] } | null }>(
    rpcUrl,
    "getAccountInfo",
    [registry, { encoding: "base64", commitment: "confirmed" }],
  );
  const value = result?.value;
  if (!value) throw new Error(`no account at ${registry} on ${rpcUrl}`);
  if (value.owner !== programId)
    throw new Error(`${registry} is owned by ${value.owner}, not the program ${programId}`);
  const data = base64Bytes(value.data[0]);
  if (REGISTRY_DISCRIMINATOR === undefined || REGISTRY_DISCRIMINATOR.some((b, i) => data[i] !== b))
    throw new Error(`${registry} is not a Registry account`);
  const offset = historyOffset();
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  return {
    changeCount: Number(view.getBigUint64(offset, true)),
    head: hex(data.subarray(offset + 8, offset + 40)),
    slot: result?.context.slot ?? 0,
  };
}
