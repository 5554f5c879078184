// Decodes raw chain data with the program's IDL (Anchor's coders over the SDK's camelCase IDL):
// accounts by discriminator, events from the program's self-CPI event instructions (inner
// instructions; never from logs, which validators truncate), instruction arguments. Anything
// unknown or malformed is counted and reported, never thrown.
import type anchor from "@coral-xyz/anchor";
import { PublicKey } from "@solana/web3.js";
import { registryErrorOf } from "../../../app/src/sdk/errors.js";
import { registryEventsOf } from "../../../app/src/sdk/events.js";
import type { LumeRegistry } from "../../../app/src/sdk/idl.js";
import { camelCaseIdl, registryCoder, registryIdl } from "../../../app/src/sdk/program.js";
import type { RawAccountUpdate, RawTransaction } from "../source/types.js";
import type { AccountDataDecoder } from "../store/account-cache.js";
import { compileAccountDecoder, type FastAccountDecoder, type IdlLike } from "./fast-accounts.js";
import { type Json, normalize } from "./normalize.js";

export interface DecodedAccount {
  pubkey: string;
  slot: number;
  /** camelCase account type, e.g. "partner"; null for a closed account. */
  kind: string | null;
  data: Json;
  raw: Buffer | null;
}

/**
 * An account as the store keeps it: identified by its discriminator, size-checked and keyed, its
 * data decoded only when someone reads it (most states of a busy account are superseded before
 * anyone asks for them).
 */
export interface IndexedAccount {
  pubkey: string;
  slot: number;
  /** camelCase account type, e.g. "partner"; null for a closed account. */
  kind: string | null;
  /** The partner the account belongs to (endpoints, keys, proposals, deviation reports). */
  owner: string | null;
  /** The account's number: partnerId, proposalId, or an endpoint's / key's index. */
  seq: number | null;
  raw: Buffer | null;
}

/** Per account type, the fields that key it in the store (read at fixed offsets). */
const OWNER_FIELD = "partner";
export const SEQ_FIELD: Readonly<Record<string, string>> = {
  partner: "partnerId",
  proposal: "proposalId",
  endpoint: "index",
  infraKey: "index",
};

export interface DecodedEvent {
  signature: string;
  slot: number;
  changeIndex: number;
  name: string;
  data: Json;
  raw: Buffer;
}

/** Byte offset of `change.unix_timestamp` in an event: discriminator, change_index, slot. */
const EVENT_UNIX_TIMESTAMP_OFFSET = 24;

/**
 * The block's time as the program read it (the Clock sysvar, the same bank timestamp that
 * getBlockTime reports). A transaction with events takes it from them rather than from the
 * source: surfpool's getTransaction answers with the Unix time divided by 1000.
 */
function blockTimeOf(events: DecodedEvent[], fromSource: number | null): number | null {
  const raw = events[0]?.raw;
  return raw === undefined || raw.length < EVENT_UNIX_TIMESTAMP_OFFSET + 8
    ? fromSource
    : Number(raw.readBigInt64LE(EVENT_UNIX_TIMESTAMP_OFFSET));
}

export interface DecodedTransaction {
  signature: string;
  slot: number;
  blockTime: number | null;
  ok: boolean;
  err: Json;
  /** The registry's own error (from the IDL) when the transaction failed with one. */
  programError: ProgramError | null;
  signers: string[];
  instructions: { name: string; args: Json }[];
  events: DecodedEvent[];
}

export interface ProgramError {
  code: number;
  name: string;
  message: string;
}

export interface DecodeFailure {
  what: "account" | "event" | "instruction";
  where: string;
  slot: number;
  message: string;
}

export class RegistryDecoder {
  /** The IDL with `Program`'s camelCase names (its address: the program this decoder reads). */
  readonly idl: LumeRegistry;
  /** Anchor's coders: the reference decoding, events and instruction arguments. */
  readonly coder: anchor.BorshCoder;
  readonly programKey: PublicKey;
  /** The hot path: accounts decoded straight from the IDL's layouts (Anchor's coder is the reference). */
  readonly fast: FastAccountDecoder;
  /** Failures so far, by kind (exported as a metric). */
  failures = 0;
  onFailure: (failure: DecodeFailure) => void = () => {};

  constructor(programId?: PublicKey) {
    this.idl = camelCaseIdl(registryIdl(programId));
    this.coder = registryCoder(this.idl);
    this.programKey = new PublicKey(this.idl.address);
    this.fast = compileAccountDecoder(this.idl as unknown as IdlLike);
  }

  get programId(): string {
    return this.idl.address;
  }

  private fail(failure: DecodeFailure): void {
    this.failures += 1;
    this.onFailure(failure);
  }

  /** The account's type from its discriminator, or undefined. */
  accountKind(data: Buffer): string | undefined {
    return this.fast.kind(data);
  }

