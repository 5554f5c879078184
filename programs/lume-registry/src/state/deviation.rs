//! A deviation report: a reporting node saw a partner's traffic leave its
//! declared model. PDA `["deviation", partner, reporter, window_start]`, so a
//! node counts once per partner per counting window.

use crate::interface::pod::{PodI64, PodU64};
use pinocchio::address::Address;

crate::pod_struct! {
    /// A deviation report (PDA `["deviation", partner, reporter, window_start]`).
    pub struct DeviationReport {
        pub layout_version: u8,
        pub bump: u8,
        pub partner: Address,
        pub reporter: Address,
        /// The partner's deviation window this report counts in.
        pub window_start: PodI64,
        /// Catalogue index of the request category concerned.
        pub category: u8,
        /// The observed figure (requests per second, kbit/s, ... as the evidence explains).
        pub observed: PodU64,
        pub evidence_hash: [u8; 32],
        pub reported_at: PodI64,
    }
}
