// The upgradeable loader's ProgramData account: who may upgrade a program (and, for this
// program, who may initialize the registry).
import { PublicKey } from "@solana/web3.js";

// UpgradeableLoaderState is bincode: u32 LE variant tag 3 (ProgramData), u64 LE deploy slot,
// Option<Pubkey> (1-byte tag + 32 bytes), then the program's ELF.
const PROGRAM_DATA_TAG = 3;
const AUTHORITY_TAG_OFFSET = 12;
const AUTHORITY_OFFSET = 13;
export const PROGRAM_DATA_HEADER_LEN = 45;

export interface ProgramDataHeader {
  slot: bigint;
  upgradeAuthority: PublicKey | null;
}

export function decodeProgramData(data: Uint8Array): ProgramDataHeader {
  const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (bytes.length < PROGRAM_DATA_HEADER_LEN || bytes.readUInt32LE(0) !== PROGRAM_DATA_TAG) {
    throw new Error("not an upgradeable loader ProgramData account");
  }
  const hasAuthority = bytes[AUTHORITY_TAG_OFFSET] === 1;
  return {
    slot: bytes.readBigUInt64LE(4),
    upgradeAuthority: hasAuthority ? new PublicKey(bytes.subarray(AUTHORITY_OFFSET, PROGRAM_DATA_HEADER_LEN)) : null,
  };
}

/** A copy of ProgramData bytes naming `authority` as upgrade authority (null: immutable). */
export function withUpgradeAuthority(data: Uint8Array, authority: PublicKey | null): Buffer {
  decodeProgramData(data); // refuses anything that is not ProgramData
  const copy = Buffer.from(data);
  copy[AUTHORITY_TAG_OFFSET] = authority === null ? 0 : 1;
  (authority?.toBuffer() ?? Buffer.alloc(32)).copy(copy, AUTHORITY_OFFSET);
  return copy;
}
