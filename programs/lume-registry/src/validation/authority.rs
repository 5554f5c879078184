//! Authority checks: who may act. Role holders prove a grant account of the
//! program's own, a partner acts through its authority key, council members
//! are found in the registry, and the registry is created by the program's
//! upgrade authority.

use crate::errors::RegistryError;
use crate::state::account::load;
use crate::state::{Partner, Registry, Role, RoleGrant};
use crate::validation::accounts::check_signer;
use pinocchio::{
    account::{AccountView, Ref},
    address::Address,
    error::ProgramError,
    ProgramResult,
};

/// Index of `member` in the current council.
#[inline(always)]
pub fn council_index(registry: &Registry, member: &Address) -> Option<usize> {
    registry.council_members().iter().position(|m| m == member)
}

/// `holder` signed and holds an active grant of `role` (the grant account is
/// the program's own `RoleGrant`, created only by an executed proposal).
/// Not inlined: four instructions check a role.
#[inline(never)]
pub fn require_role(grant: &AccountView, holder: &AccountView, role: Role) -> Result<(), ProgramError> {
    check_signer(holder, "holder")?;
    let grant: Ref<RoleGrant> = load::<RoleGrant>(grant, "role_grant")?;
    if grant.holder != *holder.address() || !grant.role.is(role) || !grant.active.get() {
        return Err(RegistryError::RoleNotGranted.into());
    }
    Ok(())
}

/// `signer` signed and is the partner's authority.
#[inline(always)]
pub fn require_partner_authority(partner: &Partner, signer: &AccountView) -> Result<(), ProgramError> {
    check_signer(signer, "authority")?;
    if partner.authority != *signer.address() {
        return Err(RegistryError::NotPartnerAuthority.into());
    }
    Ok(())
}

/// The signer is the upgrade authority recorded in this program's ProgramData:
/// the program account must point at `program_data`, and `program_data` must
/// name `authority` (`loader::upgrade_authority`).
pub fn check_upgrade_authority(
    program: &AccountView,
    program_data: &AccountView,
    authority: &Address,
) -> ProgramResult {
    if crate::loader::upgrade_authority(program, program_data)? != *authority {
        return Err(RegistryError::NotUpgradeAuthority.into());
    }
    Ok(())
}
