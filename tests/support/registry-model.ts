// A small TypeScript model of the registry's observable state, for model-based random
// testing (`tests/program/model-fuzz.test.ts`). Actors are names from a fixed pool ("C0".."C2"
// council keypairs, "A0".."A2" partner authorities, "L" legal verifier, "T" technical auditor,
// "U" auditor, "G" guardian, "O" outsider). For each command the model predicts either success
// (and applies the change to itself) or the name of the IDL error the program must return.
// The rules follow programs/lume-registry/src/instructions/ and issue 3 (check order matters:
// the model checks in the order the program does).

export const DAY = 86_400;
/** The actor whose address is all zeros (Pubkey::default), which no council member or role holder may be. */
export const ZERO_ACTOR = "Z";
/** The program's MAX_COUNCIL. */
const MAX_COUNCIL = 16;

export type Stage = "applied" | "legalVerified" | "technicallyVerified" | "admitted" | "rejected";
export type Status = "pending" | "active" | "underAudit" | "reviewOverdue" | "suspended" | "revoked";
export type KeyStatus = "active" | "rotating" | "revoked";
export type ProposalStatus = "open" | "approved" | "executed" | "rejected" | "cancelled";
export type RoleName = "legalVerifier" | "technicalAuditor" | "auditor" | "guardian";
export type Outcome = "passed" | "concerns" | "failed";

export type ModelAction =
  | { kind: "approvePartner"; endpointSetVersion: number }
  | { kind: "rejectApplication" }
  | { kind: "setEndpointCategories"; index: number; categories: number }
  | { kind: "addEndpoint"; host: string; categories: number }
  | { kind: "removeEndpoint"; index: number }
  | { kind: "issueKey"; publicKey: number[]; validUntil: number; replaces: number | null }
  | { kind: "revokeKey"; index: number }
  | { kind: "suspendPartner" }
  | { kind: "reinstatePartner" }
  | { kind: "revokePartner" }
  | { kind: "setCouncil"; members: string[]; threshold: number }
  | { kind: "grantRole"; role: RoleName; holder: string }
  | { kind: "revokeRole"; role: RoleName; holder: string }
  | { kind: "requireReverification"; legal: boolean; technical: boolean; deadline: number };

/** `Partner.pending_checks` bits. */
export const CHECK_LEGAL = 1;
export const CHECK_TECHNICAL = 2;

/** Every proposal action, in the order the fuzzer's `act` index picks them. */
export const ACTION_KINDS = [
  "approvePartner",
  "addEndpoint",
  "removeEndpoint",
  "issueKey",
  "revokeKey",
  "suspendPartner",
  "reinstatePartner",
  "revokePartner",
  "setCouncil",
  "grantRole",
  "revokeRole",
  "rejectApplication",
  "setEndpointCategories",
  "requireReverification",
] as const satisfies readonly ModelAction["kind"][];
/** The actions on one partner: all but the council's and the roles'. */
export const PARTNER_ACTIONS = new Set<string>(
  ACTION_KINDS.filter((kind) => kind !== "setCouncil" && kind !== "grantRole" && kind !== "revokeRole"),
);
const PARTNER_MAY_REQUEST = new Set([
  "addEndpoint",
  "removeEndpoint",
  "setEndpointCategories",
  "issueKey",
  "revokeKey",
]);

export interface ModelPartner {
  id: number;
  authority: string;
  stage: Stage;
  status: Status;
  statusBeforeSuspension: Status;
  suspensionExpiresAt: number;
  /** When an unratified guardian suspension was last lifted (0 once the council decided). */
  guardianSuspensionLapsedAt: number;
  /** The endpoint-set version the technical auditor attested. */
  technicalEndpointSetVersion: number;
  nextReviewAt: number;
  allowedCategories: number;
  endpointSetVersion: number;
  activeEndpoints: number;
  /** Status of every endpoint account, by index ("active" | "removed"). */
  endpoints: ("active" | "removed")[];
  /** The endpoint-set version each endpoint was added or last changed in, by index. */
  endpointChangedIn: number[];
  /** Re-verifications owed since admission (CHECK_LEGAL | CHECK_TECHNICAL). */
  pendingChecks: number;
  /** Due date of the pending checks (0 = none pending). */
  reverificationDeadline: number;
  /** The status to return to once every pending check is attested. */
  statusBeforeReverification: Status;
  keySetVersion: number;
  activeKeys: number;
  keys: KeyStatus[];
}

