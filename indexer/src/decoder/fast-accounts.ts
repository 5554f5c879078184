// A fast account decoder compiled from the IDL: per account type, a list of (field, offset,
// reader), read straight from the Buffer into the same normalized JSON that Anchor's coder +
// `normalize()` produce (tests/indexer/fast-decoder.test.ts holds it to that, field for field).
// The registry's accounts are fixed-size little-endian structs (alignment 1), so almost every
// field sits at a precomputed offset; a variable-size field (a Borsh enum with data, a vec,
// a string, an option) switches the rest of its struct to a running cursor.
//
// Normalization rules mirrored from normalize.ts: pubkey → base58, 64/128-bit integers →
// decimal strings, number arrays of 32 bytes → hex (other number arrays stay numbers),
// `{ len, bytes }` structs → text, unit enum variants → their name.
import { PublicKey } from "@solana/web3.js";
import type { Json } from "./normalize.js";

type IdlType =
  | string
  | {
      array?: [IdlType, number];
      vec?: IdlType;
      option?: IdlType;
      defined?: { name: string; generics?: unknown[] };
      generic?: string;
    };
interface IdlField {
  name?: string;
  type: IdlType;
}
type IdlFields = (IdlField | IdlType)[] | undefined;
interface IdlTypeDef {
  name: string;
  generics?: unknown[];
  type:
    | { kind: "struct"; fields?: IdlFields }
    | { kind: "enum"; variants: { name: string; fields?: IdlFields }[] }
    | { kind: string };
}
export interface IdlLike {
  accounts?: { name: string; discriminator: number[] }[];
  types?: IdlTypeDef[];
}

/** Reads a value at `off`; variable-size readers leave their end in `end.at`. */
type Read = (buf: Buffer, off: number) => Json;
interface Reader {
  /** Bytes, or null when the size depends on the data. */
  size: number | null;
  read: Read;
  /** The raw Anchor value would be a number (drives the array / FixedStr rules). */
  numeric?: boolean;
  /** The raw Anchor value would be `{}` (a struct without fields). */
  emptyObject?: boolean;
  /** A [u8; N] array. */
  u8Array?: boolean;
}

const end = { at: 0 };

class Unsupported extends Error {}

const BASE58_CACHE_LIMIT = 50_000;
const base58Cache = new Map<string, string>();
function base58(buf: Buffer, off: number): string {
  if (off + 32 > buf.length) throw new RangeError("pubkey beyond the end of the account data");
  const key = buf.toString("latin1", off, off + 32);
  let text = base58Cache.get(key);
  if (text === undefined) {
    text = new PublicKey(buf.subarray(off, off + 32)).toBase58();
    if (base58Cache.size >= BASE58_CACHE_LIMIT) base58Cache.clear();
    base58Cache.set(key, text);
  }
  return text;
}

function u64(buf: Buffer, off: number): string {
  const lo = buf.readUInt32LE(off);
  const hi = buf.readUInt32LE(off + 4);
  return hi < 0x200000 ? String(hi * 0x100000000 + lo) : buf.readBigUInt64LE(off).toString();
}

function i64(buf: Buffer, off: number): string {
  const hi = buf.readInt32LE(off + 4);
  if (hi >= -0x200000 && hi < 0x200000) return String(hi * 0x100000000 + buf.readUInt32LE(off));
  return buf.readBigInt64LE(off).toString();
}

function u128(buf: Buffer, off: number): string {
  return ((buf.readBigUInt64LE(off + 8) << 64n) | buf.readBigUInt64LE(off)).toString();
}

function i128(buf: Buffer, off: number): string {
  return ((buf.readBigInt64LE(off + 8) << 64n) | buf.readBigUInt64LE(off)).toString();
}

/** Borsh's u32-length-prefixed `string` and `bytes`, read as `encoding` text. */
function lengthPrefixed(what: string, encoding: "utf8" | "hex"): Reader {
  return {
    size: null,
    read: (b, o) => {
      const len = b.readUInt32LE(o);
      if (o + 4 + len > b.length) throw new RangeError(`${what} beyond the end of the account data`);
      end.at = o + 4 + len;
      return b.toString(encoding, o + 4, o + 4 + len);
    },
  };
}

