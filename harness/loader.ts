// Builds the two accounts of a program under the BPF Upgradeable Loader (v3) by hand, so
// tests choose the upgrade authority (the program checks it in initialize_registry).
import { readFileSync } from "node:fs";
import { PublicKey } from "@solana/web3.js";
import type { AccountState, GenesisAccount, ProgramSpec } from "./types.js";

export const BPF_LOADER_UPGRADEABLE_ID = new PublicKey("BPFLoaderUpgradeab1e11111111111111111111111");

// UpgradeableLoaderState is bincode: a u32 LE variant tag, then the variant's fields.
const STATE_PROGRAM = 2;
const STATE_PROGRAM_DATA = 3;
const PROGRAM_ACCOUNT_LEN = 4 + 32;
/** tag + slot + Option<Pubkey> (1-byte tag + 32); the ELF follows. */
export const PROGRAM_DATA_HEADER_LEN = 4 + 8 + 1 + 32;

// Default Rent in both runtimes: 3480 lamports/byte-year, 2 years, 128 bytes overhead.
const LAMPORTS_PER_BYTE_YEAR = 3480n;
const EXEMPTION_YEARS = 2n;
const ACCOUNT_STORAGE_OVERHEAD = 128n;

export function rentExemptLamports(dataLen: number): bigint {
  return (ACCOUNT_STORAGE_OVERHEAD + BigInt(dataLen)) * LAMPORTS_PER_BYTE_YEAR * EXEMPTION_YEARS;
}

export function programDataAddress(programId: PublicKey): PublicKey {
  return PublicKey.findProgramAddressSync([programId.toBuffer()], BPF_LOADER_UPGRADEABLE_ID)[0];
}

export interface ProgramDataState {
  slot: bigint;
  upgradeAuthority: PublicKey | null;
  elf: Buffer;
}

export function decodeProgramData(data: Buffer): ProgramDataState {
  if (data.length < PROGRAM_DATA_HEADER_LEN || data.readUInt32LE(0) !== STATE_PROGRAM_DATA) {
    throw new Error("not an UpgradeableLoaderState::ProgramData account");
  }
  const hasAuthority = data[12] === 1;
  return {
    slot: data.readBigUInt64LE(4),
    upgradeAuthority: hasAuthority ? new PublicKey(data.subarray(13, 45)) : null,
    elf: data.subarray(PROGRAM_DATA_HEADER_LEN),
  };
}

/**
 * The ProgramData account, then the program account. Order matters for litesvm: it
 * compiles the program when the executable program account is written, reading the
 * ProgramData it finds at that moment.
 */
export function upgradeableProgramAccounts(spec: ProgramSpec): GenesisAccount[] {
  const elf = readFileSync(spec.soPath);
  const programData = programDataAddress(spec.programId);

  const header = Buffer.alloc(PROGRAM_DATA_HEADER_LEN);
  header.writeUInt32LE(STATE_PROGRAM_DATA, 0);
  header.writeBigUInt64LE(spec.deploySlot ?? 0n, 4);
  if (spec.upgradeAuthority !== null) {
    header[12] = 1;
    spec.upgradeAuthority.toBuffer().copy(header, 13);
  }
  const room = Math.max(spec.maxDataLen ?? elf.length, elf.length);
  const programDataBytes = Buffer.concat([header, elf, Buffer.alloc(room - elf.length)]);

  const programBytes = Buffer.alloc(PROGRAM_ACCOUNT_LEN);
  programBytes.writeUInt32LE(STATE_PROGRAM, 0);
  programData.toBuffer().copy(programBytes, 4);

  const account = (data: Buffer, executable: boolean): AccountState => ({
    lamports: rentExemptLamports(data.length),
    owner: BPF_LOADER_UPGRADEABLE_ID,
    data,
    executable,
  });
  return [
    { address: programData, account: account(programDataBytes, false) },
    { address: spec.programId, account: account(programBytes, true) },
  ];
}
