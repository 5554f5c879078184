//! `guardian_suspend`: in an emergency one guardian suspends a partner at
//! once. The suspension lapses after the policy's limit unless an executed
//! SuspendPartner proposal ratifies it. After a lapse the same partner cannot
//! be guardian-suspended again until the council decided on its status or the
//! policy's cool-down passed: no suspension for ever without a vote.

use crate::arithmetic::after;
use crate::errors::RegistryError;
use crate::events::{PartnerStatusChanged, StatusCause};
use crate::history;
use crate::interface::borsh_reader::BoundedStr;
use crate::interface::borsh_writer::Text;
use crate::interface::pod::{PodI64, PodU32, PodU64, Stored};
use crate::runtime;
use crate::state::account::{partner_mut, registry_mut};
use crate::state::{PartnerStatus, Role};
use crate::validation::authority::require_role;
use crate::validation::text::check_name;
use pinocchio::{account::AccountView, ProgramResult};

crate::instruction_accounts! {
    /// Suspends a partner immediately (guardian role); lapses unless ratified.
    pub struct Accounts {
        registry: [writable],
        partner: [writable],
        guardian: [signer],
        /// The guardian's grant `["role", Guardian, guardian]`.
        role_grant: [],
    }
}

crate::instruction_args! {
    pub struct Args<'a> {
        /// Why (shown to the council and auditors).
        pub reason: BoundedStr<'a, 127>,
    }
}

pub fn process(accounts: &mut [AccountView], data: &[u8]) -> ProgramResult {
    let mut accounts = Accounts::parse(accounts)?;
    let args = Args::decode(data)?;
    require_role(&accounts.role_grant, &accounts.guardian, Role::Guardian)?;
    check_name(args.reason.as_bytes())?;
    let partner_address = *accounts.partner.address();
    let mut registry = registry_mut(&mut accounts.registry)?;
    let mut partner = partner_mut(&mut accounts.partner)?;
    let old_status = partner.status;
    if !matches!(
        old_status.get(),
        Some(PartnerStatus::Active | PartnerStatus::UnderAudit | PartnerStatus::ReviewOverdue)
    ) {
        return Err(RegistryError::WrongPartnerStatus.into());
    }
    let now = runtime::now();
    let lapsed_at = partner.guardian_suspension_lapsed_at.get();
    if lapsed_at != 0
        && now.unix_timestamp < after(lapsed_at, registry.policy.guardian_resuspension_cooldown_seconds.get())?
    {
        return Err(RegistryError::GuardianSuspensionCoolingDown.into());
    }
    let until = after(now.unix_timestamp, registry.policy.guardian_suspension_seconds.get())?;
    partner.status_before_suspension = old_status;
    partner.status = Stored::new(PartnerStatus::Suspended);
    partner.suspended_by_guardian = *accounts.guardian.address();
    partner.suspension_expires_at = PodI64::new(until);
    let revision = partner.touch(now.unix_timestamp)?;
    let event = PartnerStatusChanged {
        partner: partner_address,
        old_status,
        new_status: partner.status,
        cause: StatusCause::GuardianSuspension,
        actor: *accounts.guardian.address(),
        proposal_id: PodU64::new(0),
        until: PodI64::new(until),
        reason: Text(args.reason.as_bytes()),
        revision: PodU32::new(revision),
    };
    history::record(&mut registry.history, &accounts.events, &now, &event)
}