  /**
   * The ingest stage: the account's type, owner and number, without decoding the rest; undefined
   * (counted and reported) when the discriminator is unknown or the data too short for its type.
   * Anything malformed past that is reported when the data is first decoded (decodeData).
   */
  identify(update: RawAccountUpdate): IndexedAccount | undefined {
    if (update.data === null || update.lamports === 0)
      return { pubkey: update.pubkey, slot: update.slot, kind: null, owner: null, seq: null, raw: null };
    const data = update.data;
    const kind = this.accountKind(data);
    if (kind === undefined) {
      this.fail({ what: "account", where: update.pubkey, slot: update.slot, message: "unknown account discriminator" });
      return undefined;
    }
    if (data.length < this.fast.minSize(kind)) {
      this.fail({
        what: "account",
        where: update.pubkey,
        slot: update.slot,
        message: `${kind}: account data too short for its type (${data.length} < ${this.fast.minSize(kind)} bytes)`,
      });
      return undefined;
    }
    const owner = this.fast.fixedField(kind, OWNER_FIELD);
    const seqField = SEQ_FIELD[kind];
    const seq = seqField === undefined ? undefined : this.fast.fixedField(kind, seqField);
    return {
      pubkey: update.pubkey,
      slot: update.slot,
      kind,
      owner: owner === undefined ? null : (owner.read(data, owner.offset) as string),
      seq: seq === undefined ? null : Number(seq.read(data, seq.offset)),
      raw: data,
    };
  }

  /** An account's normalized data from its bytes (the fast decoder, else Anchor's coder); throws when malformed. */
  decodeData(kind: string, raw: Buffer): Json {
    return this.fast.decode(kind, raw) ?? this.anchorAccount(kind, raw);
  }

  /** What the store decodes stored accounts with; failures are counted like ingest failures. */
  readonly accountData: AccountDataDecoder = {
    decode: (kind, raw) => this.decodeData(kind, raw),
    malformed: (pubkey, slot, kind, err) =>
      this.fail({ what: "account", where: pubkey, slot, message: `${kind}: ${(err as Error).message}` }),
  };

  /** Decoded account, or undefined (counted) when it is unknown or malformed. */
  account(update: RawAccountUpdate): DecodedAccount | undefined {
    if (update.data === null || update.lamports === 0)
      return { pubkey: update.pubkey, slot: update.slot, kind: null, data: null, raw: null };
    const kind = this.accountKind(update.data);
    if (kind === undefined) {
      this.fail({ what: "account", where: update.pubkey, slot: update.slot, message: "unknown account discriminator" });
      return undefined;
    }
    try {
      const data = this.decodeData(kind, update.data);
      return { pubkey: update.pubkey, slot: update.slot, kind, data, raw: update.data };
    } catch (err) {
      this.fail({
        what: "account",
        where: update.pubkey,
        slot: update.slot,
        message: `${kind}: ${(err as Error).message}`,
      });
      return undefined;
    }
  }

  /** The reference decoding: Anchor's coder + normalize() (throws on malformed data). */
  anchorAccount(kind: string, data: Buffer): Json {
    return normalize(this.coder.accounts.decode(kind, data));
  }

  /** Decodes one event's bytes (discriminator + Borsh body). */
  event(raw: Buffer, signature: string, slot: number): DecodedEvent | undefined {
    try {
      const decoded = this.coder.events.decode(raw.toString("base64"));
      if (decoded === null) throw new Error("unknown event discriminator");
      return {
        signature,
        slot,
        changeIndex: Number(raw.readBigUInt64LE(8)),
        name: decoded.name,
        data: normalize(decoded.data),
        raw,
      };
    } catch (err) {
      this.fail({ what: "event", where: signature, slot, message: (err as Error).message });
      // Kept undecoded: the history chain needs every event's bytes.
      if (raw.length < 16) return undefined;
      return { signature, slot, changeIndex: Number(raw.readBigUInt64LE(8)), name: "unknown", data: null, raw };
    }
  }

  /** A transaction with its instructions and (when it succeeded) its events. */
  transaction(tx: RawTransaction): DecodedTransaction {
    const ok = tx.err === null || tx.err === undefined;
    const instructions = tx.instructions.map((data) => {
      try {
        const decoded = this.coder.instruction.decode(data);
        if (decoded === null) throw new Error("unknown instruction discriminator");
        return { name: decoded.name, args: normalize(decoded.data) };
      } catch (err) {
        this.fail({ what: "instruction", where: tx.signature, slot: tx.slot, message: (err as Error).message });
        return { name: "unknown", args: data.toString("hex") };
      }
    });
    const events = ok
      ? registryEventsOf(tx.innerInstructions, this.programKey)
          .map((raw) => this.event(raw, tx.signature, tx.slot))
          .filter((e): e is DecodedEvent => e !== undefined)
      : [];
    const known = ok
      ? undefined
      : registryErrorOf(
          { logs: tx.logs, ...(typeof tx.err === "object" && tx.err !== null ? tx.err : {}) },
          this.programKey,
        );
    const programError = known === undefined ? null : { code: known.code, name: known.name, message: known.msg };
    return {
      signature: tx.signature,
      slot: tx.slot,
      blockTime: blockTimeOf(events, tx.blockTime),
      ok,
      err: ok ? null : normalize(tx.err),
      programError,
      signers: tx.signers,
      instructions,
      events,
    };
  }
}
