//! Argument checks: what instruction and proposal-action arguments must
//! satisfy before anything changes. A proposal's action is checked when it is
//! proposed (so the council never votes on something that cannot execute for
//! a reason visible up front) and again when it is executed.

use crate::errors::RegistryError;
use crate::instructions::endpoint_ops::NewEndpoint;
use crate::interface::borsh_reader::BoundedStrList;
use crate::interface::pod::PodU32;
use crate::state::registry::MAX_CATEGORY_NAME;
use crate::state::{Partner, Policy, ProposalAction, Registry, TrafficModel, MAX_CATEGORIES, MAX_COUNCIL};
use crate::validation::text::{check_category_name, check_name, check_token};
use pinocchio::address::Address;

const DAY: u32 = 86_400;
const MAX_TIME_LOCK: u32 = 30 * DAY;

/// A proposal action's own arguments (against the registry as it is now).
pub fn check_action_arguments(action: &ProposalAction, registry: &Registry) -> Result<(), RegistryError> {
    match action {
        ProposalAction::ApprovePartner { .. }
        | ProposalAction::ReinstatePartner {}
        | ProposalAction::RemoveEndpoint { .. }
        | ProposalAction::RevokeKey { .. }
        | ProposalAction::UpgradeProgram { .. }
        | ProposalAction::SetUpgradeAuthority { .. } => Ok(()),
        ProposalAction::RejectApplication { reason }
        | ProposalAction::SuspendPartner { reason }
        | ProposalAction::RevokePartner { reason } => check_name(reason.as_bytes()),
        ProposalAction::AddEndpoint { host, port, categories, .. } => {
            check_token(host.as_bytes())?;
            if *port == 0 {
                return Err(RegistryError::InvalidText);
            }
            nonempty(*categories)
        }
        ProposalAction::SetEndpointCategories { categories, .. } => nonempty(*categories),
        ProposalAction::IssueKey { public_key, valid_from, valid_until, .. } => {
            if *public_key == [0u8; 32] || valid_until <= valid_from {
                return Err(RegistryError::InvalidKeyWindow);
            }
            Ok(())
        }
        ProposalAction::SetTrafficModel { model } => check_traffic_model(model, registry.catalogue_mask()),
        ProposalAction::GrantRole { holder, .. } | ProposalAction::RevokeRole { holder, .. } => {
            if holder.as_ref() == [0u8; 32] {
                return Err(RegistryError::InvalidCouncilMember);
            }
            Ok(())
        }
        ProposalAction::AddCategory { name } => {
            if registry.category_count as usize >= crate::state::MAX_CATEGORIES {
                return Err(RegistryError::TooManyCategories);
            }
            check_category_name(registry, name.as_bytes(), None)
        }
        ProposalAction::RenameCategory { index, name } => {
            if *index >= registry.category_count {
                return Err(RegistryError::UnknownCategory);
            }
            check_category_name(registry, name.as_bytes(), Some(*index))
        }
        ProposalAction::SetPolicy { policy, time_lock_seconds } => check_policy(policy, *time_lock_seconds),
        ProposalAction::SetCouncil { members, threshold } => check_council(members.as_slice(), *threshold),
        ProposalAction::RequireReverification { legal, technical, reason, .. } => {
            if !legal && !technical {
                return Err(RegistryError::InvalidReverification);
            }
            check_name(reason.as_bytes())
        }
        ProposalAction::_Borrowed(_) => Err(RegistryError::InvalidEnumValue),
    }
}

fn nonempty(categories: u64) -> Result<(), RegistryError> {
    if categories == 0 {
        return Err(RegistryError::InvalidCategories);
    }
    Ok(())
}

/// Known categories only, at least one, and non-zero ceilings and burst (a
/// node's token bucket of size 0 would refuse every request).
pub fn check_traffic_model(model: &TrafficModel, catalogue: u64) -> Result<(), RegistryError> {
    let categories = model.allowed_categories.get();
    if categories == 0
        || categories & !catalogue != 0
        || model.max_requests_per_second.get() == 0
        || model.burst.get() == 0
        || model.max_bandwidth_kbps.get() == 0
    {
        return Err(RegistryError::InvalidTrafficModel);
    }
    Ok(())
}

/// 1 to 16 distinct, non-default members and a threshold within 1..=members.
pub fn check_council(council: &[Address], threshold: u8) -> Result<(), RegistryError> {
    if council.is_empty() {
        return Err(RegistryError::CouncilEmpty);
    }
    if council.len() > MAX_COUNCIL {
        return Err(RegistryError::CouncilTooLarge);
    }
    for (index, member) in council.iter().enumerate() {
        if member.as_ref() == [0u8; 32] {
            return Err(RegistryError::InvalidCouncilMember);
        }
        if council[index + 1..].contains(member) {
            return Err(RegistryError::DuplicateCouncilMember);
        }
    }
    if threshold == 0 || threshold as usize > council.len() {
        return Err(RegistryError::InvalidThreshold);
    }
    Ok(())
}

/// Every duration within a range that keeps time arithmetic far from overflow
/// and the registry usable (no zero-length windows).
pub fn check_policy(policy: &Policy, time_lock_seconds: u32) -> Result<(), RegistryError> {
    let within = |value: PodU32, min: u32, max: u32| (min..=max).contains(&value.get());
    let valid = time_lock_seconds <= MAX_TIME_LOCK
        && within(policy.review_interval_seconds, DAY, 5 * 366 * DAY)
        && policy.review_grace_seconds.get() <= policy.review_interval_seconds.get()
        && policy.deviation_threshold.get() >= 1
        && within(policy.deviation_window_seconds, 60, 366 * DAY)
        && within(policy.guardian_suspension_seconds, 60, 30 * DAY)
        && within(policy.proposal_lifetime_seconds, 60, 366 * DAY)
        && policy.key_rotation_grace_seconds.get() <= 90 * DAY
        && within(policy.guardian_resuspension_cooldown_seconds, 60, 366 * DAY);
    if valid {
        Ok(())
    } else {
        Err(RegistryError::InvalidPolicy)
    }
}

/// Names of 1 to 31 bytes in strictly ascending byte order, which also makes
/// them distinct in one pass.
pub fn check_categories(categories: &BoundedStrList<MAX_CATEGORIES, MAX_CATEGORY_NAME>) -> Result<(), RegistryError> {
    let mut previous: Option<&[u8]> = None;
    for name in categories.iter() {
        if name.is_empty() {
            return Err(RegistryError::InvalidCategoryName);
        }
        if previous.is_some_and(|p| p >= name) {
            return Err(RegistryError::CategoriesNotAscending);
        }
        previous = Some(name);
    }
    Ok(())
}

/// Host is a token, port non-zero, categories non-empty and within the
/// partner's traffic model.
pub fn check_new_endpoint(partner: &Partner, new: &NewEndpoint) -> Result<(), RegistryError> {
    check_token(new.host)?;
    if new.port == 0 {
        return Err(RegistryError::InvalidText);
    }
    check_endpoint_categories(partner, new.categories)
}

/// Non-empty and within the partner's traffic model.
pub fn check_endpoint_categories(partner: &Partner, categories: u64) -> Result<(), RegistryError> {
    if categories == 0 || categories & !partner.traffic_model.allowed_categories.get() != 0 {
        return Err(RegistryError::InvalidCategories);
    }
    Ok(())
}
