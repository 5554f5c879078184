// `lume governance propose ...`: an SPL Governance proposal whose one transaction makes a
// governance-controlled council member (the governance's native treasury by default, or the
// governance account itself) approve, reject or propose on the registry. See docs/governance.md.
import {
  createInstructionData,
  getGovernance,
  getNativeTreasuryAddress,
  getTokenOwnerRecordAddress,
  PROGRAM_VERSION_V3,
  VoteType,
  withCreateProposal,
  withInsertTransaction,
  withSignOffProposal,
} from "@solana/spl-governance";
import { PublicKey, SystemProgram, Transaction, type TransactionInstruction } from "@solana/web3.js";
import type { Command } from "commander";
import { UserError } from "../../entry/user-error.js";
import { describeAction } from "../../sdk/actions.js";
import { eventCpiAccounts } from "../../sdk/events.js";
import { catalogueNames } from "../../sdk/fixed-text.js";
import { intArg, pubkeyArg } from "./args.js";
import type { CliContext } from "./context.js";
import { ACTION_SPECS, type ActionSpec } from "./council.js";
import { governanceErrorOf } from "./governance-errors.js";
import { loadPartner, loadRegistry, proposalIdArg } from "./registry-reads.js";
import type { Action } from "./runner.js";

export const SPL_GOVERNANCE_PROGRAM_ID = new PublicKey("GovER5Lthms3bLBqWub97yVrMmEogzX7xNjdXpPPCVZw");

export interface GovernanceTarget {
  governanceProgramId: PublicKey;
  programVersion: number;
  realm: PublicKey;
  governance: PublicKey;
  governingTokenMint: PublicKey;
  /** The proposal's index in the governance (its proposal count now). */
  proposalIndex: number;
  name: string;
  descriptionLink: string;
  holdUpTime: number;
  signOff: boolean;
}

export interface BuiltGovernanceProposal {
  instructions: TransactionInstruction[];
  proposal: PublicKey;
  tokenOwnerRecord: PublicKey;
  /** The registry instruction the governance will execute. */
  registryInstruction: TransactionInstruction;
}

/** The registry council member a governance acts as: its native treasury (can pay rent) or the governance PDA. */
export async function governanceMember(
  target: Pick<GovernanceTarget, "governanceProgramId" | "governance">,
  as: "treasury" | "governance",
): Promise<PublicKey> {
  return as === "governance"
    ? target.governance
    : getNativeTreasuryAddress(target.governanceProgramId, target.governance);
}

/** CreateProposal (+ InsertTransaction carrying `registryInstruction`, + SignOffProposal), signed by `wallet`. */
export async function buildGovernanceProposal(
  target: GovernanceTarget,
  wallet: PublicKey,
  registryInstruction: TransactionInstruction,
): Promise<BuiltGovernanceProposal> {
  const instructions: TransactionInstruction[] = [];
  const { governanceProgramId: programId, programVersion: version } = target;
  const tokenOwnerRecord = await getTokenOwnerRecordAddress(programId, target.realm, target.governingTokenMint, wallet);
  const proposal = await withCreateProposal(
    instructions,
    programId,
    version,
    target.realm,
    target.governance,
    tokenOwnerRecord,
    target.name,
    target.descriptionLink,
    target.governingTokenMint,
    wallet,
    target.proposalIndex,
    VoteType.SINGLE_CHOICE,
    ["Approve"],
    true,
    wallet,
  );
  await withInsertTransaction(
    instructions,
    programId,
    version,
    target.governance,
    proposal,
    tokenOwnerRecord,
    wallet,
    0,
    0,
    target.holdUpTime,
    [createInstructionData(registryInstruction)],
    wallet,
  );
  if (target.signOff)
    withSignOffProposal(
      instructions,
      programId,
      version,
      target.realm,
      target.governance,
      proposal,
      wallet,
      undefined,
      tokenOwnerRecord,
    );
  return { instructions, proposal, tokenOwnerRecord, registryInstruction };
}

type Opts = Record<string, string | boolean | undefined>;

/** The governance's proposal count (the next proposal's index) and its minimum instruction hold-up time. */
async function readGovernanceDefaults(
  ctx: CliContext,
  governance: PublicKey,
): Promise<{ proposalCount: number; minHoldUpTime: number }> {
  try {
    const { account } = await ctx.read("reading the governance", () => getGovernance(ctx.connection, governance));
    return { proposalCount: account.proposalCount ?? 0, minHoldUpTime: account.config.minInstructionHoldUpTime };
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw new UserError(
      `cannot read the governance account ${governance.toBase58()} (${(err as Error).message}): pass --proposal-index and --hold-up-time`,
    );
  }
}

