//! Account types. Each is a `pod_struct!` stored after Anchor's 8-byte
//! account discriminator; `load`/`load_mut` check owner, size and
//! discriminator before handing out a typed view. `account_types!` below is
//! the one list of account types: only a listed type can be loaded, and the
//! IDL's `accounts` is generated from it.

pub mod account;
pub mod common;
pub mod deviation;
pub mod endpoint;
pub mod infra_key;
pub mod partner;
pub mod proposal;
pub mod registry;
pub mod role;
pub mod seeds;

pub use account::{load, load_mut, AccountType};
pub use common::{Evidence, Protocol, TrafficModel};
pub use deviation::DeviationReport;
pub use endpoint::{Endpoint, EndpointStatus};
pub use infra_key::{InfraKey, KeyStatus, RevocationReason};
pub use partner::{AdmissionStage, Partner, PartnerStatus};
pub use proposal::{Proposal, ProposalAction, ProposalStatus, ProposerRole};
pub use registry::{Policy, Registry, MAX_CATEGORIES, MAX_COUNCIL, REGISTRY_ADDRESS, REGISTRY_BUMP, REGISTRY_SEED};
pub use role::{Role, RoleGrant};

crate::account_types! {
    Registry,
    Partner,
    Endpoint,
    InfraKey,
    Proposal,
    RoleGrant,
    DeviationReport,
}

#[cfg(test)]
mod tests;
