//! The program entrypoint: checks the program id, accepts the program's own
//! event instructions (see `event_cpi.rs`) and hands everything else to the
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
    if data.starts_with(&crate::event_cpi::EVENT_IX_TAG) {
        return crate::event_cpi::accept_event(accounts);
    }
    crate::instructions::dispatch(accounts, data)
}