export interface ModelProposal {
  id: number;
  proposer: string;
  partner: number | null;
  action: ModelAction;
  epoch: number;
  status: ProposalStatus;
  /** Council positions that approved / rejected (positions in the council of `epoch`). */
  approvals: number[];
  rejections: number[];
  createdAt: number;
  expiresAt: number;
  approvedAt: number;
  executedAt: number;
}

export interface ModelConfig {
  timeLockSeconds: number;
  proposalLifetimeSeconds: number;
  reviewIntervalSeconds: number;
  reviewGraceSeconds: number;
  guardianSuspensionSeconds: number;
  keyRotationGraceSeconds: number;
  guardianResuspensionCooldownSeconds: number;
}

/** What the program must do with a command. */
export type Prediction = { ok: true } | { ok: false; error: string };

const ok = (): Prediction => ({ ok: true });
const fail = (error: string): Prediction => ({ ok: false, error });

export class RegistryModel {
  council: string[];
  threshold: number;
  councilEpoch = 0;
  changeCount: number;
  partners: ModelPartner[] = [];
  proposals: ModelProposal[] = [];
  /** `role:holder` -> active; a missing entry means the grant account does not exist. */
  roles = new Map<string, boolean>();

  constructor(
    council: string[],
    threshold: number,
    readonly config: ModelConfig,
    changeCount: number,
    grants: [RoleName, string][],
  ) {
    this.council = [...council];
    this.threshold = threshold;
    this.changeCount = changeCount;
    for (const [role, holder] of grants) this.roles.set(`${role}:${holder}`, true);
  }

  /** A deep copy (predictions are made on a copy, applied only when the program agrees). */
  clone(): RegistryModel {
    const copy = Object.create(RegistryModel.prototype) as RegistryModel;
    Object.assign(copy, structuredClone({ ...this, roles: undefined }));
    copy.roles = new Map(this.roles);
    return copy;
  }

  roleActive(role: RoleName, holder: string): boolean | undefined {
    return this.roles.get(`${role}:${holder}`);
  }

  /** `require_role`: the grant account `["role", grantRole, actor]` must exist, be `role`, and be active. */
  private requireRole(actor: string, grantRole: RoleName, role: RoleName): string | null {
    const active = this.roleActive(grantRole, actor);
    if (active === undefined) return "InvalidAccountOwner";
    if (grantRole !== role || !active) return "RoleNotGranted";
    return null;
  }

  private changed(result: Prediction): Prediction {
    if (result.ok) this.changeCount += 1;
    return result;
  }

  // --- admission -----------------------------------------------------------------------

  apply(authority: string, now: number): Prediction {
    this.partners.push({
      id: this.partners.length,
      authority,
      stage: "applied",
      status: "pending",
      statusBeforeSuspension: "pending",
      suspensionExpiresAt: 0,
      guardianSuspensionLapsedAt: 0,
      technicalEndpointSetVersion: 0,
      nextReviewAt: 0,
      allowedCategories: 0b111,
      endpointSetVersion: 0,
      activeEndpoints: 0,
      endpoints: [],
      endpointChangedIn: [],
      pendingChecks: 0,
      reverificationDeadline: 0,
      statusBeforeReverification: "pending",
      keySetVersion: 0,
      activeKeys: 0,
      keys: [],
    });
    void now;
    return this.changed(ok());
  }

  declareEndpoint(p: number, signer: string, categories: number): Prediction {
    const partner = this.partners[p]!;
    if (partner.authority !== signer) return fail("NotPartnerAuthority");
    if (!["applied", "legalVerified", "technicallyVerified"].includes(partner.stage))
      return fail("WrongAdmissionStage");
    // Revocation is final (issue 3): a rejected or revoked applicant changes no more.
    if (partner.status === "revoked") return fail("WrongPartnerStatus");
    if (categories === 0 || (categories & ~partner.allowedCategories) !== 0) return fail("InvalidCategories");
    this.addEndpoint(partner);
    return this.changed(ok());
  }

