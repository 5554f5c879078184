import { resolve } from "node:path";
import anchor from "@coral-xyz/anchor";
import { PACKET_DATA_SIZE, SystemProgram } from "@solana/web3.js";
import { type Command, Option } from "commander";
import { UserError } from "../../entry/user-error.js";
import { chainUnixTime } from "../../sdk/clock.js";
import { eventCpiAccounts } from "../../sdk/events.js";
import { catalogueNames, fixedText } from "../../sdk/fixed-text.js";
import type { RoleName } from "../../sdk/pda.js";
import { checkNames, enumName, maskToIndices, snapshotPartner } from "../../sdk/snapshot.js";
import { readApplication } from "./application.js";
import { categoriesArg, intArg, protocolArg, textArg } from "./args.js";
import { type CliContext, hashFile } from "./context.js";
import { addActionOptions, proposeWith, specByName } from "./council.js";
import { keyFileCommand } from "./keys.js";
import { loadCatalogue, loadPartner, loadRegistry } from "./registry-reads.js";
import type { Action } from "./runner.js";
import { isoTime, orDash } from "./time-text.js";

const { BN } = anchor;
type Opts = Record<string, string | undefined>;

interface EndpointArgs {
  host: string;
  port: number;
  protocol: object;
  categories: InstanceType<typeof BN>;
}

/** The declareEndpoint instruction of endpoint #`index` of a partner, signed by the wallet. */
function declareEndpointMethod(
  ctx: CliContext,
  partnerAddress: anchor.web3.PublicKey,
  index: number,
  endpoint: EndpointArgs,
) {
  return ctx.program.methods
    .declareEndpoint(endpoint.host, endpoint.port, endpoint.protocol as never, endpoint.categories)
    .accountsStrict({
      ...eventCpiAccounts(ctx.program.programId),
      registry: ctx.addresses.registry(),
      partner: partnerAddress,
      endpoint: ctx.addresses.endpoint(partnerAddress, index),
      authority: ctx.wallet.publicKey,
      systemProgram: SystemProgram.programId,
    });
}

async function declareEndpoint(
  ctx: CliContext,
  partnerAddress: anchor.web3.PublicKey,
  endpoint: EndpointArgs,
): Promise<{ index: number; signature: string }> {
  const partner = await ctx.read("reading the partner", () => ctx.program.account.partner.fetch(partnerAddress));
  const index = partner.nextEndpointIndex;
  const signature = await ctx.send(`declare endpoint #${index} ${endpoint.host}:${endpoint.port}`, () =>
    declareEndpointMethod(ctx, partnerAddress, index, endpoint).rpc(),
  );
  return { index, signature };
}

/** An attestation as partner status shows it, or null when it has not happened. */
function attestationOf(
  by: { toBase58(): string },
  evidence: { hash: number[]; uri: { len: number; bytes: number[] } },
  at: { toNumber(): number },
): { by: string; at: string | null; evidenceUri: string; sha256: string } | null {
  if (at.toNumber() === 0) return null;
  return {
    by: by.toBase58(),
    at: isoTime(at),
    evidenceUri: fixedText(evidence.uri),
    sha256: Buffer.from(evidence.hash).toString("hex"),
  };
}

/** The options `addEvidenceOptions` adds. */
interface EvidenceOptions {
  evidenceFile?: string;
  evidenceUri?: string;
  uri?: string;
}

/** `partner declare-endpoint`'s options. */
interface DeclareEndpointOptions {
  partner: string;
  host: string;
  port: string;
  protocol: string;
  categories: string;
}

/** --evidence-file (hashed) and --evidence-uri (`--uri`, the older name, still read). */
function evidenceOf(opts: EvidenceOptions): { hash: number[]; uri: string } {
  if (opts.evidenceFile === undefined)
    throw new UserError("--evidence-file is required (its SHA-256 is recorded on chain)");
  const uri = textArg("--evidence-uri", opts.evidenceUri ?? opts.uri, 127);
  return { hash: Array.from(hashFile(opts.evidenceFile)), uri };
}

/** The evidence options of attestations and reviews, named as in `propose`. */
function addEvidenceOptions(command: Command, what: string): Command {
  return command
    .option("--evidence-file <path>", `${what} (hashed locally; required)`)
    .option("--evidence-uri <uri>", "where it can be fetched (required)")
    .addOption(new Option("--uri <uri>", "the older name of --evidence-uri").hideHelp());
}