const PRIMITIVES: Record<string, Reader> = {
  bool: { size: 1, read: (b, o) => b.readUInt8(o) !== 0 },
  u8: { size: 1, numeric: true, read: (b, o) => b.readUInt8(o) },
  i8: { size: 1, numeric: true, read: (b, o) => b.readInt8(o) },
  u16: { size: 2, numeric: true, read: (b, o) => b.readUInt16LE(o) },
  i16: { size: 2, numeric: true, read: (b, o) => b.readInt16LE(o) },
  u32: { size: 4, numeric: true, read: (b, o) => b.readUInt32LE(o) },
  i32: { size: 4, numeric: true, read: (b, o) => b.readInt32LE(o) },
  f32: { size: 4, numeric: true, read: (b, o) => b.readFloatLE(o) },
  f64: { size: 8, numeric: true, read: (b, o) => b.readDoubleLE(o) },
  u64: { size: 8, read: u64 },
  i64: { size: 8, read: i64 },
  u128: { size: 16, read: u128 },
  i128: { size: 16, read: i128 },
  pubkey: { size: 32, read: base58 },
  string: lengthPrefixed("string", "utf8"),
  bytes: lengthPrefixed("bytes", "hex"),
};

/** normalize()'s rule for a list of raw numbers: 32 bytes → hex, otherwise the numbers. */
function numberList(values: number[]): Json {
  if (values.length === 32 && values.every((v) => Number.isInteger(v) && v >= 0 && v <= 255))
    return Buffer.from(values).toString("hex");
  return values;
}

class Compiler {
  private readonly types: Map<string, IdlTypeDef>;
  private readonly cache = new Map<string, Reader>();

  constructor(idl: IdlLike) {
    this.types = new Map((idl.types ?? []).map((t) => [t.name, t]));
  }

  type(type: IdlType): Reader {
    if (typeof type === "string") {
      const primitive = PRIMITIVES[type];
      if (primitive === undefined) throw new Unsupported(`type ${type}`);
      return primitive;
    }
    if (type.array !== undefined) return this.sequence(this.type(type.array[0]), type.array[1]);
    if (type.vec !== undefined) return this.sequence(this.type(type.vec), null);
    if (type.option !== undefined) return this.option(this.type(type.option));
    if (type.defined !== undefined) {
      if (type.defined.generics !== undefined && type.defined.generics.length > 0)
        throw new Unsupported("generic type");
      return this.defined(type.defined.name);
    }
    throw new Unsupported(JSON.stringify(type));
  }

  defined(name: string): Reader {
    const cached = this.cache.get(name);
    if (cached !== undefined) return cached;
    const def = this.types.get(name);
    if (def === undefined) throw new Unsupported(`type not found: ${name}`);
    if (def.generics !== undefined && def.generics.length > 0) throw new Unsupported("generic type");
    let reader: Reader;
    if (def.type.kind === "struct") reader = this.struct((def.type as { fields?: IdlFields }).fields);
    else if (def.type.kind === "enum")
      reader = this.enumeration((def.type as { variants: { name: string; fields?: IdlFields }[] }).variants);
    else throw new Unsupported(`type kind ${def.type.kind}`);
    this.cache.set(name, reader);
    return reader;
  }

  /** The account's top-level fields up to the first variable-size one, at their offsets past the discriminator. */
  fixedPrefix(name: string): { minSize: number; fields: Map<string, FixedField> } {
    const def = this.types.get(name);
    const fields = new Map<string, FixedField>();
    let offset = 8;
    if (def?.type.kind === "struct") {
      for (const f of this.fields((def.type as { fields?: IdlFields }).fields)) {
        if (f.reader.size === null) break;
        fields.set(f.name, { offset, read: f.reader.read });
        offset += f.reader.size;
      }
    }
    return { minSize: offset, fields };
  }

