//! Key actions. Remaining accounts: 0 the partner, 1 the key (for IssueKey:
//! the new PDA `["key", partner, partner.next_key_index]`), 2 for IssueKey
//! with `replaces`: the key being rotated out.

use super::{target_partner, Execution};
use crate::arithmetic::{after, increment_u16, increment_u32};
use crate::errors::RegistryError;
use crate::events::{KeyIssued, KeyRevoked};
use crate::history;
use crate::interface::borsh_writer::{List, OptionalPod};
use crate::interface::pod::{PodI64, PodU16, PodU32, PodU64, Stored};
use crate::state::account::{init, load_mut};
use crate::state::infra_key::MAX_KEY_ENDPOINTS;
use crate::state::partner::MAX_ACTIVE_KEYS;
use crate::state::{seeds, InfraKey, KeyStatus, PartnerStatus, RevocationReason};
use crate::system::create_pda;
use crate::validation::accounts::check_distinct;
use pinocchio::{
    account::{AccountView, RefMut},
    address::Address,
    error::ProgramError,
    ProgramResult,
};

/// The arguments of an IssueKey action.
pub struct NewKey<'a> {
    pub public_key: [u8; 32],
    pub endpoints: &'a [PodU16],
    pub valid_from: i64,
    pub valid_until: i64,
    pub replaces: Option<u16>,
}

/// A key of `partner` at `index`.
fn partner_key<'a>(
    account: &'a mut AccountView,
    partner: &Address,
    index: u16,
) -> Result<RefMut<'a, InfraKey>, ProgramError> {
    let key = load_mut::<InfraKey>(account, "key")?;
    if key.partner != *partner || key.index.get() != index {
        return Err(RegistryError::InvalidKey.into());
    }
    Ok(key)
}

pub fn issue(execution: &mut Execution, new: &NewKey) -> ProgramResult {
    let ctx = &execution.context;
    let now = ctx.now.unix_timestamp;
    let (partner_slot, rest) = execution.remaining.split_at_mut(1.min(execution.remaining.len()));
    let mut partner = target_partner(partner_slot.get_mut(0).ok_or(RegistryError::MissingAccounts)?, &ctx.partner)?;
    if !matches!(
        partner.status.get(),
        Some(
            PartnerStatus::Active | PartnerStatus::UnderAudit | PartnerStatus::ReviewOverdue | PartnerStatus::Suspended
        )
    ) {
        return Err(RegistryError::WrongPartnerStatus.into());
    }
    if new.valid_until <= now || new.valid_until <= new.valid_from || new.endpoints.len() > MAX_KEY_ENDPOINTS {
        return Err(RegistryError::InvalidKeyWindow.into());
    }
    let next_endpoint = partner.next_endpoint_index.get();
    if new.endpoints.iter().any(|e| e.get() >= next_endpoint) {
        return Err(RegistryError::InvalidKeyWindow.into());
    }
    if partner.active_keys.get() >= MAX_ACTIVE_KEYS && new.replaces.is_none() {
        return Err(RegistryError::TooManyKeys.into());
    }

    let index = partner.next_key_index.get();
    let (key_slot, rest) = rest.split_at_mut(1.min(rest.len()));
    let key_account = key_slot.get_mut(0).ok_or(RegistryError::MissingAccounts)?;
    // The new key and the key it replaces are both InfraKey accounts: one account passed as
    // both is refused as such (before it could fail as "already initialized").
    if let (Some(_), Some(old_account)) = (new.replaces, rest.first()) {
        check_distinct(key_account, old_account, "key")?;
    }
    let index_seed = index.to_le_bytes();
    let bump =
        create_pda::<InfraKey>(execution.executor, key_account, &[seeds::KEY, ctx.partner.as_ref(), &index_seed])?;

    // Rotation: the replaced key stays valid through the policy's grace period.
    let mut grace_until = 0;
    if let Some(old_index) = new.replaces {
        let old_account = rest.get_mut(0).ok_or(RegistryError::MissingAccounts)?;
        let mut old = partner_key(old_account, &ctx.partner, old_index)?;
        if !old.status.is(KeyStatus::Active) {
            return Err(RegistryError::InvalidKey.into());
        }
        grace_until =
            after(now, execution.registry.policy.key_rotation_grace_seconds.get())?.min(old.valid_until.get());
        old.status = Stored::new(KeyStatus::Rotating);
        old.grace_until = PodI64::new(grace_until);
        old.replaced_by = PodU16::new(index);
    } else {
        let active = increment_u16(partner.active_keys.get())?;
        partner.active_keys.set(active);
    }

    let mut key = init::<InfraKey>(key_account)?;
    key.layout_version = 1;
    key.bump = bump;
    key.partner = ctx.partner;
    key.index = PodU16::new(index);
    key.public_key = new.public_key;
    key.endpoint_count = new.endpoints.len() as u8;
    key.endpoints[..new.endpoints.len()].copy_from_slice(new.endpoints);
    key.valid_from = PodI64::new(new.valid_from);
    key.valid_until = PodI64::new(new.valid_until);
    key.status = Stored::new(KeyStatus::Active);
    key.replaced_by = PodU16::new(u16::MAX);
    key.issued_by_proposal = PodU64::new(ctx.proposal_id);
    key.issued_at = PodI64::new(now);

    partner.next_key_index.set(increment_u16(index)?);
    let version = increment_u32(partner.key_set_version.get())?;
    partner.key_set_version.set(version);
    partner.last_proposal_id = PodU64::new(ctx.proposal_id);
    let revision = partner.touch(now)?;

    let event = KeyIssued {
        partner: ctx.partner,
        index: PodU16::new(index),
        public_key: new.public_key,
        endpoints: List(new.endpoints),
        valid_from: PodI64::new(new.valid_from),
        valid_until: PodI64::new(new.valid_until),
        replaces: OptionalPod::new(new.replaces.map(PodU16::new)),
        replaced_grace_until: PodI64::new(grace_until),
        key_set_version: PodU32::new(version),
        proposal_id: PodU64::new(ctx.proposal_id),
        revision: PodU32::new(revision),
    };
    history::record(&mut execution.registry.history, &ctx.events, &ctx.now, &event)
}

