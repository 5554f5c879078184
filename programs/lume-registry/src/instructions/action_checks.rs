//! Checks of a proposal action's own arguments, made when it is proposed (so
//! the council never votes on something that cannot execute for a reason
//! visible up front) and again when it is executed.

use crate::context::{catalogue_mask, check_name, check_token};
use crate::errors::RegistryError;
use crate::instructions::apply::check_traffic_model;
use crate::instructions::initialize_registry::{check_council, check_policy};
use crate::state::{ProposalAction, Registry};

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
        ProposalAction::SetTrafficModel { model } => check_traffic_model(model, catalogue_mask(registry)),
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

/// A valid category name not already used by another category (`except`: the
/// category being renamed).
pub fn check_category_name(registry: &Registry, name: &[u8], except: Option<u8>) -> Result<(), RegistryError> {
    check_token(name).map_err(|_| RegistryError::InvalidCategoryName)?;
    let count = registry.category_count as usize;
    let clash = registry.categories[..count.min(64)]
        .iter()
        .enumerate()
        .any(|(i, c)| Some(i as u8) != except && c.as_bytes() == name);
    if clash {
        return Err(RegistryError::CategoryExists);
    }
    Ok(())
}