  private addEndpoint(partner: ModelPartner): void {
    partner.endpoints.push("active");
    partner.activeEndpoints += 1;
    partner.endpointSetVersion += 1;
    partner.endpointChangedIn.push(partner.endpointSetVersion);
  }

  /** Endpoints added or changed after admission that no technical audit covers: nodes refuse them. */
  static pendingAudit(partner: ModelPartner): number[] {
    if (partner.stage !== "admitted") return [];
    return partner.endpoints.flatMap((status, i) =>
      status === "active" && partner.endpointChangedIn[i]! > partner.technicalEndpointSetVersion ? [i] : [],
    );
  }

  /** `reverification::require`: adds checks; an active standing goes under audit. */
  private static require(partner: ModelPartner, checks: number, deadline: number): void {
    const suspended = partner.status === "suspended";
    const standing = suspended ? partner.statusBeforeSuspension : partner.status;
    const first = partner.pendingChecks === 0;
    if (first) partner.statusBeforeReverification = standing;
    partner.pendingChecks |= checks;
    if (deadline !== 0 || first) partner.reverificationDeadline = deadline;
    if (standing === "active") {
      if (suspended) partner.statusBeforeSuspension = "underAudit";
      else partner.status = "underAudit";
    }
  }

  attest(kind: "legal" | "technical", p: number, verifier: string, grantRole: RoleName, now: number): Prediction {
    const role: RoleName = kind === "legal" ? "legalVerifier" : "technicalAuditor";
    const denied = this.requireRole(verifier, grantRole, role);
    if (denied) return fail(denied);
    const partner = this.partners[p]!;
    if (partner.stage === "admitted") {
      // After admission: a re-verification owed, or (technical) an endpoint set changed since the audit.
      const check = kind === "legal" ? CHECK_LEGAL : CHECK_TECHNICAL;
      const pending = (partner.pendingChecks & check) !== 0;
      const setChanged = kind === "technical" && partner.technicalEndpointSetVersion !== partner.endpointSetVersion;
      if (partner.status === "revoked") return fail("WrongPartnerStatus");
      if (pending && now > partner.reverificationDeadline) return fail("ReverificationDeadlinePassed");
      if (!pending && !setChanged) return fail("NoPendingCheck");
      if (kind === "technical") partner.technicalEndpointSetVersion = partner.endpointSetVersion;
      if (pending) {
        partner.pendingChecks &= ~check;
        if (partner.pendingChecks === 0) {
          partner.reverificationDeadline = 0;
          const suspended = partner.status === "suspended";
          const standing = suspended ? partner.statusBeforeSuspension : partner.status;
          if (standing === "underAudit") {
            if (suspended) partner.statusBeforeSuspension = partner.statusBeforeReverification;
            else partner.status = partner.statusBeforeReverification;
          }
          // The completion is a second event (PartnerStatusChanged).
          this.changeCount += 1;
        }
      }
      return this.changed(ok());
    }
    const [from, to]: [Stage, Stage] =
      kind === "legal" ? ["applied", "legalVerified"] : ["legalVerified", "technicallyVerified"];
    // A technical audit attests a set: a set changed since can be attested again.
    const reattesting =
      kind === "technical" &&
      partner.stage === to &&
      partner.technicalEndpointSetVersion !== partner.endpointSetVersion;
    if (partner.stage !== from && !reattesting) return fail("WrongAdmissionStage");
    if (partner.status === "revoked") return fail("WrongPartnerStatus");
    if (kind === "technical") partner.technicalEndpointSetVersion = partner.endpointSetVersion;
    partner.stage = to;
    return this.changed(ok());
  }

  // --- proposals -----------------------------------------------------------------------

