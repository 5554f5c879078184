// Model-based random testing: fast-check generates command sequences over a small pool of
// actors; each command runs against the bytecode and against `RegistryModel`
// (tests/support/registry-model.ts). After every step: same outcome (ok / exact error code),
// decoded accounts equal the model, and invariants hold (history replay = on-chain head and
// change count; endpoint/key set versions move by exactly one per change; active endpoint
// count = Active endpoint accounts; revoked stays revoked; a proposal executes at most once;
// no partner owing a re-verification is active; the node's verifier, on the SDK's snapshot of the
// stored accounts, allows no request to an endpoint pending audit).
// Used by the mocha suite (CI: seed-pinned, small) and by the long run in worker processes
// (`npm run fuzz:program`, tests/program/fuzz-long.ts; see harness/README.md).
import assert from "node:assert/strict";
import anchor from "@coral-xyz/anchor";
import { Keypair, PublicKey } from "@solana/web3.js";
import fc from "fast-check";
import {
  SNAPSHOT_FORMAT_VERSION,
  type SnapshotPartner,
  snapshotEndpoint,
  snapshotPartner,
} from "../../app/src/sdk/snapshot.js";
import { signEnvelope } from "../../app/src/verifier/envelope.js";
import { RequestVerifier } from "../../app/src/verifier/verifier.js";
import { HistoryReplay, recordingRuntime, reportsEvents } from "../../harness/history.js";
import { registryErrorCode, registryProgramSpec } from "../../harness/program.js";
import {
  addresses,
  DEFAULT_ENDPOINT,
  type ProposalActionArg,
  RegistryFixture,
} from "../../harness/registry-fixture.js";
import { startRuntime } from "../../harness/runtimes.js";
import type { RuntimeKind, TxResult } from "../../harness/types.js";
import { FuzzCoverage } from "./fuzz-coverage.js";
import { variant } from "./lifecycle.js";
import {
  ACTION_KINDS,
  DAY,
  type ModelAction,
  type ModelPartner,
  type Outcome,
  PARTNER_ACTIONS,
  type Prediction,
  RegistryModel,
  type RoleName,
  ZERO_ACTOR,
} from "./registry-model.js";

export { ACTION_KINDS };

const { BN } = anchor;
const upgradeAuthority = Keypair.generate();

// --- commands (raw numbers, resolved against the model when they run) ----------------------

export type Command =
  | { k: "apply"; a: number }
  | { k: "declare"; p: number; own: boolean; cat: number }
  | { k: "attest"; legal: boolean; p: number; who: number }
  // misplaced: the partner account left out where the action needs one, or passed where it takes none.
  | { k: "propose"; by: number; p: number; act: number; x: number; misplaced?: boolean }
  | { k: "vote"; approve: boolean; who: number; id: number }
  | { k: "cancel"; who: number; id: number }
  | { k: "execute"; id: number }
  | { k: "warp"; s: number }
  | { k: "gsuspend"; p: number; who: number }
  | { k: "lift"; p: number }
  | { k: "review"; p: number; who: number; outcome: number }
  | { k: "overdue"; p: number }
  // Macros, expanded into the primitive steps above (each checked on its own):
  // admit = declare, both attestations, ApprovePartner passed by the council;
  // pass = a proposal by a current member, approved up to the threshold, time lock, execute.
  | { k: "admit"; p: number }
  | { k: "pass"; p: number; act: number; x: number };

