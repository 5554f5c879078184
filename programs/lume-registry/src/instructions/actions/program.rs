//! Council actions on the program's own code (issue 14): the registry's PDA
//! `["upgrade_authority"]` holds the upgrade authority after the handover and
//! signs the loader's instruction. The event is recorded before the loader
//! is invoked: after an upgrade the new code is not invocable in the same
//! slot, so the event's self-CPI could not come after it.
//!
//! Remaining accounts start with `[program_data w, upgrade_authority,
//! bpf_loader_upgradeable]`; then UpgradeProgram `[program w, buffer w,
//! spill w, rent sysvar, clock sysvar]`, SetUpgradeAuthority the new
//! authority (when there is one).

use super::Execution;
use crate::errors::RegistryError;
use crate::events::{ProgramUpgraded, UpgradeAuthorityChanged};
use crate::history;
use crate::interface::borsh_writer::OptionalPod;
use crate::interface::pod::PodU64;
use crate::loader::{self, expect_address, LoaderCall, SET_AUTHORITY, UPGRADE, UPGRADE_AUTHORITY_ADDRESS};
use pinocchio::{
    account::AccountView, address::Address, error::ProgramError, instruction::InstructionAccount, ProgramResult,
};

/// What every program action's remaining accounts start with: `[program_data,
/// upgrade_authority, bpf_loader_upgradeable]`.
const LOADER_ACCOUNTS: usize = 3;
/// UpgradeProgram's: those, then `[program, buffer, spill, rent, clock]`.
const UPGRADE_ACCOUNTS: usize = LOADER_ACCOUNTS + 5;

/// The remaining accounts of a program action, at least `count` of them, the
/// second and third checked. ProgramData is checked by the loader, which
/// accepts only the PDA's signature for a ProgramData whose authority the PDA
/// is (so the old authority in the events is the PDA) and an `Upgrade` only of
/// the program that ProgramData belongs to.
#[inline(never)]
fn program_accounts(remaining: &[AccountView], count: usize) -> Result<&[AccountView], ProgramError> {
    if remaining.len() < count {
        return Err(RegistryError::MissingAccounts.into());
    }
    expect_address(&remaining[1], &UPGRADE_AUTHORITY_ADDRESS, "upgrade_authority")?;
    expect_address(&remaining[2], &crate::BPF_LOADER_UPGRADEABLE_ID, "bpf_loader_upgradeable")?;
    Ok(remaining)
}

/// Upgrades the program from `buffer` if its program bytes hash to
/// `buffer_sha256` (what the council approved: nobody can swap the buffer's
/// contents between the vote and the execution).
#[inline(never)]
pub fn upgrade(execution: &mut Execution, buffer: &Address, buffer_sha256: &[u8; 32]) -> ProgramResult {
    let ctx = &execution.context;
    let accounts = program_accounts(execution.remaining, UPGRADE_ACCOUNTS)?;
    let [program_data, authority, _, program, buffer_account, spill, rent, clock, ..] = accounts else {
        return Err(RegistryError::MissingAccounts.into());
    };
    expect_address(program, &crate::ID, "program")?;
    expect_address(buffer_account, buffer, "buffer")?;
    if loader::buffer_sha256(buffer_account)? != *buffer_sha256 {
        return Err(RegistryError::BufferHashMismatch.into());
    }
    let event = ProgramUpgraded {
        program_data: *program_data.address(),
        buffer: *buffer,
        buffer_sha256: *buffer_sha256,
        proposal_id: PodU64::new(ctx.proposal_id),
    };
    history::record(&mut execution.registry.history, &ctx.events, &ctx.now, &event)?;
    loader::invoke_loader(&LoaderCall {
        data: &UPGRADE.to_le_bytes(),
        metas: &[
            InstructionAccount::writable(program_data.address()),
            InstructionAccount::writable(program.address()),
            InstructionAccount::writable(buffer_account.address()),
            InstructionAccount::writable(spill.address()),
            InstructionAccount::readonly(rent.address()),
            InstructionAccount::readonly(clock.address()),
            InstructionAccount::readonly_signer(&UPGRADE_AUTHORITY_ADDRESS),
        ],
        accounts: &[program_data, program, buffer_account, spill, rent, clock, authority],
    })
}

/// Moves the upgrade authority to `new_authority`, or makes the program
/// immutable (`None`), with the loader's `SetAuthority`.
#[inline(never)]
pub fn set_upgrade_authority(execution: &mut Execution, new_authority: Option<&Address>) -> ProgramResult {
    let ctx = &execution.context;
    let count = LOADER_ACCOUNTS + new_authority.is_some() as usize;
    let accounts = program_accounts(execution.remaining, count)?;
    let [program_data, authority, _, rest @ ..] = accounts else {
        return Err(RegistryError::MissingAccounts.into());
    };
    // With no new authority, the metas' third entry is never passed on.
    let new_account = rest.first().unwrap_or(authority);
    if let Some(new_authority) = new_authority {
        expect_address(new_account, new_authority, "new_authority")?;
    }
    let event = UpgradeAuthorityChanged {
        program_data: *program_data.address(),
        old_authority: UPGRADE_AUTHORITY_ADDRESS,
        new_authority: OptionalPod { present: (count - LOADER_ACCOUNTS) as u8, value: *new_account.address() },
        proposal_id: OptionalPod { present: 1, value: PodU64::new(ctx.proposal_id) },
    };
    history::record(&mut execution.registry.history, &ctx.events, &ctx.now, &event)?;
    let metas = [
        InstructionAccount::writable(program_data.address()),
        InstructionAccount::readonly_signer(&UPGRADE_AUTHORITY_ADDRESS),
        InstructionAccount::readonly(new_account.address()),
    ];
    let views = [program_data, authority, new_account];
    // The loader's instruction takes every account but the loader itself.
    loader::invoke_loader(&LoaderCall {
        data: &SET_AUTHORITY.to_le_bytes(),
        metas: &metas[..count - 1],
        accounts: &views[..count - 1],
    })
}
