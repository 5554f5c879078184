//! What each proposal action does when executed. Every action checks the
//! state it changes (stage, status, ownership), changes it, and records its
//! event in the history chain.

mod endpoints;
mod governance;
mod keys;
mod partner;
mod program;

use crate::errors::RegistryError;
use crate::event_cpi::EventCpi;
use crate::runtime::Now;
use crate::state::account::load_mut;
use crate::state::{Partner, ProposalAction, Registry};
use pinocchio::{
    account::{AccountView, RefMut},
    address::Address,
    error::ProgramError,
    ProgramResult,
};

/// Everything an executing action may use. The fields are borrowed
/// separately: an action holds the partner (from `remaining`) while it
/// records into `registry`.
pub struct Execution<'x> {
    pub registry: &'x mut Registry,
    /// The accounts after `execute`'s fixed ones.
    pub remaining: &'x mut [AccountView],
    pub executor: &'x AccountView,
    pub context: ActionContext,
}

/// The plain facts of the execution.
#[derive(Clone, Copy)]
pub struct ActionContext {
    pub proposal_id: u64,
    /// The proposal's target partner (default address for council actions).
    pub partner: Address,
    pub executor: Address,
    pub now: Now,
    /// The accounts the action's event is emitted through.
    pub events: EventCpi,
}

/// Remaining account `index`, or `MissingAccounts`.
pub fn remaining_account(remaining: &mut [AccountView], index: usize) -> Result<&mut AccountView, ProgramError> {
    remaining.get_mut(index).ok_or_else(|| RegistryError::MissingAccounts.into())
}

/// The proposal's partner: remaining account 0, which must be the partner the
/// proposal names. Not inlined: most actions load their partner this way.
#[inline(never)]
pub fn target_partner<'a>(
    partner_account: &'a mut AccountView,
    expected: &Address,
) -> Result<RefMut<'a, Partner>, ProgramError> {
    if partner_account.address() != expected {
        crate::runtime::log_pair("account", "partner");
        return Err(RegistryError::UnexpectedAccountAddress.into());
    }
    load_mut::<Partner>(partner_account, "partner")
}

pub fn apply(action: &ProposalAction, execution: &mut Execution) -> ProgramResult {
    match action {
        ProposalAction::ApprovePartner { endpoint_set_version } => partner::approve(execution, *endpoint_set_version),
        ProposalAction::RejectApplication { reason } => partner::reject_application(execution, reason.as_bytes()),
        ProposalAction::SuspendPartner { reason } => partner::suspend(execution, reason.as_bytes()),
        ProposalAction::ReinstatePartner {} => partner::reinstate(execution),
        ProposalAction::RevokePartner { reason } => partner::revoke(execution, reason.as_bytes()),
        ProposalAction::SetTrafficModel { model } => partner::set_traffic_model(execution, model),
        ProposalAction::AddEndpoint { host, port, protocol, categories } => {
            endpoints::add(execution, host.as_bytes(), *port, *protocol, *categories)
        }
        ProposalAction::RemoveEndpoint { index } => endpoints::remove(execution, *index),
        ProposalAction::SetEndpointCategories { index, categories } => {
            endpoints::set_categories(execution, *index, *categories)
        }
        ProposalAction::IssueKey { public_key, endpoints, valid_from, valid_until, replaces } => keys::issue(
            execution,
            &keys::NewKey {
                public_key: *public_key,
                endpoints: endpoints.as_slice(),
                valid_from: *valid_from,
                valid_until: *valid_until,
                replaces: *replaces,
            },
        ),
        ProposalAction::RevokeKey { index, reason } => keys::revoke(execution, *index, *reason),
        ProposalAction::GrantRole { role, holder } => governance::grant_role(execution, *role, holder),
        ProposalAction::RevokeRole { role, holder } => governance::revoke_role(execution, *role, holder),
        ProposalAction::AddCategory { name } => governance::add_category(execution, name.as_bytes()),
        ProposalAction::RenameCategory { index, name } => {
            governance::rename_category(execution, *index, name.as_bytes())
        }
        ProposalAction::SetPolicy { policy, time_lock_seconds } => {
            governance::set_policy(execution, policy, *time_lock_seconds)
        }
        ProposalAction::SetCouncil { members, threshold } => {
            governance::set_council(execution, members.as_slice(), *threshold)
        }
        ProposalAction::RequireReverification { legal, technical, reason, deadline } => {
            let checks = (*legal as u8) | ((*technical as u8) << 1);
            partner::require_reverification(execution, checks, reason.as_bytes(), *deadline)
        }
        ProposalAction::UpgradeProgram { buffer, buffer_sha256 } => program::upgrade(execution, buffer, buffer_sha256),
        ProposalAction::SetUpgradeAuthority { new_authority } => {
            program::set_upgrade_authority(execution, new_authority.as_ref())
        }
        ProposalAction::_Borrowed(_) => Err(RegistryError::InvalidEnumValue.into()),
    }
}
