//! `cancel`: the proposer withdraws a proposal nobody has approved yet.

use crate::errors::RegistryError;
use crate::events::ProposalCancelled;
use crate::history;
use crate::interface::pod::Stored;
use crate::runtime;
use crate::state::account::{load_mut, registry_mut};
use crate::state::{Proposal, ProposalStatus};
use pinocchio::{account::AccountView, ProgramResult};

crate::instruction_accounts! {
    /// Withdraws an open proposal without approvals (its proposer only).
    pub struct Accounts {
        registry: [writable],
        proposal: [writable],
        proposer: [signer],
    }
}

crate::instruction_args! {
    pub struct Args<'a> {}
}

pub fn process(accounts: &mut [AccountView], data: &[u8]) -> ProgramResult {
    let mut accounts = Accounts::parse(accounts)?;
    Args::decode(data)?;
    let mut registry = registry_mut(&mut accounts.registry)?;
    let mut proposal = load_mut::<Proposal>(&mut accounts.proposal, "proposal")?;
    if proposal.proposer != *accounts.proposer.address() {
        return Err(RegistryError::NotProposer.into());
    }
    if !proposal.status.is(ProposalStatus::Open) {
        return Err(RegistryError::ProposalNotOpen.into());
    }
    if proposal.approval_count != 0 {
        return Err(RegistryError::ProposalHasApprovals.into());
    }
    proposal.status = Stored::new(ProposalStatus::Cancelled);
    let event = ProposalCancelled { proposal_id: proposal.proposal_id, proposer: proposal.proposer };
    history::record(&mut registry.history, &accounts.events, &runtime::now(), &event)
}
