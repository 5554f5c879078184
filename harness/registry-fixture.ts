// A registry initialized in a test runtime, with a council of keypairs and short-hands for
// every instruction, so lifecycle tests read as the steps they check. Every send goes
// through Anchor's client (built from the IDL) and returns the runtime's TxResult (logs,
// compute units, custom error code) without throwing.
import anchor, { type IdlEvents } from "@coral-xyz/anchor";
import { type AccountMeta, Keypair, type PublicKey, type Transaction } from "@solana/web3.js";
import { eventCpiAccounts } from "../app/src/sdk/events.js";
import type { LumeRegistry } from "../app/src/sdk/idl.js";
import { ROLE_NAMES, type RoleName, registryAddresses } from "../app/src/sdk/pda.js";
import { handoverAccounts } from "../app/src/sdk/program-governance.js";
import { HistoryReplay, programEvents, recordingRuntime } from "./history.js";
import { decodeEvents } from "./idl.js";
import {
  DEFAULT_POLICY,
  initializeAccounts,
  type PolicyArgs,
  PROGRAM_ID,
  type RegistryProgram,
  registryAddress,
  registryClient,
  registryErrorCode,
} from "./program.js";
import type { TestRuntime, TxResult } from "./types.js";

const { BN } = anchor;
type BNType = InstanceType<typeof BN>;

export const ROLES = ROLE_NAMES;
export type { RoleName };

/** A ProposalAction as Anchor's client encodes it, e.g. `{ approvePartner: { endpointSetVersion: 1 } }`. */
export type ProposalActionArg = Record<string, Record<string, unknown>>;

export interface TrafficModelArg {
  allowedCategories: BNType;
  maxRequestsPerSecond: number;
  burst: number;
  maxBandwidthKbps: number;
}

export interface EndpointArg {
  host: string;
  port: number;
  protocol:
    | { https: Record<string, never> }
    | { wss: Record<string, never> }
    | { quic: Record<string, never> }
    | { tcp: Record<string, never> };
  categories: BNType;
}

/**
 * Each derivation remembered by its arguments: finding a bump costs curve checks, and the
 * model fuzzer derives the same few hundred addresses thousands of times.
 */
function memoized<T extends object>(derivations: T): T {
  const cache = new Map<string, PublicKey>();
  const wrapped: Record<string, (...args: unknown[]) => PublicKey> = {};
  for (const [name, derive] of Object.entries(derivations) as [string, (...args: unknown[]) => PublicKey][]) {
    wrapped[name] = (...args) => {
      const key = `${name}:${args.map(String).join(":")}`;
      let found = cache.get(key);
      if (found === undefined) {
        found = derive(...args);
        cache.set(key, found);
      }
      return found;
    };
  }
  return wrapped as T;
}

/** Addresses of every account the program owns (the SDK's derivations). */
export const addresses = memoized(registryAddresses(PROGRAM_ID));

export const DEFAULT_TRAFFIC_MODEL = (): TrafficModelArg => ({
  allowedCategories: new BN(0b111),
  maxRequestsPerSecond: 500,
  burst: 100,
  maxBandwidthKbps: 100_000,
});

export const DEFAULT_ENDPOINT = (host = "api.partner.example"): EndpointArg => ({
  host,
  port: 443,
  protocol: { https: {} },
  categories: new BN(0b011),
});

export interface FixtureOptions {
  councilSize?: number;
  threshold?: number;
  timeLockSeconds?: number;
  policy?: PolicyArgs;
  categories?: string[];
}

export interface PartnerHandle {
  id: number;
  address: PublicKey;
  authority: Keypair;
}

export class RegistryFixture {
  readonly program: RegistryProgram;

  private constructor(
    readonly rt: TestRuntime,
    readonly upgradeAuthority: Keypair,
    readonly council: Keypair[],
    readonly options: Required<FixtureOptions>,
  ) {
    this.program = registryClient(rt);
  }