const WARPS = [60, 3_600, 3_600, 3_600, 3 * DAY + 1, 3 * DAY + 1, 15 * DAY, 195 * DAY];
const n = (max: number) => fc.nat({ max });
export const commandArb: fc.Arbitrary<Command> = fc.oneof(
  { arbitrary: fc.record({ k: fc.constant("apply" as const), a: n(2) }), weight: 2 },
  { arbitrary: fc.record({ k: fc.constant("admit" as const), p: n(7) }), weight: 2 },
  { arbitrary: fc.record({ k: fc.constant("pass" as const), p: n(7), act: n(13), x: n(63) }), weight: 4 },
  // Re-verifications passed by the council often enough to reach their attestations and deadlines.
  { arbitrary: fc.record({ k: fc.constant("pass" as const), p: n(7), act: fc.constant(13), x: n(63) }), weight: 2 },
  { arbitrary: fc.record({ k: fc.constant("declare" as const), p: n(7), own: fc.boolean(), cat: n(3) }), weight: 2 },
  { arbitrary: fc.record({ k: fc.constant("attest" as const), legal: fc.boolean(), p: n(7), who: n(3) }), weight: 3 },
  {
    arbitrary: fc.record({
      k: fc.constant("propose" as const),
      by: n(7),
      p: n(7),
      act: n(13),
      x: n(63),
      misplaced: n(15).map((v) => v === 0),
    }),
    weight: 6,
  },
  { arbitrary: fc.record({ k: fc.constant("vote" as const), approve: fc.boolean(), who: n(9), id: n(63) }), weight: 8 },
  { arbitrary: fc.record({ k: fc.constant("cancel" as const), who: n(5), id: n(63) }), weight: 1 },
  { arbitrary: fc.record({ k: fc.constant("execute" as const), id: n(63) }), weight: 5 },
  { arbitrary: fc.record({ k: fc.constant("warp" as const), s: n(7) }), weight: 3 },
  { arbitrary: fc.record({ k: fc.constant("gsuspend" as const), p: n(7), who: n(3) }), weight: 1 },
  { arbitrary: fc.record({ k: fc.constant("lift" as const), p: n(7) }), weight: 1 },
  { arbitrary: fc.record({ k: fc.constant("review" as const), p: n(7), who: n(2), outcome: n(2) }), weight: 1 },
  { arbitrary: fc.record({ k: fc.constant("overdue" as const), p: n(7) }), weight: 1 },
);

/** The IDL instruction each primitive command sends (attest and vote send one of two). */
export const COMMAND_INSTRUCTIONS = {
  apply: "apply",
  declare: "declare_endpoint",
  attest: ["attest_legal", "attest_technical"],
  propose: "propose",
  vote: ["approve", "reject"],
  cancel: "cancel",
  execute: "execute",
  gsuspend: "guardian_suspend",
  lift: "lift_guardian_suspension",
  review: "record_review",
  overdue: "mark_review_overdue",
} as const;

/** `approvePartner` -> `ApprovePartner`, the variant's name in the IDL. */
export const idlActionName = (kind: string): string => kind[0]!.toUpperCase() + kind.slice(1);

const ROLE_ARG: Record<RoleName, object> = {
  legalVerifier: { legalVerifier: {} },
  technicalAuditor: { technicalAuditor: {} },
  auditor: { auditor: {} },
  guardian: { guardian: {} },
};
const OUTCOMES: Outcome[] = ["passed", "concerns", "failed"];
const KEY_VALID_UNTIL = 2 ** 40;

// --- one run: a fresh runtime and registry, then the commands -----------------------------

export class Run {
  private constructor(
    readonly f: RegistryFixture,
    readonly replay: HistoryReplay,
    readonly actors: Map<string, Keypair>,
    public model: RegistryModel,
    readonly coverage: FuzzCoverage,
  ) {}

  static async start(kind: RuntimeKind, coverage = new FuzzCoverage()): Promise<Run> {
    const rt = await startRuntime(kind, { programs: [registryProgramSpec(upgradeAuthority.publicKey)] });
    const replay = new HistoryReplay();
    // bankrun reports no inner instructions (no events): there the history replay is left out
    // and the change count is still checked against the model.
    const f = await RegistryFixture.create(reportsEvents(kind) ? recordingRuntime(rt, replay) : rt, upgradeAuthority);
    const actors = new Map<string, Keypair>();
    for (const [i, k] of f.council.entries()) actors.set(`C${i}`, k);
    for (const name of ["A0", "A1", "A2", "O"]) actors.set(name, await f.newSigner());
    const grants: [RoleName, string][] = [
      ["legalVerifier", "L"],
      ["technicalAuditor", "T"],
      ["auditor", "U"],
      ["guardian", "G"],
    ];
    for (const [role, name] of grants) actors.set(name, await f.grantRole(role));
    const registry = await f.registry();
    const model = new RegistryModel(
      ["C0", "C1", "C2"],
      f.options.threshold,
      {
        timeLockSeconds: registry.timeLockSeconds,
        proposalLifetimeSeconds: registry.policy.proposalLifetimeSeconds,
        reviewIntervalSeconds: registry.policy.reviewIntervalSeconds,
        reviewGraceSeconds: registry.policy.reviewGraceSeconds,
        guardianSuspensionSeconds: registry.policy.guardianSuspensionSeconds,
        keyRotationGraceSeconds: registry.policy.keyRotationGraceSeconds,
        guardianResuspensionCooldownSeconds: registry.policy.guardianResuspensionCooldownSeconds,
      },
      registry.history.changeCount.toNumber(),
      grants,
    );
    // The setup's proposals exist on-chain; the model numbers its own after them.
    model.councilEpoch = registry.councilEpoch;
    const run = new Run(f, replay, actors, model, coverage);
    run.proposalBase = registry.proposalCount.toNumber();
    return run;
  }

