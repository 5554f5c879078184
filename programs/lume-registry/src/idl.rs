//! Assembles the Anchor IDL (spec 0.1.0) from the program's own definitions.
//! Host only (`idl-build`); run `scripts/build-idl.sh`.

use crate::errors::RegistryError;
use crate::interface::idl::{base58, json, TypeDefs, Value};

/// The complete IDL document.
pub fn build() -> Value {
    let mut defs = TypeDefs::default();
    let instructions = crate::instructions::idl_instructions(&mut defs);
    let accounts = crate::state::idl_accounts(&mut defs);
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
