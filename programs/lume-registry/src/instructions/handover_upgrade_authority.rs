//! `handover_upgrade_authority`: the program's current upgrade authority (the
//! deployer) hands it to the registry's PDA `["upgrade_authority"]`, through
//! the loader's `SetAuthorityChecked` (the PDA signs as the new authority).
//! From then on only an executed council proposal (UpgradeProgram,
//! SetUpgradeAuthority) can change the program's code or its authority.

use crate::errors::RegistryError;
use crate::events::UpgradeAuthorityChanged;
use crate::history;
use crate::interface::borsh_writer::OptionalPod;
use crate::interface::pod::PodU64;
use crate::loader::{self, expect_address, LoaderCall, SET_AUTHORITY_CHECKED, UPGRADE_AUTHORITY_ADDRESS};
use crate::runtime;
use crate::state::account::registry_mut;
use pinocchio::{account::AccountView, instruction::InstructionAccount, ProgramResult};

crate::instruction_accounts! {
    /// Hands the program's upgrade authority to the registry's PDA
    /// `["upgrade_authority"]` (signed by the current upgrade authority, after
    /// `initialize_registry`); recorded in the history chain.
    pub struct Accounts {
        registry: [writable],
        /// The program's current upgrade authority.
        authority: [signer],
        /// The program's ProgramData account.
        program_data: [writable],
        /// The PDA `["upgrade_authority"]`, the new authority.
        upgrade_authority: [],
        bpf_loader_upgradeable: [],
    }
}

crate::instruction_args! {
    pub struct Args<'a> {}
}

pub fn process(accounts: &mut [AccountView], data: &[u8]) -> ProgramResult {
    let mut accounts = Accounts::parse(accounts)?;
    Args::decode(data)?;
    expect_address(&accounts.upgrade_authority, &UPGRADE_AUTHORITY_ADDRESS, "upgrade_authority")?;
    expect_address(&accounts.bpf_loader_upgradeable, &crate::BPF_LOADER_UPGRADEABLE_ID, "bpf_loader_upgradeable")?;
    let current = loader::upgrade_authority(&accounts.events.program, &accounts.program_data)?;
    // The loader would refuse a wrong signer too; refusing here names the reason.
    if current != *accounts.authority.address() {
        return Err(RegistryError::NotUpgradeAuthority.into());
    }
    let mut registry_data = registry_mut(&mut accounts.registry)?;
    let registry = &mut *registry_data;
    let event = UpgradeAuthorityChanged {
        program_data: *accounts.program_data.address(),
        old_authority: *accounts.authority.address(),
        new_authority: OptionalPod { present: 1, value: UPGRADE_AUTHORITY_ADDRESS },
        proposal_id: OptionalPod { present: 0, value: PodU64::new(0) },
    };
    history::record(&mut registry.history, &accounts.events, &runtime::now(), &event)?;

    let data = SET_AUTHORITY_CHECKED.to_le_bytes();
    let metas = [
        InstructionAccount::writable(accounts.program_data.address()),
        InstructionAccount::readonly_signer(accounts.authority.address()),
        InstructionAccount::readonly_signer(&UPGRADE_AUTHORITY_ADDRESS),
    ];
    loader::invoke_loader(&LoaderCall {
        data: &data,
        metas: &metas,
        accounts: &[&accounts.program_data, &accounts.authority, &accounts.upgrade_authority],
    })
}
