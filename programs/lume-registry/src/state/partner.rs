//! A partner organisation: identity commitments, admission stage, status,
//! declared traffic model, review schedule, and the versions of its endpoint
//! and key sets. PDA `["partner", partner_id]`.

use super::common::{Evidence, TrafficModel};
use crate::interface::pod::{FixedStr, PodI64, PodU16, PodU32, PodU64, Stored};
use pinocchio::address::Address;

/// Most active endpoints per partner.
pub const MAX_ACTIVE_ENDPOINTS: u16 = 64;
/// Most active infrastructure keys per partner.
pub const MAX_ACTIVE_KEYS: u16 = 32;
/// `Partner.pending_checks` bit: a new legal verification is owed.
pub const CHECK_LEGAL: u8 = 1;
/// `Partner.pending_checks` bit: a new technical audit is owed.
pub const CHECK_TECHNICAL: u8 = 2;

crate::pod_enum! {
    /// How far the admission procedure has come.
    pub enum AdmissionStage {
        /// Applied; waiting for the legal verification.
        Applied = 0,
        /// An accredited legal verifier attested the organisation.
        LegalVerified = 1,
        /// An accredited technical auditor attested the infrastructure.
        TechnicallyVerified = 2,
        /// The council admitted the partner (an executed ApprovePartner proposal).
        Admitted = 3,
        /// The council rejected the application.
        Rejected = 4,
    }
}

crate::pod_enum! {
    /// Whether the partner may use the network now.
    pub enum PartnerStatus {
        /// Not admitted yet: requests are refused.
        Pending = 0,
        /// Admitted and in good standing.
        Active = 1,
        /// Deviation reports or a review put the partner under audit; requests still pass.
        UnderAudit = 2,
        /// The review date plus grace passed without a review: requests are refused.
        ReviewOverdue = 3,
        /// Suspended by the council or a guardian: reversible, requests are refused.
        Suspended = 4,
        /// Revoked for good, or the application was rejected: final.
        Revoked = 5,
    }
}

crate::pod_struct! {
    /// A partner organisation (PDA `["partner", partner_id]`).
    pub struct Partner {
        pub layout_version: u8,
        pub bump: u8,
        /// Number given at application (`Registry.partner_count` then).
        pub partner_id: PodU64,
        /// The partner's own admin key: applies, declares endpoints, requests changes.
        pub authority: Address,
        /// Registered legal name.
        pub legal_name: FixedStr<63>,
        /// Jurisdiction code (ISO 3166, e.g. "DE" or "US-CA").
        pub jurisdiction: FixedStr<15>,
        /// SHA-256 of the legal entity identifier (e.g. LEI or registry number).
        pub legal_entity_id_hash: [u8; 32],
        /// Owners, licences and compliance documents submitted with the application.
        pub application_evidence: Evidence,
        pub stage: Stored<AdmissionStage>,
        pub status: Stored<PartnerStatus>,
        /// Status to return to when a suspension ends.
        pub status_before_suspension: Stored<PartnerStatus>,
        /// Declared (and, once admitted, approved) traffic model.
        pub traffic_model: TrafficModel,
        pub legal_verifier: Address,
        pub legal_evidence: Evidence,
        pub legal_attested_at: PodI64,
        pub technical_auditor: Address,
        pub technical_evidence: Evidence,
        pub technical_attested_at: PodI64,
        pub admitted_at: PodI64,
        /// Next mandatory review; the partner becomes overdue after it plus the policy's grace.
        pub next_review_at: PodI64,
        pub last_review_at: PodI64,
        /// The guardian whose emergency suspension is in force (default address if none).
        pub suspended_by_guardian: Address,
        /// When a guardian suspension lapses unless ratified (0 = no lapse).
        pub suspension_expires_at: PodI64,
        /// Start of the current deviation-counting window and the reports in it.
        pub deviation_window_start: PodI64,
        pub deviation_count: PodU16,
        /// Incremented on every change to the endpoint set.
        pub endpoint_set_version: PodU32,
        /// Endpoints currently active, and the index the next one gets.
        pub active_endpoints: PodU16,
        pub next_endpoint_index: PodU16,
        /// Incremented on every change to the key set.
        pub key_set_version: PodU32,
        pub active_keys: PodU16,
        pub next_key_index: PodU16,
        /// Incremented on every change to this partner or its endpoints and keys.
        pub revision: PodU32,
        /// The proposal behind the latest council-approved change (0 = none yet).
        pub last_proposal_id: PodU64,
        pub created_at: PodI64,
        pub updated_at: PodI64,
        /// The endpoint-set version the technical auditor attested: the council can only
        /// admit that set (taken from `reserved`, so the layout keeps its size).
        pub technical_endpoint_set_version: PodU32,
        /// When an unratified guardian suspension was last lifted as lapsed (0 = none since the
        /// council last decided on the partner's status): guardians wait out the policy's
        /// cool-down from here before suspending it again.
        pub guardian_suspension_lapsed_at: PodI64,
        /// Re-verifications still owed after admission (`CHECK_LEGAL` | `CHECK_TECHNICAL`; 0 = none),
        /// required by the council or by the deviation threshold (taken from `reserved`).
        pub pending_checks: u8,
        /// Status to return to once every pending check is attested.
        pub status_before_reverification: Stored<PartnerStatus>,
        /// The pending checks are due by then; after it the crank marks the partner overdue
        /// and late attestations are refused (0 = no check pending).
        pub reverification_deadline: PodI64,
        pub reserved: [u8; 42],
    }
}

impl Partner {
    /// Bumps the revision and update time; returns the new revision.
    #[inline(always)]
    pub fn touch(&mut self, now: i64) -> Result<u32, crate::errors::RegistryError> {
        let revision = self.revision.get().checked_add(1).ok_or(crate::errors::RegistryError::ArithmeticOverflow)?;
        self.revision.set(revision);
        self.updated_at.set(now);
        Ok(revision)
    }
}
