//! Value types shared by several accounts.

use crate::interface::pod::{FixedStr, PodU32, PodU64};

/// Longest evidence URI, in bytes.
pub const MAX_URI: usize = 127;

crate::pod_struct! {
    /// A pointer to an off-chain evidence bundle: its SHA-256 and where to fetch it.
    pub struct Evidence {
        /// SHA-256 of the bundle's bytes.
        pub hash: [u8; 32],
        /// Where the bundle can be fetched (https://, ipfs://, ar://, ...).
        pub uri: FixedStr<127>,
    }
}

crate::pod_struct! {
    /// The traffic a partner declares and the council approves.
    pub struct TrafficModel {
        /// Request categories the partner may use (bit `i` = catalogue category `i`).
        pub allowed_categories: PodU64,
        /// Ceiling on requests per second across the partner's endpoints.
        pub max_requests_per_second: PodU32,
        /// Largest burst of requests above the rate (token-bucket size).
        pub burst: PodU32,
        /// Ceiling on bandwidth, in kilobits per second.
        pub max_bandwidth_kbps: PodU32,
    }
}

crate::pod_enum! {
    /// Network protocol of an endpoint.
    pub enum Protocol {
        Https = 0,
        Wss = 1,
        Quic = 2,
        Tcp = 3,
    }
}
