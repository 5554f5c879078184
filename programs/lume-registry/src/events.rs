//! Events: one for every change, emitted as Anchor's `emit_cpi!` does (the
//! data of a self-CPI, `EVENT_IX_TAG || discriminator || Borsh body`, see
//! `event_cpi.rs`) and folded into the registry's history
//! chain (see `history.rs`). Every event body starts with a `ChangeHeader`,
//! written by `history::record`; the fields below follow it.

use crate::errors::RegistryError;
use crate::interface::borsh_writer::{BorshWriter, FieldLayout, List, OptionalPod, RawAction, Text, TextList};
use crate::interface::pod::{PodBool, PodI64, PodU16, PodU32, PodU64, Stored};
use crate::state::registry::MAX_CATEGORY_NAME;
use crate::state::{
    AdmissionStage, PartnerStatus, Policy, ProposalStatus, ProposerRole, Protocol, RevocationReason, Role, TrafficModel,
};
use pinocchio::address::Address;

/// An event body: how to encode the fields after the `ChangeHeader`.
/// Implemented by `event!`.
pub trait EventFields {
    /// The fields in order, for `encode_by_layout` (what the program uses).
    const LAYOUT: &'static [FieldLayout];
    /// The same encoding field by field (host tests compare the two).
    fn encode_fields<const N: usize>(&self, writer: &mut BorshWriter<N>) -> Result<(), RegistryError>;
}

/// An event the program emits: what `history::record` requires. Implemented
/// only by `program_events!`, the one list of events, from which the IDL's
/// `events` is generated too.
pub trait Event: EventFields {
    /// `sha256("event:<Name>")[..8]`.
    const DISCRIMINATOR: [u8; 8];
}