  /** Initializes the registry in `rt` (which must have the program deployed with `upgradeAuthority`). */
  static create(rt: TestRuntime, upgradeAuthority: Keypair, options: FixtureOptions = {}): Promise<RegistryFixture> {
    return RegistryFixture.createWithMembers(rt, upgradeAuthority, [], options);
  }

  /**
   * Like `create`, with `extraMembers` (e.g. PDAs of other programs that approve through
   * CPI) appended to the council after the keypair members; `council` holds the keypairs.
   */
  static async createWithMembers(
    rt: TestRuntime,
    upgradeAuthority: Keypair,
    extraMembers: PublicKey[],
    options: FixtureOptions = {},
  ): Promise<RegistryFixture> {
    const resolved: Required<FixtureOptions> = {
      councilSize: options.councilSize ?? 3,
      threshold: options.threshold ?? 2,
      timeLockSeconds: options.timeLockSeconds ?? 3_600,
      policy: options.policy ?? { ...DEFAULT_POLICY },
      categories: options.categories ?? ["api-read", "api-write", "content-fetch", "price-feed"],
    };
    const council = Array.from({ length: resolved.councilSize }, () => Keypair.generate());
    const fixture = new RegistryFixture(rt, upgradeAuthority, council, resolved);
    await fixture.fund(upgradeAuthority, ...council);
    const members = [...council.map((k) => k.publicKey), ...extraMembers];
    const result = await fixture.send(
      fixture.program.methods
        .initializeRegistry(members, resolved.threshold, resolved.timeLockSeconds, resolved.policy, resolved.categories)
        .accountsStrict(initializeAccounts(upgradeAuthority.publicKey))
        .transaction(),
      [upgradeAuthority],
    );
    fixture.assertOk(result, "initialize_registry");
    return fixture;
  }

  /** Gives each keypair 10 SOL. */
  async fund(...keys: Keypair[]): Promise<void> {
    for (const key of keys) await this.rt.airdrop(key.publicKey, 10_000_000_000n);
  }

  /** A funded new keypair. */
  async newSigner(): Promise<Keypair> {
    const key = Keypair.generate();
    await this.fund(key);
    return key;
  }

  /** Sends a transaction built by Anchor; never throws for on-chain failures. */
  async send(tx: Promise<Transaction>, signers: Keypair[]): Promise<TxResult> {
    return this.rt.sendRaw(await tx, signers);
  }

  assertOk(result: TxResult, what: string): void {
    if (!result.ok) throw new Error(`${what} failed: ${result.err?.description}\n${result.logs.join("\n")}`);
  }

  /** Throws unless `result` failed with the registry error `name`. */
  assertError(result: TxResult, name: string): void {
    const expected = registryErrorCode(name);
    if (result.ok) throw new Error(`expected ${name}, but the transaction succeeded`);
    if (result.err?.code !== expected) {
      throw new Error(
        `expected ${name} (${expected}), got ${result.err?.code ?? result.err?.description}\n${result.logs.join("\n")}`,
      );
    }
  }

  async registry() {
    return this.program.account.registry.fetch(registryAddress());
  }
  async partner(address: PublicKey) {
    return this.program.account.partner.fetch(address);
  }
  async proposal(id: number | bigint) {
    return this.program.account.proposal.fetch(addresses.proposal(id));
  }

  /** Moves the clock forward by `seconds`. */
  async warp(seconds: number): Promise<void> {
    const clock = await this.rt.getClock();
    await this.rt.warpTo(clock.unixTimestamp + BigInt(seconds));
  }

  // --- admission -------------------------------------------------------------------------

