//! `attest_legal`: an accredited legal verifier records that the applicant's
//! corporate documents, owners and licences were verified.

use crate::events::AttestationKind;
pub use crate::instructions::attestation::{Accounts, Args};
use pinocchio::{account::AccountView, ProgramResult};

pub fn process(accounts: &mut [AccountView], data: &[u8]) -> ProgramResult {
    crate::instructions::attestation::attest(accounts, data, AttestationKind::Legal)
}
