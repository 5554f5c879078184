// The JSON the indexer makes of Anchor's decoded values (indexer/src/decoder/normalize.ts), as
// types: public keys, 64-bit integers, raw bytes and fixed strings become strings, unit enum
// variants their names; byte arrays may be hex (32 of them, a hash or a raw key) or stay numbers,
// which the types cannot tell apart. The SDK reads both forms (actions.ts), the indexer stores
// the second (indexer/src/store/row-data.ts).
import type { BN } from "@coral-xyz/anchor";
import type { PublicKey } from "@solana/web3.js";

/** `{}` or Anchor's `Record<string, never>`: the payload of a unit enum variant. */
type IsEmpty<V> = V extends object
  ? [keyof V] extends [never]
    ? true
    : string extends keyof V
      ? [V[string]] extends [never]
        ? true
        : false
      : false
  : false;
type RequiredKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? never : K }[keyof T];
/** The name of a unit enum variant (`{ active: {} }` → "active"), or never for anything else. */
type UnitVariant<T> = [RequiredKeys<T>] extends [never]
  ? never
  : IsEmpty<T[RequiredKeys<T>]> extends true
    ? RequiredKeys<T> & string
    : never;
/** Anchor's fixed-size string (`{ len, bytes }`), not an index signature that happens to fit. */
type IsFixedString<T> = T extends { len: number; bytes: number[] } ? (string extends keyof T ? false : true) : false;

/** What the indexer's `normalize` makes of a value of Anchor's decoded type `T`. */
export type Normalized<T> = T extends PublicKey | BN | Buffer | Uint8Array
  ? string
  : T extends number[]
    ? number[] | string
    : T extends readonly (infer U)[]
      ? Normalized<U>[]
      : T extends object
        ? IsFixedString<T> extends true
          ? string
          : [UnitVariant<T>] extends [never]
            ? { [K in keyof T]: Normalized<T[K]> }
            : UnitVariant<T>
        : T;

export type KeysOfUnion<U> = U extends unknown ? keyof U : never;
/** Any member of the union `U`, every field optional: what data of an unknown kind may hold. */
export type AnyOf<U> = { [K in KeysOfUnion<U>]?: U extends Record<K, infer V> ? V : never };
