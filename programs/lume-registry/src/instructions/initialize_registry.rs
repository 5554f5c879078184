//! `initialize_registry`: creates the registry configuration with its first
//! council, policy and category catalogue. Only the program's upgrade
//! authority may call it, and only once.

use crate::events::RegistryInitialized;
use crate::history;
use crate::interface::borsh_reader::{BoundedStrList, BoundedVec};
use crate::interface::borsh_writer::{List, TextList};
use crate::interface::pod::{PodI64, PodU32};
use crate::runtime;
use crate::state::account::init;
use crate::state::registry::{MAX_CATEGORY_NAME, REGISTRY_LAYOUT_VERSION};
use crate::state::{AccountType, Policy, Registry, MAX_CATEGORIES, MAX_COUNCIL, REGISTRY_BUMP, REGISTRY_SEED};
use crate::system::create_pda_account;
use crate::validation::accounts::{check_registry_address, check_uninitialized};
use crate::validation::arguments::{check_categories, check_council, check_policy};
use crate::validation::authority::check_upgrade_authority;
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
