//! Host unit tests (`cargo test`) of the Borsh reader/writer and the pod types: the pieces every
//! instruction and event relies on, checked byte by byte against Borsh's encoding.

use super::borsh_reader::{BorshDecode, BorshReader, BoundedStr, BoundedStrList, BoundedVec, Captured};
use super::borsh_writer::{BorshEncode, BorshWriter, List, Text, TextList};
use super::pod::{FixedStr, Pod, PodBool, PodI64, PodU16, PodU32, PodU64, Stored};
use crate::errors::RegistryError;
use crate::state::PartnerStatus;

fn decode<'a, T: BorshDecode<'a>>(data: &'a [u8]) -> Result<T, RegistryError> {
    let mut reader = BorshReader::new(data);
    let value = T::decode(&mut reader)?;
    reader.finish()?;
    Ok(value)
}

/// Borsh string: u32 little-endian length, then the bytes.
fn borsh_str(text: &[u8]) -> Vec<u8> {
    let mut out = (text.len() as u32).to_le_bytes().to_vec();
    out.extend_from_slice(text);
    out
}

fn encode<T: BorshEncode>(value: &T) -> Result<Vec<u8>, RegistryError> {
    let mut buffer = core::mem::MaybeUninit::<[u8; 64]>::uninit();
    let mut writer = BorshWriter::new(&mut buffer);
    value.encode(&mut writer)?;
    Ok(writer.written().to_vec())
}

#[test]
fn integers_are_little_endian() {
    assert_eq!(decode::<u64>(&0x0102_0304_0506_0708u64.to_le_bytes()).ok(), Some(0x0102_0304_0506_0708));
    assert_eq!(decode::<i64>(&(-5i64).to_le_bytes()).ok(), Some(-5));
    assert_eq!(decode::<u16>(&[0x34, 0x12]).ok(), Some(0x1234));
    assert_eq!(decode::<PodU32>(&7u32.to_le_bytes()).ok().map(PodU32::get), Some(7));
    assert_eq!(encode(&PodU64::new(u64::MAX)).ok(), Some(vec![0xff; 8]));
    assert_eq!(encode(&PodI64::new(-1)).ok(), Some(vec![0xff; 8]));
}

#[test]
fn short_and_long_data_are_refused() {
    assert!(matches!(decode::<u64>(&[1, 2, 3]), Err(RegistryError::InstructionDataTooShort)));
    assert!(matches!(decode::<u16>(&[1, 2, 3]), Err(RegistryError::InstructionDataTooLong)));
    assert!(matches!(decode::<u8>(&[]), Err(RegistryError::InstructionDataTooShort)));
}

#[test]
fn bool_is_zero_or_one() {
    assert_eq!(decode::<bool>(&[0]).ok(), Some(false));
    assert_eq!(decode::<bool>(&[1]).ok(), Some(true));
    assert!(matches!(decode::<bool>(&[2]), Err(RegistryError::InvalidBool)));
}

#[test]
fn option_tag_is_zero_or_one() {
    assert_eq!(decode::<Option<u8>>(&[0]).ok(), Some(None));
    assert_eq!(decode::<Option<u8>>(&[1, 9]).ok(), Some(Some(9)));
    assert!(matches!(decode::<Option<u8>>(&[2, 9]), Err(RegistryError::InvalidEnumValue)));
    assert!(matches!(decode::<Option<u8>>(&[1]), Err(RegistryError::InstructionDataTooShort)));
    assert_eq!(encode(&Some(PodU16::new(258))).ok(), Some(vec![1, 2, 1]));
    assert_eq!(encode(&Option::<PodU16>::None).ok(), Some(vec![0]));
}

#[test]
fn strings_check_their_bound_and_utf8() {
    let data = borsh_str("héllo".as_bytes());
    let text = decode::<BoundedStr<16>>(&data).ok().map(|s| s.as_bytes().to_vec());
    assert_eq!(text, Some("héllo".as_bytes().to_vec()));
    // Exactly at the bound is fine, one byte over is not.
    assert!(decode::<BoundedStr<6>>(&data).is_ok());
    assert!(matches!(decode::<BoundedStr<5>>(&data), Err(RegistryError::StringTooLong)));
    assert!(matches!(decode::<BoundedStr<8>>(&borsh_str(&[0xc3, 0x28])), Err(RegistryError::InvalidUtf8)));
    // A length prefix pointing past the end of the data.
    let mut truncated = borsh_str(b"abcd");
    truncated.pop();
    assert!(matches!(decode::<BoundedStr<8>>(&truncated), Err(RegistryError::InstructionDataTooShort)));
    // A huge declared length is refused by the bound before anything is read.
    assert!(matches!(decode::<BoundedStr<8>>(&u32::MAX.to_le_bytes()), Err(RegistryError::StringTooLong)));
}

