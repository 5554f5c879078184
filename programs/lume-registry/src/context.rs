//! Loading, creating and counting helpers shared by several instructions.

use crate::errors::RegistryError;
use crate::runtime;
use crate::state::account::load_mut;
use crate::state::{AccountType, Partner, Registry, REGISTRY_ADDRESS};
use pinocchio::{
    account::{AccountView, RefMut},
    cpi::{Seed, Signer},
    error::ProgramError,
};

/// The registry, mutable (every change extends its history chain). Not
/// inlined: a dozen instructions load it.
#[inline(never)]
pub fn registry_mut(account: &mut AccountView) -> Result<RefMut<'_, Registry>, ProgramError> {
    crate::validation::accounts::check_address(account, &REGISTRY_ADDRESS, "registry")?;
    load_mut::<Registry>(account, "registry")
}

/// A partner account, mutable (not inlined: several instructions load one).
#[inline(never)]
pub fn partner_mut(account: &mut AccountView) -> Result<RefMut<'_, Partner>, ProgramError> {
    load_mut::<Partner>(account, "partner")
}

/// Creates `account` as a `T` at the canonical PDA of `seeds`, paid by
/// `payer`; returns the bump. Fails with `InvalidPda` if `account` is not
/// that address, and with `AlreadyInitialized` if it exists.
#[inline(always)]
pub fn create_pda<T: AccountType>(
    payer: &AccountView,
    account: &AccountView,
    seeds: &[&[u8]],
) -> Result<u8, ProgramError> {
    create_pda_of_size(payer, account, seeds, T::SPACE)
}

/// `create_pda` for `space` bytes (one copy of the code for every type).
#[inline(never)]
fn create_pda_of_size(
    payer: &AccountView,
    account: &AccountView,
    seeds: &[&[u8]],
    space: usize,
) -> Result<u8, ProgramError> {
    crate::validation::accounts::check_uninitialized(account, "new account")?;
    let (expected, bump) = runtime::find_program_address(seeds);
    if account.address() != &expected {
        runtime::log_pair("account", "new account");
        return Err(RegistryError::InvalidPda.into());
    }
    let bump_seed = [bump];
    let mut signer_seeds = [const { core::mem::MaybeUninit::<Seed>::uninit() }; runtime::MAX_SEEDS + 1];
    let count = seeds.len().min(runtime::MAX_SEEDS);
    for (slot, seed) in signer_seeds.iter_mut().zip(seeds.iter().take(count)) {
        slot.write(Seed::from(*seed));
    }
    signer_seeds[count].write(Seed::from(&bump_seed));
    // SAFETY: the first `count + 1` entries were written just above.
    let initialised = unsafe { core::slice::from_raw_parts(signer_seeds.as_ptr() as *const Seed, count + 1) };
    crate::system::create_pda_account(payer, account, space, &Signer::from(initialised))?;
    Ok(bump)
}

/// Mask of the categories the catalogue defines (bits `0..category_count`).
#[inline(always)]
pub fn catalogue_mask(registry: &Registry) -> u64 {
    match registry.category_count {
        0 => 0,
        n if n >= 64 => u64::MAX,
        n => (1u64 << n) - 1,
    }
}

/// Bumps a partner's revision and update time; returns the new revision.
#[inline(always)]
pub fn touch(partner: &mut Partner, now: i64) -> Result<u32, RegistryError> {
    let revision = partner.revision.get().checked_add(1).ok_or(RegistryError::ArithmeticOverflow)?;
    partner.revision.set(revision);
    partner.updated_at.set(now);
    Ok(revision)
}

/// `value + 1` for a counter, failing cleanly instead of wrapping.
#[inline(always)]
pub fn increment_u16(value: u16) -> Result<u16, RegistryError> {
    value.checked_add(1).ok_or(RegistryError::ArithmeticOverflow)
}

/// `value + 1` for a counter, failing cleanly instead of wrapping.
#[inline(always)]
pub fn increment_u32(value: u32) -> Result<u32, RegistryError> {
    value.checked_add(1).ok_or(RegistryError::ArithmeticOverflow)
}

/// `time + seconds` (seconds are policy values, bounded well below overflow).
#[inline(always)]
pub fn after(time: i64, seconds: u32) -> Result<i64, RegistryError> {
    time.checked_add(seconds as i64).ok_or(RegistryError::ArithmeticOverflow)
}
