//! Creating program-owned accounts through the System program: `create_pda`
//! checks and derives the address, `create_pda_account` funds, allocates and
//! assigns it.

use crate::errors::RegistryError;
use crate::runtime;
use crate::state::AccountType;
use pinocchio::{
    account::AccountView,
    address::Address,
    cpi::{invoke_signed, Seed, Signer},
    error::ProgramError,
    instruction::{InstructionAccount, InstructionView},
};

/// Rent-exempt minimum for `space` bytes, from the Rent sysvar (read through
/// its dedicated syscall, present in every runtime the tests use).
pub fn rent_exempt_minimum(space: usize) -> Result<u64, ProgramError> {
    // Rent layout: lamports_per_byte_year u64, exemption_threshold f64,
    // burn_percent u8 (+ padding). The runtime requires 8-byte alignment.
    #[cfg_attr(not(target_arch = "bpf"), allow(unused_mut))]
    let mut rent = [0u64; 3];
    #[cfg(target_arch = "bpf")]
    // SAFETY: the buffer has the size and alignment of the Rent sysvar.
    unsafe {
        #[allow(deprecated)]
        pinocchio::syscalls::sol_get_rent_sysvar(rent.as_mut_ptr() as *mut u8)
    };
    // The exemption threshold is 2.0 (years) in older runtimes and 1.0 since
    // SIMD-0194 moved the factor into the per-byte price. Matching the two
    // exact values keeps floating point out of the program.
    let years = if rent[1] == 2.0f64.to_bits() {
        2
    } else if rent[1] == 1.0f64.to_bits() {
        1
    } else {
        return Err(ProgramError::InvalidArgument);
    };
    // Account storage overhead is 128 bytes. space < 10 MiB and the price per
    // byte is a few thousand lamports, so the product stays far below u64::MAX.
    let bytes = (space as u64) + 128;
    Ok(bytes * rent[0] * years)
}

/// Creates `account` (a PDA signed for by `seeds`) with `space` bytes, owned
/// by this program and funded by `payer`. Works even if someone pre-funded the
/// address (which makes a plain `CreateAccount` fail): then it tops up,
/// allocates and assigns.
#[inline(never)]
pub fn create_pda_account(
    payer: &AccountView,
    account: &AccountView,
    space: usize,
    signer: &Signer,
) -> Result<(), ProgramError> {
    let required = rent_exempt_minimum(space)?;
    let current = account.lamports();
    if current == 0 {
        let mut data = [0u8; 52];
        data[0..4].copy_from_slice(&0u32.to_le_bytes());
        data[4..12].copy_from_slice(&required.to_le_bytes());
        data[12..20].copy_from_slice(&(space as u64).to_le_bytes());
        data[20..52].copy_from_slice(crate::ID.as_ref());
        return system_call(&data, &[payer, account], signer);
    }
    if current < required {
        let mut data = [0u8; 12];
        data[0..4].copy_from_slice(&2u32.to_le_bytes());
        data[4..12].copy_from_slice(&(required - current).to_le_bytes());
        system_call(&data, &[payer, account], signer)?;
    }
    let mut allocate = [0u8; 12];
    allocate[0..4].copy_from_slice(&8u32.to_le_bytes());
    allocate[4..12].copy_from_slice(&(space as u64).to_le_bytes());
    system_call_single(&allocate, account, signer)?;
    let mut assign = [0u8; 36];
    assign[0..4].copy_from_slice(&1u32.to_le_bytes());
    assign[4..36].copy_from_slice(crate::ID.as_ref());
    system_call_single(&assign, account, signer)
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
    create_pda_account(payer, account, space, &Signer::from(initialised))?;
    Ok(bump)
}

/// A System instruction over `[from, to]`: CreateAccount (tag 0), where `to`
/// is the PDA that must sign, or Transfer, where it only receives. The tag is
/// read from `data` and the accounts come as one array to keep to five
/// argument registers (the result is returned through a pointer too).
///
/// Not inlined (nor `system_call_single`): `invoke_signed` is several hundred
/// bytes, and each copy counted against the binary size.
#[inline(never)]
fn system_call(data: &[u8], accounts: &[&AccountView; 2], signer: &Signer) -> Result<(), ProgramError> {
    let [from, to] = *accounts;
    let to_signs = data.first() == Some(&0);
    let metas =
        [InstructionAccount::writable_signer(from.address()), InstructionAccount::new(to.address(), true, to_signs)];
    let instruction = InstructionView { program_id: &SYSTEM_PROGRAM, data, accounts: &metas };
    invoke_signed(&instruction, &[from, to], core::slice::from_ref(signer))
}

/// A System instruction over the PDA alone (Allocate, Assign).
#[inline(never)]
fn system_call_single(data: &[u8], account: &AccountView, signer: &Signer) -> Result<(), ProgramError> {
    let metas = [InstructionAccount::writable_signer(account.address())];
    let instruction = InstructionView { program_id: &SYSTEM_PROGRAM, data, accounts: &metas };
    invoke_signed(&instruction, &[account], core::slice::from_ref(signer))
}

const SYSTEM_PROGRAM: Address = crate::SYSTEM_PROGRAM_ID;
