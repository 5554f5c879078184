//! Roles the council grants by proposal: accredited verifiers and auditors,
//! guardians and reporting nodes. PDA `["role", role, holder]`; a revoked
//! grant stays on-chain, inactive, as history.

use crate::interface::pod::{PodBool, PodI64, PodU64, Stored};
use pinocchio::address::Address;

crate::pod_enum! {
    /// What a role grant allows.
    pub enum Role {
        /// Records the legal verification of an applicant (`attest_legal`).
        LegalVerifier = 0,
        /// Records the technical verification of an applicant (`attest_technical`).
        TechnicalAuditor = 1,
        /// Records periodic re-evaluations (`record_review`).
        Auditor = 2,
        /// Suspends a partner at once in an emergency (`guardian_suspend`).
        Guardian = 3,
        /// Reports traffic that deviates from a partner's model (`report_deviation`).
        ReportingNode = 4,
    }
}

crate::pod_struct! {
    /// A role granted to an address (PDA `["role", role, holder]`).
    pub struct RoleGrant {
        pub layout_version: u8,
        pub bump: u8,
        pub role: Stored<Role>,
        pub holder: Address,
        pub active: PodBool,
        pub granted_by_proposal: PodU64,
        pub granted_at: PodI64,
        pub revoked_by_proposal: PodU64,
        pub revoked_at: PodI64,
        pub reserved: [u8; 16],
    }
}
