//! `propose`: a council member proposes any action; a partner's authority
//! may request endpoint, key and traffic-model changes for its own partner.
//! Either way the action needs the council's approval to take effect.

use crate::arithmetic::after;
use crate::errors::RegistryError;
use crate::events::ProposalCreated;
use crate::history;
use crate::interface::borsh_reader::{BoundedStr, Captured};
use crate::interface::borsh_writer::{RawAction, Text};
use crate::interface::pod::{PodI64, PodU16, PodU32, PodU64, Stored};
use crate::runtime;
use crate::state::account::{init, load, registry_mut};
use crate::state::proposal::ACTION_CAPACITY;
use crate::state::{seeds, Partner, Proposal, ProposalAction, ProposalStatus, ProposerRole};
use crate::system::create_pda;
use crate::validation::arguments::check_action_arguments;
use crate::validation::authority::council_index;
use crate::validation::text::check_token;
use pinocchio::{account::AccountView, address::Address, ProgramResult};

crate::instruction_accounts! {
    /// Creates proposal `["proposal", registry.proposal_count]` with a typed
    /// action. Proposed by a council member, or by a partner's authority for
    /// its own partner (endpoint, key and traffic-model changes only).
    pub struct Accounts {
        registry: [writable],
        /// The new proposal PDA `["proposal", proposal_id as u64 LE]`.
        proposal: [writable],
        /// Council member or partner authority; pays for the proposal account.
        proposer: [writable, signer],
        /// The partner a partner action applies to; leave out for council actions.
        partner: [optional],
        system_program: [; address = crate::SYSTEM_PROGRAM_ID],
    }
}

crate::instruction_args! {
    pub struct Args<'a> {
        /// What the proposal does once approved and executed.
        pub action: Captured<'a, ProposalAction<'a>>,
        /// SHA-256 of the supporting evidence bundle (zeros if none).
        pub evidence_hash: [u8; 32],
        /// Where the evidence can be fetched (may be empty).
        pub evidence_uri: BoundedStr<'a, 127>,
    }
}

pub fn process(accounts: &mut [AccountView], data: &[u8]) -> ProgramResult {
    let mut accounts = Accounts::parse(accounts)?;
    let args = Args::decode(data)?;
    let action = &args.action.value;
    let mut registry_data = registry_mut(&mut accounts.registry)?;
    let registry = &mut *registry_data;

    // Who proposes, and for which partner.
    let partner_present = accounts.partner.address() != &crate::ID;
    let proposer_role = if council_index(registry, accounts.proposer.address()).is_some() {
        ProposerRole::CouncilMember
    } else {
        ProposerRole::PartnerAuthority
    };
    let target = if action.targets_partner() {
        if !partner_present {
            return Err(RegistryError::PartnerRequired.into());
        }
        let partner = load::<Partner>(&accounts.partner, "partner")?;
        if proposer_role == ProposerRole::PartnerAuthority
            && (partner.authority != *accounts.proposer.address() || !action.partner_may_request())
        {
            return Err(RegistryError::ActionNotAllowedForProposer.into());
        }
        *accounts.partner.address()
    } else {
        if partner_present {
            return Err(RegistryError::PartnerNotExpected.into());
        }
        if proposer_role == ProposerRole::PartnerAuthority {
            return Err(RegistryError::NotCouncilMember.into());
        }
        Address::default()
    };
    check_action_arguments(action, registry)?;
    if !args.evidence_uri.is_empty() {
        check_token(args.evidence_uri.as_bytes())?;
    }
    if args.action.raw.len() > ACTION_CAPACITY {
        return Err(RegistryError::ListTooLong.into());
    }

    let proposal_id = registry.proposal_count.get();
    let id_seed = proposal_id.to_le_bytes();
    let bump = create_pda::<Proposal>(&accounts.proposer, &accounts.proposal, &[seeds::PROPOSAL, &id_seed])?;
    registry.proposal_count = PodU64::new(proposal_id.checked_add(1).ok_or(RegistryError::ArithmeticOverflow)?);

    let now = runtime::now();
    let expires_at = after(now.unix_timestamp, registry.policy.proposal_lifetime_seconds.get())?;
    let proposal_address = *accounts.proposal.address();
    let mut proposal = init::<Proposal>(&mut accounts.proposal)?;
    proposal.layout_version = 1;
    proposal.bump = bump;
    proposal.proposal_id = PodU64::new(proposal_id);
    proposal.proposer = *accounts.proposer.address();
    proposal.proposer_role = Stored::new(proposer_role);
    proposal.partner = target;
    proposal.council_epoch = registry.council_epoch;
    proposal.status = Stored::new(ProposalStatus::Open);
    proposal.created_at = PodI64::new(now.unix_timestamp);
    proposal.expires_at = PodI64::new(expires_at);
    proposal.evidence.hash = args.evidence_hash;
    proposal.evidence.uri.assign(args.evidence_uri.as_bytes())?;
    proposal.action_kind = action.index();
    proposal.action_len = PodU16::new(args.action.raw.len() as u16);
    proposal.action.0[..args.action.raw.len()].copy_from_slice(args.action.raw);

    let event = ProposalCreated {
        proposal: proposal_address,
        proposal_id: PodU64::new(proposal_id),
        proposer: *accounts.proposer.address(),
        proposer_role: Stored::new(proposer_role),
        partner: target,
        council_epoch: PodU32::new(registry.council_epoch.get()),
        expires_at: PodI64::new(expires_at),
        evidence_hash: args.evidence_hash,
        evidence_uri: Text(args.evidence_uri.as_bytes()),
        action: RawAction(args.action.raw),
    };
    history::record(&mut registry.history, &accounts.events, &now, &event)
}
