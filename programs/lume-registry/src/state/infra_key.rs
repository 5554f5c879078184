//! An infrastructure key of a partner: the ed25519 key its servers sign
//! requests with, the endpoints it may serve and its validity window.
//! PDA `["key", partner, index]`; revoked and rotated keys stay as history.

use crate::interface::pod::{PodI64, PodU16, PodU64, Stored};
use pinocchio::address::Address;

/// Most endpoints a key can be bound to individually (otherwise: all).
pub const MAX_KEY_ENDPOINTS: usize = 16;

crate::pod_enum! {
    /// Life cycle of an infrastructure key.
    pub enum KeyStatus {
        /// Valid within its window.
        Active = 0,
        /// Replaced by a newer key; valid until `grace_until`.
        Rotating = 1,
        /// Revoked: never valid again.
        Revoked = 2,
    }
}

crate::pod_enum! {
    /// Why a key was revoked.
    pub enum RevocationReason {
        Unspecified = 0,
        Compromised = 1,
        Superseded = 2,
        Decommissioned = 3,
        PartnerRevoked = 4,
    }
}

crate::pod_struct! {
    /// An infrastructure key (PDA `["key", partner, index]`).
    pub struct InfraKey {
        pub layout_version: u8,
        pub bump: u8,
        pub partner: Address,
        pub index: PodU16,
        /// The ed25519 public key requests are signed with.
        pub public_key: [u8; 32],
        /// 0: the key serves all of the partner's endpoints; otherwise the number of
        /// entries of `endpoints` it is bound to.
        pub endpoint_count: u8,
        pub endpoints: [PodU16; 16],
        pub valid_from: PodI64,
        pub valid_until: PodI64,
        pub status: Stored<KeyStatus>,
        /// End of the rotation grace period (status Rotating).
        pub grace_until: PodI64,
        /// Index of the key that replaced this one (status Rotating), else u16::MAX.
        pub replaced_by: PodU16,
        pub revocation_reason: Stored<RevocationReason>,
        pub revoked_at: PodI64,
        /// The proposal that issued it, and the one that revoked it (0 = none).
        pub issued_by_proposal: PodU64,
        pub revoked_by_proposal: PodU64,
        pub issued_at: PodI64,
        pub reserved: [u8; 32],
    }
}
