//! The instruction table. Each instruction is a module with `Accounts`,
//! `Args` and `process`; this table gives dispatch and the IDL the same list.

mod actions;
mod attestation;
pub mod endpoint_ops;
mod reverification;
mod vote;

pub mod apply;
pub mod approve;
pub mod attest_legal;
pub mod attest_technical;
pub mod cancel;
pub mod declare_endpoint;
pub mod execute;
pub mod guardian_suspend;
pub mod handover_upgrade_authority;
pub mod initialize_registry;
pub mod lift_guardian_suspension;
pub mod mark_review_overdue;
pub mod propose;
pub mod record_review;
pub mod reject;
pub mod report_deviation;
pub mod report_version;

/// Declares the program's instructions: dispatch by Anchor discriminator
/// (`sha256("global:<name>")[..8]`) and, with `idl-build`, their IDL entries.
macro_rules! instructions {
    ($($name:ident),* $(,)?) => {
        /// Routes instruction data to its handler by discriminator.
        #[inline(always)]
        pub fn dispatch(
            accounts: &mut [pinocchio::AccountView],
            data: &[u8],
        ) -> pinocchio::ProgramResult {
            use crate::interface::discriminator::{as_u64, instruction};
            if data.len() < 8 {
                return Err(crate::errors::RegistryError::UnknownInstruction.into());
            }
            let (tag, args) = data.split_at(8);
            let tag = u64::from_le_bytes([tag[0], tag[1], tag[2], tag[3], tag[4], tag[5], tag[6], tag[7]]);
            $(
                if tag == const { as_u64(instruction(stringify!($name))) } {
                    return $name::process(accounts, args);
                }
            )*
            Err(crate::errors::RegistryError::UnknownInstruction.into())
        }

        /// The IDL's `instructions`, registering argument types in `defs`.
        #[cfg(feature = "idl-build")]
        pub fn idl_instructions(
            defs: &mut crate::interface::idl::TypeDefs,
        ) -> Vec<crate::interface::idl::Value> {
            use crate::interface::idl::json;
            vec![$({
                let mut entry = json!({ "name": stringify!($name) });
                let docs = $name::Accounts::idl_docs();
                if docs.as_array().is_some_and(|d| !d.is_empty()) {
                    entry["docs"] = docs;
                }
                entry["discriminator"] = json!(crate::interface::discriminator::instruction(stringify!($name)));
                entry["accounts"] = json!($name::Accounts::idl_accounts());
                entry["args"] = json!($name::Args::idl_args(defs));
                entry
            }),*]
        }
    };
}

instructions! {
    initialize_registry,
    apply,
    declare_endpoint,
    attest_legal,
    attest_technical,
    propose,
    approve,
    reject,
    cancel,
    execute,
    record_review,
    mark_review_overdue,
    report_deviation,
    guardian_suspend,
    lift_guardian_suspension,
    handover_upgrade_authority,
    report_version,
}
