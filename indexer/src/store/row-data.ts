// The decoded data of stored rows, typed from the IDL: what `normalize` (decoder/normalize.ts)
// makes of the accounts and events Anchor decodes. Public keys, 64-bit integers, raw bytes and
// fixed strings become strings, unit enum variants their names; byte arrays may be hex (32 of
// them, a hash or a raw key) or stay numbers, which the types cannot tell apart.
import type { BN, IdlAccounts, IdlEvents } from "@coral-xyz/anchor";
import type { PublicKey } from "@solana/web3.js";
import type { LumeRegistry } from "../../../app/src/sdk/idl.js";
import type { Json } from "../decoder/normalize.js";

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

/** What `normalize` makes of a value of Anchor's decoded type `T`. */
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

type Accounts = IdlAccounts<LumeRegistry>;
type Events = IdlEvents<LumeRegistry>;

/** The kinds of account the index stores (`registry`, `partner`, …), as the IDL names them. */
export type AccountKind = keyof Accounts;
/** An event's name (`partnerApplied`, …), as the IDL names it. */
export type EventName = keyof Events;

/** The stored data of an account of `kind` (of any kind by default). */
export type AccountData<K extends AccountKind = AccountKind> = Normalized<Accounts[K]>;
/** The stored data of an event named `name` (of any event by default). */
export type EventData<N extends EventName = EventName> = Normalized<Events[N]>;

type KeysOfUnion<U> = U extends unknown ? keyof U : never;
/** Any member of the union `U`, every field optional: what data of an unknown kind may hold. */
export type AnyOf<U> = { [K in KeysOfUnion<U>]?: U extends Record<K, infer V> ? V : never };

/**
 * Decoded JSON as the IDL types it. The one place that trusts so: the decoder built this JSON
 * from the IDL's layouts (decoder/decoder.ts), and the store keeps only what it built.
 */
export const accountDataOf = (json: Json) => json as AnyOf<AccountData> | null;
/** An event's decoded JSON as the IDL types it (see accountDataOf). */
export const eventDataOf = (json: Json) => json as AnyOf<EventData> | null;
