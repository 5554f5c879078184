//! Lume Registry: the on-chain registry of vetted bandwidth partners.
//!
//! A `no_std` pinocchio program with Anchor's interface (discriminators, Borsh
//! layouts, events, an IDL). Layout:
//! - `entrypoint` checks the program id; `instructions/` dispatches and holds
//!   one file per instruction (`actions/`: what an executed proposal does);
//! - `validation/` every check a handler makes (accounts, authority, text,
//!   arguments);
//! - `state/` the account types and their loaders; `events`, `errors` and
//!   `history` (the event hash chain) their own modules, `event_cpi` the
//!   self-CPI that emits events;
//! - `system` creates program accounts through the System program, `loader`
//!   talks to the upgradeable BPF loader, `runtime` wraps syscalls (logs,
//!   clock, PDAs), `arithmetic` the checked counter and time arithmetic;
//! - `interface/` the macros and Borsh/pod types that define each layout once,
//!   with its IDL side (`idl`, host only, assembles the document).
#![cfg_attr(target_arch = "bpf", no_std)]

pub mod arithmetic;
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
