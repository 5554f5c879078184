// Initializes the registry once: the step `migrations/deploy.ts` runs after the program is
// deployed. Idempotent: an existing registry is returned as it is, never re-initialized.
import type { AnchorProvider } from "@coral-xyz/anchor";
import { SystemProgram } from "@solana/web3.js";
import { UserError } from "../app/src/entry/user-error.js";
import { councilUpgradeAuthority } from "../app/src/sdk/deployed-program.js";
import { registryErrorOf } from "../app/src/sdk/errors.js";
import { eventCpiAccounts } from "../app/src/sdk/events.js";
import { programDataAddress, registryAddress } from "../app/src/sdk/pda.js";
import { type RegistryProgram, registryProgram } from "../app/src/sdk/program.js";
import { decodeProgramData } from "../app/src/sdk/program-data.js";
import { handoverAccounts } from "../app/src/sdk/program-governance.js";
import { fetchRegistry, type RegistrySummary, summarizeRegistry } from "../app/src/sdk/registry-state.js";
import type { RegistryConfig } from "./registry-config.js";

export type EnsureRegistryResult =
  | { status: "initialized"; signature: string; registry: RegistrySummary }
  | { status: "already-initialized"; registry: RegistrySummary };

export class DeployError extends UserError {}

async function existing(program: RegistryProgram): Promise<RegistrySummary | null> {
  const account = await fetchRegistry(program);
  return account === null ? null : summarizeRegistry(account, registryAddress(program.programId));
}

/** Fails early, with the fix, where initialize_registry would fail with a bare error code. */
async function checkDeployment(program: RegistryProgram, provider: AnchorProvider): Promise<void> {
  const { connection, wallet } = provider;
  const programId = program.programId;
  const programAccount = await connection.getAccountInfo(programId);
  if (programAccount === null || !programAccount.executable) {
    throw new DeployError(
      `program ${programId.toBase58()} is not deployed on ${connection.rpcEndpoint}: ` +
        "start the local chain (`npm run localnet`) or deploy the program first",
    );
  }
  const programData = await connection.getAccountInfo(programDataAddress(programId));
  const authority = programData === null ? null : decodeProgramData(programData.data).upgradeAuthority;
  if (authority === null || !authority.equals(wallet.publicKey)) {
    throw new DeployError(
      `only the program's upgrade authority may initialize the registry: the wallet is ${wallet.publicKey.toBase58()}, ` +
        `the upgrade authority is ${authority?.toBase58() ?? "none (the program is immutable)"}; pass its keypair with --wallet`,
    );
  }
}

export async function ensureRegistry(provider: AnchorProvider, config: RegistryConfig): Promise<EnsureRegistryResult> {
  const program = registryProgram(provider);
  const before = await existing(program);
  if (before !== null) return { status: "already-initialized", registry: before };

  await checkDeployment(program, provider);
  let signature: string;
  try {
    signature = await program.methods
      .initializeRegistry(config.council, config.threshold, config.timeLockSeconds, config.policy, config.categories)
      .accountsStrict({
        ...eventCpiAccounts(program.programId),
        registry: registryAddress(program.programId),
        authority: provider.wallet.publicKey,
        program: program.programId,
        programData: programDataAddress(program.programId),
        systemProgram: SystemProgram.programId,
      })
      .rpc();
  } catch (err) {
    const error = registryErrorOf(err, program.programId);
    if (error?.name === "AlreadyInitialized") {
      // Another deploy got there between our read and our send: its registry stands.
      const raced = await existing(program);
      if (raced !== null) return { status: "already-initialized", registry: raced };
    }
    if (error !== undefined)
      throw new DeployError(`initialize_registry failed: ${error.name} (${error.code}): ${error.msg}`);
    throw err;
  }
  const after = await existing(program);
  if (after === null)
    throw new DeployError(`initialize_registry ${signature} confirmed, but the registry account is missing`);
  return { status: "initialized", signature, registry: after };
}

export type EnsureHandoverResult =
  | { status: "handed-over"; signature: string; upgradeAuthority: string }
  | { status: "already-handed-over"; upgradeAuthority: string };

/**
 * Hands the program's upgrade authority to the registry council (`handover_upgrade_authority`:
 * the PDA `["upgrade_authority"]` becomes the authority; issue 14), unless the council holds it
 * already. The wallet must be the current upgrade authority, and the registry must exist.
 */
export async function ensureHandover(provider: AnchorProvider): Promise<EnsureHandoverResult> {
  const program = registryProgram(provider);
  const pda = councilUpgradeAuthority(program.programId);
  const current = async () => {
    const data = await provider.connection.getAccountInfo(programDataAddress(program.programId));
    return data === null ? null : decodeProgramData(data.data).upgradeAuthority;
  };
  const before = await current();
  if (before?.equals(pda)) return { status: "already-handed-over", upgradeAuthority: pda.toBase58() };
  if (before === null || !before.equals(provider.wallet.publicKey))
    throw new DeployError(
      `only the program's upgrade authority may hand it over: the wallet is ${provider.wallet.publicKey.toBase58()}, ` +
        `the upgrade authority is ${before?.toBase58() ?? "none (the program is immutable)"}`,
    );
  let signature: string;
  try {
    signature = await program.methods
      .handoverUpgradeAuthority()
      .accountsStrict(handoverAccounts(provider.wallet.publicKey, program.programId))
      .rpc();
  } catch (err) {
    const error = registryErrorOf(err, program.programId);
    if (error !== undefined)
      throw new DeployError(`handover_upgrade_authority failed: ${error.name} (${error.code}): ${error.msg}`);
    throw err;
  }
  if (!(await current())?.equals(pda))
    throw new DeployError(`handover ${signature} confirmed, but ProgramData does not name the council's PDA`);
  return { status: "handed-over", signature, upgradeAuthority: pda.toBase58() };
}
