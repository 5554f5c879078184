//! Assembles the Anchor IDL (spec 0.1.0) from the program's own definitions.
//! Host only (`idl-build`); run `scripts/build-idl.sh`.

use crate::errors::RegistryError;
use crate::interface::idl::{base58, json, IdlType, TypeDefs, Value};
use crate::state::{AccountType, DeviationReport, Endpoint, InfraKey, Partner, Proposal, Registry, RoleGrant};

/// Lists an account or event type: `{ name, discriminator }`, registering its
/// body in `defs`.
fn named<T: IdlType>(name: &str, discriminator: [u8; 8], defs: &mut TypeDefs) -> Value {
    T::register(defs);
    json!({ "name": name, "discriminator": discriminator })
}

/// The complete IDL document.
pub fn build() -> Value {
    let mut defs = TypeDefs::default();
    let instructions = crate::instructions::idl_instructions(&mut defs);
    let accounts = vec![
        named::<Registry>("Registry", Registry::DISCRIMINATOR, &mut defs),
        named::<Partner>("Partner", Partner::DISCRIMINATOR, &mut defs),
        named::<Endpoint>("Endpoint", Endpoint::DISCRIMINATOR, &mut defs),
        named::<InfraKey>("InfraKey", InfraKey::DISCRIMINATOR, &mut defs),
        named::<Proposal>("Proposal", Proposal::DISCRIMINATOR, &mut defs),
        named::<RoleGrant>("RoleGrant", RoleGrant::DISCRIMINATOR, &mut defs),
        named::<DeviationReport>("DeviationReport", DeviationReport::DISCRIMINATOR, &mut defs),
    ];
    let events = crate::events::idl_events(&mut defs);
    json!({
        "address": base58(&crate::ID),
        "metadata": {
            "name": "lume_registry",
            "version": env!("CARGO_PKG_VERSION"),
            "spec": "0.1.0",
            "description": env!("CARGO_PKG_DESCRIPTION"),
        },
        "instructions": instructions,
        "accounts": accounts,
        "events": events,
        "errors": RegistryError::idl_errors(),
        "types": defs.into_values(),
    })
}
