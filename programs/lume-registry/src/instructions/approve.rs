//! `approve`: a council member approves a proposal; at the threshold it
//! becomes executable once the time lock has passed.

pub use crate::instructions::vote::{Accounts, Args};
use pinocchio::{account::AccountView, ProgramResult};

pub fn process(accounts: &mut [AccountView], data: &[u8]) -> ProgramResult {
    crate::instructions::vote::vote(accounts, data, true)
}