  applyTx(
    authority: PublicKey,
    id: number,
    overrides: Partial<{
      legalName: string;
      jurisdiction: string;
      trafficModel: TrafficModelArg;
      evidenceUri: string;
    }> = {},
  ) {
    return this.program.methods
      .apply(
        overrides.legalName ?? `Partner ${id} GmbH`,
        overrides.jurisdiction ?? "DE",
        Array.from(Buffer.alloc(32, id + 1)),
        Array.from(Buffer.alloc(32, 0xee)),
        overrides.evidenceUri ?? `https://evidence.example/${id}`,
        overrides.trafficModel ?? DEFAULT_TRAFFIC_MODEL(),
      )
      .accountsStrict({
        ...eventCpiAccounts(this.program.programId),
        registry: registryAddress(),
        partner: addresses.partner(id),
        authority,
        systemProgram: anchor.web3.SystemProgram.programId,
      })
      .transaction();
  }

  /** Applies with a fresh authority; returns the new partner. */
  async apply(overrides: Parameters<RegistryFixture["applyTx"]>[2] = {}): Promise<PartnerHandle> {
    const authority = await this.newSigner();
    const id = (await this.registry()).partnerCount.toNumber();
    this.assertOk(await this.send(this.applyTx(authority.publicKey, id, overrides), [authority]), "apply");
    return { id, address: addresses.partner(id), authority };
  }

  async declareEndpoint(partner: PartnerHandle, endpoint: EndpointArg = DEFAULT_ENDPOINT()): Promise<TxResult> {
    const index = (await this.partner(partner.address)).nextEndpointIndex;
    return this.send(
      this.program.methods
        .declareEndpoint(endpoint.host, endpoint.port, endpoint.protocol, endpoint.categories)
        .accountsStrict({
          ...eventCpiAccounts(this.program.programId),
          registry: registryAddress(),
          partner: partner.address,
          endpoint: addresses.endpoint(partner.address, index),
          authority: partner.authority.publicKey,
          systemProgram: anchor.web3.SystemProgram.programId,
        })
        .transaction(),
      [partner.authority],
    );
  }

  async attest(
    kind: "legal" | "technical",
    partner: PublicKey,
    verifier: Keypair,
    role: RoleName = kind === "legal" ? "legalVerifier" : "technicalAuditor",
  ): Promise<TxResult> {
    const accounts = {
      registry: registryAddress(),
      partner,
      verifier: verifier.publicKey,
      roleGrant: addresses.role(role, verifier.publicKey),
      ...eventCpiAccounts(this.program.programId),
    };
    const builder =
      kind === "legal"
        ? this.program.methods.attestLegal(Array.from(Buffer.alloc(32, 0xab)), "https://verifier.example/report.pdf")
        : this.program.methods.attestTechnical(Array.from(Buffer.alloc(32, 0xcd)), "https://auditor.example/audit.pdf");
    return this.send(builder.accountsStrict(accounts).transaction(), [verifier]);
  }

  // --- proposals -------------------------------------------------------------------------

  /** Proposes `action`; returns the result and the proposal id it got (if it succeeded). */
  async propose(
    proposer: Keypair,
    action: ProposalActionArg,
    partner: PublicKey | null = null,
  ): Promise<{ result: TxResult; id: number }> {
    const id = (await this.registry()).proposalCount.toNumber();
    const result = await this.send(
      this.program.methods
        .propose(action as never, Array.from(Buffer.alloc(32)), "")
        .accountsStrict({
          ...eventCpiAccounts(this.program.programId),
          registry: registryAddress(),
          proposal: addresses.proposal(id),
          proposer: proposer.publicKey,
          partner: partner ?? PROGRAM_ID,
          systemProgram: anchor.web3.SystemProgram.programId,
        })
        .transaction(),
      [proposer],
    );
    return { result, id };
  }

  async vote(kind: "approve" | "reject", member: Keypair, id: number): Promise<TxResult> {
    const accounts = {
      registry: registryAddress(),
      proposal: addresses.proposal(id),
      member: member.publicKey,
      ...eventCpiAccounts(this.program.programId),
    };
    const builder = kind === "approve" ? this.program.methods.approve() : this.program.methods.reject();
    return this.send(builder.accountsStrict(accounts).transaction(), [member]);
  }

