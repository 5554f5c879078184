//! Council proposals: a typed action anyone can read, approvals by council
//! index, a time lock and an execution record. PDA `["proposal", id]`.

use super::common::{Evidence, Protocol, TrafficModel};
use super::infra_key::RevocationReason;
use super::registry::Policy;
use super::role::Role;
use crate::interface::borsh_reader::{BoundedStr, BoundedVec};
use crate::interface::pod::{Pod, PodI64, PodU16, PodU32, PodU64, Stored};
use pinocchio::address::Address;

/// Bytes reserved for the Borsh-encoded action (the largest, `SetCouncil`
/// with 16 members, takes 522).
pub const ACTION_CAPACITY: usize = 544;

crate::borsh_enum! {
    /// What a proposal does when executed. Partner actions apply to the
    /// proposal's `partner`.
    pub enum ProposalAction<'a> {
        /// Admit an applicant that passed both verifications, with exactly the
        /// endpoint set it had at this version.
        ApprovePartner = 0 { endpoint_set_version: u32 },
        /// Refuse an application (final).
        RejectApplication = 1 { reason: BoundedStr<'a, 127> },
        AddEndpoint = 2 { host: BoundedStr<'a, 63>, port: u16, protocol: Protocol, categories: u64 },
        RemoveEndpoint = 3 { index: u16 },
        SetEndpointCategories = 4 { index: u16, categories: u64 },
        /// Issue a key; naming the key it `replaces` starts that key's rotation grace.
        IssueKey = 5 {
            public_key: [u8; 32],
            /// Endpoint indices the key may serve; empty = all of the partner's endpoints.
            endpoints: BoundedVec<'a, PodU16, 16>,
            valid_from: i64,
            valid_until: i64,
            replaces: Option<u16>,
        },
        RevokeKey = 6 { index: u16, reason: RevocationReason },
        /// Suspend (reversible); also ratifies a guardian's suspension.
        SuspendPartner = 7 { reason: BoundedStr<'a, 127> },
        ReinstatePartner = 8 {},
        /// Revoke for good.
        RevokePartner = 9 { reason: BoundedStr<'a, 127> },
        SetTrafficModel = 10 { model: TrafficModel },
        GrantRole = 11 { role: Role, holder: Address },
        RevokeRole = 12 { role: Role, holder: Address },
        AddCategory = 13 { name: BoundedStr<'a, 31> },
        RenameCategory = 14 { index: u8, name: BoundedStr<'a, 31> },
        SetPolicy = 15 { policy: Policy, time_lock_seconds: u32 },
        /// Replace the council; every open proposal of the old council becomes void.
        SetCouncil = 16 { members: BoundedVec<'a, Address, 16>, threshold: u8 },
        /// Require new verifications of an admitted partner by `deadline`: it goes under
        /// audit (or stays suspended) until each is attested. The proposal's evidence is the
        /// evidence for the requirement.
        RequireReverification = 17 { legal: bool, technical: bool, reason: BoundedStr<'a, 127>, deadline: i64 },
        /// Replace the program's code with a buffer's (the buffer's authority must be the
        /// registry's upgrade authority PDA); executes only if the buffer's program bytes
        /// still hash to `buffer_sha256`.
        UpgradeProgram = 18 { buffer: Address, buffer_sha256: [u8; 32] },
        /// Move the program's upgrade authority to another address (another governance),
        /// or make the program immutable (none).
        SetUpgradeAuthority = 19 { new_authority: Option<Address> },
    }
}

impl ProposalAction<'_> {
    /// Actions a partner's own authority may request for its partner.
    pub fn partner_may_request(&self) -> bool {
        matches!(
            self,
            Self::AddEndpoint { .. }
                | Self::RemoveEndpoint { .. }
                | Self::SetEndpointCategories { .. }
                | Self::IssueKey { .. }
                | Self::RevokeKey { .. }
                | Self::SetTrafficModel { .. }
        )
    }

    /// Actions that change one partner (the proposal must name it).
    pub fn targets_partner(&self) -> bool {
        self.index() <= 10 || matches!(self, Self::RequireReverification { .. })
    }
}

crate::pod_enum! {
    pub enum ProposalStatus {
        /// Collecting votes.
        Open = 0,
        /// Reached the threshold; executable once the time lock has passed.
        Approved = 1,
        Executed = 2,
        /// Enough members rejected it that the threshold can no longer be reached.
        Rejected = 3,
        /// Withdrawn by its proposer before any approval.
        Cancelled = 4,
    }
}

crate::pod_enum! {
    pub enum ProposerRole {
        CouncilMember = 0,
        PartnerAuthority = 1,
    }
}

/// The Borsh bytes of a `ProposalAction`, stored last in `Proposal` so that
/// Anchor's decoder reads the action and ignores the unused tail.
#[repr(transparent)]
#[derive(Clone, Copy)]
pub struct ActionBytes(pub [u8; ACTION_CAPACITY]);

// SAFETY: repr(transparent) over a byte array: alignment 1, any bytes (the action is decoded,
// and checked, when read).
unsafe impl Pod for ActionBytes {}

#[cfg(feature = "idl-build")]
impl crate::interface::idl::IdlType for ActionBytes {
    fn idl_type() -> crate::interface::idl::Value {
        <ProposalAction as crate::interface::idl::IdlType>::idl_type()
    }
    fn register(defs: &mut crate::interface::idl::TypeDefs) {
        <ProposalAction as crate::interface::idl::IdlType>::register(defs);
    }
}

crate::pod_struct! {
    /// A council proposal (PDA `["proposal", proposal_id]`).
    pub struct Proposal {
        pub layout_version: u8,
        pub bump: u8,
        pub proposal_id: PodU64,
        pub proposer: Address,
        pub proposer_role: Stored<ProposerRole>,
        /// The partner a partner action applies to (default address otherwise).
        pub partner: Address,
        /// Council epoch the proposal belongs to; a council change voids it.
        pub council_epoch: PodU32,
        pub status: Stored<ProposalStatus>,
        /// Bit `i`: council member `i` approved / rejected.
        pub approvals: PodU16,
        pub rejections: PodU16,
        pub approval_count: u8,
        pub rejection_count: u8,
        pub created_at: PodI64,
        /// Votes are accepted until then.
        pub expires_at: PodI64,
        /// When the threshold was reached; execution opens after the time lock.
        pub approved_at: PodI64,
        pub executed_at: PodI64,
        pub executed_by: Address,
        /// Supporting documents for the council.
        pub evidence: Evidence,
        /// `ProposalAction` variant index, and its encoded length.
        pub action_kind: u8,
        pub action_len: PodU16,
        pub action: ActionBytes,
    }
}
