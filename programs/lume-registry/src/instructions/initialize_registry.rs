//! `initialize_registry`: creates the registry configuration with its first
//! council, policy and category catalogue. Only the program's upgrade
//! authority may call it, and only once.

use crate::checks::check_uninitialized;
use crate::errors::RegistryError;
use crate::events::RegistryInitialized;
use crate::history;
use crate::interface::borsh_reader::{BoundedStrList, BoundedVec};
use crate::interface::borsh_writer::{List, TextList};
use crate::interface::pod::{PodI64, PodU32};
use crate::runtime;
use crate::state::account::init;
use crate::state::registry::{MAX_CATEGORY_NAME, REGISTRY_LAYOUT_VERSION};
use crate::state::{
    AccountType, Policy, Registry, MAX_CATEGORIES, MAX_COUNCIL, REGISTRY_ADDRESS, REGISTRY_BUMP, REGISTRY_SEED,
};
use crate::system::create_pda_account;
use pinocchio::{
    account::AccountView,
    address::Address,
    cpi::{Seed, Signer},
    ProgramResult,
};

crate::instruction_accounts! {
    /// Creates the registry with its first council, policy and category
    /// catalogue. Signed by the program's upgrade authority, once.
    pub struct Accounts {
        /// The registry PDA `["registry"]`, created here.
        registry: [writable],
        /// The program's upgrade authority; pays for the registry account.
        authority: [writable, signer],
        /// The program's ProgramData account (holds the upgrade authority),
        /// named by the data of the trailing `program` account.
        program_data: [],
        system_program: [; address = crate::SYSTEM_PROGRAM_ID],
    }
}

crate::instruction_args! {
    pub struct Args<'a> {
        /// Council members (1 to 16, distinct).
        pub council: BoundedVec<'a, Address, MAX_COUNCIL>,
        /// Approvals a proposal needs (1 to the council size).
        pub threshold: u8,
        /// Seconds between approval and earliest execution (at most 30 days).
        pub time_lock_seconds: u32,
        /// Monitoring policy.
        pub policy: Policy,
        /// Request categories in strictly ascending byte order (at most 64,
        /// 1 to 31 bytes each); category `i` is bit `i` of every category mask.
        pub categories: BoundedStrList<'a, MAX_CATEGORIES, MAX_CATEGORY_NAME>,
    }
}

const DAY: u32 = 86_400;
const MAX_TIME_LOCK: u32 = 30 * DAY;

pub fn process(accounts: &mut [AccountView], data: &[u8]) -> ProgramResult {
    let mut accounts = Accounts::parse(accounts)?;
    let args = Args::decode(data)?;

    check_uninitialized(&accounts.registry, "registry")?;
    check_upgrade_authority(&accounts.events.program, &accounts.program_data, accounts.authority.address())?;
    check_registry_address(&accounts.registry)?;
    check_council(args.council.as_slice(), args.threshold)?;
    check_policy(&args.policy, args.time_lock_seconds)?;
    check_categories(&args.categories)?;

    let bump_seed = [REGISTRY_BUMP];
    let seeds = [Seed::from(REGISTRY_SEED), Seed::from(&bump_seed)];
    create_pda_account(&accounts.authority, &accounts.registry, Registry::SPACE, &Signer::from(&seeds))?;

    let now = runtime::now();
    let mut registry_data = init::<Registry>(&mut accounts.registry)?;
    // A plain `&mut` so the event can borrow fields while `history` is updated.
    let registry: &mut Registry = &mut registry_data;
    registry.layout_version = REGISTRY_LAYOUT_VERSION;
    registry.bump = REGISTRY_BUMP;
    registry.threshold = args.threshold;
    // council.len() <= 16 and categories.len() <= 64 were checked on decode.
    registry.council_len = args.council.len() as u8;
    registry.council_epoch = PodU32::new(1);
    registry.time_lock_seconds = PodU32::new(args.time_lock_seconds);
    registry.initialized_by = *accounts.authority.address();
    registry.council[..args.council.len()].copy_from_slice(args.council.as_slice());
    registry.policy = args.policy;
    registry.category_count = args.categories.len() as u8;
    for (slot, name) in registry.categories.iter_mut().zip(args.categories.iter()) {
        slot.assign(name)?;
    }
    registry.created_at = PodI64::new(now.unix_timestamp);

    let event = RegistryInitialized {
        authority: registry.initialized_by,
        council: List(&registry.council[..args.council.len()]),
        threshold: registry.threshold,
        council_epoch: registry.council_epoch,
        time_lock_seconds: registry.time_lock_seconds,
        policy: registry.policy,
        categories: TextList(&registry.categories[..args.categories.len()]),
    };
    history::record(&mut registry.history, &accounts.events, &now, &event)?;
    Ok(())
}

