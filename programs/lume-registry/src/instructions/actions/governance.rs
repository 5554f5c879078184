//! Council-only actions: roles, the category catalogue, the policy and the
//! council itself. Roles take remaining account 0: `["role", role, holder]`.

use super::Execution;
use crate::arithmetic::increment_u32;
use crate::errors::RegistryError;
use crate::events::{CategoryChanged, CouncilChanged, PolicyChanged, RoleChanged};
use crate::history;
use crate::interface::borsh_writer::{List, Text};
use crate::interface::pod::{PodBool, PodI64, PodU32, PodU64, Stored};
use crate::state::account::{init, load_mut};
use crate::state::{seeds, Policy, Role, RoleGrant, MAX_CATEGORIES};
use crate::system::create_pda;
use crate::validation::text::check_category_name;
use pinocchio::{address::Address, ProgramResult};

pub fn grant_role(execution: &mut Execution, role: Role, holder: &Address) -> ProgramResult {
    let ctx = &execution.context;
    let account = execution.remaining.get_mut(0).ok_or(RegistryError::MissingAccounts)?;
    if account.is_data_empty() {
        let role_seed = [role as u8];
        let bump = create_pda::<RoleGrant>(execution.executor, account, &[seeds::ROLE, &role_seed, holder.as_ref()])?;
        let mut grant = init::<RoleGrant>(account)?;
        grant.layout_version = 1;
        grant.bump = bump;
        grant.role = Stored::new(role);
        grant.holder = *holder;
    }
    let mut grant = load_mut::<RoleGrant>(account, "role_grant")?;
    if grant.holder != *holder || !grant.role.is(role) {
        return Err(RegistryError::UnexpectedAccountAddress.into());
    }
    if grant.active.get() {
        return Err(RegistryError::RoleAlreadyActive.into());
    }
    grant.active = PodBool::new(true);
    grant.granted_by_proposal = PodU64::new(ctx.proposal_id);
    grant.granted_at = PodI64::new(ctx.now.unix_timestamp);
    let event = RoleChanged {
        role: Stored::new(role),
        holder: *holder,
        active: PodBool::new(true),
        proposal_id: PodU64::new(ctx.proposal_id),
    };
    history::record(&mut execution.registry.history, &ctx.events, &ctx.now, &event)
}

pub fn revoke_role(execution: &mut Execution, role: Role, holder: &Address) -> ProgramResult {
    let ctx = &execution.context;
    let account = execution.remaining.get_mut(0).ok_or(RegistryError::MissingAccounts)?;
    let mut grant = load_mut::<RoleGrant>(account, "role_grant")?;
    if grant.holder != *holder || !grant.role.is(role) {
        return Err(RegistryError::UnexpectedAccountAddress.into());
    }
    if !grant.active.get() {
        return Err(RegistryError::RoleNotActive.into());
    }
    grant.active = PodBool::new(false);
    grant.revoked_by_proposal = PodU64::new(ctx.proposal_id);
    grant.revoked_at = PodI64::new(ctx.now.unix_timestamp);
    let event = RoleChanged {
        role: Stored::new(role),
        holder: *holder,
        active: PodBool::new(false),
        proposal_id: PodU64::new(ctx.proposal_id),
    };
    history::record(&mut execution.registry.history, &ctx.events, &ctx.now, &event)
}

pub fn add_category(execution: &mut Execution, name: &[u8]) -> ProgramResult {
    let ctx = &execution.context;
    let registry = &mut *execution.registry;
    let index = registry.category_count;
    if index as usize >= MAX_CATEGORIES {
        return Err(RegistryError::TooManyCategories.into());
    }
    check_category_name(registry, name, None)?;
    registry.categories[index as usize].assign(name)?;
    registry.category_count = index + 1;
    let event =
        CategoryChanged { index, name: Text(name), old_name: Text(b""), proposal_id: PodU64::new(ctx.proposal_id) };
    history::record(&mut registry.history, &ctx.events, &ctx.now, &event)
}

pub fn rename_category(execution: &mut Execution, index: u8, name: &[u8]) -> ProgramResult {
    let ctx = &execution.context;
    let registry = &mut *execution.registry;
    if index >= registry.category_count {
        return Err(RegistryError::UnknownCategory.into());
    }
    check_category_name(registry, name, Some(index))?;
    let old = registry.categories[index as usize];
    registry.categories[index as usize].assign(name)?;
    let event = CategoryChanged {
        index,
        name: Text(name),
        old_name: Text(old.as_bytes()),
        proposal_id: PodU64::new(ctx.proposal_id),
    };
    history::record(&mut registry.history, &ctx.events, &ctx.now, &event)
}

pub fn set_policy(execution: &mut Execution, policy: &Policy, time_lock_seconds: u32) -> ProgramResult {
    let ctx = &execution.context;
    let registry = &mut *execution.registry;
    let event = PolicyChanged {
        old_policy: registry.policy,
        new_policy: *policy,
        old_time_lock_seconds: registry.time_lock_seconds,
        new_time_lock_seconds: PodU32::new(time_lock_seconds),
        proposal_id: PodU64::new(ctx.proposal_id),
    };
    registry.policy = *policy;
    registry.time_lock_seconds = PodU32::new(time_lock_seconds);
    history::record(&mut registry.history, &ctx.events, &ctx.now, &event)
}

/// Replaces the council and moves to a new epoch: every proposal of the old
/// epoch (open or approved) can no longer be voted on or executed.
pub fn set_council(execution: &mut Execution, members: &[Address], threshold: u8) -> ProgramResult {
    let ctx = &execution.context;
    let registry = &mut *execution.registry;
    let epoch = increment_u32(registry.council_epoch.get())?;
    registry.council = [Address::default(); 16];
    registry.council[..members.len()].copy_from_slice(members);
    // check_council bounded the list to 16.
    registry.council_len = members.len() as u8;
    registry.threshold = threshold;
    registry.council_epoch = PodU32::new(epoch);
    let event = CouncilChanged {
        members: List(&registry.council[..members.len()]),
        threshold,
        council_epoch: PodU32::new(epoch),
        proposal_id: PodU64::new(ctx.proposal_id),
    };
    let history = &mut registry.history;
    history::record(history, &ctx.events, &ctx.now, &event)
}
