// The registry's events as they travel: Anchor's `emit_cpi!` convention. Every event is the data
// of an instruction the program invokes on itself, signed by its event authority PDA
// `["__event_authority"]`: `EVENT_IX_TAG || discriminator || Borsh body`. Readers take events from
// a transaction's inner instructions (meta.innerInstructions), never from its logs: validators cut
// logs at 10 KB, so anyone could push a logged event out of the record with a few noisy
// instructions, while instruction data is kept whole.
import anchor from "@coral-xyz/anchor";
import { PublicKey, type VersionedMessage } from "@solana/web3.js";
import { LUME_REGISTRY_PROGRAM_ID } from "./idl.js";

const { bs58 } = anchor.utils.bytes;

/** Anchor's event instruction tag (`0x1d9acb512ea545e4` in little-endian byte order). */
export const EVENT_IX_TAG = Buffer.from([0xe4, 0x45, 0xa5, 0x2e, 0x51, 0xcb, 0x9a, 0x1d]);

export const EVENT_AUTHORITY_SEED = Buffer.from("__event_authority");

const eventAuthorityByProgram = new Map<string, PublicKey>();

/** The PDA that signs the program's event instructions (memoized per program id). */
export function eventAuthorityAddress(programId: PublicKey = LUME_REGISTRY_PROGRAM_ID): PublicKey {
  const key = programId.toBase58();
  let address = eventAuthorityByProgram.get(key);
  if (address === undefined) {
    address = PublicKey.findProgramAddressSync([EVENT_AUTHORITY_SEED], programId)[0];
    eventAuthorityByProgram.set(key, address);
  }
  return address;
}

/** An instruction a transaction ran through a CPI, with its program and accounts as addresses. */
export interface InnerInstruction {
  programId: string;
  accounts: string[];
  data: Buffer;
}

/** One entry of `meta.innerInstructions` as getTransaction (encoding json or base64) returns it. */
export interface CompiledInnerInstructions {
  index: number;
  instructions: readonly { programIdIndex: number; accounts: readonly number[]; data: string }[];
}

/**
 * `meta.innerInstructions` in execution order with indices resolved against the transaction's
 * account keys (static keys, then the writable and the read-only addresses loaded from lookup
 * tables: the order the runtime numbers them). Data is base58, as the RPC encodes it.
 */
export function resolveInnerInstructions(
  innerInstructions: readonly CompiledInnerInstructions[] | null | undefined,
  accountKeys: readonly (PublicKey | string)[],
): InnerInstruction[] {
  const keys = accountKeys.map((k) => (typeof k === "string" ? k : k.toBase58()));
  const key = (index: number): string => {
    const address = keys[index];
    if (address === undefined) throw new Error(`inner instruction account index ${index} is past the account keys`);
    return address;
  };
  return [...(innerInstructions ?? [])]
    .sort((a, b) => a.index - b.index)
    .flatMap((group) =>
      group.instructions.map((ix) => ({
        programId: key(ix.programIdIndex),
        accounts: ix.accounts.map(key),
        data: Buffer.from(bs58.decode(ix.data)),
      })),
    );
}

/** The parts of a getTransaction answer (web3.js' VersionedTransactionResponse fits) read here. */
export interface TransactionWithInnerInstructions {
  transaction: { message: VersionedMessage };
  meta: {
    innerInstructions?: readonly CompiledInnerInstructions[] | null;
    loadedAddresses?: { writable: readonly PublicKey[]; readonly: readonly PublicKey[] } | null;
  } | null;
}

/** A confirmed transaction's inner instructions, resolved (see resolveInnerInstructions). */
export function innerInstructionsOf(tx: TransactionWithInnerInstructions): InnerInstruction[] {
  const loaded = tx.meta?.loadedAddresses;
  const keys = [...tx.transaction.message.staticAccountKeys, ...(loaded?.writable ?? []), ...(loaded?.readonly ?? [])];
  return resolveInnerInstructions(tx.meta?.innerInstructions, keys);
}

/**
 * The program's events (discriminator + Borsh body) in a successful transaction's inner
 * instructions, in order: those that invoke `programId` with the event tag and the program's
 * event authority as first account. The program refuses such an instruction unless its event
 * authority signed it, which only the program itself can do, so nobody else can add one to a
 * transaction that succeeded.
 */
export function registryEventsOf(
  innerInstructions: readonly InnerInstruction[],
  programId: PublicKey = LUME_REGISTRY_PROGRAM_ID,
): Buffer[] {
  const program = programId.toBase58();
  const authority = eventAuthorityAddress(programId).toBase58();
  return innerInstructions
    .filter(
      (ix) =>
        ix.programId === program &&
        ix.accounts[0] === authority &&
        ix.data.length > EVENT_IX_TAG.length &&
        ix.data.subarray(0, EVENT_IX_TAG.length).equals(EVENT_IX_TAG),
    )
    .map((ix) => ix.data.subarray(EVENT_IX_TAG.length));
}

/**
 * The two accounts every registry instruction ends with (Anchor's `#[event_cpi]`): the event
 * authority and the program itself. Anchor's `.accounts()` resolves them from the IDL; callers of
 * `.accountsStrict()` spread these in.
 */
export function eventCpiAccounts(programId: PublicKey = LUME_REGISTRY_PROGRAM_ID): {
  eventAuthority: PublicKey;
  program: PublicKey;
} {
  return { eventAuthority: eventAuthorityAddress(programId), program: programId };
}
