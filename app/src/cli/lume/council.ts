// Council commands: `council show`, `proposals list`, `propose <action>`, and the votes
// `approve | reject | cancel | execute <id>`.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import anchor from "@coral-xyz/anchor";
import { type PublicKey, SystemProgram } from "@solana/web3.js";
import type { Command } from "commander";
import { UserError } from "../../entry/user-error.js";
import { actionKind, describeAction, executeRemainingAccounts, parseRoleName, roleArg } from "../../sdk/actions.js";
import { eventCpiAccounts } from "../../sdk/events.js";
import { catalogueNames, fixedText } from "../../sdk/fixed-text.js";
import { readKeypairFile } from "../../sdk/keypair-file.js";
import { summarizeRegistry } from "../../sdk/registry-state.js";
import { enumName } from "../../sdk/snapshot.js";
import { formatRegistry } from "../format-registry.js";
import {
  categoriesArg,
  intArg,
  listArg,
  protocolArg,
  pubkeyArg,
  revocationReasonArg,
  textArg,
  timeArg,
  u16Arg,
  u32Arg,
} from "./args.js";
import { type CliContext, hashFile } from "./context.js";
import {
  loadCatalogue,
  loadPartner,
  loadProposal,
  loadRegistry,
  type PartnerAccount,
  proposalIdArg,
  type RegistryAccount,
} from "./registry-reads.js";
import type { Action } from "./runner.js";
import { isoTime, orDash } from "./time-text.js";

const { BN } = anchor;
type Opts = Record<string, string | undefined>;

export interface ActionSpec {
  /** `propose <name>` */
  name: string;
  summary: string;
  /** Whether the action names a partner (`--partner`). */
  partner: boolean;
  options: [flags: string, description: string][];
  build(opts: Opts, registry: RegistryAccount, partner: PartnerAccount | null, nowSeconds: number): object;
}

const reason = (opts: Opts) => textArg("--reason", opts.reason, 127);

/** An action on a partner whose one argument is --reason (recorded on chain). */
function withReason(
  name: string,
  summary: string,
  why: string,
  action: "rejectApplication" | "suspendPartner" | "revokePartner",
): ActionSpec {
  return {
    name,
    summary,
    partner: true,
    options: [["--reason <text>", why]],
    build: (o) => ({ [action]: { reason: reason(o) } }),
  };
}