/** The chain's clock (the Clock sysvar's unix_timestamp), as the program sees it. */
async function chainTime(ctx: CliContext): Promise<number> {
  return ctx.read("reading the clock", () => chainUnixTime(ctx.connection));
}

const ROLE_WORDS: Record<RoleName, string> = {
  legalVerifier: "legal verifier",
  technicalAuditor: "technical auditor",
  auditor: "auditor",
  guardian: "guardian",
  reportingNode: "reporting node",
};

/** Checks before sending that the wallet holds `role`: the program would only say its grant account is missing. */
async function requireRole(ctx: CliContext, role: RoleName): Promise<void> {
  const grant = await ctx.read("reading the role grant", () =>
    ctx.program.account.roleGrant.fetchNullable(ctx.addresses.role(role, ctx.wallet.publicKey)),
  );
  if (grant === null || !grant.active) {
    throw new UserError(
      `${ctx.wallet.publicKey.toBase58()} does not hold the ${ROLE_WORDS[role]} role${grant === null ? "" : " (it was revoked)"}: ` +
        `sign with the key the council granted it to (--keypair), or ask the council (\`lume propose grant-role --role ${ROLE_WORDS[role].replace(" ", "-")} --holder <address>\`)`,
    );
  }
}

export function registerPartner(program: Command, action: Action): void {
  const partner = program.command("partner").description("partner organisations: apply, endpoints, keys, status");

  partner
    .command("apply")
    .description("apply as a partner from a JSON application (schema: docs/cli.md), then declare its endpoints")
    .requiredOption("--file <application.json>", "the application")
    .action(
      action(async (ctx, opts: { file: string }) => {
        const { application: a, baseDir } = readApplication(opts.file);
        const { registry, catalogue } = await loadCatalogue(ctx);
        const categoryMask = (items: (string | number)[], where: string) =>
          categoriesArg(where, items.join(","), catalogue);
        const trafficModel = {
          allowedCategories: categoryMask(a.trafficModel.categories, `${opts.file}: trafficModel.categories`),
          maxRequestsPerSecond: a.trafficModel.maxRequestsPerSecond,
          burst: a.trafficModel.burst,
          maxBandwidthKbps: a.trafficModel.maxBandwidthKbps,
        };
        const endpoints = a.endpoints.map((e, i) => ({
          host: e.host,
          port: e.port,
          protocol: protocolArg(e.protocol),
          categories: categoryMask(e.categories, `${opts.file}: endpoints[${i}].categories`),
        }));
        const evidenceHash =
          a.evidence.sha256 !== undefined
            ? Buffer.from(a.evidence.sha256, "hex")
            : hashFile(resolve(baseDir, a.evidence.file!));
        const legalEntityIdHash = anchor.utils.sha256.hash(a.legalEntityId);
        const id = registry.partnerCount.toNumber();
        const address = ctx.addresses.partner(id);
        // One transaction: the application and every endpoint land together or not at all.
        const declares = await Promise.all(
          endpoints.map((e, index) => declareEndpointMethod(ctx, address, index, e).instruction()),
        );
        const builder = ctx.program.methods
          .apply(
            a.legalName,
            a.jurisdiction,
            Array.from(Buffer.from(legalEntityIdHash, "hex")),
            Array.from(evidenceHash),
            a.evidence.uri,
            trafficModel,
          )
          .accountsStrict({
            ...eventCpiAccounts(ctx.program.programId),
            registry: ctx.addresses.registry(),
            partner: address,
            authority: ctx.wallet.publicKey,
            systemProgram: SystemProgram.programId,
          })
          .postInstructions(declares);
        const tx = await builder.transaction();
        tx.feePayer = ctx.wallet.publicKey;
        tx.recentBlockhash = SystemProgram.programId.toBase58(); // placeholder: only the size is measured
        const size = tx.serializeMessage().length + 1 + 64;
        if (size > PACKET_DATA_SIZE) {
          throw new UserError(
            `${opts.file}: the application with ${endpoints.length} endpoints does not fit in one transaction (${size} > ${PACKET_DATA_SIZE} bytes): ` +
              "list fewer endpoints in the file and declare the others afterwards with `lume partner declare-endpoint`",
          );
        }
        const signature = await ctx.send(
          `apply as partner #${id} (${a.legalName}) with ${endpoints.length} endpoint(s)`,
          () => builder.rpc(),
        );
        const declared = endpoints.map((_, index) => ({ index, signature }));
        ctx.print({ partnerId: id, partner: address.toBase58(), signature, endpoints: declared }, () =>
          [
            `applied as partner #${id} (${address.toBase58()}), confirmed`,
            `  signature ${signature}`,
            ...declared.map((d) => `  endpoint #${d.index} declared in the same transaction`),
            "  next: a legal verifier attests (`lume attest legal`), then a technical auditor (`lume attest technical`), then the council approves",
          ].join("\n"),
        );
      }),
    );

  partner
    .command("declare-endpoint")
    .description("declare an endpoint before admission (the partner's authority)")
    .requiredOption("--partner <id|address>", "the partner")
    .requiredOption("--host <host>", "host name")
    .option("--port <port>", "port", "443")
    .option("--protocol <p>", "https | wss | quic | tcp", "https")
    .requiredOption("--categories <list>", "category names or indices")
    .action(
      action(async (ctx, opts: DeclareEndpointOptions) => {
        const [registry, { address }] = await Promise.all([loadRegistry(ctx), loadPartner(ctx, opts.partner)]);
        const declared = await declareEndpoint(ctx, address, {
          host: textArg("--host", opts.host, 63),
          port: intArg("--port", opts.port, 1, 65_535),
          protocol: protocolArg(opts.protocol),
          categories: categoriesArg("--categories", opts.categories, catalogueNames(registry)),
        });
        ctx.print(
          declared,
          () =>
            `endpoint #${declared.index} declared, confirmed\n  signature ${declared.signature}\n` +
            "  next: declare the other endpoints, then a legal verifier attests (`lume attest legal`)",
        );
      }),
    );

  const request = partner
    .command("request")
    .description("ask the council for a change to your own partner (creates a proposal)");
  const endpoint = request.command("endpoint").description("endpoint changes");
  const key = request.command("key").description("infrastructure key changes");
  const requests: [Command, string, string][] = [
    [endpoint, "add", "add-endpoint"],
    [endpoint, "remove", "remove-endpoint"],
    [key, "issue", "issue-key"],
    [key, "revoke", "revoke-key"],
  ];
  for (const [parent, name, specName] of requests) {
    const spec = specByName(specName);
    addActionOptions(parent.command(name).description(`request: ${spec.summary}`), spec, true).action(
      action((ctx, opts: Opts) => proposeWith(ctx, spec, opts)),
    );
  }
  request
    .command("traffic-model")
    .description("request a new traffic model")
    .requiredOption("--partner <id|address>", "the partner")
    .option("--categories <list>", "")
    .option("--max-rps <n>", "")
    .option("--burst <n>", "")
    .option("--max-kbps <n>", "")
    .option("--evidence-file <path>", "")
    .option("--evidence-uri <uri>", "")
    .action(action((ctx, opts: Opts) => proposeWith(ctx, specByName("set-traffic-model"), opts)));

  keyFileCommand(
    partner
      .command("keys")
      .description("infrastructure keys")
      .command("generate")
      .description("write a new ed25519 infrastructure key file (Solana CLI format) and print its public key"),
    action,
    "infrastructure key",
    (file) => `\`lume partner request key issue --partner <id> --key-file ${file}\``,
  );

  partner
    .command("status")
    .description("a partner's status, admission stage, traffic model, endpoints and keys")
    .requiredOption("--partner <id|address>", "the partner")
    .action(
      action(async (ctx, opts: { partner: string }) => {
        const { catalogue } = await loadCatalogue(ctx);
        const { address, partner: p } = await loadPartner(ctx, opts.partner);
        const [endpoints, keys] = await Promise.all([
          ctx.read("reading endpoints", () =>
            ctx.program.account.endpoint.all([{ memcmp: { offset: 10, bytes: address.toBase58() } }]),
          ),
          ctx.read("reading keys", () =>
            ctx.program.account.infraKey.all([{ memcmp: { offset: 10, bytes: address.toBase58() } }]),
          ),
        ]);
        const names = (mask: { toString(): string }) =>
          maskToIndices(BigInt(mask.toString())).map((i) => catalogue[i] ?? `#${i}`);
        // The SDK's read model (what nodes verify against), then what only this view shows.
        const { id, authority, legalName, stage, status, trafficModel } = snapshotPartner(address, p);
        const { allowedCategories, ...limits } = trafficModel;
        const data = {
          id,
          address: address.toBase58(),
          authority,
          legalName,
          jurisdiction: fixedText(p.jurisdiction),
          stage,
          status,
          trafficModel: { categories: allowedCategories.map((i) => catalogue[i] ?? `#${i}`), ...limits },
          nextReviewAt: isoTime(p.nextReviewAt),
          suspensionExpiresAt: isoTime(p.suspensionExpiresAt),
          attestations: {
            legal: attestationOf(p.legalVerifier, p.legalEvidence, p.legalAttestedAt),
            technical: attestationOf(p.technicalAuditor, p.technicalEvidence, p.technicalAttestedAt),
          },
          /** Re-verifications owed since admission, their deadline and the status the partner returns to. */
          reverification:
            p.pendingChecks === 0
              ? null
              : {
                  pendingChecks: checkNames(p.pendingChecks),
                  deadline: isoTime(p.reverificationDeadline),
                  thenStatus: enumName<string>(p.statusBeforeReverification),
                },
          endpointSetVersion: p.endpointSetVersion,
          /** The set version the technical auditor attested (0: none yet); only it can be admitted. */
          technicallyAttestedSetVersion: p.technicalEndpointSetVersion,
          endpoints: endpoints
            .map(({ account: e }) => ({
              index: e.index,
              host: fixedText(e.host),
              port: e.port,
              protocol: enumName<string>(e.protocol),
              categories: names(e.categories),
              status: enumName<string>(e.status),
              /** Added or changed after admission, not yet attested by a technical audit: nodes refuse it. */
              pendingAudit:
                enumName<string>(p.stage) === "admitted" &&
                enumName<string>(e.status) === "active" &&
                Math.max(e.addedInVersion, e.changedInVersion) > p.technicalEndpointSetVersion,
            }))
            .sort((a, b) => a.index - b.index),
          keys: keys
            .map(({ account: k }) => ({
              index: k.index,
              publicKey: new anchor.web3.PublicKey(Buffer.from(k.publicKey)).toBase58(),
              endpoints: k.endpointCount === 0 ? "all" : k.endpoints.slice(0, k.endpointCount).join(","),
              validFrom: isoTime(k.validFrom),
              validUntil: isoTime(k.validUntil),
              status: enumName<string>(k.status),
            }))
            .sort((a, b) => a.index - b.index),
        };
        ctx.print(data, () =>
          [
            `partner #${data.id} ${data.legalName} (${data.jurisdiction}) ${data.address}`,
            `  status ${data.status}, stage ${data.stage}, next review ${orDash(data.nextReviewAt)}${data.suspensionExpiresAt === null ? "" : `, suspension until ${data.suspensionExpiresAt}`}`,
            ...(["legal", "technical"] as const).map((kind) => {
              const a = data.attestations[kind];
              return a === null
                ? `  ${kind} verification: not yet`
                : `  ${kind} verification: by ${a.by} at ${a.at}, evidence ${a.evidenceUri} sha256 ${a.sha256}`;
            }),
            ...(data.reverification === null
              ? []
              : [
                  `  re-verification pending: ${data.reverification.pendingChecks.join(", ")}, due ${orDash(data.reverification.deadline)} (then ${data.reverification.thenStatus}; overdue after it)`,
                ]),
            `  traffic model: ${data.trafficModel.categories.join(", ")}; ${data.trafficModel.maxRequestsPerSecond} req/s, burst ${data.trafficModel.burst}, ${data.trafficModel.maxBandwidthKbps} kbit/s`,
            `  endpoints (set version ${data.endpointSetVersion}; technical audit attested version ${data.technicallyAttestedSetVersion}):`,
            ...data.endpoints.map(
              (e) =>
                `    #${e.index} ${e.protocol}://${e.host}:${e.port} [${e.categories.join(", ")}] ${e.status}${e.pendingAudit ? ", pending audit (nodes refuse it until a technical auditor attests the set)" : ""}`,
            ),
            "  keys:",
            ...(data.keys.length === 0
              ? ["    (none)"]
              : data.keys.map(
                  (k) =>
                    `    #${k.index} ${k.publicKey} endpoints ${k.endpoints} ${orDash(k.validFrom)} .. ${orDash(k.validUntil)} ${k.status}`,
                )),
          ].join("\n"),
        );
      }),
    );

  // --- verifiers and auditors ---------------------------------------------------------------
  const attest = program
    .command("attest")
    .description(
      "record a verification of an applicant, or a re-verification an admitted partner owes (accredited verifiers)",
    );
  for (const kind of ["legal", "technical"] as const) {
    addEvidenceOptions(
      attest
        .command(kind)
        .description(`record the ${kind} verification: the evidence file's SHA-256 and its URI`)
        .requiredOption("--partner <id|address>", "the applicant"),
      "the report",
    ).action(
      action(async (ctx, opts: EvidenceOptions & { partner: string }) => {
        const { address } = await loadPartner(ctx, opts.partner);
        const evidence = evidenceOf(opts);
        const role = kind === "legal" ? "legalVerifier" : "technicalAuditor";
        await requireRole(ctx, role);
        const accounts = {
          registry: ctx.addresses.registry(),
          partner: address,
          verifier: ctx.wallet.publicKey,
          roleGrant: ctx.addresses.role(role, ctx.wallet.publicKey),
          ...eventCpiAccounts(ctx.program.programId),
        };
        const builder =
          kind === "legal"
            ? ctx.program.methods.attestLegal(evidence.hash, evidence.uri)
            : ctx.program.methods.attestTechnical(evidence.hash, evidence.uri);
        const signature = await ctx.send(`attest ${kind} verification of ${address.toBase58()}`, () =>
          builder.accountsStrict(accounts).rpc(),
        );
        const after = await ctx.read("reading the partner", () => ctx.program.account.partner.fetch(address));
        ctx.print(
          {
            partner: address.toBase58(),
            kind,
            sha256: Buffer.from(evidence.hash).toString("hex"),
            uri: evidence.uri,
            stage: enumName<string>(after.stage),
            status: enumName<string>(after.status),
            pendingChecks: checkNames(after.pendingChecks),
            signature,
          },
          () =>
            enumName<string>(after.stage) === "admitted"
              ? `${kind} re-verification recorded, confirmed: status now ${enumName<string>(after.status)}` +
                `${after.pendingChecks === 0 ? "" : `, still pending: ${checkNames(after.pendingChecks).join(", ")}`}\n` +
                `  evidence sha256 ${Buffer.from(evidence.hash).toString("hex")} ${evidence.uri}\n  signature ${signature}`
              : `${kind} verification recorded, confirmed: stage now ${enumName<string>(after.stage)}\n  evidence sha256 ${Buffer.from(evidence.hash).toString("hex")} ${evidence.uri}\n  signature ${signature}\n` +
                (kind === "legal"
                  ? `  next: a technical auditor attests (\`lume attest technical --partner ${after.partnerId}\`)`
                  : `  next: a council member proposes admission (\`lume propose approve-partner --partner ${after.partnerId}\`)`),
        );
      }),
    );
  }

  const review = program
    .command("review")
    .description("periodic re-evaluations (auditors)")
    .command("record")
    .description("record a review of a partner: passed | concerns | failed")
    .requiredOption("--partner <id|address>", "the partner")
    .requiredOption("--outcome <outcome>", "passed | concerns | failed");
  addEvidenceOptions(review, "the review report").action(
    action(async (ctx, opts: EvidenceOptions & { partner: string; outcome: string }) => {
      if (!["passed", "concerns", "failed"].includes(opts.outcome))
        throw new UserError(`--outcome must be passed, concerns or failed; got "${opts.outcome}"`);
      const { address } = await loadPartner(ctx, opts.partner);
      const evidence = evidenceOf(opts);
      await requireRole(ctx, "auditor");
      const signature = await ctx.send(`record review (${opts.outcome}) of ${address.toBase58()}`, () =>
        ctx.program.methods
          .recordReview({ [opts.outcome]: {} } as never, evidence.hash, evidence.uri)
          .accountsStrict({
            ...eventCpiAccounts(ctx.program.programId),
            registry: ctx.addresses.registry(),
            partner: address,
            auditor: ctx.wallet.publicKey,
            roleGrant: ctx.addresses.role("auditor", ctx.wallet.publicKey),
          })
          .rpc(),
      );
      const after = await ctx.read("reading the partner", () => ctx.program.account.partner.fetch(address));
      ctx.print(
        {
          partner: address.toBase58(),
          outcome: opts.outcome,
          status: enumName<string>(after.status),
          nextReviewAt: isoTime(after.nextReviewAt),
          signature,
        },
        () =>
          `review recorded, confirmed: partner now ${enumName<string>(after.status)}, next review ${orDash(isoTime(after.nextReviewAt))}\n  signature ${signature}`,
      );
    }),
  );

  // --- nodes and guardians ------------------------------------------------------------------
  program
    .command("report")
    .description("reports by reporting nodes")
    .command("deviation")
    .description("report traffic that deviates from a partner's declared model")
    .requiredOption("--partner <id|address>", "the partner")
    .requiredOption("--category <name|index>", "the request category concerned")
    .requiredOption("--observed <n>", "the observed figure (requests/s, kbit/s, ... as the evidence explains)")
    .option("--evidence-file <path>", "measurements (hashed locally)")
    .action(
      action(async (ctx, opts: { partner: string; category: string; observed: string; evidenceFile?: string }) => {
        const [registry, { address, partner: p }] = await Promise.all([
          loadRegistry(ctx),
          loadPartner(ctx, opts.partner),
        ]);
        const catalogue = catalogueNames(registry);
        const category = /^\d+$/.test(opts.category) ? Number(opts.category) : catalogue.indexOf(opts.category);
        if (category < 0 || category >= catalogue.length)
          throw new UserError(
            `--category: unknown category "${opts.category}" (the catalogue: ${catalogue.join(", ")})`,
          );
        const observed = intArg("--observed", opts.observed, 0, Number.MAX_SAFE_INTEGER);
        const hash = opts.evidenceFile === undefined ? Buffer.alloc(32) : hashFile(opts.evidenceFile);
        await requireRole(ctx, "reportingNode");
        // The window the report counts in: the partner's current one, or a new one from now (as the program decides).
        const now = await chainTime(ctx);
        const start = p.deviationWindowStart.toNumber();
        const windowStart = now >= start + registry.policy.deviationWindowSeconds ? now : start;
        const report = ctx.addresses.deviation(address, ctx.wallet.publicKey, windowStart);
        const signature = await ctx.send(
          `report a deviation of ${address.toBase58()} (${catalogue[category]}: ${observed})`,
          () =>
            ctx.program.methods
              .reportDeviation(category, new BN(observed), Array.from(hash))
              .accountsStrict({
                ...eventCpiAccounts(ctx.program.programId),
                registry: ctx.addresses.registry(),
                partner: address,
                report,
                reporter: ctx.wallet.publicKey,
                roleGrant: ctx.addresses.role("reportingNode", ctx.wallet.publicKey),
                systemProgram: SystemProgram.programId,
              })
              .rpc(),
        );
        const after = await ctx.read("reading the partner", () => ctx.program.account.partner.fetch(address));
        ctx.print(
          {
            partner: address.toBase58(),
            report: report.toBase58(),
            deviationCount: after.deviationCount,
            status: enumName<string>(after.status),
            signature,
          },
          () =>
            `deviation reported, confirmed: ${after.deviationCount} report(s) in the window, partner ${enumName<string>(after.status)}\n  signature ${signature}`,
        );
      }),
    );

  program
    .command("guardian")
    .description("emergency actions (guardians)")
    .command("suspend")
    .description("suspend a partner at once (lapses after the policy's limit unless the council ratifies it)")
    .requiredOption("--partner <id|address>", "the partner")
    .requiredOption("--reason <text>", "why")
    .action(
      action(async (ctx, opts: { partner: string; reason: string }) => {
        const { address } = await loadPartner(ctx, opts.partner);
        await requireRole(ctx, "guardian");
        const signature = await ctx.send(`guardian-suspend ${address.toBase58()}`, () =>
          ctx.program.methods
            .guardianSuspend(textArg("--reason", opts.reason, 127))
            .accountsStrict({
              ...eventCpiAccounts(ctx.program.programId),
              registry: ctx.addresses.registry(),
              partner: address,
              guardian: ctx.wallet.publicKey,
              roleGrant: ctx.addresses.role("guardian", ctx.wallet.publicKey),
            })
            .rpc(),
        );
        const after = await ctx.read("reading the partner", () => ctx.program.account.partner.fetch(address));
        ctx.print(
          {
            partner: address.toBase58(),
            status: enumName<string>(after.status),
            until: isoTime(after.suspensionExpiresAt),
            signature,
          },
          () =>
            `partner suspended, confirmed, until ${orDash(isoTime(after.suspensionExpiresAt))} unless the council ratifies (\`lume propose suspend\`)\n  signature ${signature}`,
        );
      }),
    );
}
