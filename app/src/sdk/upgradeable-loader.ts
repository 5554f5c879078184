// The BPF Upgradeable Loader's instructions (solana-loader-v3-interface), encoded by hand:
// web3.js only knows the older loader. Instruction data and account state are bincode: a u32
// LE variant tag, then the variant's fields.
import {
  PublicKey,
  SYSVAR_CLOCK_PUBKEY,
  SYSVAR_RENT_PUBKEY,
  SystemProgram,
  TransactionInstruction,
} from "@solana/web3.js";
import { BPF_LOADER_UPGRADEABLE_ID } from "./pda.js";

/** UpgradeableLoaderState::Buffer: tag 1, Option<Pubkey> authority; the bytes follow. */
export const BUFFER_HEADER_LEN = 37;
/** UpgradeableLoaderState::Program: tag 2, the ProgramData address. */
export const PROGRAM_ACCOUNT_LEN = 36;
const BUFFER_TAG = 1;

enum Tag {
  InitializeBuffer = 0,
  Write = 1,
  DeployWithMaxDataLen = 2,
  Upgrade = 3,
  SetAuthority = 4,
}

function tagged(tag: Tag, rest: Buffer = Buffer.alloc(0)): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt32LE(tag);
  return Buffer.concat([head, rest]);
}

const w = (pubkey: PublicKey, isSigner = false) => ({ pubkey, isSigner, isWritable: true });
const r = (pubkey: PublicKey, isSigner = false) => ({ pubkey, isSigner, isWritable: false });

/** Names `authority` as the writer of a buffer account the loader already owns (created empty). */
export function initializeBuffer(buffer: PublicKey, authority: PublicKey): TransactionInstruction {
  return new TransactionInstruction({
    programId: BPF_LOADER_UPGRADEABLE_ID,
    keys: [w(buffer), r(authority)],
    data: tagged(Tag.InitializeBuffer),
  });
}

/** Writes `bytes` at `offset` of the program bytes in the buffer (after its 37-byte header). */
export function writeBuffer(
  buffer: PublicKey,
  authority: PublicKey,
  offset: number,
  bytes: Uint8Array,
): TransactionInstruction {
  const fields = Buffer.alloc(12);
  fields.writeUInt32LE(offset, 0);
  fields.writeBigUInt64LE(BigInt(bytes.length), 4); // Vec<u8>: u64 length, then the bytes
  return new TransactionInstruction({
    programId: BPF_LOADER_UPGRADEABLE_ID,
    keys: [w(buffer), r(authority, true)],
    data: tagged(Tag.Write, Buffer.concat([fields, bytes])),
  });
}

/** Deploys a new program from a buffer; the program account must exist, empty, owned by the loader. */
export function deployWithMaxDataLen(options: {
  payer: PublicKey;
  programData: PublicKey;
  program: PublicKey;
  buffer: PublicKey;
  authority: PublicKey;
  maxDataLen: number;
}): TransactionInstruction {
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(options.maxDataLen));
  return new TransactionInstruction({
    programId: BPF_LOADER_UPGRADEABLE_ID,
    keys: [
      w(options.payer, true),
      w(options.programData),
      w(options.program),
      w(options.buffer),
      r(SYSVAR_RENT_PUBKEY),
      r(SYSVAR_CLOCK_PUBKEY),
      r(SystemProgram.programId),
      r(options.authority, true),
    ],
    data: tagged(Tag.DeployWithMaxDataLen, len),
  });
}

/** Replaces a program's bytecode with a buffer's; the buffer's lamports go to `spill`. */
export function upgrade(options: {
  programData: PublicKey;
  program: PublicKey;
  buffer: PublicKey;
  spill: PublicKey;
  authority: PublicKey;
}): TransactionInstruction {
  return new TransactionInstruction({
    programId: BPF_LOADER_UPGRADEABLE_ID,
    keys: [
      w(options.programData),
      w(options.program),
      w(options.buffer),
      w(options.spill),
      r(SYSVAR_RENT_PUBKEY),
      r(SYSVAR_CLOCK_PUBKEY),
      r(options.authority, true),
    ],
    data: tagged(Tag.Upgrade),
  });
}

/**
 * Hands a buffer to `newAuthority` (the loader's SetAuthority on a buffer): an upgrade by council
 * proposal needs the buffer's authority to be the program's upgrade authority, the registry's
 * PDA `["upgrade_authority"]`. Only that authority can write the buffer afterwards.
 */
export function setBufferAuthority(options: {
  buffer: PublicKey;
  authority: PublicKey;
  newAuthority: PublicKey;
}): TransactionInstruction {
  return new TransactionInstruction({
    programId: BPF_LOADER_UPGRADEABLE_ID,
    keys: [w(options.buffer), r(options.authority, true), r(options.newAuthority)],
    data: tagged(Tag.SetAuthority),
  });
}

export interface BufferState {
  /** null: the buffer can no longer be written. */
  authority: PublicKey | null;
  bytes: Buffer;
}

/** A buffer account's state, or null when the data is not UpgradeableLoaderState::Buffer. */
export function decodeBuffer(data: Uint8Array): BufferState | null {
  const b = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  // The loader keeps the 37-byte header even when the authority is None.
  if (b.length < BUFFER_HEADER_LEN || b.readUInt32LE(0) !== BUFFER_TAG) return null;
  return {
    authority: b[4] === 1 ? new PublicKey(b.subarray(5, BUFFER_HEADER_LEN)) : null,
    bytes: b.subarray(BUFFER_HEADER_LEN),
  };
}
