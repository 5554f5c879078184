//! `report_version`: logs which build of the program is running (anyone; it
//! changes nothing). The upgrade tests build a second version with the
//! `upgrade-test-build` feature and watch the line change after an upgrade.

use crate::runtime;
use pinocchio::{account::AccountView, ProgramResult};

crate::instruction_accounts! {
    /// Logs the running build's version (`lume-registry <version>`); changes nothing.
    pub struct Accounts {}
}

crate::instruction_args! {
    pub struct Args<'a> {}
}

/// The line `report_version` logs.
#[cfg(not(feature = "upgrade-test-build"))]
pub const VERSION_LINE: &str = concat!("lume-registry ", env!("CARGO_PKG_VERSION"));
#[cfg(feature = "upgrade-test-build")]
pub const VERSION_LINE: &str = concat!("lume-registry ", env!("CARGO_PKG_VERSION"), "+upgrade-test");

pub fn process(accounts: &mut [AccountView], data: &[u8]) -> ProgramResult {
    Accounts::parse(accounts)?;
    Args::decode(data)?;
    runtime::log(VERSION_LINE);
    Ok(())
}