  async cancel(proposer: Keypair, id: number): Promise<TxResult> {
    return this.send(
      this.program.methods
        .cancel()
        .accountsStrict({
          ...eventCpiAccounts(this.program.programId),
          registry: registryAddress(),
          proposal: addresses.proposal(id),
          proposer: proposer.publicKey,
        })
        .transaction(),
      [proposer],
    );
  }

  /** The `execute` of proposal `id` by `executor`, passing `remaining` (writable) after the fixed accounts. */
  executeTx(id: number, executor: PublicKey, remaining: PublicKey[] = []): Promise<Transaction> {
    const metas: AccountMeta[] = remaining.map((pubkey) => ({ pubkey, isSigner: false, isWritable: true }));
    return this.program.methods
      .execute()
      .accountsStrict({
        ...eventCpiAccounts(this.program.programId),
        registry: registryAddress(),
        proposal: addresses.proposal(id),
        executor,
        systemProgram: anchor.web3.SystemProgram.programId,
      })
      .remainingAccounts(metas)
      .transaction();
  }

  /** Executes proposal `id` (by council member 0 unless `executor` is given). */
  async execute(id: number, remaining: PublicKey[] = [], executor?: Keypair): Promise<TxResult> {
    const signer = executor ?? this.council[0]!;
    return this.send(this.executeTx(id, signer.publicKey, remaining), [signer]);
  }

  /** Proposes by council member 0, approves up to the threshold, waits out the time lock. */
  async approved(action: ProposalActionArg, partner: PublicKey | null = null, proposer?: Keypair): Promise<number> {
    const { result, id } = await this.propose(proposer ?? this.council[0]!, action, partner);
    this.assertOk(result, "propose");
    for (const member of this.council.slice(0, this.options.threshold)) {
      this.assertOk(await this.vote("approve", member, id), "approve");
    }
    await this.warp(this.options.timeLockSeconds);
    return id;
  }

  /** `approved` then `execute`; returns the execute result. */
  async pass(
    action: ProposalActionArg,
    partner: PublicKey | null = null,
    remaining: PublicKey[] = [],
  ): Promise<TxResult> {
    const id = await this.approved(action, partner);
    return this.execute(id, remaining);
  }

  /** Grants `role` to a fresh funded keypair through the council; returns it. */
  async grantRole(role: RoleName, holder?: Keypair): Promise<Keypair> {
    const key = holder ?? (await this.newSigner());
    const result = await this.pass({ grantRole: { role: { [role]: {} }, holder: key.publicKey } }, null, [
      addresses.role(role, key.publicKey),
    ]);
    this.assertOk(result, `grant ${role}`);
    return key;
  }

  /**
   * Issues `key` as the partner's key #`index` through the council, valid for a year from an hour
   * before the wall clock: the chain's clock runs ahead after the time-lock travel, and a node
   * checking requests at wall-clock time must accept the key.
   */
  async issueKeyValidNow(partner: PublicKey, key: Keypair, index: number): Promise<void> {
    const action = {
      issueKey: {
        publicKey: Array.from(key.publicKey.toBuffer()),
        endpoints: [],
        validFrom: new BN(Math.floor(Date.now() / 1000) - 3_600),
        validUntil: new BN((await this.now()) + 365 * 86_400),
        replaces: null,
      },
    };
    this.assertOk(await this.pass(action, partner, [partner, addresses.key(partner, index)]), "issue key");
  }

