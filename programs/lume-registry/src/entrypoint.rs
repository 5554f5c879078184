//! The program entrypoint: checks the program id and hands off to the
//! instruction table.

use crate::errors::RegistryError;
use pinocchio::{account::AccountView, address::Address, ProgramResult};

#[cfg(target_arch = "bpf")]
mod bpf {
    pinocchio::program_entrypoint!(super::process_instruction);
    pinocchio::no_allocator!();
    pinocchio::nostd_panic_handler!();
}

/// Runs one instruction. The program id must be the one the program was built
/// for: every PDA and owner check depends on it.
#[inline(always)]
pub fn process_instruction(program_id: &Address, accounts: &mut [AccountView], data: &[u8]) -> ProgramResult {
    if program_id != &crate::ID {
        return Err(RegistryError::UnexpectedAccountAddress.into());
    }
    crate::instructions::dispatch(accounts, data)
}