/// Declares an event struct, its encoding and (with `idl-build`) its IDL type,
/// whose first field is `change: ChangeHeader`. It becomes an `Event` (one the
/// program can emit) by being listed in `program_events!`.
#[macro_export]
macro_rules! event {
    (
        $(#[doc = $doc:literal])*
        pub struct $name:ident $(<$lt:lifetime>)? {
            $( $(#[doc = $fdoc:literal])* pub $field:ident : $ty:ty ),* $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        #[repr(C)]
        pub struct $name $(<$lt>)? {
            $( $(#[doc = $fdoc])* pub $field: $ty, )*
        }

        impl $(<$lt>)? $crate::events::EventFields for $name $(<$lt>)? {
            const LAYOUT: &'static [$crate::interface::borsh_writer::FieldLayout] =
                &$crate::interface::borsh_writer::FieldLayout::merge([
                    $( $crate::interface::borsh_writer::FieldLayout::of::<$ty>(core::mem::offset_of!(Self, $field)) ),*
                ]);
            #[inline(always)]
            fn encode_fields<const N: usize>(
                &self,
                writer: &mut $crate::interface::borsh_writer::BorshWriter<N>,
            ) -> Result<(), $crate::errors::RegistryError> {
                #[allow(unused_imports)]
                use $crate::interface::borsh_writer::BorshEncode;
                $( self.$field.encode(writer)?; )*
                Ok(())
            }
        }

        #[cfg(feature = "idl-build")]
        impl $(<$lt>)? $crate::interface::idl::IdlType for $name $(<$lt>)? {
            fn idl_type() -> $crate::interface::idl::Value {
                $crate::interface::idl::json!({ "defined": { "name": stringify!($name) } })
            }
            fn register(defs: &mut $crate::interface::idl::TypeDefs) {
                use $crate::interface::idl::{docs, field, json, IdlType};
                <$crate::events::ChangeHeader as IdlType>::register(defs);
                $( <$ty as IdlType>::register(defs); )*
                let fields = vec![
                    field("change", docs(&["Position of this change in the registry's history."]),
                        <$crate::events::ChangeHeader as IdlType>::idl_type()),
                    $( field(stringify!($field), docs(&[$($fdoc),*]), <$ty as IdlType>::idl_type()) ),*
                ];
                defs.insert(stringify!($name), docs(&[$($doc),*]), json!({ "kind": "struct", "fields": fields }));
            }
        }
    };
}

/// Declares the program's events, once: each listed event (and only a listed
/// one) implements `Event` with its discriminator, so only a listed event can
/// be emitted, and the same list, in this order, is the IDL's `events`.
/// Events with a lifetime are listed with it (`Name<'a>`).
#[macro_export]
macro_rules! program_events {
    ($( $name:ident $(<$lt:lifetime>)? ),* $(,)?) => {
        $(
            impl $(<$lt>)? $crate::events::Event for $name $(<$lt>)? {
                const DISCRIMINATOR: [u8; 8] = $crate::interface::discriminator::event(stringify!($name));
            }
        )*

        /// Every event's name and discriminator, in the IDL's order.
        #[cfg(any(test, feature = "idl-build"))]
        pub const EVENT_TYPES: &[(&str, [u8; 8])] =
            &[$( (stringify!($name), <$name as $crate::events::Event>::DISCRIMINATOR) ),*];

        /// The IDL's `events` (`{ name, discriminator }`), registering each
        /// event's body in `defs`.
        #[cfg(feature = "idl-build")]
        pub fn idl_events(defs: &mut $crate::interface::idl::TypeDefs) -> Vec<$crate::interface::idl::Value> {
            use $crate::interface::idl::{named_entries, IdlType, TypeDefs};
            named_entries(&[$((
                stringify!($name),
                <$name as $crate::events::Event>::DISCRIMINATOR,
                <$name as IdlType>::register as fn(&mut TypeDefs),
            )),*], defs)
        }
    };
}

crate::pod_struct! {
    /// Where a change sits in the registry's history.
    pub struct ChangeHeader {
        /// 1-based position in the history chain (the registry's change count after it).
        pub change_index: PodU64,
        /// Slot of the transaction.
        pub slot: PodU64,
        /// Unix time of the transaction.
        pub unix_timestamp: PodI64,
    }
}

crate::event! {
    /// The registry was created by the program's upgrade authority.
    pub struct RegistryInitialized<'a> {
        /// The upgrade authority that initialized it.
        pub authority: Address,
        pub council: List<'a, Address>,
        pub threshold: u8,
        pub council_epoch: PodU32,
        pub time_lock_seconds: PodU32,
        pub policy: Policy,
        pub categories: TextList<'a, MAX_CATEGORY_NAME>,
    }
}

crate::pod_enum! {
    /// Which verification an attestation records.
    pub enum AttestationKind {
        Legal = 0,
        Technical = 1,
    }
}

crate::pod_enum! {
    /// Why a partner's status changed.
    pub enum StatusCause {
        /// An executed ApprovePartner proposal.
        Admitted = 0,
        /// An executed RejectApplication proposal.
        ApplicationRejected = 1,
        /// An executed SuspendPartner proposal (also ratifies a guardian suspension).
        CouncilSuspension = 2,
        /// An executed ReinstatePartner proposal.
        Reinstated = 3,
        /// An executed RevokePartner proposal.
        Revoked = 4,
        /// A guardian's emergency suspension.
        GuardianSuspension = 5,
        /// A guardian suspension ran out without ratification.
        GuardianSuspensionLapsed = 6,
        /// The review date plus grace passed without a review.
        ReviewOverdue = 7,
        /// An auditor's review.
        Review = 8,
        /// Deviation reports reached the policy's threshold within its window.
        DeviationThreshold = 9,
        /// An executed RequireReverification proposal (`until`: the deadline of the pending checks).
        ReverificationRequired = 10,
        /// The last pending re-verification was attested: back to the status before.
        ReverificationCompleted = 11,
        /// A re-verification was still pending at its deadline (`until`).
        ReverificationOverdue = 12,
    }
}

crate::pod_enum! {
    /// Result of a periodic re-evaluation.
    pub enum ReviewOutcome {
        /// Traffic matches the declared model: the partner is (again) active.
        Passed = 0,
        /// Deviations need a closer look: the partner goes under audit.
        Concerns = 1,
        /// Serious findings: the partner goes under audit; the council decides on suspension.
        Failed = 2,
    }
}

crate::event! {
    /// A partner organisation applied.
    pub struct PartnerApplied<'a> {
        pub partner: Address,
        pub partner_id: PodU64,
        pub authority: Address,
        pub legal_name: Text<'a>,
        pub jurisdiction: Text<'a>,
        pub legal_entity_id_hash: [u8; 32],
        pub evidence_hash: [u8; 32],
        pub evidence_uri: Text<'a>,
        pub traffic_model: TrafficModel,
    }
}

crate::event! {
    /// An endpoint joined a partner's set: declared with the application
    /// (`proposal_id` 0) or added by an executed proposal.
    pub struct EndpointAdded<'a> {
        pub partner: Address,
        pub index: PodU16,
        pub host: Text<'a>,
        pub port: PodU16,
        pub protocol: Stored<Protocol>,
        pub categories: PodU64,
        pub endpoint_set_version: PodU32,
        pub proposal_id: PodU64,
        pub revision: PodU32,
    }
}

crate::event! {
    /// An endpoint was removed from a partner's set.
    pub struct EndpointRemoved {
        pub partner: Address,
        pub index: PodU16,
        pub endpoint_set_version: PodU32,
        pub proposal_id: PodU64,
        pub revision: PodU32,
    }
}

crate::event! {
    /// The request categories of an endpoint changed.
    pub struct EndpointCategoriesChanged {
        pub partner: Address,
        pub index: PodU16,
        pub old_categories: PodU64,
        pub new_categories: PodU64,
        pub endpoint_set_version: PodU32,
        pub proposal_id: PodU64,
        pub revision: PodU32,
    }
}

crate::event! {
    /// An accredited verifier recorded a verification of an applicant.
    pub struct VerificationAttested<'a> {
        pub partner: Address,
        pub kind: AttestationKind,
        pub verifier: Address,
        pub evidence_hash: [u8; 32],
        pub evidence_uri: Text<'a>,
        pub stage: Stored<AdmissionStage>,
        pub revision: PodU32,
        /// The endpoint-set version the attestation covered (what a technical audit attests).
        pub endpoint_set_version: PodU32,
    }
}

crate::event! {
    /// A proposal was created; `action` is the typed action as proposed.
    pub struct ProposalCreated<'a> {
        pub proposal: Address,
        pub proposal_id: PodU64,
        pub proposer: Address,
        pub proposer_role: Stored<ProposerRole>,
        pub partner: Address,
        pub council_epoch: PodU32,
        pub expires_at: PodI64,
        pub evidence_hash: [u8; 32],
        pub evidence_uri: Text<'a>,
        pub action: RawAction<'a>,
    }
}

crate::event! {
    /// A council member approved or rejected a proposal.
    pub struct ProposalVoted {
        pub proposal_id: PodU64,
        pub member: Address,
        pub approve: PodBool,
        pub approval_count: u8,
        pub rejection_count: u8,
        pub status: Stored<ProposalStatus>,
    }
}

crate::event! {
    /// The proposer withdrew a proposal before any approval.
    pub struct ProposalCancelled {
        pub proposal_id: PodU64,
        pub proposer: Address,
    }
}

crate::event! {
    /// A partner's status changed (with the cause, and the proposal or actor behind it).
    pub struct PartnerStatusChanged<'a> {
        pub partner: Address,
        pub old_status: Stored<PartnerStatus>,
        pub new_status: Stored<PartnerStatus>,
        pub cause: StatusCause,
        /// Who acted: executor of the proposal, guardian, auditor, or the crank's signer.
        pub actor: Address,
        pub proposal_id: PodU64,
        /// End of a guardian suspension, next review date, ... (0 when not applicable).
        pub until: PodI64,
        pub reason: Text<'a>,
        pub revision: PodU32,
    }
}

