// Issue 14's on-chain part, client side: the accounts of `handover_upgrade_authority` and of
// the `execute` of an UpgradeProgram or SetUpgradeAuthority proposal. The registry's PDA
// `["upgrade_authority"]` holds the upgrade authority after the handover and signs the loader's
// instructions by CPI (see programs/lume-registry/src/loader.rs).
import { createHash } from "node:crypto";
import { type AccountMeta, type PublicKey, SYSVAR_CLOCK_PUBKEY, SYSVAR_RENT_PUBKEY } from "@solana/web3.js";
import { councilUpgradeAuthority } from "./deployed-program.js";
import { eventCpiAccounts } from "./events.js";
import { LUME_REGISTRY_PROGRAM_ID } from "./idl.js";
import { BPF_LOADER_UPGRADEABLE_ID, programDataAddress, registryAddress } from "./pda.js";
import { BUFFER_HEADER_LEN } from "./upgradeable-loader.js";

/** The named accounts of `handover_upgrade_authority`, signed by the current `authority`. */
export function handoverAccounts(authority: PublicKey, programId: PublicKey = LUME_REGISTRY_PROGRAM_ID) {
  return {
    registry: registryAddress(programId),
    authority,
    programData: programDataAddress(programId),
    upgradeAuthority: councilUpgradeAuthority(programId),
    bpfLoaderUpgradeable: BPF_LOADER_UPGRADEABLE_ID,
    ...eventCpiAccounts(programId),
  };
}

const w = (pubkey: PublicKey): AccountMeta => ({ pubkey, isSigner: false, isWritable: true });
const r = (pubkey: PublicKey): AccountMeta => ({ pubkey, isSigner: false, isWritable: false });

/**
 * `execute`'s remaining accounts for UpgradeProgram: ProgramData, the authority PDA, the loader,
 * then the program (writable: the loader is in the transaction, so the runtime keeps it so),
 * the buffer, the spill account that gets the buffer's lamports back, and the Rent and Clock
 * sysvars.
 */
export function upgradeProgramRemaining(
  buffer: PublicKey,
  spill: PublicKey,
  programId: PublicKey = LUME_REGISTRY_PROGRAM_ID,
): AccountMeta[] {
  return [
    w(programDataAddress(programId)),
    r(councilUpgradeAuthority(programId)),
    r(BPF_LOADER_UPGRADEABLE_ID),
    w(programId),
    w(buffer),
    w(spill),
    r(SYSVAR_RENT_PUBKEY),
    r(SYSVAR_CLOCK_PUBKEY),
  ];
}

/** `execute`'s remaining accounts for SetUpgradeAuthority (`null`: make the program immutable). */
export function setUpgradeAuthorityRemaining(
  newAuthority: PublicKey | null,
  programId: PublicKey = LUME_REGISTRY_PROGRAM_ID,
): AccountMeta[] {
  const metas = [w(programDataAddress(programId)), r(councilUpgradeAuthority(programId)), r(BPF_LOADER_UPGRADEABLE_ID)];
  if (newAuthority !== null) metas.push(r(newAuthority));
  return metas;
}

/**
 * The SHA-256 an UpgradeProgram proposal approves: of everything in the buffer account after
 * its 37-byte header (what the loader's Upgrade copies into ProgramData). For a buffer written
 * with exactly the `.so` (as `lume program write-buffer` does), the `.so` file's SHA-256.
 */
export function bufferProgramSha256(bufferData: Uint8Array): Buffer {
  return createHash("sha256").update(bufferData.subarray(BUFFER_HEADER_LEN)).digest();
}
