//! An endpoint of a partner: where its traffic comes from and which request
//! categories it may carry. PDA `["endpoint", partner, index]`; indices are
//! never reused, and removed endpoints stay on-chain as history.

use super::common::Protocol;
use crate::interface::pod::{FixedStr, PodI64, PodU16, PodU32, PodU64, Stored};
use pinocchio::address::Address;

crate::pod_enum! {
    /// Whether an endpoint may carry traffic (together with its partner's status).
    pub enum EndpointStatus {
        Active = 0,
        Removed = 1,
    }
}

crate::pod_struct! {
    /// An endpoint (PDA `["endpoint", partner, index]`).
    pub struct Endpoint {
        pub layout_version: u8,
        pub bump: u8,
        pub partner: Address,
        pub index: PodU16,
        /// DNS name or IP literal.
        pub host: FixedStr<63>,
        pub port: PodU16,
        pub protocol: Stored<Protocol>,
        /// Request categories this endpoint may carry (within the partner's traffic model).
        pub categories: PodU64,
        pub status: Stored<EndpointStatus>,
        /// Partner endpoint-set version after this endpoint was added.
        pub added_in_version: PodU32,
        /// The proposal that added or last changed it (0 = declared with the application).
        pub proposal_id: PodU64,
        pub added_at: PodI64,
        pub removed_at: PodI64,
        /// Partner endpoint-set version after this endpoint was added or last changed: once
        /// the partner is admitted, the endpoint is pending audit (nodes refuse it) until the
        /// partner's technically attested version reaches it (taken from `reserved`).
        pub changed_in_version: PodU32,
        pub reserved: [u8; 28],
    }
}