  proposalBase = 0;
  readonly trace: string[] = [];

  key(name: string): Keypair {
    return this.actors.get(name)!;
  }
  /** An actor's address; ZERO_ACTOR is the all-zero address, which has no keypair. */
  address(name: string): PublicKey {
    return name === ZERO_ACTOR ? PublicKey.default : this.key(name).publicKey;
  }
  partnerAddress(p: number): PublicKey {
    return addresses.partner(p);
  }

  /** A proposal index: mostly one of the latest three, sometimes any. */
  private pick(id: number): number {
    const count = this.model.proposals.length;
    return id < 48 ? count - 1 - (id % Math.min(3, count)) : id % count;
  }

  steps = 0;

  /** Runs `command` on-chain and in the model; asserts they agree, then checks state and invariants. */
  async step(command: Command): Promise<void> {
    const f = this.f;
    if (command.k === "admit" || command.k === "pass") return this.macro(command);
    this.steps += 1;
    const now = await f.now();
    const next = this.model.clone();
    const partners = this.model.partners.length;
    const proposals = this.model.proposals.length;
    const needPartner = !["apply", "propose", "vote", "cancel", "execute", "warp"].includes(command.k);
    if ((needPartner && partners === 0) || (["vote", "cancel", "execute"].includes(command.k) && proposals === 0)) {
      this.trace.push(`skip ${command.k}`);
      return;
    }
    let prediction: Prediction;
    let result: TxResult | undefined;
    let label: string = command.k;
    /** The proposal action a propose or execute carries (for the coverage table). */
    let actionKind = "";
    switch (command.k) {
      case "apply": {
        const name = `A${command.a}`;
        prediction = next.apply(name, now);
        result = await f.send(f.applyTx(this.key(name).publicKey, partners), [this.key(name)]);
        label = `apply by ${name}`;
        break;
      }
      case "declare": {
        const p = command.p % partners;
        const owner = this.model.partners[p]!.authority;
        const signer = command.own ? owner : `A${(Number(owner.slice(1)) + 1) % 3}`;
        const categories = [0b011, 0b001, 0b1000, 0b100][command.cat]!;
        prediction = next.declareEndpoint(p, signer, categories);
        result = await f.declareEndpoint(
          { id: p, address: this.partnerAddress(p), authority: this.key(signer) },
          { ...DEFAULT_ENDPOINT(), categories: new BN(categories) },
        );
        label = `declare_endpoint p${p} by ${signer} cat ${categories}`;
        break;
      }
      case "attest": {
        const p = command.p % partners;
        const kind = command.legal ? "legal" : "technical";
        const right: [string, RoleName] = command.legal ? ["L", "legalVerifier"] : ["T", "technicalAuditor"];
        const wrong: [string, RoleName] = command.legal ? ["T", "technicalAuditor"] : ["L", "legalVerifier"];
        const [who, grantRole] = command.who <= 1 ? right : command.who === 2 ? wrong : ["O", right[1]];
        prediction = next.attest(kind, p, who, grantRole, now);
        result = await f.attest(kind, this.partnerAddress(p), this.key(who), grantRole);
        label = `attest_${kind} p${p} by ${who} (${grantRole} grant)`;
        break;
      }
      case "propose": {
        const { action, arg, partner } = this.action(command, now);
        actionKind = action.kind;
        const proposer = this.proposer(command.by, partner);
        const target = command.misplaced ? (partner === null && partners > 0 ? 0 : null) : partner;
        prediction = next.propose(proposer, action, target, now);
        const sent = await f.propose(this.key(proposer), arg, target === null ? null : this.partnerAddress(target));
        assert.equal(sent.id, this.proposalBase + proposals, "proposal id");
        result = sent.result;
        label = `propose #${proposals} ${JSON.stringify(action)} p${target} by ${proposer}`;
        break;
      }
      case "vote": {
        const id = this.pick(command.id);
        const who = ["C0", "C1", "C2", "C0", "C1", "C2", "C0", "C1", "O", "A0"][command.who]!;
        prediction = next.vote(command.approve, who, id, now);
        result = await f.vote(command.approve ? "approve" : "reject", this.key(who), this.proposalBase + id);
        label = `${command.approve ? "approve" : "reject"} #${id} by ${who}`;
        break;
      }
      case "cancel": {
        const id = this.pick(command.id);
        const who =
          command.who === 0 ? this.model.proposals[id]!.proposer : ["C0", "C1", "C2", "A0", "O"][command.who - 1]!;
        prediction = next.cancel(who, id);
        result = await f.cancel(this.key(who), this.proposalBase + id);
        label = `cancel #${id} by ${who}`;
        break;
      }
      case "execute": {
        const id = this.pick(command.id);
        actionKind = this.model.proposals[id]!.action.kind;
        prediction = next.execute(id, now);
        result = await f.execute(
          this.proposalBase + id,
          this.remaining(this.model.proposals[id]!.action, this.model.proposals[id]!.partner),
          this.key("O"),
        );
        label = `execute #${id} (${this.model.proposals[id]!.action.kind})`;
        break;
      }
      case "warp": {
        await f.warp(WARPS[command.s]!);
        this.trace.push(`warp ${WARPS[command.s]}`);
        await this.check();
        return;
      }
      case "gsuspend": {
        const p = command.p % partners;
        const [who, grantRole]: [string, RoleName] =
          command.who <= 1 ? ["G", "guardian"] : command.who === 2 ? ["U", "auditor"] : ["O", "guardian"];
        prediction = next.guardianSuspend(p, who, grantRole, now);
        result = await f.guardianSuspend(
          this.key(who),
          this.partnerAddress(p),
          "fuzz",
          addresses.role(grantRole, this.key(who).publicKey),
        );
        label = `guardian_suspend p${p} by ${who}`;
        break;
      }
      case "review": {
        const p = command.p % partners;
        const [who, grantRole]: [string, RoleName] = command.who <= 1 ? ["U", "auditor"] : ["G", "guardian"];
        const outcome = OUTCOMES[command.outcome]!;
        prediction = next.recordReview(p, who, grantRole, outcome, now);
        result = await f.recordReview(this.key(who), this.partnerAddress(p), outcome, {
          roleGrant: addresses.role(grantRole, this.key(who).publicKey),
        });
        label = `record_review p${p} ${outcome} by ${who}`;
        break;
      }
      case "lift":
      case "overdue": {
        // The two cranks any signer may run on a partner: the model and the fixture name them alike.
        const p = command.p % partners;
        const crank = command.k === "lift" ? "liftGuardianSuspension" : "markReviewOverdue";
        prediction = next[crank](p, now);
        result = await f[crank](this.key("O"), this.partnerAddress(p));
        label = `${command.k === "lift" ? "lift" : "mark_review_overdue"} p${p}`;
        break;
      }
    }
    this.trace.push(`${label} -> ${prediction.ok ? "ok" : prediction.error}`);
    this.coverage.record(this.coverageName(command, actionKind), prediction.ok ? null : prediction.error);
    if (prediction.ok) {
      if (!result.ok)
        throw new Error(
          `${label}: model expects success, program failed with ${result.err?.code ?? result.err?.description}\n${result.logs.join("\n")}`,
        );
    } else {
      const code = registryErrorCode(prediction.error);
      if (result.ok) throw new Error(`${label}: model expects ${prediction.error}, program succeeded`);
      if (result.err?.code !== code)
        throw new Error(
          `${label}: model expects ${prediction.error} (${code}), program failed with ${result.err?.code ?? result.err?.description}\n${result.logs.slice(-6).join("\n")}`,
        );
    }
    const before = this.model;
    if (prediction.ok) this.model = next;
    await this.check(before);
  }