export const ACTION_SPECS: ActionSpec[] = [
  {
    name: "approve-partner",
    summary: "admit a partner that passed both attestations (pins the endpoint set its technical audit attested)",
    partner: true,
    options: [
      [
        "--endpoint-set-version <n>",
        "the endpoint-set version to approve (default: the one the technical auditor attested)",
      ],
    ],
    build: (o, _r, p) => {
      const attested = p!.technicalEndpointSetVersion;
      const current = p!.endpointSetVersion;
      if (attested !== current)
        throw new UserError(
          `the technical auditor attested endpoint set version ${attested}, but the partner's set is now at version ` +
            `${current}: the program refuses to admit a set no auditor saw. Next: a technical auditor runs ` +
            "`lume attest technical` for the current set, then propose again",
        );
      const version =
        o.endpointSetVersion === undefined ? attested : u32Arg("--endpoint-set-version", o.endpointSetVersion);
      if (version !== attested)
        throw new UserError(
          `--endpoint-set-version ${version} is not the attested set (version ${attested}): approve version ${attested}`,
        );
      return { approvePartner: { endpointSetVersion: version } };
    },
  },
  withReason("reject-application", "refuse an application (final)", "why (recorded on chain)", "rejectApplication"),
  {
    name: "add-endpoint",
    summary: "add an endpoint to a partner's set",
    partner: true,
    options: [
      ["--host <host>", "host name"],
      ["--port <port>", "port (default 443)"],
      ["--protocol <p>", "https | wss | quic | tcp (default https)"],
      ["--categories <list>", "comma-separated category names or indices"],
    ],
    build: (o, r) => ({
      addEndpoint: {
        host: textArg("--host", o.host, 63),
        port: intArg("--port", o.port ?? "443", 1, 65_535),
        protocol: protocolArg(o.protocol),
        categories: categoriesArg("--categories", o.categories, catalogueNames(r)),
      },
    }),
  },
  {
    name: "remove-endpoint",
    summary: "remove an endpoint from a partner's set",
    partner: true,
    options: [["--index <n>", "the endpoint's index"]],
    build: (o) => ({ removeEndpoint: { index: u16Arg("--index", o.index) } }),
  },
  {
    name: "set-endpoint-categories",
    summary: "change the categories an endpoint serves",
    partner: true,
    options: [
      ["--index <n>", "the endpoint's index"],
      ["--categories <list>", "comma-separated category names or indices"],
    ],
    build: (o, r) => ({
      setEndpointCategories: {
        index: u16Arg("--index", o.index),
        categories: categoriesArg("--categories", o.categories, catalogueNames(r)),
      },
    }),
  },
  {
    name: "issue-key",
    summary: "issue an infrastructure key (optionally replacing one: rotation)",
    partner: true,
    options: [
      ["--public-key <base58>", "the key's public key"],
      ["--key-file <path>", "or: a keypair file (e.g. from `lume partner keys generate`) to take the public key from"],
      ["--endpoints <list>", "endpoint indices the key may serve (default: all)"],
      ["--valid-from <time>", "unix seconds, ISO date or +<n>d (default: now)"],
      ["--valid-until <time>", "unix seconds, ISO date or +<n>d (default: +365d)"],
      ["--replaces <n>", "index of the key this one replaces (rotation)"],
    ],
    build: (o, _r, _p, now) => {
      if ((o.publicKey === undefined) === (o.keyFile === undefined))
        throw new UserError("give exactly one of --public-key and --key-file");
      const publicKey =
        o.keyFile !== undefined ? readKeypairFile(o.keyFile).publicKey : pubkeyArg("--public-key", o.publicKey);
      return {
        issueKey: {
          publicKey: Array.from(publicKey.toBuffer()),
          endpoints: listArg(o.endpoints).map((e) => u16Arg("--endpoints", e)),
          validFrom: new BN(o.validFrom === undefined ? now : timeArg("--valid-from", o.validFrom, now)),
          validUntil: new BN(timeArg("--valid-until", o.validUntil ?? "+365d", now)),
          replaces: o.replaces === undefined ? null : u16Arg("--replaces", o.replaces),
        },
      };
    },
  },
  {
    name: "revoke-key",
    summary: "revoke an infrastructure key",
    partner: true,
    options: [
      ["--index <n>", "the key's index"],
      ["--reason <reason>", "unspecified | compromised | superseded | decommissioned | partner-revoked"],
    ],
    build: (o) => ({ revokeKey: { index: u16Arg("--index", o.index), reason: revocationReasonArg(o.reason) } }),
  },
  {
    name: "set-traffic-model",
    summary: "change a partner's traffic model",
    partner: true,
    options: [
      ["--categories <list>", "allowed categories"],
      ["--max-rps <n>", "requests per second"],
      ["--burst <n>", "token-bucket size"],
      ["--max-kbps <n>", "bandwidth ceiling, kbit/s"],
    ],
    build: (o, r) => ({
      setTrafficModel: {
        model: {
          allowedCategories: categoriesArg("--categories", o.categories, catalogueNames(r)),
          maxRequestsPerSecond: u32Arg("--max-rps", o.maxRps),
          burst: u32Arg("--burst", o.burst),
          maxBandwidthKbps: u32Arg("--max-kbps", o.maxKbps),
        },
      },
    }),
  },
  withReason("suspend", "suspend a partner (also ratifies a guardian suspension)", "why", "suspendPartner"),
  {
    name: "reinstate",
    summary: "lift a suspension",
    partner: true,
    options: [],
    build: () => ({ reinstatePartner: {} }),
  },
  withReason("revoke", "revoke a partner for good", "why", "revokePartner"),
  {
    name: "require-reverification",
    summary:
      "require new verifications of an admitted partner by a deadline (it goes under audit until they are attested)",
    partner: true,
    options: [
      ["--checks <list>", "legal, technical or legal,technical"],
      ["--reason <text>", "why (recorded on chain)"],
      ["--deadline <time>", "unix seconds, ISO date or +<n>d (default +30d); after it the partner is overdue"],
    ],
    build: (o, _r, _p, now) => {
      const checks = listArg(o.checks);
      const unknown = checks.filter((c) => c !== "legal" && c !== "technical");
      if (checks.length === 0 || unknown.length > 0)
        throw new UserError(`--checks must list legal and/or technical, got "${o.checks ?? ""}"`);
      const deadline = timeArg("--deadline", o.deadline ?? "+30d", now);
      if (deadline <= now) throw new UserError(`--deadline must be in the future, got ${o.deadline}`);
      return {
        requireReverification: {
          legal: checks.includes("legal"),
          technical: checks.includes("technical"),
          reason: reason(o),
          deadline: new BN(deadline),
        },
      };
    },
  },
  ...(["grant-role", "revoke-role"] as const).map(
    (name): ActionSpec => ({
      name,
      summary: `${name === "grant-role" ? "grant" : "revoke"} a role (legal-verifier, technical-auditor, auditor, guardian, reporting-node)`,
      partner: false,
      options: [
        ["--role <role>", "legal-verifier | technical-auditor | auditor | guardian | reporting-node"],
        ["--holder <address>", "the key that holds the role"],
      ],
      build: (o) => {
        const role = parseRoleName(o.role ?? "");
        if (role === undefined)
          throw new UserError(
            `--role must be one of legal-verifier, technical-auditor, auditor, guardian, reporting-node; got "${o.role ?? ""}"`,
          );
        const fields = { role: roleArg(role), holder: pubkeyArg("--holder", o.holder) };
        return name === "grant-role" ? { grantRole: fields } : { revokeRole: fields };
      },
    }),
  ),
  {
    name: "add-category",
    summary: "add a request category to the catalogue",
    partner: false,
    options: [["--name <name>", "1 to 31 bytes"]],
    build: (o) => ({ addCategory: { name: textArg("--name", o.name, 31) } }),
  },
  {
    name: "rename-category",
    summary: "rename a catalogue category",
    partner: false,
    options: [
      ["--index <n>", "the category's index"],
      ["--name <name>", "1 to 31 bytes"],
    ],
    build: (o) => ({
      renameCategory: { index: intArg("--index", o.index, 0, 63), name: textArg("--name", o.name, 31) },
    }),
  },
  {
    name: "set-policy",
    summary: "change the monitoring policy and time lock (unset values keep their current value)",
    partner: false,
    options: [
      ["--time-lock <s>", "seconds between approval and execution"],
      ["--review-interval <s>", ""],
      ["--review-grace <s>", ""],
      ["--deviation-threshold <n>", ""],
      ["--deviation-window <s>", ""],
      ["--guardian-suspension <s>", ""],
      ["--proposal-lifetime <s>", ""],
      ["--key-rotation-grace <s>", ""],
      ["--guardian-resuspension-cooldown <s>", "after an unratified guardian suspension lapsed, wait before another"],
    ],
    build: (o, r) => {
      const p = r.policy;
      const pick = (flag: string, value: string | undefined, current: number) =>
        value === undefined ? current : u32Arg(flag, value);
      return {
        setPolicy: {
          policy: {
            reviewIntervalSeconds: pick("--review-interval", o.reviewInterval, p.reviewIntervalSeconds),
            reviewGraceSeconds: pick("--review-grace", o.reviewGrace, p.reviewGraceSeconds),
            deviationThreshold:
              o.deviationThreshold === undefined
                ? p.deviationThreshold
                : intArg("--deviation-threshold", o.deviationThreshold, 1, 0xffff),
            deviationWindowSeconds: pick("--deviation-window", o.deviationWindow, p.deviationWindowSeconds),
            guardianSuspensionSeconds: pick("--guardian-suspension", o.guardianSuspension, p.guardianSuspensionSeconds),
            proposalLifetimeSeconds: pick("--proposal-lifetime", o.proposalLifetime, p.proposalLifetimeSeconds),
            keyRotationGraceSeconds: pick("--key-rotation-grace", o.keyRotationGrace, p.keyRotationGraceSeconds),
            guardianResuspensionCooldownSeconds: pick(
              "--guardian-resuspension-cooldown",
              o.guardianResuspensionCooldown,
              p.guardianResuspensionCooldownSeconds,
            ),
          },
          timeLockSeconds: pick("--time-lock", o.timeLock, r.timeLockSeconds),
        },
      };
    },
  },
  {
    name: "set-council",
    summary: "replace the council (starts a new epoch: open proposals become void)",
    partner: false,
    options: [
      ["--members <list>", "comma-separated member addresses"],
      ["--threshold <n>", "approvals a proposal needs"],
    ],
    build: (o) => {
      const members = listArg(o.members).map((m) => pubkeyArg("--members", m));
      if (members.length === 0) throw new UserError("--members needs at least one address");
      return { setCouncil: { members, threshold: intArg("--threshold", o.threshold, 1, members.length) } };
    },
  },
  {
    name: "upgrade-program",
    summary: "replace the program's code with a buffer's (after the handover: `lume program handover`)",
    partner: false,
    options: [
      ["--buffer <address>", "the buffer holding the new build (`lume program write-buffer --council-authority`)"],
      ["--so <path>", "the build written into the buffer: its SHA-256 is what the council approves"],
      ["--buffer-sha256 <hex>", "or the SHA-256 itself (of the buffer's bytes after its 37-byte header)"],
    ],
    build: (o) => {
      const buffer = pubkeyArg("--buffer", o.buffer);
      let sha: Buffer;
      if (o.so !== undefined && o.bufferSha256 === undefined) sha = sha256OfBuild(o.so);
      else if (o.bufferSha256 !== undefined && o.so === undefined) {
        if (!/^[0-9a-fA-F]{64}$/.test(o.bufferSha256))
          throw new UserError("--buffer-sha256 must be 64 hexadecimal digits (a SHA-256)");
        sha = Buffer.from(o.bufferSha256, "hex");
      } else throw new UserError("give the build as --so <path> or its hash as --buffer-sha256 <hex> (one of the two)");
      return { upgradeProgram: { buffer, bufferSha256: Array.from(sha) } };
    },
  },
  {
    name: "set-upgrade-authority",
    summary: "hand the program's upgrade authority to another address, or make the program immutable",
    partner: false,
    options: [
      ["--new-authority <address>", "the new upgrade authority (another governance)"],
      ["--immutable", "no new authority: no one can change the code again (final)"],
    ],
    build: (o) => {
      const immutable = (o as Record<string, unknown>).immutable === true;
      if (immutable === (o.newAuthority !== undefined))
        throw new UserError("give either --new-authority <address> or --immutable");
      return {
        setUpgradeAuthority: { newAuthority: immutable ? null : pubkeyArg("--new-authority", o.newAuthority!) },
      };
    },
  },
];