#[test]
fn vectors_check_their_bound_and_view_in_place() {
    let mut data = 2u32.to_le_bytes().to_vec();
    data.extend_from_slice(&[1, 0, 2, 0]);
    let items = decode::<BoundedVec<PodU16, 2>>(&data).ok().map(|v| v.as_slice().iter().map(|x| x.get()).collect());
    assert_eq!(items, Some(vec![1u16, 2]));
    assert!(matches!(decode::<BoundedVec<PodU16, 1>>(&data), Err(RegistryError::ListTooLong)));
    assert!(matches!(decode::<BoundedVec<PodU16, 4>>(&data[..6]), Err(RegistryError::InstructionDataTooShort)));
}

#[test]
fn string_lists_validate_every_item_and_iterate_them() {
    let mut data = 2u32.to_le_bytes().to_vec();
    data.extend(borsh_str(b"web"));
    data.extend(borsh_str(b"video"));
    let list = decode::<BoundedStrList<4, 8>>(&data).ok();
    let items: Option<Vec<Vec<u8>>> = list.map(|l| l.iter().map(|s| s.to_vec()).collect());
    assert_eq!(items, Some(vec![b"web".to_vec(), b"video".to_vec()]));
    assert!(matches!(decode::<BoundedStrList<1, 8>>(&data), Err(RegistryError::ListTooLong)));
    assert!(matches!(decode::<BoundedStrList<4, 4>>(&data), Err(RegistryError::StringTooLong)));
}

#[test]
fn captured_keeps_the_exact_bytes() {
    let data = [1u8, 0x10, 0x20];
    let mut reader = BorshReader::new(&data);
    let captured = Captured::<Option<u8>>::decode(&mut reader).ok();
    assert_eq!(captured.as_ref().map(|c| (c.value, c.raw.to_vec())), Some((Some(0x10), vec![1, 0x10])));
    assert!(matches!(reader.finish(), Err(RegistryError::InstructionDataTooLong)));
}

#[test]
fn enums_decode_known_values_only() {
    assert_eq!(decode::<PartnerStatus>(&[PartnerStatus::Suspended as u8]).ok(), Some(PartnerStatus::Suspended));
    assert!(matches!(decode::<PartnerStatus>(&[200]), Err(RegistryError::InvalidEnumValue)));
    let stored = Stored::new(PartnerStatus::Revoked);
    assert!(stored.is(PartnerStatus::Revoked));
    // Any byte is a valid `Stored`; an unknown one reads as None instead of undefined behaviour.
    let unknown: &Stored<PartnerStatus> = Pod::view(&[200]).expect("one byte is enough");
    assert_eq!(unknown.get(), None);
}

#[test]
fn writer_encodes_text_and_lists_as_borsh() {
    assert_eq!(encode(&Text(b"ab")).ok(), Some(vec![2, 0, 0, 0, b'a', b'b']));
    let numbers = [PodU16::new(1), PodU16::new(0x0203)];
    assert_eq!(encode(&List(&numbers)).ok(), Some(vec![2, 0, 0, 0, 1, 0, 3, 2]));
    let slots = [FixedStr::<4>::from_bytes(b"x").expect("fits")];
    assert_eq!(encode(&TextList(&slots)).ok(), Some(vec![1, 0, 0, 0, 1, 0, 0, 0, b'x']));
}

#[test]
fn writer_refuses_to_overflow_its_buffer() {
    let mut buffer = core::mem::MaybeUninit::<[u8; 4]>::uninit();
    let mut writer = BorshWriter::new(&mut buffer);
    assert!(writer.write(&[1, 2, 3]).is_ok());
    assert!(matches!(writer.write(&[4, 5]), Err(RegistryError::EventTooLarge)));
    // The failed write left what was written before intact.
    assert_eq!(writer.written(), &[1, 2, 3]);
    assert!(writer.write(&[4]).is_ok());
    assert_eq!(writer.written(), &[1, 2, 3, 4]);
}

#[test]
fn fixed_strings_keep_their_slot() {
    assert!(FixedStr::<3>::from_bytes(b"abcd").is_none());
    let mut slot = FixedStr::<4>::from_bytes(b"abcd").expect("fits");
    assert!(slot.assign(b"xy").is_ok());
    // Bytes past the new length are zeroed, so the stored bytes stay canonical.
    assert_eq!((slot.len, slot.bytes), (2, [b'x', b'y', 0, 0]));
    assert!(matches!(slot.assign(b"12345"), Err(RegistryError::StringTooLong)));
    // A tampered length never reads past the slot.
    slot.len = 200;
    assert_eq!(slot.as_bytes().len(), 4);
    assert_eq!(<FixedStr<4> as Pod>::SIZE, 5);
}