  /** The IDL instruction a command sends; for proposals, with the IDL's action name. */
  private coverageName(command: Command, actionKind: string): string {
    switch (command.k) {
      case "propose":
      case "execute":
        return `${command.k} ${idlActionName(actionKind)}`;
      case "attest":
        return COMMAND_INSTRUCTIONS.attest[command.legal ? 0 : 1];
      case "vote":
        return COMMAND_INSTRUCTIONS.vote[command.approve ? 0 : 1];
      default:
        // Macros never get here: step() expands them first.
        return COMMAND_INSTRUCTIONS[command.k as Exclude<keyof typeof COMMAND_INSTRUCTIONS, "attest" | "vote">];
    }
  }

  private async macro(command: Extract<Command, { k: "admit" | "pass" }>): Promise<void> {
    const partners = this.model.partners.length;
    if (command.k === "admit") {
      if (partners === 0) return this.step({ k: "apply", a: command.p % 3 });
      await this.step({ k: "declare", p: command.p, own: true, cat: 0 });
      await this.step({ k: "attest", legal: true, p: command.p, who: 0 });
      await this.step({ k: "attest", legal: false, p: command.p, who: 0 });
      return this.pass({ k: "propose", by: 0, p: command.p, act: 0, x: 1 });
    }
    return this.pass({ k: "propose", by: 0, p: command.p, act: command.act, x: command.x });
  }