function sha256OfBuild(path: string): Buffer {
  try {
    return createHash("sha256").update(readFileSync(path)).digest();
  } catch (err) {
    throw new UserError(`cannot read the build ${path}: ${(err as Error).message}`);
  }
}

export function specByName(name: string): ActionSpec {
  const spec = ACTION_SPECS.find((s) => s.name === name);
  if (spec === undefined) throw new Error(`no action ${name}`);
  return spec;
}

/** For an admission: which endpoint set the technical auditor attested, next to the one approved. */
function attestedSetNote(action: object, partner: PartnerAccount | null): string {
  if (!("approvePartner" in action) || partner === null) return "";
  return ` (the technical auditor attested version ${partner.technicalEndpointSetVersion})`;
}

/** Sends `propose` with `spec`'s action; prints the new proposal's id. */
export async function proposeWith(ctx: CliContext, spec: ActionSpec, opts: Opts): Promise<void> {
  const registry = await loadRegistry(ctx);
  const target = spec.partner ? await loadPartner(ctx, opts.partner) : null;
  if (!spec.partner && opts.partner !== undefined)
    throw new UserError(`${spec.name} does not apply to a partner: leave --partner out`);
  const now = Math.floor(Date.now() / 1000);
  const action = spec.build(opts, registry, target?.partner ?? null, now);
  const words = describeAction(action, catalogueNames(registry)) + attestedSetNote(action, target?.partner ?? null);
  const evidenceHash = opts.evidenceFile === undefined ? Buffer.alloc(32) : hashFile(opts.evidenceFile);
  const evidenceUri = opts.evidenceUri ?? "";
  if (Buffer.byteLength(evidenceUri) > 127) throw new UserError("--evidence-uri may be at most 127 bytes");
  const id = registry.proposalCount.toNumber();
  const signature = await ctx.send(`propose #${id}: ${words}`, () =>
    ctx.program.methods
      .propose(action as never, Array.from(evidenceHash), evidenceUri)
      .accountsStrict({
        ...eventCpiAccounts(ctx.program.programId),
        registry: ctx.addresses.registry(),
        proposal: ctx.addresses.proposal(id),
        proposer: ctx.wallet.publicKey,
        partner: target?.address ?? ctx.programId,
        systemProgram: SystemProgram.programId,
      })
      .rpc(),
  );
  ctx.print({ proposalId: id, action: words, partner: target?.address ?? null, signature }, () =>
    [
      `proposal #${id} created and confirmed: ${words}`,
      `  signature ${signature}`,
      `  next: council members run \`lume approve ${id}\``,
    ].join("\n"),
  );
}

