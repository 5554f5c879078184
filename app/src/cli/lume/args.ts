// Parsing command-line values into the program's argument types, with messages that name the flag.
import anchor from "@coral-xyz/anchor";
import { PublicKey } from "@solana/web3.js";
import { UserError } from "../../entry/user-error.js";

const { BN } = anchor;
export type BNType = InstanceType<typeof BN>;

export function intArg(flag: string, value: string | undefined, min: number, max: number): number {
  if (value === undefined) throw new UserError(`${flag} is required`);
  const n = Number(value);
  if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max)
    throw new UserError(`${flag} must be a whole number from ${min} to ${max}, got "${value}"`);
  return n;
}

export function u16Arg(flag: string, value: string | undefined): number {
  return intArg(flag, value, 0, 0xffff);
}

export function u32Arg(flag: string, value: string | undefined): number {
  return intArg(flag, value, 0, 0xffff_ffff);
}

export function pubkeyArg(flag: string, value: string | undefined): PublicKey {
  if (value === undefined) throw new UserError(`${flag} is required`);
  try {
    return new PublicKey(value);
  } catch {
    throw new UserError(`${flag} must be a base58 address, got "${value}"`);
  }
}

export function textArg(flag: string, value: string | undefined, maxBytes: number): string {
  if (value === undefined || value.trim() === "") throw new UserError(`${flag} is required`);
  if (Buffer.byteLength(value, "utf8") > maxBytes) throw new UserError(`${flag} may be at most ${maxBytes} bytes`);
  return value;
}

export function listArg(value: string | undefined): string[] {
  return value === undefined
    ? []
    : value
        .split(",")
        .map((s) => s.trim())
        .filter((s) => s !== "");
}

/** Category names or indices → a u64 mask, checked against the registry's catalogue. */
export function categoriesArg(flag: string, value: string | undefined, catalogue: readonly string[]): BNType {
  const items = listArg(value);
  if (items.length === 0)
    throw new UserError(`${flag} needs at least one category (names or indices: ${catalogue.join(", ")})`);
  let mask = 0n;
  for (const item of items) {
    const index = /^\d+$/.test(item) ? Number(item) : catalogue.indexOf(item);
    if (index < 0 || index >= catalogue.length)
      throw new UserError(`${flag}: unknown category "${item}" (the catalogue: ${catalogue.join(", ")})`);
    mask |= 1n << BigInt(index);
  }
  return new BN(mask.toString());
}

const PROTOCOLS = ["https", "wss", "quic", "tcp"] as const;
export function protocolArg(value: string | undefined): Record<string, Record<string, never>> {
  const p = (value ?? "https").toLowerCase();
  if (!(PROTOCOLS as readonly string[]).includes(p))
    throw new UserError(`--protocol must be one of ${PROTOCOLS.join(", ")}, got "${value}"`);
  return { [p]: {} };
}

/** Unix seconds from a number, an ISO date, or `+30d` / `+12h` / `+90m` relative to now. */
export function timeArg(flag: string, value: string, nowSeconds: number): number {
  const relative = /^\+(\d+)([dhms])$/.exec(value);
  if (relative !== null) {
    const unit = { d: 86_400, h: 3_600, m: 60, s: 1 }[relative[2] as "d" | "h" | "m" | "s"];
    return nowSeconds + Number(relative[1]) * unit;
  }
  if (/^\d+$/.test(value)) return Number(value);
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new UserError(`${flag} must be unix seconds, an ISO date or +<n>d/h/m/s, got "${value}"`);
  return Math.floor(ms / 1000);
}

const REVOCATION_REASONS = ["unspecified", "compromised", "superseded", "decommissioned", "partnerRevoked"] as const;
export function revocationReasonArg(value: string | undefined): Record<string, Record<string, never>> {
  const v = (value ?? "unspecified").replace(/[-_]/g, "").toLowerCase();
  const found = REVOCATION_REASONS.find((r) => r.toLowerCase() === v);
  if (found === undefined)
    throw new UserError(`--reason must be one of ${REVOCATION_REASONS.join(", ")}, got "${value}"`);
  return { [found]: {} };
}
