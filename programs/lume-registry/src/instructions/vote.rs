//! Shared logic of `approve` and `reject`: a council member of the current
//! epoch votes once on an open, unexpired proposal.

use crate::errors::RegistryError;
use crate::events::ProposalVoted;
use crate::history;
use crate::interface::pod::{PodBool, PodI64, Stored};
use crate::runtime;
use crate::state::account::{load_mut, registry_mut};
use crate::state::{Proposal, ProposalStatus};
use crate::validation::authority::council_index;
use pinocchio::{account::AccountView, ProgramResult};

crate::instruction_accounts! {
    /// Accounts of `approve` and `reject`.
    pub struct Accounts {
        registry: [writable],
        proposal: [writable],
        /// A member of the current council (a wallet, or a PDA signing through CPI).
        member: [signer],
    }
}

crate::instruction_args! {
    pub struct Args<'a> {}
}

pub fn vote(accounts: &mut [AccountView], data: &[u8], approve: bool) -> ProgramResult {
    let mut accounts = Accounts::parse(accounts)?;
    Args::decode(data)?;
    let mut registry = registry_mut(&mut accounts.registry)?;
    let mut proposal = load_mut::<Proposal>(&mut accounts.proposal, "proposal")?;

    let member = council_index(&registry, accounts.member.address()).ok_or(RegistryError::NotCouncilMember)?;
    if !proposal.status.is(ProposalStatus::Open) {
        return Err(RegistryError::ProposalNotOpen.into());
    }
    if proposal.council_epoch != registry.council_epoch {
        return Err(RegistryError::ProposalStale.into());
    }
    let now = runtime::now();
    if now.unix_timestamp >= proposal.expires_at.get() {
        return Err(RegistryError::ProposalExpired.into());
    }
    let bit = 1u16 << member;
    if (proposal.approvals.get() | proposal.rejections.get()) & bit != 0 {
        return Err(RegistryError::AlreadyVoted.into());
    }

    // Counts are at most 16: they cannot overflow a u8.
    if approve {
        let approvals = proposal.approvals.get() | bit;
        proposal.approvals.set(approvals);
        proposal.approval_count += 1;
        if proposal.approval_count >= registry.threshold {
            proposal.status = Stored::new(ProposalStatus::Approved);
            proposal.approved_at = PodI64::new(now.unix_timestamp);
        }
    } else {
        let rejections = proposal.rejections.get() | bit;
        proposal.rejections.set(rejections);
        proposal.rejection_count += 1;
        // Rejected once the remaining members can no longer reach the threshold.
        if proposal.rejection_count > registry.council_len.saturating_sub(registry.threshold) {
            proposal.status = Stored::new(ProposalStatus::Rejected);
        }
    }

    let event = ProposalVoted {
        proposal_id: proposal.proposal_id,
        member: *accounts.member.address(),
        approve: PodBool::new(approve),
        approval_count: proposal.approval_count,
        rejection_count: proposal.rejection_count,
        status: proposal.status,
    };
    history::record(&mut registry.history, &accounts.events, &now, &event)
}