async function targetOf(ctx: CliContext, opts: Opts): Promise<GovernanceTarget> {
  const str = (k: string) => (typeof opts[k] === "string" ? (opts[k] as string) : undefined);
  const governanceProgramId =
    str("governanceProgram") === undefined
      ? SPL_GOVERNANCE_PROGRAM_ID
      : pubkeyArg("--governance-program", str("governanceProgram"));
  const governance = pubkeyArg("--governance", str("governance"));
  // Every flag is checked before the account is read.
  const realm = pubkeyArg("--realm", str("realm"));
  const governingTokenMint = pubkeyArg("--mint", str("mint"));
  const programVersion = intArg("--program-version", str("programVersion") ?? String(PROGRAM_VERSION_V3), 1, 3);
  // Read from the governance account unless given: the next proposal index and the minimum hold-up time.
  const fromAccount =
    str("proposalIndex") === undefined || str("holdUpTime") === undefined
      ? await readGovernanceDefaults(ctx, governance)
      : undefined;
  const proposalIndex =
    str("proposalIndex") === undefined
      ? fromAccount!.proposalCount
      : intArg("--proposal-index", str("proposalIndex"), 0, 0xffff_ffff);
  const holdUpTime =
    str("holdUpTime") === undefined
      ? fromAccount!.minHoldUpTime
      : intArg("--hold-up-time", str("holdUpTime"), 0, 0xffff_ffff);
  return {
    governanceProgramId,
    programVersion,
    realm,
    governance,
    governingTokenMint,
    proposalIndex,
    name: str("title") ?? "",
    descriptionLink: str("descriptionLink") ?? "",
    holdUpTime,
    signOff: opts.signOff !== false,
  };
}

/** --as: which governance address is the registry council member. */
function memberKindOf(opts: Opts): "treasury" | "governance" {
  if (opts.as !== undefined && opts.as !== "treasury" && opts.as !== "governance")
    throw new UserError('--as must be "treasury" or "governance"');
  return opts.as === "governance" ? "governance" : "treasury";
}

async function submit(
  ctx: CliContext,
  opts: Opts,
  words: string,
  registryInstruction: (member: PublicKey) => Promise<TransactionInstruction>,
): Promise<void> {
  const as = memberKindOf(opts);
  const target = await targetOf(ctx, opts);
  const member = await governanceMember(target, as);
  const ix = await registryInstruction(member);
  const name = target.name === "" ? `Lume registry: ${words}` : target.name;
  const built = await buildGovernanceProposal({ ...target, name }, ctx.wallet.publicKey, ix);
  const summary = {
    proposal: built.proposal.toBase58(),
    tokenOwnerRecord: built.tokenOwnerRecord.toBase58(),
    member: member.toBase58(),
    registryAction: words,
    instructions: built.instructions.map((i) => ({
      programId: i.programId.toBase58(),
      keys: i.keys.map((k) => ({ pubkey: k.pubkey.toBase58(), isSigner: k.isSigner, isWritable: k.isWritable })),
      data: i.data.toString("base64"),
    })),
  };
  if (opts.dryRun === true) {
    ctx.print({ ...summary, sent: false }, () =>
      [
        `governance proposal ${summary.proposal} (not sent: --dry-run): ${words}, as council member ${summary.member}`,
        ...summary.instructions.map((i) => `  ${i.programId} ${i.keys.length} accounts, data ${i.data}`),
      ].join("\n"),
    );
    return;
  }
  const signature = await ctx.send(`create governance proposal "${name}"`, async () => {
    const tx = new Transaction().add(...built.instructions);
    try {
      return await ctx.program.provider.sendAndConfirm!(tx, [], { commitment: "confirmed" });
    } catch (err) {
      const refused = governanceErrorOf(err, target.governanceProgramId);
      if (refused !== undefined) throw new UserError(`create governance proposal "${name}" failed: ${refused}`);
      throw err;
    }
  });
  ctx.print(
    { ...summary, sent: true, signature },
    () =>
      `governance proposal ${summary.proposal} created${target.signOff ? " and signed off" : ""}, confirmed: ${words}\n  the governance votes; once it succeeds, execute its transaction in the governance UI or CLI\n  signature ${signature}`,
  );
}