  /** Proposes by the first current member, approves up to the threshold, waits, executes. */
  private async pass(propose: Extract<Command, { k: "propose" }>): Promise<void> {
    const first = ["C0", "C1", "C2"].indexOf(this.model.council[0]!);
    const count = this.model.proposals.length;
    await this.step({ ...propose, by: first });
    if (this.model.proposals.length === count) return;
    for (const member of this.model.council.slice(0, this.model.threshold)) {
      await this.step({ k: "vote", approve: true, who: ["C0", "C1", "C2"].indexOf(member), id: 0 });
    }
    await this.step({ k: "warp", s: 1 });
    await this.step({ k: "execute", id: 0 });
  }

  /** The model's action and Anchor's argument for a propose command. */
  private action(
    command: Extract<Command, { k: "propose" }>,
    now: number,
  ): {
    action: ModelAction;
    arg: ProposalActionArg;
    partner: number | null;
  } {
    const kind = ACTION_KINDS[command.act]!;
    const x = command.x;
    const partners = this.model.partners.length;
    const partnerActions = PARTNER_ACTIONS.has(kind);
    if (partnerActions && partners === 0) return this.action({ ...command, act: 8 }, now);
    const p = partnerActions ? command.p % partners : null;
    const partner = p === null ? undefined : this.model.partners[p]!;
    switch (kind) {
      case "approvePartner": {
        const version = partner!.endpointSetVersion + (x % 5 === 0 ? 1 : 0);
        return {
          action: { kind, endpointSetVersion: version },
          arg: { approvePartner: { endpointSetVersion: version } },
          partner: p,
        };
      }
      case "addEndpoint": {
        const categories = x % 5 === 0 ? 0b1000 : 0b001;
        const host = `h${x}.example`;
        return {
          action: { kind, host, categories },
          arg: { addEndpoint: { host, port: 443, protocol: { https: {} }, categories: new BN(categories) } },
          partner: p,
        };
      }
      case "removeEndpoint": {
        const index = x % (partner!.endpoints.length + 1);
        return { action: { kind, index }, arg: { removeEndpoint: { index } }, partner: p };
      }
      case "issueKey": {
        const keys = partner!.keys.length;
        const replaces = x % 3 === 0 && keys > 0 ? x % keys : null;
        const publicKey = Array.from(Keypair.generate().publicKey.toBytes());
        // Sometimes a window already over at execution (valid_until 1 is after valid_from 0,
        // so the proposal itself is accepted).
        const validUntil = x % 7 === 6 ? 1 : KEY_VALID_UNTIL;
        return {
          action: { kind, publicKey, validUntil, replaces },
          arg: {
            issueKey: { publicKey, endpoints: [], validFrom: new BN(0), validUntil: new BN(validUntil), replaces },
          },
          partner: p,
        };
      }
      case "revokeKey": {
        const index = x % (partner!.keys.length + 1);
        return { action: { kind, index }, arg: { revokeKey: { index, reason: { compromised: {} } } }, partner: p };
      }
      case "suspendPartner":
        return { action: { kind }, arg: { suspendPartner: { reason: "fuzz" } }, partner: p };
      case "reinstatePartner":
        return { action: { kind }, arg: { reinstatePartner: {} }, partner: p };
      case "revokePartner":
        return { action: { kind }, arg: { revokePartner: { reason: "fuzz" } }, partner: p };
      case "rejectApplication":
        return { action: { kind }, arg: { rejectApplication: { reason: "fuzz" } }, partner: p };
      case "setEndpointCategories": {
        // An index past the endpoints (no account) or of a removed one; categories not allowed.
        const index = x % (partner!.endpoints.length + 1);
        const categories = x % 5 === 0 ? 0b1000 : 0b110;
        return {
          action: { kind, index, categories },
          arg: { setEndpointCategories: { index, categories: new BN(categories) } },
          partner: p,
        };
      }
      case "requireReverification": {
        // x % 4: no check (refused at propose), legal, technical, both; the deadline 10 or 20 days
        // from now, or (x >= 56) 60 s, gone by once the time lock has passed.
        const legal = (x & 1) !== 0;
        const technical = (x & 2) !== 0;
        const deadline = now + (x >= 56 ? 60 : x % 8 < 4 ? 10 * DAY : 20 * DAY);
        return {
          action: { kind, legal, technical, deadline },
          arg: { requireReverification: { legal, technical, reason: "fuzz", deadline: new BN(deadline) } },
          partner: p,
        };
      }
      case "setCouncil": {
        // A non-empty subset of the three council keypairs, and a threshold within it; for
        // x >= 56 a council the program refuses: a duplicate (56, 57, 59), the zero address (58),
        // none (60, 61), a threshold above the members (62, 63). (17 members never reach
        // CouncilTooLarge: decoding refuses the 17th with ListTooLong.)
        const mask = x >= 60 && x <= 61 ? 0 : (x % 7) + 1;
        let members = ["C0", "C1", "C2"].filter((_, i) => mask & (1 << i));
        if (x === 56 || x === 57 || x === 59) members = ["C0", "C1", "C0"];
        if (x === 58) members = ["C0", ZERO_ACTOR];
        const threshold = x >= 62 ? members.length + 1 : x >= 56 ? 1 : 1 + ((x >> 3) % Math.max(1, members.length));
        return {
          action: { kind, members, threshold },
          arg: { setCouncil: { members: members.map((m) => this.address(m)), threshold } },
          partner: null,
        };
      }
      case "grantRole":
      case "revokeRole": {
        const role: RoleName = x % 2 === 0 ? "guardian" : "auditor";
        // x 62, 63: the zero address as holder.
        const holder = x >= 62 ? ZERO_ACTOR : ["G", "U", "O"][(x >> 1) % 3]!;
        return {
          action: { kind, role, holder },
          arg: { [kind]: { role: ROLE_ARG[role], holder: this.address(holder) } },
          partner: null,
        };
      }
    }
  }