crate::event! {
    /// An infrastructure key was issued (possibly rotating out an older one).
    pub struct KeyIssued<'a> {
        pub partner: Address,
        pub index: PodU16,
        pub public_key: [u8; 32],
        pub endpoints: List<'a, PodU16>,
        pub valid_from: PodI64,
        pub valid_until: PodI64,
        pub replaces: OptionalPod<PodU16>,
        pub replaced_grace_until: PodI64,
        pub key_set_version: PodU32,
        pub proposal_id: PodU64,
        pub revision: PodU32,
    }
}

crate::event! {
    /// An infrastructure key was revoked.
    pub struct KeyRevoked {
        pub partner: Address,
        pub index: PodU16,
        pub reason: Stored<RevocationReason>,
        pub key_set_version: PodU32,
        pub proposal_id: PodU64,
        pub revision: PodU32,
    }
}

crate::event! {
    /// A partner's traffic model changed.
    pub struct TrafficModelChanged {
        pub partner: Address,
        pub old_model: TrafficModel,
        pub new_model: TrafficModel,
        pub proposal_id: PodU64,
        pub revision: PodU32,
    }
}

crate::event! {
    /// A role was granted or revoked.
    pub struct RoleChanged {
        pub role: Stored<Role>,
        pub holder: Address,
        pub active: PodBool,
        pub proposal_id: PodU64,
    }
}

