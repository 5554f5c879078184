//! `lift_guardian_suspension`: once an unratified guardian suspension has run
//! out, anyone may return the partner to the status it had before.

use crate::errors::RegistryError;
use crate::events::{PartnerStatusChanged, StatusCause};
use crate::history;
use crate::interface::borsh_writer::Text;
use crate::interface::pod::{PodI64, PodU32, PodU64, Stored};
use crate::runtime;
use crate::state::account::{partner_mut, registry_mut};
use crate::state::PartnerStatus;
use pinocchio::{account::AccountView, address::Address, ProgramResult};

crate::instruction_accounts! {
    /// Ends a guardian suspension that ran out unratified (permissionless crank).
    pub struct Accounts {
        registry: [writable],
        partner: [writable],
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
    let now = runtime::now();
    let expires_at = partner.suspension_expires_at.get();
    if !partner.status.is(PartnerStatus::Suspended) || expires_at == 0 || now.unix_timestamp < expires_at {
        return Err(RegistryError::SuspensionNotLapsed.into());
    }
    let old_status = partner.status;
    let back_to = partner.status_before_suspension.get().unwrap_or(PartnerStatus::Active);
    partner.status = Stored::new(back_to);
    partner.suspended_by_guardian = Address::default();
    partner.suspension_expires_at = PodI64::new(0);
    // Starts the cool-down before a guardian may suspend this partner again.
    partner.guardian_suspension_lapsed_at = PodI64::new(now.unix_timestamp);
    let revision = partner.touch(now.unix_timestamp)?;
    let event = PartnerStatusChanged {
        partner: partner_address,
        old_status,
        new_status: partner.status,
        cause: StatusCause::GuardianSuspensionLapsed,
        actor: *accounts.caller.address(),
        proposal_id: PodU64::new(0),
        until: PodI64::new(expires_at),
        reason: Text(b""),
        revision: PodU32::new(revision),
    };
    history::record(&mut registry.history, &accounts.events, &now, &event)
}