  /** A partner walked through the whole admission: applied, one endpoint, both attestations, approved. */
  async admittedPartner(): Promise<PartnerHandle> {
    const partner = await this.apply();
    this.assertOk(await this.declareEndpoint(partner), "declare_endpoint");
    const legal = await this.grantRole("legalVerifier");
    const technical = await this.grantRole("technicalAuditor");
    this.assertOk(await this.attest("legal", partner.address, legal), "attest_legal");
    this.assertOk(await this.attest("technical", partner.address, technical), "attest_technical");
    const version = (await this.partner(partner.address)).endpointSetVersion;
    this.assertOk(
      await this.pass({ approvePartner: { endpointSetVersion: version } }, partner.address, [partner.address]),
      "approve partner",
    );
    return partner;
  }

  // --- reads and monitoring ----------------------------------------------------------------

  /** The runtime clock's unix timestamp. */
  async now(): Promise<number> {
    return Number((await this.rt.getClock()).unixTimestamp);
  }

  /** The registry's events in a transaction (its inner instructions), decoded by Anchor's coder. */
  events(result: TxResult): { name: string; data: unknown }[] {
    return decodeEvents(this.program, programEvents(result));
  }

  /** The data of the one event `result` emitted, checking its name (camelCase, as Anchor gives it). */
  event<N extends keyof IdlEvents<LumeRegistry>>(result: TxResult, name: N): IdlEvents<LumeRegistry>[N] {
    const events = this.events(result);
    if (events.length !== 1 || events[0]!.name !== name) {
      throw new Error(`expected one ${name} event, got [${events.map((e) => e.name).join(", ")}]`);
    }
    return events[0]!.data as IdlEvents<LumeRegistry>[N];
  }

  async endpoint(partner: PublicKey, index: number) {
    return this.program.account.endpoint.fetch(addresses.endpoint(partner, index));
  }
  async key(partner: PublicKey, index: number) {
    return this.program.account.infraKey.fetch(addresses.key(partner, index));
  }
  async roleGrant(role: RoleName, holder: PublicKey) {
    return this.program.account.roleGrant.fetch(addresses.role(role, holder));
  }

  /** Makes the fixture's `approved`/`pass` use a new council (after an executed SetCouncil). */
  adoptCouncil(members: Keypair[], threshold: number): void {
    this.council.splice(0, this.council.length, ...members);
    this.options.threshold = threshold;
  }

  /** `record_review` by `auditor` (its grant for `role`, or `roleGrant` if given). */
  async recordReview(
    auditor: Keypair,
    partner: PublicKey,
    outcome: "passed" | "concerns" | "failed",
    options: { evidenceUri?: string; roleGrant?: PublicKey } = {},
  ): Promise<TxResult> {
    return this.send(
      this.program.methods
        .recordReview(
          { [outcome]: {} } as never,
          Array.from(Buffer.alloc(32, 0x5e)),
          options.evidenceUri ?? "https://audit.example/review.pdf",
        )
        .accountsStrict({
          ...eventCpiAccounts(this.program.programId),
          registry: registryAddress(),
          partner,
          auditor: auditor.publicKey,
          roleGrant: options.roleGrant ?? addresses.role("auditor", auditor.publicKey),
        })
        .transaction(),
      [auditor],
    );
  }

  /** `mark_review_overdue`, run by any signer. */
  async markReviewOverdue(caller: Keypair, partner: PublicKey): Promise<TxResult> {
    return this.sendByAnySigner("markReviewOverdue", caller, partner);
  }

  /** An instruction on `partner` that any signer may run (its only account besides the registry's). */
  private sendByAnySigner(
    method: "markReviewOverdue" | "liftGuardianSuspension",
    caller: Keypair,
    partner: PublicKey,
  ): Promise<TxResult> {
    return this.send(
      this.program.methods[method]()
        .accountsStrict({
          ...eventCpiAccounts(this.program.programId),
          registry: registryAddress(),
          partner,
          caller: caller.publicKey,
        })
        .transaction(),
      [caller],
    );
  }

