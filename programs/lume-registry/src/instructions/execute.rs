//! `execute`: anyone carries out an approved proposal once its time lock has
//! passed, exactly once, within the execution window. The accounts the
//! action touches follow the fixed ones (see each action in `actions/`).

use crate::arithmetic::after;
use crate::errors::RegistryError;
use crate::instructions::actions::{self, ActionContext, Execution};
use crate::interface::borsh_reader::{BorshDecode, BorshReader};
use crate::interface::pod::{PodI64, Stored};
use crate::runtime;
use crate::state::account::{load_mut, registry_mut};
use crate::state::{Proposal, ProposalAction, ProposalStatus};
use crate::validation::arguments::check_action_arguments;
use pinocchio::{account::AccountView, ProgramResult};

crate::instruction_accounts! {
    /// Executes an approved proposal after its time lock (anyone may call).
    /// Remaining accounts (after `event_authority` and `program`), by action: partner actions take the partner first;
    /// AddEndpoint then the new endpoint PDA; RemoveEndpoint and
    /// SetEndpointCategories the endpoint; IssueKey the new key PDA and, when
    /// it replaces one, the old key; RevokeKey the key; GrantRole and
    /// RevokeRole the role PDA `["role", role, holder]`.
    pub struct Accounts {
        registry: [writable],
        proposal: [writable],
        /// Anyone; pays for accounts the action creates.
        executor: [writable, signer],
        system_program: [; address = crate::SYSTEM_PROGRAM_ID],
    }
}

crate::instruction_args! {
    pub struct Args<'a> {}
}

pub fn process(all_accounts: &mut [AccountView], data: &[u8]) -> ProgramResult {
    let mut accounts = Accounts::parse(all_accounts)?;
    Args::decode(data)?;
    let remaining = &mut all_accounts[Accounts::COUNT..];
    let mut registry_data = registry_mut(&mut accounts.registry)?;
    let registry = &mut *registry_data;
    let mut proposal_data = load_mut::<Proposal>(&mut accounts.proposal, "proposal")?;

    if !proposal_data.status.is(ProposalStatus::Approved) {
        return Err(RegistryError::ProposalNotApproved.into());
    }
    if proposal_data.council_epoch != registry.council_epoch {
        return Err(RegistryError::ProposalStale.into());
    }
    let now = runtime::now();
    let opens_at = after(proposal_data.approved_at.get(), registry.time_lock_seconds.get())?;
    if now.unix_timestamp < opens_at {
        return Err(RegistryError::TimeLockActive.into());
    }
    if now.unix_timestamp >= after(opens_at, registry.policy.proposal_lifetime_seconds.get())? {
        return Err(RegistryError::ExecutionWindowClosed.into());
    }
    // Mark executed first: whatever the action does, it happens once.
    proposal_data.status = Stored::new(ProposalStatus::Executed);
    proposal_data.executed_at = PodI64::new(now.unix_timestamp);
    proposal_data.executed_by = *accounts.executor.address();

    let proposal: &Proposal = &proposal_data;
    let len = (proposal.action_len.get() as usize).min(proposal.action.0.len());
    let mut reader = BorshReader::new(&proposal.action.0[..len]);
    let action = ProposalAction::decode(&mut reader)?;
    check_action_arguments(&action, registry)?;

    let mut execution = Execution {
        registry,
        remaining,
        executor: &accounts.executor,
        context: ActionContext {
            proposal_id: proposal.proposal_id.get(),
            partner: proposal.partner,
            executor: *accounts.executor.address(),
            now,
            events: accounts.events,
        },
    };
    actions::apply(&action, &mut execution)
}
