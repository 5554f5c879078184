//! Account types. Each is a `pod_struct!` stored after Anchor's 8-byte
//! account discriminator; `load`/`load_mut` check owner, size and
//! discriminator before handing out a typed view.

pub mod account;
pub mod registry;

pub use account::{AccountType, load, load_mut};
pub use registry::{Policy, Registry, MAX_CATEGORIES, MAX_COUNCIL, REGISTRY_ADDRESS, REGISTRY_BUMP, REGISTRY_SEED};