crate::event! {
    /// A request category was added or renamed.
    pub struct CategoryChanged<'a> {
        pub index: u8,
        pub name: Text<'a>,
        pub old_name: Text<'a>,
        pub proposal_id: PodU64,
    }
}

crate::event! {
    /// The monitoring policy or the time lock changed.
    pub struct PolicyChanged {
        pub old_policy: Policy,
        pub new_policy: Policy,
        pub old_time_lock_seconds: PodU32,
        pub new_time_lock_seconds: PodU32,
        pub proposal_id: PodU64,
    }
}

crate::event! {
    /// The council changed; every open proposal of the previous epoch is void.
    pub struct CouncilChanged<'a> {
        pub members: List<'a, Address>,
        pub threshold: u8,
        pub council_epoch: PodU32,
        pub proposal_id: PodU64,
    }
}

crate::event! {
    /// An auditor recorded a periodic re-evaluation.
    pub struct ReviewRecorded<'a> {
        pub partner: Address,
        pub auditor: Address,
        pub outcome: ReviewOutcome,
        pub evidence_hash: [u8; 32],
        pub evidence_uri: Text<'a>,
        pub next_review_at: PodI64,
        pub status: Stored<PartnerStatus>,
        pub revision: PodU32,
    }
}

crate::event! {
    /// A reporting node reported traffic outside a partner's declared model.
    pub struct DeviationReported {
        pub partner: Address,
        pub reporter: Address,
        pub category: u8,
        pub observed: PodU64,
        pub evidence_hash: [u8; 32],
        pub window_start: PodI64,
        /// Reports in the current window, this one included.
        pub deviation_count: PodU16,
        pub status: Stored<PartnerStatus>,
        pub revision: PodU32,
    }
}

crate::event! {
    /// Who may change the program's code changed: the deployer handed the
    /// upgrade authority to the registry's PDA `["upgrade_authority"]`, or an
    /// executed SetUpgradeAuthority proposal moved it on (none: immutable).
    pub struct UpgradeAuthorityChanged {
        pub program_data: Address,
        pub old_authority: Address,
        pub new_authority: OptionalPod<Address>,
        /// The executed proposal; none for the deployer's handover.
        pub proposal_id: OptionalPod<PodU64>,
    }
}

crate::event! {
    /// The program's code was replaced by an executed UpgradeProgram proposal
    /// with the buffer whose program bytes hash to `buffer_sha256`.
    pub struct ProgramUpgraded {
        pub program_data: Address,
        pub buffer: Address,
        pub buffer_sha256: [u8; 32],
        pub proposal_id: PodU64,
    }
}

crate::program_events! {
    RegistryInitialized<'a>,
    PartnerApplied<'a>,
    EndpointAdded<'a>,
    EndpointRemoved,
    EndpointCategoriesChanged,
    VerificationAttested<'a>,
    ProposalCreated<'a>,
    ProposalVoted,
    ProposalCancelled,
    PartnerStatusChanged<'a>,
    KeyIssued<'a>,
    KeyRevoked,
    TrafficModelChanged,
    RoleChanged,
    CategoryChanged<'a>,
    PolicyChanged,
    CouncilChanged<'a>,
    ReviewRecorded<'a>,
    DeviationReported,
    UpgradeAuthorityChanged,
    ProgramUpgraded,
}
