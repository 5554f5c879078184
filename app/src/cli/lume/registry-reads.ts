// Reads every command needs: the registry, a partner by id or address, the category catalogue.
import type { IdlAccounts } from "@coral-xyz/anchor";
import { PublicKey } from "@solana/web3.js";
import { UserError } from "../../entry/user-error.js";
import { catalogueNames } from "../../sdk/fixed-text.js";
import type { LumeRegistry } from "../../sdk/idl.js";
import type { CliContext } from "./context.js";

export type RegistryAccount = IdlAccounts<LumeRegistry>["registry"];
export type PartnerAccount = IdlAccounts<LumeRegistry>["partner"];
export type ProposalAccount = IdlAccounts<LumeRegistry>["proposal"];

export async function loadRegistry(ctx: CliContext): Promise<RegistryAccount> {
  const registry = await ctx.read("reading the registry", () =>
    ctx.program.account.registry.fetchNullable(ctx.addresses.registry()),
  );
  if (registry === null) {
    throw new UserError(
      `no registry at ${ctx.addresses.registry().toBase58()} on ${ctx.url} (program ${ctx.programId.toBase58()}): ` +
        "initialize it with `npx tsx migrations/deploy.ts`, or check --url and --program-id",
    );
  }
  return registry;
}

/** The registry and its category names (what a command that prints categories reads first). */
export async function loadCatalogue(ctx: CliContext): Promise<{ registry: RegistryAccount; catalogue: string[] }> {
  const registry = await loadRegistry(ctx);
  return { registry, catalogue: catalogueNames(registry) };
}

/** `--partner` as a partner id (digits) or the partner account's address. */
export function partnerAddressOf(ctx: CliContext, ref: string | undefined): PublicKey {
  if (ref === undefined) throw new UserError("--partner is required (the partner id, or its account address)");
  if (/^\d+$/.test(ref)) return ctx.addresses.partner(BigInt(ref));
  try {
    return new PublicKey(ref);
  } catch {
    throw new UserError(`--partner must be a partner id or an address, got "${ref}"`);
  }
}

export async function loadPartner(
  ctx: CliContext,
  ref: string | undefined,
): Promise<{ address: PublicKey; partner: PartnerAccount }> {
  const address = partnerAddressOf(ctx, ref);
  const partner = await ctx.read("reading the partner", () => ctx.program.account.partner.fetchNullable(address));
  if (partner === null)
    throw new UserError(`no partner ${ref} (account ${address.toBase58()}): \`lume partner status\` with the right id`);
  return { address, partner };
}

export async function loadProposal(ctx: CliContext, id: number): Promise<ProposalAccount> {
  const proposal = await ctx.read("reading the proposal", () =>
    ctx.program.account.proposal.fetchNullable(ctx.addresses.proposal(id)),
  );
  if (proposal === null) throw new UserError(`no proposal #${id}: \`lume proposals list --all\` lists them`);
  return proposal;
}

export function proposalIdArg(value: string): number {
  if (!/^\d+$/.test(value)) throw new UserError(`the proposal id must be a number, got "${value}"`);
  return Number(value);
}
