//! `attest_technical`: an accredited technical auditor records that the
//! applicant's infrastructure, endpoints and protocols were audited against
//! the ethical-routing policy (after the legal verification).

use crate::events::AttestationKind;
pub use crate::instructions::attestation::{Accounts, Args};
use pinocchio::{account::AccountView, ProgramResult};

pub fn process(accounts: &mut [AccountView], data: &[u8]) -> ProgramResult {
    crate::instructions::attestation::attest(accounts, data, AttestationKind::Technical)
}
