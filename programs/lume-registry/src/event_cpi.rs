//! Events as self-CPI instruction data, Anchor's `emit_cpi!` convention.
//!
//! Validators cut a transaction's logs at 10 KB, so an event written with
//! `sol_log_data` can be pushed out of the record by anyone who puts noisy
//! instructions first. Instruction data is never truncated: every event is
//! the data of an instruction this program invokes on itself, signed by the
//! `event_authority` PDA (`["__event_authority"]`), and readers find it in the
//! transaction's inner instructions. The data is `EVENT_IX_TAG ||
//! event discriminator || Borsh body`; the invoked program does nothing but
//! check that the event authority signed (see `entrypoint.rs`), so nobody can
//! forge an event by calling the program directly.

use crate::errors::RegistryError;
use pinocchio::{
    account::AccountView,
    address::Address,
    cpi::{invoke_signed_unchecked, CpiAccount, Seed, Signer},
    error::ProgramError,
    instruction::{InstructionAccount, InstructionView},
    ProgramResult,
};

/// Anchor's event instruction tag: `EVENT_IX_TAG` (`0x1d9acb512ea545e4`, the
/// first 8 bytes of `sha256("anchor:event")` read big-endian) in little-endian
/// byte order, as Anchor writes it before every self-CPI event.
pub const EVENT_IX_TAG: [u8; 8] = [0xe4, 0x45, 0xa5, 0x2e, 0x51, 0xcb, 0x9a, 0x1d];

/// Seed of the event authority PDA (Anchor's name).
pub const EVENT_AUTHORITY_SEED: &[u8] = b"__event_authority";
/// `find_program_address(["__event_authority"], ID)`, checked by the tests.
pub const EVENT_AUTHORITY_ADDRESS: Address = solana_address::address!("5nZhKvQsrvwk4t59LRoUeyNJhd9Ehn5jD1GKYEdudW2V");
/// The canonical bump of `EVENT_AUTHORITY_ADDRESS`.
pub const EVENT_AUTHORITY_BUMP: u8 = 254;

/// The two accounts every instruction ends with so that it can emit events:
/// the event authority PDA and this program (a CPI needs the callee among
/// the caller's accounts). Checked by `instruction_accounts!`.
#[derive(Clone, Copy)]
pub struct EventCpi {
    pub authority: AccountView,
    pub program: AccountView,
}

impl EventCpi {
    /// Checks the trailing accounts (named for the error log). Not inlined:
    /// every instruction parses them.
    #[inline(never)]
    pub fn parse(authority: &AccountView, program: &AccountView) -> Result<Self, ProgramError> {
        crate::validation::accounts::check_address(authority, &EVENT_AUTHORITY_ADDRESS, "event_authority")?;
        crate::validation::accounts::check_address(program, &crate::ID, "program")?;
        Ok(Self { authority: *authority, program: *program })
    }

    /// Invokes this program with `data` (tag, discriminator, body), signed by
    /// the event authority. Not inlined: one copy of the CPI for every event.
    #[inline(never)]
    pub fn emit(&self, data: &[u8]) -> ProgramResult {
        let metas = [InstructionAccount::readonly_signer(&EVENT_AUTHORITY_ADDRESS)];
        let instruction = InstructionView { program_id: &crate::ID, data, accounts: &metas };
        let bump = [EVENT_AUTHORITY_BUMP];
        let seeds = [Seed::from(EVENT_AUTHORITY_SEED), Seed::from(&bump)];
        let accounts = [CpiAccount::from(&self.authority)];
        // SAFETY: the one account is the event authority, a PDA that holds no
        // data and that no instruction borrows, passed read-only: the borrow
        // checks `invoke_signed` would add cannot fail (and cost binary size).
        unsafe { invoke_signed_unchecked(&instruction, &accounts, &[Signer::from(&seeds[..])]) };
        Ok(())
    }
}

/// Handles an incoming event instruction (data starting with `EVENT_IX_TAG`):
/// accepted only when the event authority signed it, which only this program
/// can do, from inside one of its own instructions. It changes nothing.
#[inline(always)]
pub fn accept_event(accounts: &[AccountView]) -> ProgramResult {
    match accounts.first() {
        Some(authority) if authority.address() == &EVENT_AUTHORITY_ADDRESS && authority.is_signer() => Ok(()),
        _ => Err(RegistryError::EventNotFromProgram.into()),
    }
}
