//! Anchor's discriminators, computed at compile time.
//!
//! Anchor prefixes instruction data with `sha256("global:<name>")[..8]`,
//! account data with `sha256("account:<Name>")[..8]` and event payloads with
//! `sha256("event:<Name>")[..8]`. Computing them in `const` context keeps the
//! hashing out of the on-chain binary.

use sha2_const_stable::Sha256;

/// `sha256(namespace || name)[..8]`.
pub const fn discriminator(namespace: &str, name: &str) -> [u8; 8] {
    let hash = Sha256::new().update(namespace.as_bytes()).update(name.as_bytes()).finalize();
    [hash[0], hash[1], hash[2], hash[3], hash[4], hash[5], hash[6], hash[7]]
}

/// Discriminator of the instruction `name` (snake_case, as in the IDL).
pub const fn instruction(name: &str) -> [u8; 8] {
    discriminator("global:", name)
}

/// Discriminator of the account type `name` (PascalCase).
pub const fn account(name: &str) -> [u8; 8] {
    discriminator("account:", name)
}

/// Discriminator of the event type `name` (PascalCase).
pub const fn event(name: &str) -> [u8; 8] {
    discriminator("event:", name)
}

/// The first eight bytes of instruction data as one little-endian word, so
/// dispatch compares integers instead of byte arrays.
pub const fn as_u64(discriminator: [u8; 8]) -> u64 {
    u64::from_le_bytes(discriminator)
}
