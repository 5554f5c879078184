//! Host unit tests (`cargo test`) of the account-type list (`account_types!`)
//! and the event list (`program_events!`): each type once, under its own name,
//! with Anchor's discriminator.

use crate::events::{Event, EVENT_TYPES};
use crate::interface::discriminator;
use crate::state::{AccountType, ACCOUNT_TYPES};

/// Names and discriminators each appear once, and each discriminator is
/// `sha256("<namespace><Name>")[..8]` of its name.
fn assert_listed_once(list: &[(&str, [u8; 8])], discriminator_of: fn(&str) -> [u8; 8]) {
    for (index, (name, discriminator)) in list.iter().enumerate() {
        assert_eq!(*discriminator, discriminator_of(name), "{name}");
        for (other, other_discriminator) in &list[index + 1..] {
            assert_ne!(name, other, "{name} listed twice");
            assert_ne!(discriminator, other_discriminator, "{name} and {other} share a discriminator");
        }
    }
}

#[test]
fn every_account_type_is_listed_once_with_its_discriminator() {
    assert_listed_once(ACCOUNT_TYPES, discriminator::account);
    let names: Vec<&str> = ACCOUNT_TYPES.iter().map(|(name, _)| *name).collect();
    // The IDL's order (programs/lume-registry/idl/lume_registry.json).
    assert_eq!(names, ["Registry", "Partner", "Endpoint", "InfraKey", "Proposal", "RoleGrant", "DeviationReport"]);
    // The list's discriminator is the one `load` checks.
    assert_eq!(ACCOUNT_TYPES[0].1, <crate::state::Registry as AccountType>::DISCRIMINATOR);
    assert_eq!(ACCOUNT_TYPES[6].1, <crate::state::DeviationReport as AccountType>::DISCRIMINATOR);
    // Anchor's value for `Registry`: sha256("account:Registry")[..8].
    assert_eq!(ACCOUNT_TYPES[0].1, [47, 174, 110, 246, 184, 182, 252, 218]);
}

#[test]
fn every_event_is_listed_once_with_its_discriminator() {
    assert_listed_once(EVENT_TYPES, discriminator::event);
    assert_eq!(EVENT_TYPES.len(), 21);
    assert_eq!(EVENT_TYPES[0], ("RegistryInitialized", <crate::events::RegistryInitialized as Event>::DISCRIMINATOR));
    assert_eq!(EVENT_TYPES[20], ("ProgramUpgraded", <crate::events::ProgramUpgraded as Event>::DISCRIMINATOR));
}

/// The committed IDL lists the same accounts and events, in the same order.
#[cfg(feature = "idl-build")]
#[test]
fn the_committed_idl_lists_exactly_these() {
    let idl: serde_json::Value =
        serde_json::from_str(include_str!("../../idl/lume_registry.json")).expect("the committed IDL parses");
    for (section, list) in [("accounts", ACCOUNT_TYPES), ("events", EVENT_TYPES)] {
        let entries: Vec<(String, Vec<u8>)> = idl[section]
            .as_array()
            .expect("a list")
            .iter()
            .map(|entry| {
                let name = entry["name"].as_str().expect("a name").to_string();
                let discriminator = entry["discriminator"]
                    .as_array()
                    .expect("a discriminator")
                    .iter()
                    .map(|byte| byte.as_u64().expect("a byte") as u8)
                    .collect();
                (name, discriminator)
            })
            .collect();
        let expected: Vec<(String, Vec<u8>)> =
            list.iter().map(|(name, discriminator)| (name.to_string(), discriminator.to_vec())).collect();
        assert_eq!(entries, expected, "{section}");
    }
}
