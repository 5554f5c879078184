//! The program entrypoint: checks the program id, accepts the program's own
//! event instructions (see `event_cpi.rs`) and hands everything else to the
//! instruction table.

use crate::errors::RegistryError;
use pinocchio::{account::AccountView, address::Address, ProgramResult};

#[cfg(target_arch = "bpf")]
mod bpf {
    use core::mem::MaybeUninit;
    use pinocchio::{account::AccountView, MAX_TX_ACCOUNTS};

    /// pinocchio's `program_entrypoint!` with `error_code` in place of its
    /// `program_error_to_u64` (a chain of 26 compares, about 0.8 KB).
    ///
    /// # Safety
    /// `input` is the runtime's serialized input, valid for the whole call.
    #[no_mangle]
    pub unsafe extern "C" fn entrypoint(input: *mut u8) -> u64 {
        const UNINIT: MaybeUninit<AccountView> = MaybeUninit::<AccountView>::uninit();
        let mut accounts = [UNINIT; MAX_TX_ACCOUNTS];
        // SAFETY: `input` is the runtime's serialized input (this function's
        // contract), and `accounts` has room for the most views it may hold.
        let (program_id, count, data) =
            unsafe { pinocchio::entrypoint::deserialize::<MAX_TX_ACCOUNTS>(input, &mut accounts) };
        // SAFETY: `deserialize` initialised the first `count` views.
        let accounts = unsafe { core::slice::from_raw_parts_mut(accounts.as_mut_ptr() as *mut AccountView, count) };
        match super::process_instruction(program_id, accounts, data) {
            Ok(()) => pinocchio::SUCCESS,
            Err(error) => super::error_code(error),
        }
    }
    pinocchio::no_allocator!();
    pinocchio::nostd_panic_handler!();
}

/// The runtime's `u64` for a program error, as `u64::from(error)`: a custom
/// code as it is (0 as `CUSTOM_ZERO`), a built-in one as its position in
/// `ProgramError` (1-based after `Custom`), plus one, shifted left by 32.
/// Reads the enum's tag instead of matching every variant; the test
/// `error_codes_match_solana` checks every variant against `u64::from`.
#[inline(never)]
pub fn error_code(error: pinocchio::error::ProgramError) -> u64 {
    use pinocchio::error::ProgramError;
    match error {
        ProgramError::Custom(0) => 1 << 32,
        ProgramError::Custom(code) => code as u64,
        builtin => {
            // SAFETY: `ProgramError` is a fieldless-but-one enum whose tag is
            // its first `u32` (checked on the host by the test below).
            let tag = unsafe { *(&builtin as *const ProgramError as *const u32) };
            ((tag as u64) + 1) << 32
        }
    }
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

#[cfg(test)]
mod tests {
    use pinocchio::error::ProgramError;

    #[test]
    fn error_codes_match_solana() {
        let all = [
            ProgramError::Custom(0),
            ProgramError::Custom(1),
            ProgramError::Custom(6031),
            ProgramError::Custom(u32::MAX),
            ProgramError::InvalidArgument,
            ProgramError::InvalidInstructionData,
            ProgramError::InvalidAccountData,
            ProgramError::AccountDataTooSmall,
            ProgramError::InsufficientFunds,
            ProgramError::IncorrectProgramId,
            ProgramError::MissingRequiredSignature,
            ProgramError::AccountAlreadyInitialized,
            ProgramError::UninitializedAccount,
            ProgramError::NotEnoughAccountKeys,
            ProgramError::AccountBorrowFailed,
            ProgramError::MaxSeedLengthExceeded,
            ProgramError::InvalidSeeds,
            ProgramError::BorshIoError,
            ProgramError::AccountNotRentExempt,
            ProgramError::UnsupportedSysvar,
            ProgramError::IllegalOwner,
            ProgramError::MaxAccountsDataAllocationsExceeded,
            ProgramError::InvalidRealloc,
            ProgramError::MaxInstructionTraceLengthExceeded,
            ProgramError::BuiltinProgramsMustConsumeComputeUnits,
            ProgramError::InvalidAccountOwner,
            ProgramError::ArithmeticOverflow,
            ProgramError::Immutable,
            ProgramError::IncorrectAuthority,
        ];
        for error in all {
            assert_eq!(super::error_code(error.clone()), u64::from(error.clone()), "{error:?}");
        }
    }
}
