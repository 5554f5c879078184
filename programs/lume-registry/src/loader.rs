//! The program's own code under the upgradeable BPF loader: reading its
//! ProgramData, and the loader instructions the registry signs as the upgrade
//! authority PDA `["upgrade_authority"]` (issue 14): the handover to that PDA,
//! upgrades from a buffer, and authority changes, each by CPI.
//!
//! Loader instructions are bincode: a u32 LE tag, then the fields.
//! `Upgrade` (3): [program_data w, program w, buffer w, spill w, rent, clock, authority s].
//! `SetAuthority` (4): [program_data w, authority s, (new authority)]; none makes the
//! program immutable. `SetAuthorityChecked` (7): [program_data w, authority s, new authority s].

use crate::errors::RegistryError;
use pinocchio::{
    account::AccountView,
    address::Address,
    cpi::{invoke_signed_with_bounds, Seed, Signer},
    error::ProgramError,
    instruction::{InstructionAccount, InstructionView},
};

/// Seed of the upgrade authority PDA.
pub const UPGRADE_AUTHORITY_SEED: &[u8] = b"upgrade_authority";
/// `find_program_address(["upgrade_authority"], ID)`, checked by the tests.
pub const UPGRADE_AUTHORITY_ADDRESS: Address = solana_address::address!("9J8f9jfZsyrEzxbuFYx7j7iuv1WZ3VVpcWtodUdMWWYK");
/// The canonical bump of `UPGRADE_AUTHORITY_ADDRESS`.
pub const UPGRADE_AUTHORITY_BUMP: u8 = 255;

/// `UpgradeableLoaderState::Buffer { authority_address: Option<Pubkey> }`:
/// tag 1, option tag, address; the program's bytes follow.
pub const BUFFER_HEADER: usize = 37;
/// `UpgradeableLoaderState::ProgramData { slot, upgrade_authority_address }`:
/// tag 3, u64, option tag, address.
pub const PROGRAM_DATA_HEADER: usize = 45;

pub const UPGRADE: u32 = 3;
pub const SET_AUTHORITY: u32 = 4;
pub const SET_AUTHORITY_CHECKED: u32 = 7;

/// `program` (this program: the caller checks its address) is under the
/// upgradeable loader and `program_data` its ProgramData; returns the current
/// upgrade authority, all zeros when the program is immutable (the zero
/// address is the System program's, which never signs). Both accounts are
/// owned by the loader, so neither can be forged.
#[inline(never)]
pub fn upgrade_authority(program: &AccountView, program_data: &AccountView) -> Result<Address, ProgramError> {
    crate::validation::accounts::check_owner(program, &crate::BPF_LOADER_UPGRADEABLE_ID, "program")?;
    crate::validation::accounts::check_owner(program_data, &crate::BPF_LOADER_UPGRADEABLE_ID, "program_data")?;
    // SAFETY: loader-owned accounts this program never borrows mutably.
    let (program_bytes, data_bytes) = unsafe { (program.borrow_unchecked(), program_data.borrow_unchecked()) };
    // UpgradeableLoaderState::Program { programdata_address } = tag 2 + address.
    if program_bytes.len() < 36
        || program_bytes[..4] != 2u32.to_le_bytes()
        || program_bytes[4..36] != *program_data.address().as_ref()
        || data_bytes.len() < PROGRAM_DATA_HEADER
        || data_bytes[..4] != 3u32.to_le_bytes()
    {
        return Err(RegistryError::InvalidProgramData.into());
    }
    let mut authority = [0u8; 32];
    if data_bytes[12] != 0 {
        authority.copy_from_slice(&data_bytes[13..45]);
    }
    Ok(Address::new_from_array(authority))
}

/// SHA-256 of a buffer account's program bytes (everything after its
/// header: what `Upgrade` copies into ProgramData), or `InvalidBuffer` if the
/// account is not a loader buffer.
#[inline(never)]
pub fn buffer_sha256(buffer: &AccountView) -> Result<[u8; 32], ProgramError> {
    crate::validation::accounts::check_owner(buffer, &crate::BPF_LOADER_UPGRADEABLE_ID, "buffer")?;
    // SAFETY: a loader-owned account this program never borrows mutably.
    let bytes = unsafe { buffer.borrow_unchecked() };
    if bytes.len() <= BUFFER_HEADER || bytes[..4] != 1u32.to_le_bytes() {
        return Err(RegistryError::InvalidBuffer.into());
    }
    Ok(crate::runtime::sha256(&[&bytes[BUFFER_HEADER..], &[]]))
}

/// `account` is `expected` (named in the log if not). Not inlined: comparing
/// with a constant address inline is about 150 bytes per check.
#[inline(never)]
pub fn expect_address(account: &AccountView, expected: &Address, name: &str) -> Result<(), ProgramError> {
    crate::validation::accounts::check_address(account, expected, name)
}

/// A loader instruction: its data, account metas and the accounts in the
/// same order (one struct: five argument registers).
pub struct LoaderCall<'a> {
    pub data: &'a [u8],
    pub metas: &'a [InstructionAccount<'a>],
    pub accounts: &'a [&'a AccountView],
}

/// Invokes the upgradeable loader, signed by the upgrade authority PDA. Not
/// inlined: one copy of the CPI for every loader instruction.
#[inline(never)]
pub fn invoke_loader(call: &LoaderCall) -> Result<(), ProgramError> {
    let instruction =
        InstructionView { program_id: &crate::BPF_LOADER_UPGRADEABLE_ID, data: call.data, accounts: call.metas };
    let bump = [UPGRADE_AUTHORITY_BUMP];
    let seeds = [Seed::from(UPGRADE_AUTHORITY_SEED), Seed::from(&bump)];
    invoke_signed_with_bounds::<8, &AccountView>(&instruction, call.accounts, &[Signer::from(&seeds[..])])
}
