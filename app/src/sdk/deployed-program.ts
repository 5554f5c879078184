// What an auditor asks of a deployed program: which bytecode runs (its SHA-256) and who can
// replace it (the upgrade authority, in words). Read from the upgradeable loader's ProgramData.
import { createHash } from "node:crypto";
import { type Connection, PublicKey } from "@solana/web3.js";
import { BPF_LOADER_UPGRADEABLE_ID, programDataAddress } from "./pda.js";
import { decodeProgramData, PROGRAM_DATA_HEADER_LEN } from "./program-data.js";

/**
 * Seeds of the registry PDA meant to hold the program's upgrade authority once the council takes
 * it over (issue 14's handover, not built yet): until then no one can sign for it, so an authority
 * equal to it can only have been put there on purpose.
 */
export const UPGRADE_AUTHORITY_SEED = Buffer.from("upgrade_authority");

/** The council's upgrade authority: PDA `["upgrade_authority"]` of the registry program. */
export function councilUpgradeAuthority(programId: PublicKey): PublicKey {
  return PublicKey.findProgramAddressSync([UPGRADE_AUTHORITY_SEED], programId)[0];
}

export interface DeployedProgram {
  programId: PublicKey;
  programData: PublicKey;
  /** null: the program is immutable. */
  upgradeAuthority: PublicKey | null;
  authorityIsCouncil: boolean;
  /** Hex SHA-256 of the deployed ELF, without the loader's trailing zero padding. */
  executableSha256: string;
  /** Bytes of the deployed ELF (the account holds more: its header and padding). */
  executableLength: number;
  /** The slot of the last deploy or upgrade. */
  lastUpgradeSlot: bigint;
}

export type UpgradeAuthorityHolder = "council" | "key" | "immutable";

export function upgradeAuthorityHolder(program: Pick<DeployedProgram, "upgradeAuthority" | "authorityIsCouncil">) {
  if (program.upgradeAuthority === null) return "immutable" as const;
  return program.authorityIsCouncil ? ("council" as const) : ("key" as const);
}

/** Who can change the code, in the words `lume program verify` and the explorer use. */
export function describeUpgradeAuthority(program: Pick<DeployedProgram, "upgradeAuthority" | "authorityIsCouncil">) {
  switch (upgradeAuthorityHolder(program)) {
    case "immutable":
      return "immutable: no one can change the code";
    case "council":
      return `held by the registry council (${program.upgradeAuthority!.toBase58()})`;
    case "key":
      return `held by key ${program.upgradeAuthority!.toBase58()} — the operators can still change the code`;
  }
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

const ELF_MAGIC = Buffer.from([0x7f, 0x45, 0x4c, 0x46]);
const ELFCLASS64 = 2;
const ELFDATA2LSB = 1;
const SHT_NOBITS = 8;

/**
 * The length of the ELF at the start of `bytes`: the furthest byte its headers, segments and
 * sections occupy. The loader pads ProgramData with zeros up to the maximum program size;
 * cutting at the ELF's own end (rather than stripping trailing zeros) keeps an ELF whose
 * last bytes happen to be zero intact, so the hash equals the .so file's.
 */
export function elfLength(bytes: Uint8Array): number {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (b.length < 64 || !b.subarray(0, 4).equals(ELF_MAGIC) || b[4] !== ELFCLASS64 || b[5] !== ELFDATA2LSB) {
    throw new Error("not a 64-bit little-endian ELF");
  }
  const phoff = Number(b.readBigUInt64LE(0x20));
  const shoff = Number(b.readBigUInt64LE(0x28));
  const phentsize = b.readUInt16LE(0x36);
  const phnum = b.readUInt16LE(0x38);
  const shentsize = b.readUInt16LE(0x3a);
  const shnum = b.readUInt16LE(0x3c);
  let end = Math.max(64, phoff + phentsize * phnum, shoff + shentsize * shnum);
  if (end > b.length) throw new Error("truncated ELF: its headers reach past the end");
  for (let i = 0; i < phnum; i++) {
    const at = phoff + i * phentsize;
    end = Math.max(end, Number(b.readBigUInt64LE(at + 0x08) + b.readBigUInt64LE(at + 0x20)));
  }
  for (let i = 0; i < shnum; i++) {
    const at = shoff + i * shentsize;
    if (b.readUInt32LE(at + 0x04) === SHT_NOBITS) continue;
    end = Math.max(end, Number(b.readBigUInt64LE(at + 0x18) + b.readBigUInt64LE(at + 0x20)));
  }
  if (end > b.length) throw new Error("truncated ELF: a segment or section reaches past the end");
  return end;
}

/** The deployed ELF inside a ProgramData account's bytes (header and zero padding removed). */
export function deployedElf(programData: Uint8Array): Buffer {
  decodeProgramData(programData); // refuses anything that is not ProgramData
  const elf = Buffer.from(programData).subarray(PROGRAM_DATA_HEADER_LEN);
  return elf.subarray(0, elfLength(elf));
}

export class ProgramNotDeployedError extends Error {}

/**
 * Reads the program's ProgramData. Throws ProgramNotDeployedError when the program account is
 * missing or not an upgradeable-loader program (its bytecode then has no authority to report).
 */
export async function readDeployedProgram(connection: Connection, programId: PublicKey): Promise<DeployedProgram> {
  const programData = programDataAddress(programId);
  const [program, data] = await connection.getMultipleAccountsInfo([programId, programData]);
  if (program === null || program === undefined) {
    throw new ProgramNotDeployedError(`no program at ${programId.toBase58()} on ${connection.rpcEndpoint}`);
  }
  if (!program.owner.equals(BPF_LOADER_UPGRADEABLE_ID) || data === null || data === undefined) {
    throw new ProgramNotDeployedError(
      `${programId.toBase58()} is not a program of the upgradeable loader (owner ${program.owner.toBase58()})`,
    );
  }
  const header = decodeProgramData(data.data);
  const elf = deployedElf(data.data);
  return {
    programId,
    programData,
    upgradeAuthority: header.upgradeAuthority,
    authorityIsCouncil: header.upgradeAuthority?.equals(councilUpgradeAuthority(programId)) ?? false,
    executableSha256: sha256Hex(elf),
    executableLength: elf.length,
    lastUpgradeSlot: header.slot,
  };
}
