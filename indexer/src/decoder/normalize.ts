// Anchor's decoded values as plain JSON: PublicKey → base58, BN → decimal string, byte arrays →
// hex, fixed strings ({len, bytes}) → text, unit enum variants ({ active: {} }) → "active".
import anchor from "@coral-xyz/anchor";
import { PublicKey } from "@solana/web3.js";
import { type FixedText, fixedText } from "../../../app/src/sdk/fixed-text.js";

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

function isByteArray(value: unknown[]): value is number[] {
  return value.length > 0 && value.every((v) => typeof v === "number" && Number.isInteger(v) && v >= 0 && v <= 255);
}

/** Converts one decoded Anchor value to JSON (see the file comment for the rules). */
export function normalize(value: unknown): Json {
  if (value === null || value === undefined) return null;
  if (value instanceof PublicKey) return value.toBase58();
  if (anchor.BN.isBN(value)) return (value as InstanceType<typeof anchor.BN>).toString();
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return Buffer.from(value).toString("hex");
  if (Array.isArray(value)) {
    if (typeof value[0] === "number") {
      // Byte arrays of 32 (hashes, raw keys) read better as hex; other number lists stay numbers
      // (no per-element recursion: this is the hot path of account decoding).
      if (value.length === 32 && isByteArray(value)) return Buffer.from(value).toString("hex");
      return value.slice() as number[];
    }
    return value.map(normalize);
  }
  if (typeof value === "object") {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record);
    // A decoded FixedStr<N> is `{ len, bytes }` and nothing else.
    if (keys.length === 2 && typeof record.len === "number" && Array.isArray(record.bytes))
      return fixedText(record as unknown as FixedText);
    if (keys.length === 1) {
      const inner = record[keys[0]!];
      if (typeof inner === "object" && inner !== null && !Array.isArray(inner) && Object.keys(inner).length === 0)
        return keys[0]!;
    }
    const out: { [key: string]: Json } = {};
    for (const key of keys) out[key] = normalize(record[key]);
    return out;
  }
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "number" || typeof value === "string" || typeof value === "boolean") return value;
  return String(value);
}
