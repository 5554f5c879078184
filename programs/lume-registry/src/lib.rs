//! Lume Registry: the on-chain registry of vetted bandwidth partners.
//!
//! A `no_std` pinocchio program with Anchor's interface (discriminators, Borsh
//! layouts, events, an IDL). Layout: `entrypoint` dispatches, `instructions/`
//! holds one file per instruction, `state/` the account types, `events` and
//! `errors` their own modules, `checks` the named account checks.
#![cfg_attr(target_arch = "bpf", no_std)]

pub mod context;
pub mod entrypoint;
pub mod errors;
pub mod event_cpi;
pub mod events;
pub mod history;
pub mod instructions;
pub mod interface;
pub mod loader;
// memcpy & co. for the BPF target (see programs/sbpf-mem).
#[cfg(target_arch = "bpf")]
use sbpf_mem as _;
pub mod runtime;
pub mod state;
pub mod system;
pub mod validation;

#[cfg(feature = "idl-build")]
pub mod idl;

use pinocchio::address::Address;

/// The program id (see `Anchor.toml`).
pub const ID: Address = solana_address::address!("FW9CCNM5sLgyXnw6hCGCRD8rGbCX4gZV9KBDsk2WTyo7");
/// The System program.
pub const SYSTEM_PROGRAM_ID: Address = solana_address::address!("11111111111111111111111111111111");
/// The upgradeable BPF loader, owner of this program's ProgramData.
pub const BPF_LOADER_UPGRADEABLE_ID: Address = solana_address::address!("BPFLoaderUpgradeab1e11111111111111111111111");