  private proposer(by: number, partner: number | null): string {
    if (by <= 2) return `C${by}`;
    const owner = partner === null ? "A0" : this.model.partners[partner]!.authority;
    if (by <= 5) return owner;
    if (by === 6) return `A${(Number(owner.slice(1)) + 1) % 3}`;
    return "O";
  }

  /** The accounts `execute` needs after its fixed ones, as the model knows them. */
  private remaining(action: ModelAction, p: number | null): PublicKey[] {
    const partner = p === null ? undefined : this.partnerAddress(p);
    const model = p === null ? undefined : this.model.partners[p]!;
    switch (action.kind) {
      case "addEndpoint":
        return [partner!, addresses.endpoint(partner!, model!.endpoints.length)];
      case "removeEndpoint":
      case "setEndpointCategories":
        return [partner!, addresses.endpoint(partner!, action.index)];
      case "issueKey":
        return [
          partner!,
          addresses.key(partner!, model!.keys.length),
          ...(action.replaces === null ? [] : [addresses.key(partner!, action.replaces)]),
        ];
      case "revokeKey":
        return [partner!, addresses.key(partner!, action.index)];
      case "setCouncil":
        return [];
      case "grantRole":
      case "revokeRole":
        return [addresses.role(action.role, this.address(action.holder))];
      default:
        return [partner!];
    }
  }

  /** The infrastructure key the verifier invariant signs with (added to each snapshot, never on-chain). */
  private readonly infraKey = Keypair.generate();

  /**
   * The node's verifier, on the SDK's snapshot of the accounts as stored, allows no request to an
   * endpoint pending audit (added or changed after admission, not yet attested); the model names
   * the same endpoints.
   */
  private async checkNoRequestToPendingAudit(partner: SnapshotPartner, expected: ModelPartner): Promise<void> {
    const nowMs = (await this.f.now()) * 1000;
    partner.keys = [
      {
        index: 0,
        address: "fuzz-key",
        publicKey: this.infraKey.publicKey.toBase58(),
        endpoints: [],
        validFrom: 0,
        validUntil: 2 ** 40,
        status: "active",
        graceUntil: 0,
      },
    ];
    const verifier = new RequestVerifier({
      formatVersion: SNAPSHOT_FORMAT_VERSION,
      programId: "fuzz",
      slot: 0,
      changeCount: 0,
      historyHead: "",
      categories: ["a", "b", "c", "d"],
      reviewGraceSeconds: this.model.config.reviewGraceSeconds,
      partners: [partner],
      fetchedAt: nowMs,
    });
    const pending = new Set(RegistryModel.pendingAudit(expected));
    for (const endpoint of partner.endpoints) {
      const envelope = signEnvelope(
        {
          partnerId: partner.id,
          endpointIndex: endpoint.index,
          category: endpoint.categories[0] ?? 0,
          timestampMs: nowMs,
          payloadHash: Buffer.alloc(32),
          keyIndex: 0,
        },
        this.infraKey.secretKey,
      );
      const verdict = verifier.verify(envelope, nowMs);
      const where = `partner ${partner.id} endpoint ${endpoint.index}`;
      if (pending.has(endpoint.index)) {
        assert.equal(verdict.allowed, false, `${where}: a request to an endpoint pending audit was allowed`);
        if (["active", "underAudit"].includes(partner.status) && verdict.reason !== "partner_overdue")
          assert.equal(verdict.reason, "endpoint_pending_audit", `${where}: ${verdict.detail}`);
      } else {
        assert.notEqual(
          verdict.reason,
          "endpoint_pending_audit",
          `${where}: refused as pending audit (${verdict.detail})`,
        );
      }
    }
  }

