// Registry errors in plain words: the IDL's message, and what to do next where there is
// something to do.
import type { IdlErrorInfo } from "../../sdk/idl.js";

const NEXT_STEP: Record<string, string> = {
  NotCouncilMember: "sign with a key of the current council (--keypair); `lume council show` lists the members",
  NotPartnerAuthority: "sign with the partner's authority key (--keypair), the key that applied",
  RoleNotGranted: "this needs a role the council grants (`lume propose grant-role`); check the --keypair",
  WrongAdmissionStage:
    "check `lume partner status`: legal attestation comes first, then technical, then the council's approval",
  WrongPartnerStatus: "check `lume partner status`: the partner's current status does not allow this change",
  ProposalNotOpen: "the proposal is no longer open for votes; `lume proposals list --all` shows its status",
  ProposalStale: "the council changed since it was proposed: propose it again",
  ProposalExpired: "its voting period ended: propose it again",
  AlreadyVoted: "this member's vote is already recorded",
  NotProposer: "only the key that proposed it may cancel it",
  ProposalHasApprovals: "once approved by anyone it can only be rejected by the council",
  ProposalNotApproved:
    "it needs more approvals first (or it was already executed); `lume proposals list --all` shows its status",
  TimeLockActive: "wait until the time lock has passed, then run execute again",
  ExecutionWindowClosed: "it was approved too long ago: propose it again",
  EndpointSetChanged: "propose approve-partner again: it takes the current endpoint-set version by default",
  AlreadyInitialized: "it exists already",
  AlreadyReported: "one report per node and partner per window: wait for the next window",
  RoleAlreadyActive: "nothing to do: the holder already has the role",
  RoleNotActive: "nothing to revoke: the holder does not have the role",
  ActionNotAllowedForProposer: "a partner may only request endpoint, key and traffic-model changes for itself",
  NoPendingCheck:
    "`lume partner status` lists the re-verifications the partner owes; the council requires one with `lume propose require-reverification`",
  ReverificationDeadlinePassed:
    "the council sets a new deadline with `lume propose require-reverification`, then attest again",
  InvalidReverification: "give --checks legal and/or technical and a --deadline after the vote and time lock",
};

export function explainRegistryError(error: IdlErrorInfo): string {
  const next = NEXT_STEP[error.name];
  return `${error.msg} (${error.name}, error ${error.code})${next === undefined ? "" : `. Next: ${next}`}`;
}
