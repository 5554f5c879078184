//! `mark_review_overdue`: anyone may mark a partner whose review date plus
//! the policy's grace has passed, or whose re-verification was still pending
//! at its deadline; requests from it are refused until an auditor records a
//! review (and, for a re-verification, the council sets a new deadline and the
//! checks are attested).

use crate::arithmetic::after;
use crate::errors::RegistryError;
use crate::events::{PartnerStatusChanged, StatusCause};
use crate::history;
use crate::interface::borsh_writer::Text;
use crate::interface::pod::{PodI64, PodU32, PodU64, Stored};
use crate::runtime;
use crate::state::account::{partner_mut, registry_mut};
use crate::state::PartnerStatus;
use pinocchio::{account::AccountView, ProgramResult};

crate::instruction_accounts! {
    /// Marks a partner's review overdue (permissionless crank).
    pub struct Accounts {
        registry: [writable],
        partner: [writable],
        /// Whoever runs the crank.
        caller: [signer],
    }
}

crate::instruction_args! {
    pub struct Args<'a> {}
}

pub fn process(accounts: &mut [AccountView], data: &[u8]) -> ProgramResult {
    let mut accounts = Accounts::parse(accounts)?;
    Args::decode(data)?;
    let partner_address = *accounts.partner.address();
    let mut registry = registry_mut(&mut accounts.registry)?;
    let mut partner = partner_mut(&mut accounts.partner)?;
    let old_status = partner.status;
    if !matches!(old_status.get(), Some(PartnerStatus::Active | PartnerStatus::UnderAudit)) {
        return Err(RegistryError::WrongPartnerStatus.into());
    }
    let now = runtime::now();
    let review_deadline = after(partner.next_review_at.get(), registry.policy.review_grace_seconds.get())?;
    let reverification_deadline = partner.reverification_deadline.get();
    let (cause, deadline) = if now.unix_timestamp > review_deadline {
        (StatusCause::ReviewOverdue, review_deadline)
    } else if partner.pending_checks != 0 && now.unix_timestamp > reverification_deadline {
        (StatusCause::ReverificationOverdue, reverification_deadline)
    } else {
        return Err(RegistryError::ReviewNotDue.into());
    };
    partner.status = Stored::new(PartnerStatus::ReviewOverdue);
    let revision = partner.touch(now.unix_timestamp)?;
    let event = PartnerStatusChanged {
        partner: partner_address,
        old_status,
        new_status: partner.status,
        cause,
        actor: *accounts.caller.address(),
        proposal_id: PodU64::new(0),
        until: PodI64::new(deadline),
        reason: Text(b""),
        revision: PodU32::new(revision),
    };
    history::record(&mut registry.history, &accounts.events, &now, &event)
}