  private onChainPartners = new Map<
    number,
    { status: string; endpointSetVersion: number; keySetVersion: number; endpoints: string; keys: number }
  >();
  private executed = new Map<number, number>();

  /** Decoded accounts = model; invariants. `before`: the model before the step. */
  async check(before?: RegistryModel): Promise<void> {
    const f = this.f;
    const m = this.model;
    if (reportsEvents(f.rt.name)) await this.replay.assertMatches(f.rt);
    const registry = await f.registry();
    assert.equal(registry.history.changeCount.toNumber(), m.changeCount, "change count (model)");
    assert.equal(registry.councilEpoch, m.councilEpoch, "council epoch");
    assert.equal(registry.threshold, m.threshold, "threshold");
    assert.deepEqual(
      registry.council.slice(0, registry.councilLen).map((k: PublicKey) => k.toBase58()),
      m.council.map((c) => this.key(c).publicKey.toBase58()),
      "council",
    );
    assert.equal(registry.partnerCount.toNumber(), m.partners.length, "partner count");
    assert.equal(registry.proposalCount.toNumber(), this.proposalBase + m.proposals.length, "proposal count");
    for (const partner of m.partners) await this.checkPartner(partner);
    for (const [key, active] of m.roles) {
      const [role, holder] = key.split(":") as [RoleName, string];
      assert.equal((await f.roleGrant(role, this.key(holder).publicKey)).active, active, `role ${key}`);
    }
    // Proposals: the ones the step may have touched (all of them at the end of a run).
    const ids =
      before === undefined
        ? m.proposals.map((p) => p.id)
        : m.proposals
            .map((p) => p.id)
            .filter(
              (id) =>
                JSON.stringify(before.proposals[id]) !== JSON.stringify(m.proposals[id]) ||
                id === m.proposals.length - 1,
            );
    for (const id of ids) {
      const expected = m.proposals[id]!;
      const actual = await f.proposal(this.proposalBase + id);
      assert.equal(variant(actual.status), expected.status, `proposal #${id} status`);
      assert.equal(actual.approvalCount, expected.approvals.length, `proposal #${id} approvals`);
      assert.equal(actual.rejectionCount, expected.rejections.length, `proposal #${id} rejections`);
      assert.equal(
        actual.approvals,
        expected.approvals.reduce((bits, i) => bits | (1 << i), 0),
        `proposal #${id} approval bits`,
      );
      assert.equal(actual.councilEpoch, expected.epoch, `proposal #${id} epoch`);
      assert.equal(actual.expiresAt.toNumber(), expected.expiresAt, `proposal #${id} expires_at`);
      // Executes at most once: once executed, it stays executed at the same time.
      const executedAt = actual.executedAt.toNumber();
      const seen = this.executed.get(id);
      if (seen !== undefined) assert.equal(executedAt, seen, `proposal #${id} executed twice`);
      if (variant(actual.status) === "executed") this.executed.set(id, executedAt);
    }
  }

