//! Host unit tests (`cargo test`) of the validation functions' accept/reject
//! edges.

use super::arguments::{check_council, check_policy, check_traffic_model};
use super::text::{check_category_name, check_name, check_token};
use crate::errors::RegistryError;
use crate::interface::pod::{FixedStr, Pod, PodU16, PodU32, PodU64};
use crate::state::{Policy, Registry, TrafficModel, MAX_COUNCIL};
use pinocchio::address::Address;

#[test]
fn tokens_are_printable_ascii_without_spaces() {
    assert!(check_token(b"a").is_ok());
    // The two ends of the accepted range: '!' (0x21) and '~' (0x7e).
    assert!(check_token(b"!~").is_ok());
    assert!(check_token(b"https://node.example:443/x?y=1").is_ok());
    for bad in [&b""[..], b" ", b"a b", b"a\x7f", b"a\x00", b"tab\t", "café".as_bytes()] {
        assert_eq!(check_token(bad), Err(RegistryError::InvalidText), "{bad:?}");
    }
}

#[test]
fn names_refuse_only_emptiness_and_control_characters() {
    assert!(check_name(b"Acme Bandwidth GmbH").is_ok());
    // A space (0x20) and non-ASCII UTF-8 are fine in a name.
    assert!(check_name(b" ").is_ok());
    assert!(check_name("Société Générale ~".as_bytes()).is_ok());
    for bad in [&b""[..], b"a\x1f", b"a\x7f", b"\x00", b"line\nbreak"] {
        assert_eq!(check_name(bad), Err(RegistryError::InvalidText), "{bad:?}");
    }
}

/// A registry whose catalogue holds `names`.
fn registry_with(names: &[&[u8]]) -> Registry {
    let mut registry = <Registry as Pod>::zeroed();
    registry.category_count = names.len() as u8;
    for (slot, name) in registry.categories.iter_mut().zip(names) {
        *slot = FixedStr::from_bytes(name).expect("fits");
    }
    registry
}

#[test]
fn category_names_are_tokens_not_already_taken() {
    let registry = registry_with(&[b"api-read", b"video"]);
    assert!(check_category_name(&registry, b"api-write", None).is_ok());
    assert_eq!(check_category_name(&registry, b"video", None), Err(RegistryError::CategoryExists));
    // Renaming a category to its own name is no clash; to another's is.
    assert!(check_category_name(&registry, b"video", Some(1)).is_ok());
    assert_eq!(check_category_name(&registry, b"video", Some(0)), Err(RegistryError::CategoryExists));
    // A bad token is reported as a bad category name.
    assert_eq!(check_category_name(&registry, b"two words", None), Err(RegistryError::InvalidCategoryName));
    assert_eq!(check_category_name(&registry, b"", None), Err(RegistryError::InvalidCategoryName));
}

#[test]
fn the_catalogue_mask_has_one_bit_per_category() {
    let mut registry = <Registry as Pod>::zeroed();
    for (count, mask) in [(0u8, 0u64), (1, 1), (3, 0b111), (63, u64::MAX >> 1), (64, u64::MAX)] {
        registry.category_count = count;
        assert_eq!(registry.catalogue_mask(), mask, "{count} categories");
    }
}

#[test]
fn traffic_models_need_known_categories_and_nonzero_ceilings() {
    let model = |categories: u64, rps: u32, burst: u32, kbps: u32| TrafficModel {
        allowed_categories: PodU64::new(categories),
        max_requests_per_second: PodU32::new(rps),
        burst: PodU32::new(burst),
        max_bandwidth_kbps: PodU32::new(kbps),
    };
    let catalogue = 0b11;
    assert!(check_traffic_model(&model(0b10, 1, 1, 1), catalogue).is_ok());
    for bad in [model(0, 1, 1, 1), model(0b100, 1, 1, 1), model(1, 0, 1, 1), model(1, 1, 0, 1), model(1, 1, 1, 0)] {
        assert_eq!(check_traffic_model(&bad, catalogue), Err(RegistryError::InvalidTrafficModel));
    }
}

#[test]
fn councils_are_distinct_nondefault_members_with_a_reachable_threshold() {
    let member = |n: u8| Address::new_from_array([n; 32]);
    let three = [member(1), member(2), member(3)];
    assert!(check_council(&three, 1).is_ok());
    assert!(check_council(&three, 3).is_ok());
    assert_eq!(check_council(&three, 0), Err(RegistryError::InvalidThreshold));
    assert_eq!(check_council(&three, 4), Err(RegistryError::InvalidThreshold));
    assert_eq!(check_council(&[], 1), Err(RegistryError::CouncilEmpty));
    assert_eq!(check_council(&[member(1), member(0)], 1), Err(RegistryError::InvalidCouncilMember));
    assert_eq!(check_council(&[member(1), member(2), member(1)], 1), Err(RegistryError::DuplicateCouncilMember));
    let full: Vec<Address> = (1..=MAX_COUNCIL as u8).map(member).collect();
    assert!(check_council(&full, 1).is_ok());
    let too_many: Vec<Address> = (1..=MAX_COUNCIL as u8 + 1).map(member).collect();
    assert_eq!(check_council(&too_many, 1), Err(RegistryError::CouncilTooLarge));
}

#[test]
fn policies_keep_every_duration_within_its_range() {
    const DAY: u32 = 86_400;
    let valid = Policy {
        review_interval_seconds: PodU32::new(90 * DAY),
        review_grace_seconds: PodU32::new(7 * DAY),
        deviation_threshold: PodU16::new(3),
        deviation_window_seconds: PodU32::new(DAY),
        guardian_suspension_seconds: PodU32::new(3 * DAY),
        proposal_lifetime_seconds: PodU32::new(14 * DAY),
        key_rotation_grace_seconds: PodU32::new(DAY),
        guardian_resuspension_cooldown_seconds: PodU32::new(DAY),
    };
    assert!(check_policy(&valid, 0).is_ok());
    assert!(check_policy(&valid, 30 * DAY).is_ok());
    assert_eq!(check_policy(&valid, 30 * DAY + 1), Err(RegistryError::InvalidPolicy));
    let with = |change: fn(&mut Policy)| {
        let mut policy = valid;
        change(&mut policy);
        check_policy(&policy, 0)
    };
    assert_eq!(with(|p| p.review_interval_seconds = PodU32::new(DAY - 1)), Err(RegistryError::InvalidPolicy));
    assert_eq!(with(|p| p.review_grace_seconds = PodU32::new(91 * DAY)), Err(RegistryError::InvalidPolicy));
    assert_eq!(with(|p| p.deviation_threshold = PodU16::new(0)), Err(RegistryError::InvalidPolicy));
    assert_eq!(with(|p| p.deviation_window_seconds = PodU32::new(59)), Err(RegistryError::InvalidPolicy));
    assert!(with(|p| p.deviation_window_seconds = PodU32::new(60)).is_ok());
    assert_eq!(with(|p| p.key_rotation_grace_seconds = PodU32::new(90 * DAY + 1)), Err(RegistryError::InvalidPolicy));
}