  /** `guardian_suspend` by `guardian` (its guardian grant, or `roleGrant` if given). */
  async guardianSuspend(
    guardian: Keypair,
    partner: PublicKey,
    reason = "emergency",
    roleGrant?: PublicKey,
  ): Promise<TxResult> {
    return this.send(
      this.program.methods
        .guardianSuspend(reason)
        .accountsStrict({
          ...eventCpiAccounts(this.program.programId),
          registry: registryAddress(),
          partner,
          guardian: guardian.publicKey,
          roleGrant: roleGrant ?? addresses.role("guardian", guardian.publicKey),
        })
        .transaction(),
      [guardian],
    );
  }

  /** `lift_guardian_suspension`, run by any signer. */
  async liftGuardianSuspension(caller: Keypair, partner: PublicKey): Promise<TxResult> {
    return this.sendByAnySigner("liftGuardianSuspension", caller, partner);
  }

  /**
   * The deviation window a report sent now counts in: the partner's current window, or a
   * new one starting now once the current one is over (as `report_deviation` decides).
   */
  async deviationWindowStart(partner: PublicKey): Promise<number> {
    const [data, registry, now] = await Promise.all([this.partner(partner), this.registry(), this.now()]);
    const start = data.deviationWindowStart.toNumber();
    return now >= start + registry.policy.deviationWindowSeconds ? now : start;
  }

  /** `report_deviation` by `reporter`; the report PDA is the current window's unless given. */
  async reportDeviation(
    reporter: Keypair,
    partner: PublicKey,
    category: number,
    observed: number,
    options: { report?: PublicKey; roleGrant?: PublicKey } = {},
  ): Promise<{ result: TxResult; report: PublicKey }> {
    const report =
      options.report ?? addresses.deviation(partner, reporter.publicKey, await this.deviationWindowStart(partner));
    const result = await this.send(
      this.program.methods
        .reportDeviation(category, new BN(observed), Array.from(Buffer.alloc(32, 0xde)))
        .accountsStrict({
          ...eventCpiAccounts(this.program.programId),
          registry: registryAddress(),
          partner,
          report,
          reporter: reporter.publicKey,
          roleGrant: options.roleGrant ?? addresses.role("reportingNode", reporter.publicKey),
          systemProgram: anchor.web3.SystemProgram.programId,
        })
        .transaction(),
      [reporter],
    );
    return { result, report };
  }

  // --- the program's code (issue 14) -----------------------------------------------------

  /** `handover_upgrade_authority` signed by `signer` (the deployer, unless given). */
  async handover(signer: Keypair = this.upgradeAuthority): Promise<TxResult> {
    return this.send(
      this.program.methods
        .handoverUpgradeAuthority()
        .accountsStrict(handoverAccounts(signer.publicKey, this.program.programId))
        .transaction(),
      [signer],
    );
  }

  /** `report_version`: the line the running build logs ("lume-registry <version>"). */
  async reportVersion(): Promise<{ result: TxResult; line: string | undefined }> {
    const result = await this.send(
      this.program.methods.reportVersion().accountsStrict(eventCpiAccounts(this.program.programId)).transaction(),
      [],
    );
    const line = result.logs.find((l) => l.startsWith("Program log: lume-registry"))?.replace("Program log: ", "");
    return { result, line };
  }
}

/**
 * Inside `describe`: a registry (created in `before`) whose every send is replayed into a
 * HistoryReplay; after each passing test the replayed history must match the chain's head.
 */
export function useReplayedRegistry(
  handle: { rt: TestRuntime },
  upgradeAuthority: Keypair,
): { f: RegistryFixture; history: HistoryReplay } {
  const state = {} as { f: RegistryFixture; history: HistoryReplay };
  before(async () => {
    state.history = new HistoryReplay();
    state.f = await RegistryFixture.create(recordingRuntime(handle.rt, state.history), upgradeAuthority);
  });
  afterEach(async function () {
    // A failed test leaves no reason to distrust the chain; a passing one must keep it intact.
    if (this.currentTest?.state === "passed") await state.history.assertMatches(state.f.rt);
  });
  return state;
}