export function addActionOptions(cmd: Command, spec: ActionSpec, withPartner: boolean): Command {
  if (withPartner && spec.partner) cmd.requiredOption("--partner <id|address>", "the partner (id or account address)");
  for (const [flags, description] of spec.options) cmd.option(flags, description);
  return cmd
    .option("--evidence-file <path>", "supporting document (its SHA-256 is recorded)")
    .option("--evidence-uri <uri>", "where the evidence can be fetched");
}

/** The council seats whose bit is set in a proposal's vote mask. */
function seatIndices(mask: number): number[] {
  return Array.from({ length: 16 }, (_, seat) => seat).filter((seat) => (mask >> seat) & 1);
}

/** Voters of a current-council proposal, as addresses. */
function votersOf(mask: number, registry: RegistryAccount): string[] {
  return seatIndices(mask).map((seat) => registry.council[seat]?.toBase58() ?? `seat ${seat}`);
}

/** Voters of a stale proposal: the old council's members are not on chain any more, only their seats. */
function seatsOf(mask: number): string[] {
  return seatIndices(mask).map((seat) => `seat ${seat} of its council`);
}

export function registerCouncil(program: Command, action: Action): void {
  const council = program.command("council").description("the council");
  council
    .command("show")
    .description("the council, threshold, time lock, policy and category catalogue")
    .action(
      action(async (ctx) => {
        const registry = await loadRegistry(ctx);
        const summary = summarizeRegistry(registry, ctx.addresses.registry());
        ctx.print(summary, () => formatRegistry(summary));
      }),
    );

  program
    .command("proposals")
    .description("proposals")
    .command("list")
    .description("open and approved proposals (--all: every proposal), their action in words and evidence")
    .option("--all", "include executed, rejected and cancelled proposals")
    .action(
      action(async (ctx, opts: { all?: true }) => {
        const { registry, catalogue } = await loadCatalogue(ctx);
        const all = await ctx.read("listing proposals", () => ctx.program.account.proposal.all());
        const rows = all
          .map(({ publicKey, account: p }) => {
            const status = enumName<string>(p.status);
            const stale = p.councilEpoch !== registry.councilEpoch && (status === "open" || status === "approved");
            const opensAt = p.approvedAt.toNumber() === 0 ? 0 : p.approvedAt.toNumber() + registry.timeLockSeconds;
            return {
              id: p.proposalId.toNumber(),
              address: publicKey.toBase58(),
              status: stale ? `${status} (stale: older council)` : status,
              kind: actionKind(p.action),
              action: describeAction(p.action, catalogue),
              partner: p.partner.equals(SystemProgram.programId) ? null : p.partner.toBase58(),
              proposer: p.proposer.toBase58(),
              approvals: p.approvalCount,
              rejections: p.rejectionCount,
              // Votes are bits by council seat; the seats are the current council's unless the proposal is stale.
              approvedBy: stale ? seatsOf(p.approvals) : votersOf(p.approvals, registry),
              rejectedBy: stale ? seatsOf(p.rejections) : votersOf(p.rejections, registry),
              threshold: registry.threshold,
              expiresAt: isoTime(p.expiresAt),
              executableFrom: isoTime(opensAt),
              evidence: { uri: fixedText(p.evidence.uri), sha256: Buffer.from(p.evidence.hash).toString("hex") },
            };
          })
          .filter((r) => opts.all === true || r.status === "open" || r.status === "approved")
          .sort((a, b) => a.id - b.id);
        ctx.print(rows, () =>
          rows.length === 0
            ? "no open proposals (--all lists every proposal)"
            : rows
                .map((r) =>
                  [
                    `#${r.id}  ${r.status}  ${r.approvals}/${r.threshold} approvals, ${r.rejections} rejections  ${r.executableFrom === null ? `votes until ${orDash(r.expiresAt)}` : `executable from ${r.executableFrom}`}`,
                    `    ${r.action}${r.partner === null ? "" : ` (partner ${r.partner})`}`,
                    ...(r.approvedBy.length === 0 ? [] : [`    approved by ${r.approvedBy.join(", ")}`]),
                    ...(r.rejectedBy.length === 0 ? [] : [`    rejected by ${r.rejectedBy.join(", ")}`]),
                    `    evidence: ${r.evidence.uri === "" ? "(none)" : r.evidence.uri} ${/^0+$/.test(r.evidence.sha256) ? "" : `sha256 ${r.evidence.sha256}`}`.trimEnd(),
                  ].join("\n"),
                )
                .join("\n"),
        );
      }),
    );

  const propose = program.command("propose").description("propose a council action (signed by a council member)");
  for (const spec of ACTION_SPECS) {
    addActionOptions(propose.command(spec.name).description(spec.summary), spec, true).action(
      action((ctx, opts: Opts) => proposeWith(ctx, spec, opts)),
    );
  }

  for (const vote of ["approve", "reject"] as const) {
    program
      .command(`${vote} <id>`)
      .description(`${vote} proposal <id> (a council member)`)
      .action(
        action(async (ctx, _opts, id) => {
          const proposalId = proposalIdArg(id!);
          await loadProposal(ctx, proposalId);
          const accounts = {
            registry: ctx.addresses.registry(),
            proposal: ctx.addresses.proposal(proposalId),
            member: ctx.wallet.publicKey,
            ...eventCpiAccounts(ctx.programId),
          };
          const builder = vote === "approve" ? ctx.program.methods.approve() : ctx.program.methods.reject();
          const signature = await ctx.send(`${vote} proposal #${proposalId}`, () =>
            builder.accountsStrict(accounts).rpc(),
          );
          const after = await loadProposal(ctx, proposalId);
          const status = enumName<string>(after.status);
          ctx.print(
            { proposalId, vote, status, approvals: after.approvalCount, rejections: after.rejectionCount, signature },
            () =>
              `${vote === "approve" ? "approved" : "rejected"} proposal #${proposalId}, confirmed: now ${status} (${after.approvalCount} approvals, ${after.rejectionCount} rejections)\n  signature ${signature}`,
          );
        }),
      );
  }

  program
    .command("cancel <id>")
    .description("withdraw your own proposal before anyone approved it")
    .action(
      action(async (ctx, _opts, id) => {
        const proposalId = proposalIdArg(id!);
        await loadProposal(ctx, proposalId);
        const signature = await ctx.send(`cancel proposal #${proposalId}`, () =>
          ctx.program.methods
            .cancel()
            .accountsStrict({
              ...eventCpiAccounts(ctx.program.programId),
              registry: ctx.addresses.registry(),
              proposal: ctx.addresses.proposal(proposalId),
              proposer: ctx.wallet.publicKey,
            })
            .rpc(),
        );
        ctx.print(
          { proposalId, status: "cancelled", signature },
          () => `cancelled proposal #${proposalId}, confirmed\n  signature ${signature}`,
        );
      }),
    );

  program
    .command("execute <id>")
    .summary("carry out an approved proposal after its time lock (anyone; the signer pays the fee)")
    .description(
      "carry out an approved proposal after its time lock (anyone); the accounts its action needs are worked out from the action. " +
        "The signer (-k, default ~/.config/solana/id.json) is the fee payer and pays any rent the action needs, so it must hold SOL",
    )
    .action(
      action(async (ctx, _opts, id) => {
        const proposalId = proposalIdArg(id!);
        const [registry, proposal] = await Promise.all([loadRegistry(ctx), loadProposal(ctx, proposalId)]);
        const status = enumName<string>(proposal.status);
        if (status !== "approved")
          throw new UserError(
            `proposal #${proposalId} is ${status}, not approved: ${status === "open" ? `it has ${proposal.approvalCount} of ${registry.threshold} approvals` : "nothing to execute"}`,
          );
        const partnerAddress: PublicKey | null = proposal.partner.equals(SystemProgram.programId)
          ? null
          : proposal.partner;
        const partner =
          partnerAddress === null
            ? null
            : await ctx.read("reading the partner", () => ctx.program.account.partner.fetch(partnerAddress));
        const remaining = executeRemainingAccounts(
          proposal.action,
          ctx.addresses,
          partnerAddress,
          partner,
          ctx.wallet.publicKey,
          ctx.programId,
        );
        const words = describeAction(proposal.action, catalogueNames(registry));
        const signature = await ctx.send(`execute proposal #${proposalId} (${words})`, () =>
          ctx.program.methods
            .execute()
            .accountsStrict({
              ...eventCpiAccounts(ctx.program.programId),
              registry: ctx.addresses.registry(),
              proposal: ctx.addresses.proposal(proposalId),
              executor: ctx.wallet.publicKey,
              systemProgram: SystemProgram.programId,
            })
            .remainingAccounts(remaining.map((pubkey) => ({ pubkey, isSigner: false, isWritable: true })))
            .rpc(),
        );
        ctx.print(
          { proposalId, status: "executed", action: words, accounts: remaining.map((r) => r.toBase58()), signature },
          () =>
            `executed proposal #${proposalId}, confirmed: ${words}\n  signature ${signature}` +
            (actionKind(proposal.action) === "approvePartner" && partner !== null
              ? `\n  next: the partner is active; its authority asks for infrastructure keys (\`lume partner request key issue --partner ${partner.partnerId}\`), and \`lume partner status --partner ${partner.partnerId}\` shows it`
              : ""),
        );
      }),
    );
}
