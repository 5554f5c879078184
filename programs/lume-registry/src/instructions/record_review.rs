//! `record_review`: an accredited auditor records a periodic re-evaluation of
//! an admitted partner. It moves the next review date and, by its outcome,
//! returns the partner to active or puts it under audit.

use crate::arithmetic::after;
use crate::errors::RegistryError;
use crate::events::{ReviewOutcome, ReviewRecorded};
use crate::history;
use crate::interface::borsh_reader::BoundedStr;
use crate::interface::borsh_writer::Text;
use crate::interface::pod::{PodI64, PodU32, Stored};
use crate::runtime;
use crate::state::account::{partner_mut, registry_mut};
use crate::state::{AdmissionStage, PartnerStatus, Role};
use crate::validation::authority::require_role;
use crate::validation::text::check_token;
use pinocchio::{account::AccountView, ProgramResult};

crate::instruction_accounts! {
    /// Records a re-evaluation of an admitted partner (auditor role).
    pub struct Accounts {
        registry: [writable],
        partner: [writable],
        auditor: [signer],
        /// The auditor's grant `["role", Auditor, auditor]`.
        role_grant: [],
    }
}

crate::instruction_args! {
    pub struct Args<'a> {
        pub outcome: ReviewOutcome,
        /// SHA-256 of the review report.
        pub evidence_hash: [u8; 32],
        pub evidence_uri: BoundedStr<'a, 127>,
    }
}

pub fn process(accounts: &mut [AccountView], data: &[u8]) -> ProgramResult {
    let mut accounts = Accounts::parse(accounts)?;
    let args = Args::decode(data)?;
    require_role(&accounts.role_grant, &accounts.auditor, Role::Auditor)?;
    check_token(args.evidence_uri.as_bytes())?;
    let partner_address = *accounts.partner.address();
    let mut registry = registry_mut(&mut accounts.registry)?;
    let mut partner = partner_mut(&mut accounts.partner)?;
    if !partner.stage.is(AdmissionStage::Admitted) || partner.status.is(PartnerStatus::Revoked) {
        return Err(RegistryError::WrongPartnerStatus.into());
    }

    let now = runtime::now();
    let next_review = after(now.unix_timestamp, registry.policy.review_interval_seconds.get())?;
    partner.last_review_at = PodI64::new(now.unix_timestamp);
    partner.next_review_at = PodI64::new(next_review);
    // Suspension outranks reviews: only the council or the lapse lifts it.
    // While suspended, the outcome decides the status the partner returns to.
    let suspended = partner.status.is(PartnerStatus::Suspended);
    let current = if suspended { partner.status_before_suspension.get() } else { partner.status.get() };
    let status = match (current, args.outcome) {
        (Some(PartnerStatus::UnderAudit | PartnerStatus::ReviewOverdue), ReviewOutcome::Passed) => {
            PartnerStatus::Active
        }
        (
            Some(PartnerStatus::Active | PartnerStatus::ReviewOverdue),
            ReviewOutcome::Concerns | ReviewOutcome::Failed,
        ) => PartnerStatus::UnderAudit,
        (Some(current), _) => current,
        (None, _) => return Err(RegistryError::InvalidAccountData.into()),
    };
    // With re-verifications pending the review decides what the partner returns to
    // once they are attested; until then it is not active.
    let status = if partner.pending_checks != 0 {
        partner.status_before_reverification = Stored::new(status);
        if status == PartnerStatus::Active {
            PartnerStatus::UnderAudit
        } else {
            status
        }
    } else {
        status
    };
    if suspended {
        partner.status_before_suspension = Stored::new(status);
    } else {
        partner.status = Stored::new(status);
    }
    let revision = partner.touch(now.unix_timestamp)?;

    let event = ReviewRecorded {
        partner: partner_address,
        auditor: *accounts.auditor.address(),
        outcome: args.outcome,
        evidence_hash: args.evidence_hash,
        evidence_uri: Text(args.evidence_uri.as_bytes()),
        next_review_at: PodI64::new(next_review),
        status: partner.status,
        revision: PodU32::new(revision),
    };
    history::record(&mut registry.history, &accounts.events, &now, &event)
}
