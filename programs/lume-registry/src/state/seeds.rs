//! Seeds of every PDA the program owns, in one place. Every seed list starts
//! with a distinct tag and includes the owning partner where there is one, so
//! no PDA can stand for two things (no PDA sharing).

/// `["registry"]`: the one registry configuration.
pub const REGISTRY: &[u8] = b"registry";
/// `["partner", partner_id u64 LE]`: a partner, numbered in order of application.
pub const PARTNER: &[u8] = b"partner";
/// `["endpoint", partner, index u16 LE]`: an endpoint of a partner.
pub const ENDPOINT: &[u8] = b"endpoint";
/// `["key", partner, index u16 LE]`: an infrastructure key of a partner.
pub const KEY: &[u8] = b"key";
/// `["proposal", proposal_id u64 LE]`: a council proposal.
pub const PROPOSAL: &[u8] = b"proposal";
/// `["role", role u8, holder]`: a role granted to an address.
pub const ROLE: &[u8] = b"role";
/// `["deviation", partner, reporter, window_start i64 LE]`: one report per
/// reporting node per partner per counting window.
pub const DEVIATION: &[u8] = b"deviation";
