// A zero value of any type of the registry's IDL, so benches can encode whole accounts with
// Anchor's coder from a template and fill in only the fields they vary (encodedPartner: the
// partner account the ingest and GraphQL benches use).
import anchor, { type IdlTypes } from "@coral-xyz/anchor";
import { PublicKey } from "@solana/web3.js";
import type { LumeRegistry } from "../app/src/sdk/idl.js";

const { BN } = anchor;
type Types = IdlTypes<LumeRegistry>;

type IdlTypeRef =
  | string
  | { array?: [IdlTypeRef, number]; vec?: IdlTypeRef; option?: IdlTypeRef; defined?: { name: string } };
interface IdlTypeDef {
  name: string;
  type:
    | { kind: "struct"; fields: { name: string; type: IdlTypeRef }[] }
    | { kind: "enum"; variants: { name: string }[] };
}

/** A zero-valued instance of the IDL type `name` (camelCase, as in `program.idl`). */
export function zeroOf<K extends keyof Types>(idl: unknown, name: K): Types[K] {
  const types = new Map((idl as { types: IdlTypeDef[] }).types.map((t) => [t.name, t]));
  // The value is built from the IDL's own definition of `name`, so it has its type.
  return zero({ defined: { name } }, types) as Types[K];
}

function zero(type: IdlTypeRef, types: Map<string, IdlTypeDef>): unknown {
  if (typeof type === "string") {
    if (type === "pubkey") return PublicKey.default;
    if (type === "bool") return false;
    if (type === "string") return "";
    if (/^[ui](64|128)$/.test(type)) return new BN(0);
    return 0;
  }
  if (type.array) return Array.from({ length: type.array[1] }, () => zero(type.array![0], types));
  if (type.vec) return [];
  if (type.option) return null;
  const def = types.get(type.defined!.name)!;
  if (def.type.kind === "enum") return { [def.type.variants[0]!.name]: {} };
  return Object.fromEntries(def.type.fields.map((f) => [f.name, zero(f.type, types)]));
}

/** The fixed-size text the registry stores ({ len, bytes }), from a string. */
function fixedText(text: string, size: number): { len: number; bytes: number[] } {
  return { len: text.length, bytes: [...Buffer.from(text.padEnd(size, "\0"))].slice(0, size) };
}

/** An admitted, active partner `id` encoded with Anchor's coder: real account bytes for the benches. */
export async function encodedPartner(
  program: { idl: unknown; coder: { accounts: { encode(name: string, value: unknown): Promise<Buffer> } } },
  id: number,
): Promise<Buffer> {
  const partner = zeroOf(program.idl, "partner");
  partner.layoutVersion = 1;
  partner.partnerId = new BN(id);
  partner.authority = PublicKey.unique();
  partner.legalName = fixedText(`Partner ${id} GmbH`, 63);
  partner.jurisdiction = fixedText("DE", 15);
  partner.status = { active: {} };
  partner.stage = { admitted: {} };
  return program.coder.accounts.encode("partner", partner);
}