  propose(proposer: string, action: ModelAction, p: number | null, now: number): Prediction {
    const member = this.council.includes(proposer);
    if (PARTNER_ACTIONS.has(action.kind)) {
      if (p === null) return fail("PartnerRequired");
      const partner = this.partners[p]!;
      if (!member && (partner.authority !== proposer || !PARTNER_MAY_REQUEST.has(action.kind)))
        return fail("ActionNotAllowedForProposer");
    } else {
      if (p !== null) return fail("PartnerNotExpected");
      if (!member) return fail("NotCouncilMember");
    }
    // check_action_arguments, in the program's order.
    if ((action.kind === "grantRole" || action.kind === "revokeRole") && action.holder === ZERO_ACTOR)
      return fail("InvalidCouncilMember");
    if (action.kind === "setCouncil") {
      if (action.members.length === 0) return fail("CouncilEmpty");
      // Unreachable from a decoded instruction (a 17th member is refused as ListTooLong), kept as the program's order.
      if (action.members.length > MAX_COUNCIL) return fail("CouncilTooLarge");
      for (const [i, member] of action.members.entries()) {
        if (member === ZERO_ACTOR) return fail("InvalidCouncilMember");
        if (action.members.slice(i + 1).includes(member)) return fail("DuplicateCouncilMember");
      }
      if (action.threshold < 1 || action.threshold > action.members.length) return fail("InvalidThreshold");
    }
    if (action.kind === "requireReverification" && !action.legal && !action.technical)
      return fail("InvalidReverification");
    this.proposals.push({
      id: this.proposals.length,
      proposer,
      partner: PARTNER_ACTIONS.has(action.kind) ? p : null,
      action,
      epoch: this.councilEpoch,
      status: "open",
      approvals: [],
      rejections: [],
      createdAt: now,
      expiresAt: now + this.config.proposalLifetimeSeconds,
      approvedAt: 0,
      executedAt: 0,
    });
    return this.changed(ok());
  }

  vote(approve: boolean, member: string, id: number, now: number): Prediction {
    const proposal = this.proposals[id]!;
    const position = this.council.indexOf(member);
    if (position < 0) return fail("NotCouncilMember");
    if (proposal.status !== "open") return fail("ProposalNotOpen");
    if (proposal.epoch !== this.councilEpoch) return fail("ProposalStale");
    if (now >= proposal.expiresAt) return fail("ProposalExpired");
    if (proposal.approvals.includes(position) || proposal.rejections.includes(position)) return fail("AlreadyVoted");
    if (approve) {
      proposal.approvals.push(position);
      if (proposal.approvals.length >= this.threshold) {
        proposal.status = "approved";
        proposal.approvedAt = now;
      }
    } else {
      proposal.rejections.push(position);
      if (proposal.rejections.length > Math.max(0, this.council.length - this.threshold)) proposal.status = "rejected";
    }
    return this.changed(ok());
  }

  cancel(signer: string, id: number): Prediction {
    const proposal = this.proposals[id]!;
    if (proposal.proposer !== signer) return fail("NotProposer");
    if (proposal.status !== "open") return fail("ProposalNotOpen");
    if (proposal.approvals.length !== 0) return fail("ProposalHasApprovals");
    proposal.status = "cancelled";
    return this.changed(ok());
  }

  execute(id: number, now: number): Prediction {
    const proposal = this.proposals[id]!;
    if (proposal.status !== "approved") return fail("ProposalNotApproved");
    if (proposal.epoch !== this.councilEpoch) return fail("ProposalStale");
    const opensAt = proposal.approvedAt + this.config.timeLockSeconds;
    if (now < opensAt) return fail("TimeLockActive");
    if (now >= opensAt + this.config.proposalLifetimeSeconds) return fail("ExecutionWindowClosed");
    const result = this.applyAction(proposal, now);
    if (result.ok) {
      proposal.status = "executed";
      proposal.executedAt = now;
    }
    return this.changed(result);
  }

