//! Validation: every check a handler makes before it changes anything, each a
//! small named function so that handlers read as a list of checks.
//!
//! - `accounts`: one account at a time (signer, writable, address, owner,
//!   uninitialized, distinct); each names the account it rejects.
//! - `authority`: who may act (role grants, a partner's authority, council
//!   membership, the program's upgrade authority).
//! - `text`: bounded texts (tokens, names, category names).
//! - `arguments`: instruction and proposal-action arguments (traffic models,
//!   councils, policies, categories, endpoints).

pub mod accounts;
pub mod arguments;
pub mod authority;
pub mod text;

#[cfg(test)]
mod tests;