function governanceOptions(cmd: Command): Command {
  return cmd
    .requiredOption("--realm <address>", "the SPL Governance realm")
    .requiredOption(
      "--governance <address>",
      "the governance account (its treasury or itself is the registry council member)",
    )
    .requiredOption("--mint <address>", "the governing token mint the proposer votes with (community or council mint)")
    .option(
      "--governance-program <address>",
      `the SPL Governance program (default ${SPL_GOVERNANCE_PROGRAM_ID.toBase58()})`,
    )
    .option("--program-version <n>", "SPL Governance program version (default 3)")
    .option("--proposal-index <n>", "the governance's next proposal index (default: read from the governance account)")
    .option(
      "--as <member>",
      "which governance address is the registry council member: treasury (default) or governance",
    )
    .option("--title <text>", "the governance proposal's name (default: the registry action in words)")
    .option("--description-link <uri>", "proposal description link")
    .option(
      "--hold-up-time <s>",
      "seconds between the vote's success and execution (default: the governance's minimum, read from its account)",
    )
    .option("--no-sign-off", "leave the proposal in draft (do not sign it off)")
    .option("--dry-run", "print the instructions instead of sending them");
}

export function registerGovernance(program: Command, action: Action): void {
  const propose = program
    .command("governance")
    .description("registry decisions through SPL Governance (docs/governance.md)")
    .command("propose")
    .description("create a governance proposal whose transaction approves, rejects or proposes on the registry");

  for (const vote of ["approve", "reject"] as const) {
    governanceOptions(
      propose.command(`${vote} <id>`).description(`the governance's council member ${vote}s registry proposal <id>`),
    ).action(
      action(async (ctx, opts: Opts, id) => {
        const proposalId = proposalIdArg(id!);
        await submit(ctx, opts, `${vote} registry proposal #${proposalId}`, (member) => {
          const builder = vote === "approve" ? ctx.program.methods.approve() : ctx.program.methods.reject();
          return builder
            .accountsStrict({
              ...eventCpiAccounts(ctx.program.programId),
              registry: ctx.addresses.registry(),
              proposal: ctx.addresses.proposal(proposalId),
              member,
            })
            .instruction();
        });
      }),
    );
  }

  for (const spec of ACTION_SPECS) {
    const cmd = propose.command(spec.name).description(`the governance's council member proposes: ${spec.summary}`);
    if (spec.partner) cmd.requiredOption("--partner <id|address>", "the partner");
    for (const [flags, description] of spec.options) cmd.option(flags, description);
    governanceOptions(cmd).action(action((ctx, opts: Opts) => proposeThroughGovernance(ctx, spec, opts)));
  }
}

async function proposeThroughGovernance(ctx: CliContext, spec: ActionSpec, opts: Opts): Promise<void> {
  // The proposer pays the registry proposal account's rent. The governance account holds data
  // owned by SPL Governance: it can sign but never pay, so refuse now rather than at execution,
  // after the whole vote.
  if (memberKindOf(opts) === "governance")
    throw new UserError(
      "--as governance cannot propose on the registry: the proposer pays the registry proposal's rent, and a governance account cannot pay. " +
        "Use --as treasury (the default: the governance's native treasury, funded with SOL)",
    );
  const registry = await loadRegistry(ctx);
  const str = opts as Record<string, string | undefined>;
  const target = spec.partner ? await loadPartner(ctx, str.partner) : null;
  const registryAction = spec.build(str, registry, target?.partner ?? null, Math.floor(Date.now() / 1000));
  // The registry proposal's id is fixed now: if another proposal lands first, rebuild this one.
  const id = registry.proposalCount.toNumber();
  await submit(
    ctx,
    opts,
    `propose registry proposal #${id}: ${describeAction(registryAction, catalogueNames(registry))}`,
    (member) =>
      ctx.program.methods
        .propose(registryAction as never, Array.from(Buffer.alloc(32)), "")
        .accountsStrict({
          ...eventCpiAccounts(ctx.program.programId),
          registry: ctx.addresses.registry(),
          proposal: ctx.addresses.proposal(id),
          proposer: member,
          partner: target?.address ?? ctx.programId,
          systemProgram: SystemProgram.programId,
        })
        .instruction(),
  );
}
