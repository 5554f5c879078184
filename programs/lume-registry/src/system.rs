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

/// System program instruction tags: bincode's u32 LE enum index, first in
/// the instruction data.
pub mod tag {
    /// `CreateAccount { lamports: u64, space: u64, owner: Address }`, accounts `[from ws, to ws]`.
    pub const CREATE_ACCOUNT: u32 = 0;
    /// `Assign { owner: Address }`, accounts `[account ws]`.
    pub const ASSIGN: u32 = 1;
    /// `Transfer { lamports: u64 }`, accounts `[from ws, to w]`.
    pub const TRANSFER: u32 = 2;
    /// `Allocate { space: u64 }`, accounts `[account ws]`.
    pub const ALLOCATE: u32 = 8;
}

/// Byte length of the tag, and of the fields after it.
const TAG_LEN: usize = 4;
const U64_LEN: usize = 8;
const ADDRESS_LEN: usize = 32;

/// `CreateAccount` data: tag, lamports, space, owner.
pub const CREATE_ACCOUNT_LEN: usize = TAG_LEN + U64_LEN + U64_LEN + ADDRESS_LEN;
/// `Transfer` data: tag, lamports.
pub const TRANSFER_LEN: usize = TAG_LEN + U64_LEN;
/// `Allocate` data: tag, space.
pub const ALLOCATE_LEN: usize = TAG_LEN + U64_LEN;
/// `Assign` data: tag, owner.
pub const ASSIGN_LEN: usize = TAG_LEN + ADDRESS_LEN;

/// `CreateAccount` of `space` bytes with `lamports`, owned by this program.
#[inline(always)]
pub fn create_account_data(lamports: u64, space: u64) -> [u8; CREATE_ACCOUNT_LEN] {
    const SPACE_AT: usize = TAG_LEN + U64_LEN;
    const OWNER_AT: usize = SPACE_AT + U64_LEN;
    let mut data = [0u8; CREATE_ACCOUNT_LEN];
    data[..TAG_LEN].copy_from_slice(&tag::CREATE_ACCOUNT.to_le_bytes());
    data[TAG_LEN..SPACE_AT].copy_from_slice(&lamports.to_le_bytes());
    data[SPACE_AT..OWNER_AT].copy_from_slice(&space.to_le_bytes());
    data[OWNER_AT..].copy_from_slice(crate::ID.as_ref());
    data
}

/// The data of a System instruction whose one field is a `u64` (Transfer, Allocate).
#[inline(always)]
fn tag_and_u64(tag: u32, value: u64) -> [u8; TAG_LEN + U64_LEN] {
    let mut data = [0u8; TAG_LEN + U64_LEN];
    data[..TAG_LEN].copy_from_slice(&tag.to_le_bytes());
    data[TAG_LEN..].copy_from_slice(&value.to_le_bytes());
    data
}

/// `Transfer` of `lamports`.
#[inline(always)]
pub fn transfer_data(lamports: u64) -> [u8; TRANSFER_LEN] {
    tag_and_u64(tag::TRANSFER, lamports)
}

/// `Allocate` of `space` bytes.
#[inline(always)]
pub fn allocate_data(space: u64) -> [u8; ALLOCATE_LEN] {
    tag_and_u64(tag::ALLOCATE, space)
}

/// `Assign` to this program.
#[inline(always)]
pub fn assign_data() -> [u8; ASSIGN_LEN] {
    let mut data = [0u8; ASSIGN_LEN];
    data[..TAG_LEN].copy_from_slice(&tag::ASSIGN.to_le_bytes());
    data[TAG_LEN..].copy_from_slice(crate::ID.as_ref());
    data
}

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
        return system_call(&create_account_data(required, space as u64), &[payer, account], signer);
    }
    if current < required {
        system_call(&transfer_data(required - current), &[payer, account], signer)?;
    }
    system_call_single(&allocate_data(space as u64), account, signer)?;
    system_call_single(&assign_data(), account, signer)
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

/// A System instruction over `[from, to]`: `CreateAccount`, where `to` is the
/// PDA that must sign, or `Transfer`, where it only receives. The tag is
/// read from `data` and the accounts come as one array to keep to five
/// argument registers (the result is returned through a pointer too).
///
/// Not inlined (nor `system_call_single`): `invoke_signed` is several hundred
/// bytes, and each copy counted against the binary size.
#[inline(never)]
fn system_call(data: &[u8], accounts: &[&AccountView; 2], signer: &Signer) -> Result<(), ProgramError> {
    let [from, to] = *accounts;
    // Their tags (u32 LE) differ in the first byte.
    let to_signs = data.first() == Some(&(tag::CREATE_ACCOUNT as u8));
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The tag: the first four bytes, u32 little-endian.
    fn tag_of(data: &[u8]) -> u32 {
        u32::from_le_bytes(data[..4].try_into().expect("four bytes"))
    }

    #[test]
    fn tags_are_the_system_programs_enum_indices() {
        // solana-system-interface's `SystemInstruction`: CreateAccount, Assign, Transfer, ...,
        // Allocate is the ninth variant.
        assert_eq!((tag::CREATE_ACCOUNT, tag::ASSIGN, tag::TRANSFER, tag::ALLOCATE), (0, 1, 2, 8));
    }

    #[test]
    fn create_account_is_tag_lamports_space_owner() {
        let data = create_account_data(0x0102_0304_0506_0708, 0x1122);
        assert_eq!(data.len(), 52);
        assert_eq!(tag_of(&data), tag::CREATE_ACCOUNT);
        assert_eq!(data[4..12], 0x0102_0304_0506_0708u64.to_le_bytes());
        assert_eq!(data[12..20], 0x1122u64.to_le_bytes());
        assert_eq!(&data[20..52], crate::ID.as_ref());
    }

    #[test]
    fn transfer_allocate_and_assign_put_their_field_after_the_tag() {
        let transfer = transfer_data(5_000);
        assert_eq!((transfer.len(), tag_of(&transfer)), (12, tag::TRANSFER));
        assert_eq!(transfer[4..], 5_000u64.to_le_bytes());
        let allocate = allocate_data(2_048);
        assert_eq!((allocate.len(), tag_of(&allocate)), (12, tag::ALLOCATE));
        assert_eq!(allocate[4..], 2_048u64.to_le_bytes());
        let assign = assign_data();
        assert_eq!((assign.len(), tag_of(&assign)), (36, tag::ASSIGN));
        assert_eq!(&assign[4..], crate::ID.as_ref());
    }

    #[test]
    fn only_create_account_has_the_new_account_sign() {
        // `system_call` reads the first byte to tell CreateAccount from Transfer.
        assert_eq!(create_account_data(1, 1)[0], tag::CREATE_ACCOUNT as u8);
        assert_ne!(transfer_data(1)[0], tag::CREATE_ACCOUNT as u8);
    }
}
