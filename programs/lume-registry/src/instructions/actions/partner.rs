//! Partner actions: admission, rejection, suspension, reinstatement,
//! revocation, traffic model, required re-verifications. Remaining account 0:
//! the partner.

use super::{remaining_account, target_partner, ActionContext, Execution};
use crate::arithmetic::after;
use crate::errors::RegistryError;
use crate::events::{PartnerStatusChanged, StatusCause, TrafficModelChanged};
use crate::history;
use crate::instructions::reverification;
use crate::interface::borsh_writer::Text;
use crate::interface::pod::{PodI64, PodU32, PodU64, Stored};
use crate::state::{AdmissionStage, Partner, PartnerStatus, Registry, TrafficModel};
use pinocchio::{address::Address, ProgramResult};

/// A status change and why it happened.
struct StatusChange<'r> {
    status: PartnerStatus,
    cause: StatusCause,
    until: i64,
    reason: &'r [u8],
}

/// Moves the partner to the new status, stamps the proposal, and records it.
/// Not inlined: five actions share it (inlined, each built its own event).
#[inline(never)]
fn change_status(
    registry: &mut Registry,
    ctx: &ActionContext,
    partner: &mut Partner,
    change: StatusChange,
) -> ProgramResult {
    let old_status = partner.status;
    partner.status = Stored::new(change.status);
    partner.last_proposal_id = PodU64::new(ctx.proposal_id);
    // The council decided on the partner's status: guardians may suspend it again at once.
    partner.guardian_suspension_lapsed_at = PodI64::new(0);
    let revision = partner.touch(ctx.now.unix_timestamp)?;
    let event = PartnerStatusChanged {
        partner: ctx.partner,
        old_status,
        new_status: Stored::new(change.status),
        cause: change.cause,
        actor: ctx.executor,
        proposal_id: PodU64::new(ctx.proposal_id),
        until: PodI64::new(change.until),
        reason: Text(change.reason),
        revision: PodU32::new(revision),
    };
    history::record(&mut registry.history, &ctx.events, &ctx.now, &event)
}

/// Admits a partner that passed both verifications, with the endpoint set the
/// council saw; its first review falls one review interval from now.
pub fn approve(execution: &mut Execution, endpoint_set_version: u32) -> ProgramResult {
    let ctx = &execution.context;
    let mut partner = target_partner(remaining_account(execution.remaining, 0)?, &ctx.partner)?;
    if !partner.stage.is(AdmissionStage::TechnicallyVerified) {
        return Err(RegistryError::WrongAdmissionStage.into());
    }
    // A revoked applicant stays revoked: revocation is final.
    if !partner.status.is(PartnerStatus::Pending) {
        return Err(RegistryError::WrongPartnerStatus.into());
    }
    if partner.endpoint_set_version.get() != endpoint_set_version {
        return Err(RegistryError::EndpointSetChanged.into());
    }
    if partner.technical_endpoint_set_version != partner.endpoint_set_version {
        return Err(RegistryError::TechnicalAttestationStale.into());
    }
    if partner.active_endpoints.get() == 0 {
        return Err(RegistryError::NoEndpoints.into());
    }
    let now = ctx.now.unix_timestamp;
    let next_review = after(now, execution.registry.policy.review_interval_seconds.get())?;
    partner.stage = Stored::new(AdmissionStage::Admitted);
    partner.admitted_at = PodI64::new(now);
    partner.next_review_at = PodI64::new(next_review);
    let change =
        StatusChange { status: PartnerStatus::Active, cause: StatusCause::Admitted, until: next_review, reason: b"" };
    change_status(execution.registry, ctx, &mut partner, change)
}

/// Refuses a pending application; the partner record stays, revoked.
pub fn reject_application(execution: &mut Execution, reason: &[u8]) -> ProgramResult {
    let ctx = &execution.context;
    let mut partner = target_partner(remaining_account(execution.remaining, 0)?, &ctx.partner)?;
    if matches!(partner.stage.get(), Some(AdmissionStage::Admitted | AdmissionStage::Rejected) | None) {
        return Err(RegistryError::WrongAdmissionStage.into());
    }
    partner.stage = Stored::new(AdmissionStage::Rejected);
    let change =
        StatusChange { status: PartnerStatus::Revoked, cause: StatusCause::ApplicationRejected, until: 0, reason };
    change_status(execution.registry, ctx, &mut partner, change)
}