  /** A fixed array (`count`) or a u32-prefixed vec (`count` null). */
  private sequence(item: Reader, count: number | null): Reader {
    const numeric = item.numeric === true;
    if (count !== null && item.size !== null) {
      const size = item.size;
      const total = size * count;
      if (size === 1 && numeric && item.read === PRIMITIVES.u8!.read) {
        // [u8; N]: hex when N is 32, a number list otherwise.
        if (count === 32)
          return {
            size: 32,
            u8Array: true,
            read: (b, o) => (o + 32 > b.length ? tooShort() : b.toString("hex", o, o + 32)),
          };
        return {
          size: total,
          u8Array: true,
          read: (b, o) => (o + total > b.length ? tooShort() : Array.from(b.subarray(o, o + total))),
        };
      }
      const read = item.read;
      return {
        size: total,
        read: (b, o) => {
          if (o + total > b.length) tooShort();
          const out = new Array<Json>(count);
          for (let i = 0; i < count; i++) out[i] = read(b, o + i * size);
          return numeric ? numberList(out as number[]) : out;
        },
      };
    }
    const read = item.read;
    const itemSize = item.size;
    return {
      size: null,
      read: (b, o) => {
        let n = count;
        let at = o;
        if (n === null) {
          n = b.readUInt32LE(o);
          at = o + 4;
        }
        const out = new Array<Json>(n);
        for (let i = 0; i < n; i++) {
          out[i] = read(b, at);
          at = itemSize !== null ? at + itemSize : end.at;
        }
        if (at > b.length) tooShort();
        end.at = at;
        return numeric ? numberList(out as number[]) : out;
      },
    };
  }

  private option(inner: Reader): Reader {
    const read = inner.read;
    const innerSize = inner.size;
    return {
      size: null,
      read: (b, o) => {
        const tag = b.readUInt8(o);
        if (tag === 0) {
          end.at = o + 1;
          return null;
        }
        if (tag !== 1) throw new Error(`invalid option tag ${tag}`);
        const value = read(b, o + 1);
        if (innerSize !== null) end.at = o + 1 + innerSize;
        return value;
      },
    };
  }

  private fields(fields: IdlFields): { name: string; reader: Reader }[] {
    return (fields ?? []).map((f, i) => {
      if (typeof f === "object" && f !== null && "type" in f && (f as IdlField).name !== undefined)
        return { name: (f as IdlField).name!, reader: this.type((f as IdlField).type) };
      return { name: String(i), reader: this.type(f as IdlType) };
    });
  }

  /** A struct (also an enum variant's fields), normalized as normalize() would. */
  private struct(idlFields: IdlFields): Reader {
    const fields = this.fields(idlFields);
    if (fields.length === 0) return { size: 0, emptyObject: true, read: () => ({}) };
    const fixed = fields.every((f) => f.reader.size !== null);
    // { len, bytes } → text (normalize's FixedStr rule).
    if (fields.length === 2) {
      const len = fields.find((f) => f.name === "len");
      const bytes = fields.find((f) => f.name === "bytes");
      if (len !== undefined && bytes !== undefined && len.reader.numeric === true) {
        if (!fixed || fields[0] !== len) throw new Unsupported("variable { len, bytes }");
        const readLen = len.reader.read;
        const bytesOff = len.reader.size!;
        const bytesSize = bytes.reader.size!;
        // Only [u8; N] is supported; anything else decodes through Anchor.
        if (bytes.reader.u8Array !== true) throw new Unsupported("{ len, bytes } of non-bytes");
        return {
          size: bytesOff + bytesSize,
          read: (b, o) => {
            if (o + bytesOff + bytesSize > b.length) tooShort();
            const n = readLen(b, o) as number;
            return b.toString("utf8", o + bytesOff, o + bytesOff + Math.min(n, bytesSize));
          },
        };
      }
    }
    // A single field whose raw value is {} collapses to the field's name.
    if (fields.length === 1 && fields[0]!.reader.emptyObject === true) {
      const name = fields[0]!.name;
      return { size: 0, read: () => name };
    }
    if (fixed) {
      const plan: { name: string; offset: number; read: Read }[] = [];
      let offset = 0;
      for (const f of fields) {
        plan.push({ name: f.name, offset, read: f.reader.read });
        offset += f.reader.size!;
      }
      const size = offset;
      return {
        size,
        read: (b, o) => {
          if (o + size > b.length) tooShort();
          const out: { [key: string]: Json } = {};
          for (let i = 0; i < plan.length; i++) {
            const p = plan[i]!;
            out[p.name] = p.read(b, o + p.offset);
          }
          return out;
        },
      };
    }
    const plan = fields.map((f) => ({ name: f.name, size: f.reader.size, read: f.reader.read }));
    return {
      size: null,
      read: (b, o) => {
        const out: { [key: string]: Json } = {};
        let at = o;
        for (let i = 0; i < plan.length; i++) {
          const p = plan[i]!;
          out[p.name] = p.read(b, at);
          at = p.size !== null ? at + p.size : end.at;
        }
        if (at > b.length) tooShort();
        end.at = at;
        return out;
      },
    };
  }