  private async checkPartner(expected: ModelPartner): Promise<void> {
    const f = this.f;
    const address = this.partnerAddress(expected.id);
    const actual = await f.partner(address);
    const name = `partner ${expected.id}`;
    assert.equal(variant(actual.stage), expected.stage, `${name} stage`);
    assert.equal(variant(actual.status), expected.status, `${name} status`);
    if (expected.status === "suspended")
      assert.equal(
        variant(actual.statusBeforeSuspension),
        expected.statusBeforeSuspension,
        `${name} status before suspension`,
      );
    assert.equal(actual.suspensionExpiresAt.toNumber(), expected.suspensionExpiresAt, `${name} suspension_expires_at`);
    assert.equal(actual.nextReviewAt.toNumber(), expected.nextReviewAt, `${name} next_review_at`);
    assert.equal(actual.endpointSetVersion, expected.endpointSetVersion, `${name} endpoint set version`);
    assert.equal(actual.activeEndpoints, expected.activeEndpoints, `${name} active endpoints`);
    assert.equal(actual.nextEndpointIndex, expected.endpoints.length, `${name} next endpoint index`);
    assert.equal(actual.keySetVersion, expected.keySetVersion, `${name} key set version`);
    assert.equal(
      actual.technicalEndpointSetVersion,
      expected.technicalEndpointSetVersion,
      `${name} technically attested set version`,
    );
    assert.equal(actual.pendingChecks, expected.pendingChecks, `${name} pending checks`);
    assert.equal(
      actual.reverificationDeadline.toNumber(),
      expected.reverificationDeadline,
      `${name} re-verification deadline`,
    );
    if (expected.pendingChecks !== 0)
      assert.equal(
        variant(actual.statusBeforeReverification),
        expected.statusBeforeReverification,
        `${name} status before re-verification`,
      );
    assert.equal(actual.activeKeys, expected.activeKeys, `${name} active keys`);
    assert.equal(actual.nextKeyIndex, expected.keys.length, `${name} next key index`);
    let activeAccounts = 0;
    /** The endpoint set as the program stores it: each endpoint's status, categories, last change. */
    const endpointSet: string[] = [];
    const snapshot = snapshotPartner(address, actual);
    for (let i = 0; i < expected.endpoints.length; i++) {
      const endpoint = await f.endpoint(address, i);
      snapshot.endpoints.push(snapshotEndpoint(addresses.endpoint(address, i), endpoint));
      assert.equal(
        endpoint.changedInVersion,
        expected.endpointChangedIn[i],
        `${name} endpoint ${i} changed in version`,
      );
      const status = variant(endpoint.status);
      // The proposal that last changed it: setting the same categories again is a change too.
      endpointSet.push(`${status}:${endpoint.categories.toString()}:${endpoint.proposalId.toString()}`);
      assert.equal(status, expected.endpoints[i], `${name} endpoint ${i}`);
      if (status === "active") activeAccounts += 1;
    }
    for (let i = 0; i < expected.keys.length; i++) {
      assert.equal(variant((await f.key(address, i)).status), expected.keys[i], `${name} key ${i}`);
    }
    // Invariants against the previous on-chain state (independent of the model).
    assert.equal(actual.activeEndpoints, activeAccounts, `${name}: active_endpoints = Active endpoint accounts`);
    // No active partner owes a re-verification (so none past its deadline), nor returns active from a suspension.
    if (actual.pendingChecks !== 0) {
      assert.notEqual(variant(actual.status), "active", `${name}: active with pending checks`);
      if (variant(actual.status) === "suspended")
        assert.notEqual(
          variant(actual.statusBeforeSuspension),
          "active",
          `${name}: returns active with pending checks`,
        );
    }
    await this.checkNoRequestToPendingAudit(snapshot, expected);
    const previous = this.onChainPartners.get(expected.id);
    const now = {
      status: variant(actual.status),
      endpointSetVersion: actual.endpointSetVersion,
      keySetVersion: actual.keySetVersion,
      endpoints: endpointSet.join(","),
      keys: actual.nextKeyIndex,
    };
    if (previous !== undefined) {
      if (previous.status === "revoked") assert.equal(now.status, "revoked", `${name}: revoked is final`);
      const endpointStep = now.endpointSetVersion - previous.endpointSetVersion;
      assert.ok(endpointStep === 0 || endpointStep === 1, `${name}: endpoint set version moved by ${endpointStep}`);
      assert.equal(
        endpointStep === 1,
        now.endpoints !== previous.endpoints,
        `${name}: endpoint set version moves iff the set changes`,
      );
      const keyStep = now.keySetVersion - previous.keySetVersion;
      assert.ok(keyStep === 0 || keyStep === 1, `${name}: key set version moved by ${keyStep}`);
    }
    this.onChainPartners.set(expected.id, now);
  }
}

// --- one sequence ---------------------------------------------------------------------------

export const FUZZ_SEED = Number(process.env.LUME_FUZZ_SEED ?? 20_261_125);

/** Runs `commands` in a fresh runtime; returns the number of primitive steps (macros expanded). */
export async function runCommands(kind: RuntimeKind, commands: Command[], coverage?: FuzzCoverage): Promise<number> {
  const run = await Run.start(kind, coverage);
  try {
    for (const command of commands) await run.step(command);
    await run.check();
    return run.steps;
  } catch (error) {
    (error as Error).message += `\n  trace:\n    ${run.trace.join("\n    ")}`;
    throw error;
  }
}
