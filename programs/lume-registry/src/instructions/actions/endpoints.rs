//! Endpoint actions. Remaining accounts: 0 the partner, 1 the endpoint (for
//! AddEndpoint: the new PDA `["endpoint", partner, partner.next_endpoint_index]`).

use super::{target_partner, Execution};
use crate::arithmetic::increment_u32;
use crate::errors::RegistryError;
use crate::events::{EndpointCategoriesChanged, EndpointRemoved};
use crate::history;
use crate::instructions::endpoint_ops::{add_endpoint, NewEndpoint};
use crate::interface::pod::{PodI64, PodU16, PodU32, PodU64, Stored};
use crate::state::account::load_mut;
use crate::state::endpoint::EndpointStatus;
use crate::state::{seeds, Endpoint, Partner, PartnerStatus, Protocol};
use crate::system::create_pda;
use crate::validation::arguments::check_endpoint_categories;
use pinocchio::{
    account::{AccountView, RefMut},
    address::Address,
    error::ProgramError,
    ProgramResult,
};

/// The partner (remaining 0) and the second remaining account.
#[inline(never)]
fn partner_and_next<'a>(
    remaining: &'a mut [AccountView],
    partner: &Address,
) -> Result<(RefMut<'a, Partner>, &'a mut AccountView), ProgramError> {
    let (first, rest) = remaining.split_at_mut(1.min(remaining.len()));
    let partner_account = first.get_mut(0).ok_or(RegistryError::MissingAccounts)?;
    let next = rest.get_mut(0).ok_or(RegistryError::MissingAccounts)?;
    Ok((target_partner(partner_account, partner)?, next))
}

/// An endpoint of `partner` at `index` that is still active.
fn active_endpoint<'a>(
    account: &'a mut AccountView,
    partner: &Address,
    index: u16,
) -> Result<RefMut<'a, Endpoint>, ProgramError> {
    let endpoint = load_mut::<Endpoint>(account, "endpoint")?;
    if endpoint.partner != *partner || endpoint.index.get() != index || !endpoint.status.is(EndpointStatus::Active) {
        return Err(RegistryError::InvalidEndpoint.into());
    }
    Ok(endpoint)
}

pub fn add(execution: &mut Execution, host: &[u8], port: u16, protocol: Protocol, categories: u64) -> ProgramResult {
    let ctx = &execution.context;
    let (mut partner, endpoint_account) = partner_and_next(execution.remaining, &ctx.partner)?;
    if partner.status.is(PartnerStatus::Revoked) {
        return Err(RegistryError::WrongPartnerStatus.into());
    }
    let index_seed = partner.next_endpoint_index.get().to_le_bytes();
    let bump = create_pda::<Endpoint>(
        execution.executor,
        endpoint_account,
        &[seeds::ENDPOINT, ctx.partner.as_ref(), &index_seed],
    )?;
    let new = NewEndpoint { host, port, protocol, categories };
    let event = add_endpoint(&mut partner, &ctx.partner, endpoint_account, bump, &new, ctx.proposal_id, &ctx.now)?;
    history::record(&mut execution.registry.history, &ctx.events, &ctx.now, &event)
}

pub fn remove(execution: &mut Execution, index: u16) -> ProgramResult {
    let ctx = &execution.context;
    let (mut partner, endpoint_account) = partner_and_next(execution.remaining, &ctx.partner)?;
    let mut endpoint = active_endpoint(endpoint_account, &ctx.partner, index)?;
    endpoint.status = Stored::new(EndpointStatus::Removed);
    endpoint.removed_at = PodI64::new(ctx.now.unix_timestamp);
    endpoint.proposal_id = PodU64::new(ctx.proposal_id);
    // An active endpoint exists, so the count is at least 1.
    let active = partner.active_endpoints.get();
    partner.active_endpoints.set(active.saturating_sub(1));
    let version = increment_u32(partner.endpoint_set_version.get())?;
    partner.endpoint_set_version.set(version);
    partner.last_proposal_id = PodU64::new(ctx.proposal_id);
    let revision = partner.touch(ctx.now.unix_timestamp)?;
    let event = EndpointRemoved {
        partner: ctx.partner,
        index: PodU16::new(index),
        endpoint_set_version: PodU32::new(version),
        proposal_id: PodU64::new(ctx.proposal_id),
        revision: PodU32::new(revision),
    };
    history::record(&mut execution.registry.history, &ctx.events, &ctx.now, &event)
}

pub fn set_categories(execution: &mut Execution, index: u16, categories: u64) -> ProgramResult {
    let ctx = &execution.context;
    let (mut partner, endpoint_account) = partner_and_next(execution.remaining, &ctx.partner)?;
    check_endpoint_categories(&partner, categories)?;
    let mut endpoint = active_endpoint(endpoint_account, &ctx.partner, index)?;
    let old_categories = endpoint.categories;
    endpoint.categories = PodU64::new(categories);
    endpoint.proposal_id = PodU64::new(ctx.proposal_id);
    let version = increment_u32(partner.endpoint_set_version.get())?;
    // A changed endpoint is audited again before it serves.
    endpoint.changed_in_version = PodU32::new(version);
    partner.endpoint_set_version.set(version);
    partner.last_proposal_id = PodU64::new(ctx.proposal_id);
    let revision = partner.touch(ctx.now.unix_timestamp)?;
    let event = EndpointCategoriesChanged {
        partner: ctx.partner,
        index: PodU16::new(index),
        old_categories,
        new_categories: PodU64::new(categories),
        endpoint_set_version: PodU32::new(version),
        proposal_id: PodU64::new(ctx.proposal_id),
        revision: PodU32::new(revision),
    };
    history::record(&mut execution.registry.history, &ctx.events, &ctx.now, &event)
}