  private enumeration(variants: { name: string; fields?: IdlFields }[]): Reader {
    const compiled = variants.map((v) => {
      const reader = this.struct(v.fields);
      return { name: v.name, unit: reader.emptyObject === true, size: reader.size, read: reader.read };
    });
    const allUnit = compiled.every((v) => v.unit);
    if (allUnit) {
      const names = compiled.map((v) => v.name);
      return {
        size: 1,
        read: (b, o) => {
          const name = names[b.readUInt8(o)];
          if (name === undefined) throw new Error(`invalid enum variant ${b.readUInt8(o)}`);
          return name;
        },
      };
    }
    return {
      size: null,
      read: (b, o) => {
        const variant = compiled[b.readUInt8(o)];
        if (variant === undefined) throw new Error(`invalid enum variant ${b.readUInt8(o)}`);
        if (variant.unit) {
          end.at = o + 1;
          return variant.name;
        }
        const value = variant.read(b, o + 1);
        if (variant.size !== null) end.at = o + 1 + variant.size;
        return { [variant.name]: value };
      },
    };
  }
}

function tooShort(): never {
  throw new RangeError("account data too short for its type");
}

/** Where a top-level field of an account sits: only fields before the first variable-size one. */
export interface FixedField {
  offset: number;
  read: Read;
}

export interface FastAccountDecoder {
  /** Account type by discriminator, or undefined. */
  kind(data: Buffer): string | undefined;
  /** The smallest valid size of a `kind` account (discriminator + every field up to the first variable-size one). */
  minSize(kind: string): number;
  /** A top-level field at a fixed offset (from the start of the data, discriminator included), or undefined. */
  fixedField(kind: string, field: string): FixedField | undefined;
  /** Normalized account data, or undefined when this type is not compiled (use Anchor's coder). Throws on malformed data. */
  decode(kind: string, data: Buffer): Json | undefined;
  /** Account types decoded by Anchor instead (shapes this compiler does not cover). */
  readonly fallbacks: string[];
}

/** Compiles every account type of `idl` (Anchor's camelCase form, as `program.idl` holds it). */
export function compileAccountDecoder(idl: IdlLike): FastAccountDecoder {
  const compiler = new Compiler(idl);
  const byDiscriminator = new Map<string, string>();
  const readers = new Map<string, Read>();
  const layouts = new Map<string, { minSize: number; fields: Map<string, FixedField> }>();
  const fallbacks: string[] = [];
  for (const account of idl.accounts ?? []) {
    byDiscriminator.set(Buffer.from(account.discriminator).toString("latin1"), account.name);
    try {
      readers.set(account.name, compiler.defined(account.name).read);
      layouts.set(account.name, compiler.fixedPrefix(account.name));
    } catch (err) {
      if (!(err instanceof Unsupported)) throw err;
      fallbacks.push(account.name);
    }
  }
  return {
    fallbacks,
    kind: (data) => (data.length >= 8 ? byDiscriminator.get(data.toString("latin1", 0, 8)) : undefined),
    minSize: (kind) => layouts.get(kind)?.minSize ?? 8,
    fixedField: (kind, field) => layouts.get(kind)?.fields.get(field),
    decode: (kind, data) => readers.get(kind)?.(data, 8),
  };
}