pub fn revoke(execution: &mut Execution, index: u16, reason: RevocationReason) -> ProgramResult {
    let ctx = &execution.context;
    let (partner_slot, rest) = execution.remaining.split_at_mut(1.min(execution.remaining.len()));
    let mut partner = target_partner(partner_slot.get_mut(0).ok_or(RegistryError::MissingAccounts)?, &ctx.partner)?;
    let mut key = partner_key(rest.get_mut(0).ok_or(RegistryError::MissingAccounts)?, &ctx.partner, index)?;
    match key.status.get() {
        // Only Active keys count towards `active_keys`, which is then at least 1.
        Some(KeyStatus::Active) => {
            let active = partner.active_keys.get();
            partner.active_keys.set(active.saturating_sub(1));
        }
        Some(KeyStatus::Rotating) => {}
        _ => return Err(RegistryError::InvalidKey.into()),
    }
    key.status = Stored::new(KeyStatus::Revoked);
    key.revocation_reason = Stored::new(reason);
    key.revoked_at = PodI64::new(ctx.now.unix_timestamp);
    key.revoked_by_proposal = PodU64::new(ctx.proposal_id);
    let version = increment_u32(partner.key_set_version.get())?;
    partner.key_set_version.set(version);
    partner.last_proposal_id = PodU64::new(ctx.proposal_id);
    let revision = partner.touch(ctx.now.unix_timestamp)?;
    let event = KeyRevoked {
        partner: ctx.partner,
        index: PodU16::new(index),
        reason: Stored::new(reason),
        key_set_version: PodU32::new(version),
        proposal_id: PodU64::new(ctx.proposal_id),
        revision: PodU32::new(revision),
    };
    history::record(&mut execution.registry.history, &ctx.events, &ctx.now, &event)
}
