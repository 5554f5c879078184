//! The registry configuration: council, policy, category catalogue, counters
//! and the head of the on-chain history hash chain. One per program, at the
//! PDA `["registry"]`.

use crate::history::HistoryChain;
use crate::interface::pod::{FixedStr, PodI64, PodU16, PodU32, PodU64};
use pinocchio::address::Address;

/// Seed of the registry PDA.
pub const REGISTRY_SEED: &[u8] = super::seeds::REGISTRY;
/// The registry PDA `["registry"]` and its canonical bump, fixed because the
/// program id is: deriving it on-chain would cost 1,500 CU per bump tried.
/// The tests check both against `findProgramAddressSync`.
pub const REGISTRY_ADDRESS: Address = solana_address::address!("74QTihR7AchSmfefnUaAYfUU5iTieEKasnZZJuyoxvYj");
pub const REGISTRY_BUMP: u8 = 253;
/// Largest council.
pub const MAX_COUNCIL: usize = 16;
/// Size of the request-category catalogue (categories are bits of a `u64`).
pub const MAX_CATEGORIES: usize = 64;
/// Longest category name, in bytes.
pub const MAX_CATEGORY_NAME: usize = 31;
/// Current layout version of `Registry`.
pub const REGISTRY_LAYOUT_VERSION: u8 = 1;

crate::pod_struct! {
    /// Timing and threshold rules the council sets for monitoring.
    pub struct Policy {
        /// Seconds between mandatory re-evaluations of an active partner.
        pub review_interval_seconds: PodU32,
        /// Seconds after a missed review date before the partner may be marked overdue.
        pub review_grace_seconds: PodU32,
        /// Deviation reports within the window that put a partner under audit.
        pub deviation_threshold: PodU16,
        /// Length of the deviation-counting window, in seconds.
        pub deviation_window_seconds: PodU32,
        /// How long a guardian's emergency suspension lasts unless ratified.
        pub guardian_suspension_seconds: PodU32,
        /// How long a proposal stays open for approval.
        pub proposal_lifetime_seconds: PodU32,
        /// How long a replaced infrastructure key stays valid after rotation.
        pub key_rotation_grace_seconds: PodU32,
        /// After a guardian suspension lapsed unratified, how long before a guardian may
        /// suspend the same partner again (sooner only once the council decided on it).
        pub guardian_resuspension_cooldown_seconds: PodU32,
    }
}

crate::pod_struct! {
    /// The registry configuration (PDA `["registry"]`).
    pub struct Registry {
        /// Layout version of this account.
        pub layout_version: u8,
        /// Canonical bump of the registry PDA.
        pub bump: u8,
        /// Approvals a proposal needs.
        pub threshold: u8,
        /// Number of used entries in `council`.
        pub council_len: u8,
        /// Incremented on every council change; proposals of an older epoch are void.
        pub council_epoch: PodU32,
        /// Seconds between a proposal's approval and its earliest execution.
        pub time_lock_seconds: PodU32,
        /// The upgrade authority that initialized the registry.
        pub initialized_by: Address,
        /// Council members (first `council_len` entries).
        pub council: [Address; 16],
        /// Monitoring policy.
        pub policy: Policy,
        /// Number of used entries in `categories`; category `i` is bit `i`.
        pub category_count: u8,
        /// Request-category catalogue.
        pub categories: [FixedStr<31>; 64],
        /// Partners ever applied (next partner id).
        pub partner_count: PodU64,
        /// Proposals ever created (next proposal id).
        pub proposal_count: PodU64,
        /// Head of the history hash chain over every event.
        pub history: HistoryChain,
        /// Unix time of initialization.
        pub created_at: PodI64,
        /// Space kept for future fields (4 bytes went to the policy's cool-down).
        pub reserved: [u8; 60],
    }
}

impl Registry {
    /// The active council members.
    pub fn council_members(&self) -> &[Address] {
        let len = (self.council_len as usize).min(MAX_COUNCIL);
        &self.council[..len]
    }

    /// Mask of the categories the catalogue defines (bits `0..category_count`).
    #[inline(always)]
    pub fn catalogue_mask(&self) -> u64 {
        match self.category_count {
            0 => 0,
            n if n >= 64 => u64::MAX,
            n => (1u64 << n) - 1,
        }
    }
}
