//! `reject`: a council member rejects a proposal; once the threshold can no
//! longer be reached the proposal is rejected for good.

pub use crate::instructions::vote::{Accounts, Args};
use pinocchio::{account::AccountView, ProgramResult};

pub fn process(accounts: &mut [AccountView], data: &[u8]) -> ProgramResult {
    crate::instructions::vote::vote(accounts, data, false)
}