/// The signer is the upgrade authority recorded in this program's ProgramData:
/// the program account must point at `program_data`, and `program_data` must
/// name `authority` (`loader::upgrade_authority`).
fn check_upgrade_authority(program: &AccountView, program_data: &AccountView, authority: &Address) -> ProgramResult {
    if crate::loader::upgrade_authority(program, program_data)? != *authority {
        return Err(RegistryError::NotUpgradeAuthority.into());
    }
    Ok(())
}

/// The registry account is the canonical PDA `["registry"]`.
fn check_registry_address(registry: &AccountView) -> Result<(), RegistryError> {
    if registry.address() != &REGISTRY_ADDRESS {
        runtime::log_pair("account", "registry");
        return Err(RegistryError::InvalidPda);
    }
    Ok(())
}

/// 1 to 16 distinct, non-default members and a threshold within 1..=members.
pub(crate) fn check_council(council: &[Address], threshold: u8) -> Result<(), RegistryError> {
    if council.is_empty() {
        return Err(RegistryError::CouncilEmpty);
    }
    if council.len() > MAX_COUNCIL {
        return Err(RegistryError::CouncilTooLarge);
    }
    for (index, member) in council.iter().enumerate() {
        if member.as_ref() == [0u8; 32] {
            return Err(RegistryError::InvalidCouncilMember);
        }
        if council[index + 1..].contains(member) {
            return Err(RegistryError::DuplicateCouncilMember);
        }
    }
    if threshold == 0 || threshold as usize > council.len() {
        return Err(RegistryError::InvalidThreshold);
    }
    Ok(())
}

/// Every duration within a range that keeps time arithmetic far from overflow
/// and the registry usable (no zero-length windows).
pub(crate) fn check_policy(policy: &Policy, time_lock_seconds: u32) -> Result<(), RegistryError> {
    let within = |value: PodU32, min: u32, max: u32| (min..=max).contains(&value.get());
    let valid = time_lock_seconds <= MAX_TIME_LOCK
        && within(policy.review_interval_seconds, DAY, 5 * 366 * DAY)
        && policy.review_grace_seconds.get() <= policy.review_interval_seconds.get()
        && policy.deviation_threshold.get() >= 1
        && within(policy.deviation_window_seconds, 60, 366 * DAY)
        && within(policy.guardian_suspension_seconds, 60, 30 * DAY)
        && within(policy.proposal_lifetime_seconds, 60, 366 * DAY)
        && policy.key_rotation_grace_seconds.get() <= 90 * DAY
        && within(policy.guardian_resuspension_cooldown_seconds, 60, 366 * DAY);
    if valid {
        Ok(())
    } else {
        Err(RegistryError::InvalidPolicy)
    }
}

/// Names of 1 to 31 bytes in strictly ascending byte order, which also makes
/// them distinct in one pass.
fn check_categories(categories: &BoundedStrList<MAX_CATEGORIES, MAX_CATEGORY_NAME>) -> Result<(), RegistryError> {
    let mut previous: Option<&[u8]> = None;
    for name in categories.iter() {
        if name.is_empty() {
            return Err(RegistryError::InvalidCategoryName);
        }
        if previous.is_some_and(|p| p >= name) {
            return Err(RegistryError::CategoriesNotAscending);
        }
        previous = Some(name);
    }
    Ok(())
}