  private applyAction(proposal: ModelProposal, now: number): Prediction {
    const action = proposal.action;
    const partner = proposal.partner === null ? undefined : this.partners[proposal.partner];
    switch (action.kind) {
      case "approvePartner": {
        const p = partner!;
        if (p.stage !== "technicallyVerified") return fail("WrongAdmissionStage");
        if (p.status !== "pending") return fail("WrongPartnerStatus");
        if (p.endpointSetVersion !== action.endpointSetVersion) return fail("EndpointSetChanged");
        if (p.technicalEndpointSetVersion !== p.endpointSetVersion) return fail("TechnicalAttestationStale");
        if (p.activeEndpoints === 0) return fail("NoEndpoints");
        p.stage = "admitted";
        p.status = "active";
        p.nextReviewAt = now + this.config.reviewIntervalSeconds;
        return ok();
      }
      case "rejectApplication": {
        // Any stage before a decision, whatever the status (a revoked applicant included).
        const p = partner!;
        if (p.stage === "admitted" || p.stage === "rejected") return fail("WrongAdmissionStage");
        p.stage = "rejected";
        p.status = "revoked";
        p.guardianSuspensionLapsedAt = 0;
        return ok();
      }
      case "addEndpoint": {
        const p = partner!;
        if (p.status === "revoked") return fail("WrongPartnerStatus");
        if (action.categories === 0 || (action.categories & ~p.allowedCategories) !== 0)
          return fail("InvalidCategories");
        this.addEndpoint(p);
        return ok();
      }
      case "setEndpointCategories": {
        // No status check: the program allows it for any partner, as RemoveEndpoint.
        const p = partner!;
        if ((action.categories & ~p.allowedCategories) !== 0) return fail("InvalidCategories");
        const endpoint = p.endpoints[action.index];
        if (endpoint === undefined) return fail("InvalidAccountOwner");
        if (endpoint !== "active") return fail("InvalidEndpoint");
        p.endpointSetVersion += 1;
        p.endpointChangedIn[action.index] = p.endpointSetVersion;
        return ok();
      }
      case "removeEndpoint": {
        const p = partner!;
        const endpoint = p.endpoints[action.index];
        if (endpoint === undefined) return fail("InvalidAccountOwner");
        if (endpoint !== "active") return fail("InvalidEndpoint");
        p.endpoints[action.index] = "removed";
        p.activeEndpoints -= 1;
        p.endpointSetVersion += 1;
        return ok();
      }
      case "issueKey": {
        const p = partner!;
        if (!["active", "underAudit", "reviewOverdue", "suspended"].includes(p.status))
          return fail("WrongPartnerStatus");
        if (action.validUntil <= now) return fail("InvalidKeyWindow");
        if (action.replaces !== null) {
          const old = p.keys[action.replaces];
          if (old === undefined) return fail("InvalidAccountOwner");
          if (old !== "active") return fail("InvalidKey");
          p.keys[action.replaces] = "rotating";
        } else {
          p.activeKeys += 1;
        }
        p.keys.push("active");
        p.keySetVersion += 1;
        return ok();
      }
      case "revokeKey": {
        const p = partner!;
        const key = p.keys[action.index];
        if (key === undefined) return fail("InvalidAccountOwner");
        if (key === "revoked") return fail("InvalidKey");
        if (key === "active") p.activeKeys -= 1;
        p.keys[action.index] = "revoked";
        p.keySetVersion += 1;
        return ok();
      }
      case "suspendPartner": {
        const p = partner!;
        if (["active", "underAudit", "reviewOverdue"].includes(p.status)) p.statusBeforeSuspension = p.status;
        else if (!(p.status === "suspended" && p.suspensionExpiresAt !== 0)) return fail("WrongPartnerStatus");
        p.suspensionExpiresAt = 0;
        p.guardianSuspensionLapsedAt = 0;
        p.status = "suspended";
        return ok();
      }
      case "reinstatePartner": {
        const p = partner!;
        if (p.status !== "suspended") return fail("WrongPartnerStatus");
        p.status = p.statusBeforeSuspension;
        p.suspensionExpiresAt = 0;
        p.guardianSuspensionLapsedAt = 0;
        return ok();
      }
      case "revokePartner": {
        const p = partner!;
        if (p.status === "revoked") return fail("WrongPartnerStatus");
        p.status = "revoked";
        p.guardianSuspensionLapsedAt = 0;
        return ok();
      }
      case "requireReverification": {
        const p = partner!;
        if (p.stage !== "admitted") return fail("WrongAdmissionStage");
        if (p.status === "revoked") return fail("WrongPartnerStatus");
        if (action.deadline <= now) return fail("InvalidReverification");
        RegistryModel.require(
          p,
          (action.legal ? CHECK_LEGAL : 0) | (action.technical ? CHECK_TECHNICAL : 0),
          action.deadline,
        );
        p.guardianSuspensionLapsedAt = 0;
        return ok();
      }
      case "setCouncil":
        this.council = [...action.members];
        this.threshold = action.threshold;
        this.councilEpoch += 1;
        return ok();
      case "grantRole": {
        const key = `${action.role}:${action.holder}`;
        if (this.roles.get(key) === true) return fail("RoleAlreadyActive");
        this.roles.set(key, true);
        return ok();
      }
      case "revokeRole": {
        const key = `${action.role}:${action.holder}`;
        const active = this.roles.get(key);
        if (active === undefined) return fail("InvalidAccountOwner");
        if (!active) return fail("RoleNotActive");
        this.roles.set(key, false);
        return ok();
      }
    }
  }

