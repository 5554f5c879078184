//! Typed access to program-owned accounts: `load`/`load_mut`/`init` for any
//! account type, and the registry and partner loaders several instructions share.

use crate::errors::RegistryError;
use crate::interface::pod::Pod;
use crate::state::{Partner, Registry, REGISTRY_ADDRESS};
use pinocchio::account::{AccountView, Ref, RefMut};
use pinocchio::error::ProgramError;

/// An account type of this program: a `Pod` body after a discriminator.
pub trait AccountType: Pod {
    /// `sha256("account:<Name>")[..8]`.
    const DISCRIMINATOR: [u8; 8];
    /// Bytes the account occupies: discriminator plus body.
    const SPACE: usize = 8 + Self::SIZE;
}

/// Declares the program's account types, once: each listed type (and only a
/// listed type) implements `AccountType`, which `load`, `load_mut`, `init` and
/// `create_pda` require, and the same list, in this order, is the IDL's
/// `accounts`. Invoked once, in `state/mod.rs`.
#[macro_export]
macro_rules! account_types {
    ($($ty:ident),* $(,)?) => {
        $(
            impl $crate::state::AccountType for $ty {
                const DISCRIMINATOR: [u8; 8] = $crate::interface::discriminator::account(stringify!($ty));
            }
        )*

        /// Every account type's name and discriminator, in the IDL's order.
        #[cfg(any(test, feature = "idl-build"))]
        pub const ACCOUNT_TYPES: &[(&str, [u8; 8])] =
            &[$( (stringify!($ty), <$ty as $crate::state::AccountType>::DISCRIMINATOR) ),*];

        /// The IDL's `accounts` (`{ name, discriminator }`), registering each
        /// account's body in `defs`.
        #[cfg(feature = "idl-build")]
        pub fn idl_accounts(defs: &mut $crate::interface::idl::TypeDefs) -> Vec<$crate::interface::idl::Value> {
            use $crate::interface::idl::{named_entries, IdlType, TypeDefs};
            named_entries(&[$((
                stringify!($ty),
                <$ty as $crate::state::AccountType>::DISCRIMINATOR,
                <$ty as IdlType>::register as fn(&mut TypeDefs),
            )),*], defs)
        }
    };
}

/// `check_type` without the type: one copy of the checks for every account
/// type and call site (inlined, they were repeated dozens of times; see
/// docs/toolchain.md). Five arguments at most, and an error that fits a
/// register: BPF calls take no stack arguments.
#[inline(never)]
fn check_owner_and_type(
    account: &AccountView,
    name: &str,
    space: usize,
    discriminator: u64,
) -> Result<(), RegistryError> {
    if !account.owned_by(&crate::ID) {
        crate::runtime::log_pair("account", name);
        return Err(RegistryError::InvalidAccountOwner);
    }
    // SAFETY: only the length and the first 8 bytes are read, before any
    // mutable borrow is handed out.
    let data = unsafe { account.borrow_unchecked() };
    match data.first_chunk::<8>() {
        Some(tag) if data.len() >= space && u64::from_le_bytes(*tag) == discriminator => Ok(()),
        _ => {
            crate::runtime::log_pair("account", name);
            Err(RegistryError::InvalidAccountData)
        }
    }
}

/// What `load`/`load_mut` check of an account type.
struct TypeCheck {
    space: usize,
    discriminator: u64,
}

/// The account's data, borrowed, after `check_owner_and_type`. Not inlined
/// (nor `borrow_checked`): one copy of the borrow for every type and call
/// site (inlined, about 5 KB).
#[inline(never)]
fn borrow_checked_mut<'a>(
    account: &'a mut AccountView,
    name: &str,
    check: &TypeCheck,
) -> Result<RefMut<'a, [u8]>, ProgramError> {
    check_owner_and_type(account, name, check.space, check.discriminator)?;
    account.try_borrow_mut()
}

#[inline(never)]
fn borrow_checked<'a>(account: &'a AccountView, name: &str, check: &TypeCheck) -> Result<Ref<'a, [u8]>, ProgramError> {
    check_owner_and_type(account, name, check.space, check.discriminator)?;
    account.try_borrow()
}

/// A read-only view of a program account of type `T` (owner, size and
/// discriminator checked: an account of another type cannot pass for `T`).
#[inline(always)]
pub fn load<'a, T: AccountType>(account: &'a AccountView, name: &str) -> Result<Ref<'a, T>, ProgramError> {
    let check = TypeCheck { space: T::SPACE, discriminator: u64::from_le_bytes(T::DISCRIMINATOR) };
    let data = borrow_checked(account, name, &check)?;
    // SAFETY: the data holds at least `T::SPACE = 8 + size_of::<T>()` bytes
    // (checked above); `T` is `Pod`: alignment 1, any bytes valid.
    Ok(Ref::map(data, |bytes| unsafe { &*(bytes.as_ptr().add(8) as *const T) }))
}

/// A mutable view of a program account of type `T`; fails if the account is
/// already borrowed (the same account passed twice).
#[inline(always)]
pub fn load_mut<'a, T: AccountType>(account: &'a mut AccountView, name: &str) -> Result<RefMut<'a, T>, ProgramError> {
    let check = TypeCheck { space: T::SPACE, discriminator: u64::from_le_bytes(T::DISCRIMINATOR) };
    let data = borrow_checked_mut(account, name, &check)?;
    // SAFETY: as in `load`.
    Ok(RefMut::map(data, |bytes| unsafe { &mut *(bytes.as_mut_ptr().add(8) as *mut T) }))
}

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

/// Writes the discriminator of `T` into an account this instruction just
/// created (the runtime zero-fills new accounts, so the body starts all-zero)
/// and returns the body.
#[inline(always)]
pub fn init<'a, T: AccountType>(account: &'a mut AccountView) -> Result<RefMut<'a, T>, ProgramError> {
    let data = account.try_borrow_mut()?;
    if data.len() < T::SPACE {
        return Err(RegistryError::InvalidAccountData.into());
    }
    Ok(RefMut::map(data, |bytes| {
        bytes[..8].copy_from_slice(&T::DISCRIMINATOR);
        T::view_mut(&mut bytes[8..]).unwrap_or_else(|| unreachable_layout())
    }))
}

#[cold]
fn unreachable_layout() -> ! {
    // Sizes are checked before every view; reaching this is a program bug.
    panic!("account layout size mismatch")
}