#[test]
fn pod_views_need_enough_bytes() {
    assert!(<PodU64 as Pod>::view(&[0; 7]).is_none());
    assert_eq!(<PodU64 as Pod>::view(&[1, 0, 0, 0, 0, 0, 0, 0, 9]).map(|v| v.get()), Some(1));
    let mut bytes = [0u8; 2];
    if let Some(value) = <PodU16 as Pod>::view_mut(&mut bytes) {
        value.set(0xbeef);
    }
    assert_eq!(bytes, [0xef, 0xbe]);
    assert!(PodBool(7).get());
    assert!(!<PodBool as Pod>::zeroed().get());
}

/// Encodes `event` both ways: as the program does (`encode_by_layout`) and
/// field by field (`encode_fields`); the two must give the same bytes.
fn both_encodings<E: crate::events::EventFields>(event: &E) -> (Vec<u8>, Vec<u8>) {
    let mut buffer = core::mem::MaybeUninit::<[u8; 4096]>::uninit();
    let mut writer = BorshWriter::new(&mut buffer);
    // SAFETY: `E::LAYOUT` describes `E`.
    unsafe { super::borsh_writer::encode_by_layout(&mut writer, event as *const E as *const u8, E::LAYOUT) }
        .expect("fits");
    let by_layout = writer.written().to_vec();
    let mut buffer = core::mem::MaybeUninit::<[u8; 4096]>::uninit();
    let mut writer = BorshWriter::new(&mut buffer);
    event.encode_fields(&mut writer).expect("fits");
    (by_layout, writer.written().to_vec())
}

#[test]
fn events_encode_the_same_from_their_layout() {
    use super::borsh_writer::{OptionalPod, RawAction};
    use crate::events::{CategoryChanged, KeyIssued, ProposalCreated, RegistryInitialized};
    use crate::state::{Policy, ProposerRole};
    use pinocchio::address::Address;

    let members = [Address::new_from_array([7; 32]), Address::new_from_array([9; 32])];
    let categories = [
        FixedStr::<31>::from_bytes(b"api-read").expect("fits"),
        FixedStr::<31>::from_bytes("café".as_bytes()).expect("fits"),
    ];
    let mut policy = *<Policy as Pod>::view(&[0x5a; 64]).expect("big enough");
    policy.deviation_threshold = PodU16::new(3);
    let initialized = RegistryInitialized {
        authority: Address::new_from_array([1; 32]),
        council: List(&members),
        threshold: 2,
        council_epoch: PodU32::new(1),
        time_lock_seconds: PodU32::new(3600),
        policy,
        categories: TextList(&categories),
    };
    let (by_layout, by_fields) = both_encodings(&initialized);
    assert_eq!(by_layout, by_fields);
    assert_eq!(by_layout.len(), 32 + 4 + 64 + 1 + 4 + 4 + core::mem::size_of::<Policy>() + 4 + 4 + 8 + 4 + 5);

    for replaces in [None, Some(PodU16::new(0x0102))] {
        let endpoints = [PodU16::new(1), PodU16::new(4)];
        let issued = KeyIssued {
            partner: Address::new_from_array([2; 32]),
            index: PodU16::new(3),
            public_key: [5; 32],
            endpoints: List(&endpoints),
            valid_from: PodI64::new(-1),
            valid_until: PodI64::new(i64::MAX),
            replaces: OptionalPod::new(replaces),
            replaced_grace_until: PodI64::new(77),
            key_set_version: PodU32::new(8),
            proposal_id: PodU64::new(9),
            revision: PodU32::new(10),
        };
        let (by_layout, by_fields) = both_encodings(&issued);
        assert_eq!(by_layout, by_fields);
    }

    let created = ProposalCreated {
        proposal: Address::new_from_array([3; 32]),
        proposal_id: PodU64::new(12),
        proposer: Address::new_from_array([4; 32]),
        proposer_role: Stored::new(ProposerRole::PartnerAuthority),
        partner: Address::default(),
        council_epoch: PodU32::new(2),
        expires_at: PodI64::new(99),
        evidence_hash: [6; 32],
        evidence_uri: Text(b"https://council.example/memo.pdf"),
        action: RawAction(&[16, 1, 0, 0, 0]),
    };
    let (by_layout, by_fields) = both_encodings(&created);
    assert_eq!(by_layout, by_fields);

    let renamed = CategoryChanged { index: 4, name: Text(b""), old_name: Text(b"old"), proposal_id: PodU64::new(1) };
    let (by_layout, by_fields) = both_encodings(&renamed);
    assert_eq!(by_layout, by_fields);
    assert_eq!(by_layout, [&[4u8][..], &[0, 0, 0, 0], &borsh_str(b"old"), &1u64.to_le_bytes()].concat());
}
