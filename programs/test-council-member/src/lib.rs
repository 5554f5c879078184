//! Test-only program: a council member that is a PDA of another program (as an
//! SPL Governance governance account or a Squads vault would be), voting on
//! Lume Registry proposals through CPI. Never deployed outside the tests.
//!
//! One instruction. Accounts: `[registry (w), proposal (w), member PDA
//! ["member"], the registry's event authority, lume registry program]` (the
//! last two end every registry instruction: the registry emits its events
//! through them). Data: `[vote, bump]` where `vote` is
//! 0 = approve, 1 = reject (both signed with the PDA's seeds) or 2 = approve
//! *without* signing (to show the registry refuses an unsigned member).
#![cfg_attr(target_arch = "bpf", no_std)]

use pinocchio::{
    account::AccountView,
    address::Address,
    cpi::{invoke_signed, Seed, Signer},
    error::ProgramError,
    instruction::{InstructionAccount, InstructionView},
    ProgramResult,
};

#[cfg(target_arch = "bpf")]
use sbpf_mem as _;

/// This program's id (fixed; the tests deploy it there).
pub const ID: Address = solana_address::address!("DYb4x13xNvpEUsXcXD48ncJApHX2a1gwWUuiw2QoTr69");
/// The Lume Registry program, the only program this one calls.
pub const REGISTRY_ID: Address = solana_address::address!("FW9CCNM5sLgyXnw6hCGCRD8rGbCX4gZV9KBDsk2WTyo7");
/// Seed of the member PDA.
pub const MEMBER_SEED: &[u8] = b"member";

/// `sha256("global:approve")[..8]` and `sha256("global:reject")[..8]`.
const APPROVE: [u8; 8] = [69, 74, 217, 36, 115, 117, 97, 76];
const REJECT: [u8; 8] = [135, 7, 63, 85, 131, 114, 111, 224];

#[cfg(target_arch = "bpf")]
mod bpf {
    pinocchio::program_entrypoint!(super::process_instruction);
    pinocchio::no_allocator!();
    pinocchio::nostd_panic_handler!();
}

pub fn process_instruction(program_id: &Address, accounts: &mut [AccountView], data: &[u8]) -> ProgramResult {
    if program_id != &ID {
        return Err(ProgramError::IncorrectProgramId);
    }
    let [registry, proposal, member, event_authority, registry_program, ..] = accounts else {
        return Err(ProgramError::NotEnoughAccountKeys);
    };
    // The callee is fixed: never a program id taken from an account unchecked.
    if registry_program.address() != &REGISTRY_ID {
        return Err(ProgramError::IncorrectProgramId);
    }
    let [vote, bump] = data else {
        return Err(ProgramError::InvalidInstructionData);
    };
    let (discriminator, signs) = match vote {
        0 => (&APPROVE, true),
        1 => (&REJECT, true),
        2 => (&APPROVE, false),
        _ => return Err(ProgramError::InvalidInstructionData),
    };
    let metas = [
        InstructionAccount::writable(registry.address()),
        InstructionAccount::writable(proposal.address()),
        InstructionAccount::new(member.address(), false, signs),
        InstructionAccount::readonly(event_authority.address()),
        InstructionAccount::readonly(registry_program.address()),
    ];
    let instruction = InstructionView { program_id: &REGISTRY_ID, data: discriminator, accounts: &metas };
    let bump_seed = [*bump];
    let seeds = [Seed::from(MEMBER_SEED), Seed::from(&bump_seed)];
    let signer = Signer::from(&seeds[..]);
    let signers: &[Signer] = if signs { core::slice::from_ref(&signer) } else { &[] };
    invoke_signed(&instruction, &[&*registry, &*proposal, &*member, &*event_authority, &*registry_program], signers)
}