  // --- monitoring ----------------------------------------------------------------------

  guardianSuspend(p: number, guardian: string, grantRole: RoleName, now: number): Prediction {
    const denied = this.requireRole(guardian, grantRole, "guardian");
    if (denied) return fail(denied);
    const partner = this.partners[p]!;
    if (!["active", "underAudit", "reviewOverdue"].includes(partner.status)) return fail("WrongPartnerStatus");
    const lapsedAt = partner.guardianSuspensionLapsedAt;
    if (lapsedAt !== 0 && now < lapsedAt + this.config.guardianResuspensionCooldownSeconds)
      return fail("GuardianSuspensionCoolingDown");
    partner.statusBeforeSuspension = partner.status;
    partner.status = "suspended";
    partner.suspensionExpiresAt = now + this.config.guardianSuspensionSeconds;
    return this.changed(ok());
  }

  liftGuardianSuspension(p: number, now: number): Prediction {
    const partner = this.partners[p]!;
    if (partner.status !== "suspended" || partner.suspensionExpiresAt === 0 || now < partner.suspensionExpiresAt)
      return fail("SuspensionNotLapsed");
    partner.status = partner.statusBeforeSuspension;
    partner.suspensionExpiresAt = 0;
    partner.guardianSuspensionLapsedAt = now;
    return this.changed(ok());
  }

  recordReview(p: number, auditor: string, grantRole: RoleName, outcome: Outcome, now: number): Prediction {
    const denied = this.requireRole(auditor, grantRole, "auditor");
    if (denied) return fail(denied);
    const partner = this.partners[p]!;
    if (partner.stage !== "admitted" || partner.status === "revoked") return fail("WrongPartnerStatus");
    partner.nextReviewAt = now + this.config.reviewIntervalSeconds;
    const suspended = partner.status === "suspended";
    const current = suspended ? partner.statusBeforeSuspension : partner.status;
    let next = current;
    if ((current === "underAudit" || current === "reviewOverdue") && outcome === "passed") next = "active";
    else if ((current === "active" || current === "reviewOverdue") && outcome !== "passed") next = "underAudit";
    // With re-verifications pending the review decides what the partner returns to; it is not active meanwhile.
    if (partner.pendingChecks !== 0) {
      partner.statusBeforeReverification = next;
      if (next === "active") next = "underAudit";
    }
    if (suspended) partner.statusBeforeSuspension = next;
    else partner.status = next;
    return this.changed(ok());
  }

  markReviewOverdue(p: number, now: number): Prediction {
    const partner = this.partners[p]!;
    if (partner.status !== "active" && partner.status !== "underAudit") return fail("WrongPartnerStatus");
    const reviewDue = now > partner.nextReviewAt + this.config.reviewGraceSeconds;
    const reverificationDue = partner.pendingChecks !== 0 && now > partner.reverificationDeadline;
    if (!reviewDue && !reverificationDue) return fail("ReviewNotDue");
    partner.status = "reviewOverdue";
    return this.changed(ok());
  }
}
