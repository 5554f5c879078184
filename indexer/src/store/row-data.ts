// The decoded data of stored rows, typed from the IDL: what `normalize` (decoder/normalize.ts)
// makes of the accounts and events Anchor decodes (the rules: app/src/sdk/normalized.ts).
import type { IdlAccounts, IdlEvents } from "@coral-xyz/anchor";
import type { LumeRegistry } from "../../../app/src/sdk/idl.js";
import type { AnyOf, Normalized } from "../../../app/src/sdk/normalized.js";
import type { Json } from "../decoder/normalize.js";

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
export type { AnyOf };

/**
 * Decoded JSON as the IDL types it. The one place that trusts so: the decoder built this JSON
 * from the IDL's layouts (decoder/decoder.ts), and the store keeps only what it built.
 */
export const accountDataOf = (json: Json) => json as AnyOf<AccountData> | null;
/** An event's decoded JSON as the IDL types it (see accountDataOf). */
export const eventDataOf = (json: Json) => json as AnyOf<EventData> | null;