/// Suspends an admitted partner, or ratifies a guardian's suspension (which
/// then no longer lapses).
pub fn suspend(execution: &mut Execution, reason: &[u8]) -> ProgramResult {
    let ctx = &execution.context;
    let mut partner = target_partner(remaining_account(execution.remaining, 0)?, &ctx.partner)?;
    match partner.status.get() {
        Some(PartnerStatus::Active | PartnerStatus::UnderAudit | PartnerStatus::ReviewOverdue) => {
            partner.status_before_suspension = partner.status;
        }
        // Ratifying a guardian suspension keeps the status saved by the guardian.
        Some(PartnerStatus::Suspended) if partner.suspension_expires_at.get() != 0 => {}
        _ => return Err(RegistryError::WrongPartnerStatus.into()),
    }
    partner.suspended_by_guardian = Address::default();
    partner.suspension_expires_at = PodI64::new(0);
    let change =
        StatusChange { status: PartnerStatus::Suspended, cause: StatusCause::CouncilSuspension, until: 0, reason };
    change_status(execution.registry, ctx, &mut partner, change)
}

/// Lifts a suspension: the partner returns to the status it had before.
pub fn reinstate(execution: &mut Execution) -> ProgramResult {
    let ctx = &execution.context;
    let mut partner = target_partner(remaining_account(execution.remaining, 0)?, &ctx.partner)?;
    if !partner.status.is(PartnerStatus::Suspended) {
        return Err(RegistryError::WrongPartnerStatus.into());
    }
    let back_to = partner.status_before_suspension.get().unwrap_or(PartnerStatus::Active);
    partner.suspended_by_guardian = Address::default();
    partner.suspension_expires_at = PodI64::new(0);
    let change = StatusChange { status: back_to, cause: StatusCause::Reinstated, until: 0, reason: b"" };
    change_status(execution.registry, ctx, &mut partner, change)
}

/// Revokes a partner for good.
pub fn revoke(execution: &mut Execution, reason: &[u8]) -> ProgramResult {
    let ctx = &execution.context;
    let mut partner = target_partner(remaining_account(execution.remaining, 0)?, &ctx.partner)?;
    if partner.status.is(PartnerStatus::Revoked) {
        return Err(RegistryError::WrongPartnerStatus.into());
    }
    let change = StatusChange { status: PartnerStatus::Revoked, cause: StatusCause::Revoked, until: 0, reason };
    change_status(execution.registry, ctx, &mut partner, change)
}

/// Replaces the partner's traffic model.
pub fn set_traffic_model(execution: &mut Execution, model: &TrafficModel) -> ProgramResult {
    let ctx = &execution.context;
    let mut partner = target_partner(remaining_account(execution.remaining, 0)?, &ctx.partner)?;
    if partner.status.is(PartnerStatus::Revoked) {
        return Err(RegistryError::WrongPartnerStatus.into());
    }
    let old_model = partner.traffic_model;
    partner.traffic_model = *model;
    partner.last_proposal_id = PodU64::new(ctx.proposal_id);
    let revision = partner.touch(ctx.now.unix_timestamp)?;
    let event = TrafficModelChanged {
        partner: ctx.partner,
        old_model,
        new_model: *model,
        proposal_id: PodU64::new(ctx.proposal_id),
        revision: PodU32::new(revision),
    };
    history::record(&mut execution.registry.history, &ctx.events, &ctx.now, &event)
}

/// Requires new verifications (`checks`: `CHECK_LEGAL` | `CHECK_TECHNICAL`) of an
/// admitted partner by `deadline`: an active partner goes under audit, a
/// suspended one stays suspended and returns under audit.
pub fn require_reverification(execution: &mut Execution, checks: u8, reason: &[u8], deadline: i64) -> ProgramResult {
    let ctx = &execution.context;
    let mut partner = target_partner(remaining_account(execution.remaining, 0)?, &ctx.partner)?;
    if !partner.stage.is(AdmissionStage::Admitted) {
        return Err(RegistryError::WrongAdmissionStage.into());
    }
    if partner.status.is(PartnerStatus::Revoked) {
        return Err(RegistryError::WrongPartnerStatus.into());
    }
    if deadline <= ctx.now.unix_timestamp {
        return Err(RegistryError::InvalidReverification.into());
    }
    let old_status = partner.status;
    reverification::require(&mut partner, checks, deadline);
    let status = partner.status.get().unwrap_or(PartnerStatus::UnderAudit);
    // `change_status` records the move from the old status.
    partner.status = old_status;
    let change = StatusChange { status, cause: StatusCause::ReverificationRequired, until: deadline, reason };
    change_status(execution.registry, ctx, &mut partner, change)
}
