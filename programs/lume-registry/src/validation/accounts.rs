//! Account checks, one account at a time. Each logs the account's name
//! before failing, so a rejected transaction says which account was wrong.

use crate::errors::RegistryError;
use pinocchio::{account::AccountView, address::Address, error::ProgramError};

#[cold]
fn reject(account_name: &str, error: RegistryError) -> ProgramError {
    crate::runtime::log_pair("account", account_name);
    error.into()
}

/// The account signed the transaction.
#[inline(always)]
pub fn check_signer(account: &AccountView, name: &str) -> Result<(), ProgramError> {
    if account.is_signer() {
        Ok(())
    } else {
        Err(reject(name, RegistryError::MissingSignature))
    }
}

/// The account was passed as writable.
#[inline(always)]
pub fn check_writable(account: &AccountView, name: &str) -> Result<(), ProgramError> {
    if account.is_writable() {
        Ok(())
    } else {
        Err(reject(name, RegistryError::AccountNotWritable))
    }
}

/// The account is exactly `expected` (a program id or a known address).
#[inline(always)]
pub fn check_address(account: &AccountView, expected: &Address, name: &str) -> Result<(), ProgramError> {
    if account.address() == expected {
        Ok(())
    } else {
        Err(reject(name, RegistryError::UnexpectedAccountAddress))
    }
}

/// The account is owned by `owner`.
#[inline(always)]
pub fn check_owner(account: &AccountView, owner: &Address, name: &str) -> Result<(), ProgramError> {
    if account.owned_by(owner) {
        Ok(())
    } else {
        Err(reject(name, RegistryError::InvalidAccountOwner))
    }
}

/// The account holds no data and no program owns it yet: safe to create.
/// Refusing anything else is what prevents re-initialization.
#[inline(always)]
pub fn check_uninitialized(account: &AccountView, name: &str) -> Result<(), ProgramError> {
    if account.is_data_empty() && account.owned_by(&crate::SYSTEM_PROGRAM_ID) {
        Ok(())
    } else {
        Err(reject(name, RegistryError::AlreadyInitialized))
    }
}

/// Two accounts that must differ are distinct.
#[inline(always)]
pub fn check_distinct(a: &AccountView, b: &AccountView, name: &str) -> Result<(), ProgramError> {
    if a.address() != b.address() {
        Ok(())
    } else {
        Err(reject(name, RegistryError::DuplicateAccount))
    }
}

/// The registry account is the canonical PDA `["registry"]` (the address is a
/// constant: see `REGISTRY_ADDRESS`).
pub fn check_registry_address(registry: &AccountView) -> Result<(), RegistryError> {
    if registry.address() != &crate::state::REGISTRY_ADDRESS {
        crate::runtime::log_pair("account", "registry");
        return Err(RegistryError::InvalidPda);
    }
    Ok(())
}
