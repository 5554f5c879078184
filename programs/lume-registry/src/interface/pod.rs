//! Plain-old-data building blocks for account and event layouts.
//!
//! Every stored type has alignment 1 and no padding, so its in-memory bytes are
//! exactly its Borsh encoding: the program reads accounts in place (no copy,
//! no deserialisation) and Anchor's coders decode the same bytes from the IDL.
//! Every bit pattern is a valid value of every type here, so casting untrusted
//! account bytes is sound.

use pinocchio::address::Address;

/// Types whose bytes may be reinterpreted from any byte slice of their size.
///
/// # Safety
/// Implementors must have alignment 1, no padding, and accept every bit
/// pattern. `pod_struct!` checks the first two at compile time.
pub unsafe trait Pod: Copy + 'static {
    /// Size in bytes of the encoded value.
    const SIZE: usize = core::mem::size_of::<Self>();

    /// Reads a value in place from the front of `bytes`.
    #[inline(always)]
    fn view(bytes: &[u8]) -> Option<&Self> {
        if bytes.len() < Self::SIZE {
            return None;
        }
        // SAFETY: alignment 1, size checked, every bit pattern is valid.
        Some(unsafe { &*(bytes.as_ptr() as *const Self) })
    }

    /// Mutable view of a value at the front of `bytes`.
    #[inline(always)]
    fn view_mut(bytes: &mut [u8]) -> Option<&mut Self> {
        if bytes.len() < Self::SIZE {
            return None;
        }
        // SAFETY: as in `view`, and the borrow is unique.
        Some(unsafe { &mut *(bytes.as_mut_ptr() as *mut Self) })
    }

    /// The value's bytes (its Borsh encoding).
    #[inline(always)]
    fn bytes(&self) -> &[u8] {
        // SAFETY: no padding, so every byte is initialised.
        unsafe { core::slice::from_raw_parts(self as *const Self as *const u8, Self::SIZE) }
    }

    /// An all-zero value.
    #[inline(always)]
    fn zeroed() -> Self {
        // SAFETY: every bit pattern is valid.
        unsafe { core::mem::zeroed() }
    }
}

// SAFETY: one byte; every bit pattern is a `u8`.
unsafe impl Pod for u8 {}
// SAFETY: `Address` is `[u8; 32]` (repr(transparent)): alignment 1, any 32 bytes.
unsafe impl Pod for Address {}
// SAFETY: an array of `Pod` items has the items' alignment (1) and no padding between them.
unsafe impl<T: Pod, const N: usize> Pod for [T; N] {}

macro_rules! le_integer {
    ($(#[doc = $doc:literal])* $name:ident, $int:ty, $n:literal) => {
        $(#[doc = $doc])*
        #[repr(transparent)]
        #[derive(Clone, Copy, Default, PartialEq, Eq)]
        pub struct $name(pub [u8; $n]);

        impl $name {
            #[inline(always)]
            pub const fn new(value: $int) -> Self {
                Self(value.to_le_bytes())
            }
            #[inline(always)]
            pub const fn get(self) -> $int {
                <$int>::from_le_bytes(self.0)
            }
            #[inline(always)]
            pub fn set(&mut self, value: $int) {
                self.0 = value.to_le_bytes();
            }
        }

        impl From<$int> for $name {
            fn from(value: $int) -> Self {
                Self::new(value)
            }
        }

        // SAFETY: repr(transparent) over a byte array: alignment 1, any bytes are an integer.
        unsafe impl Pod for $name {}
    };
}

le_integer!(/// `u16`, little-endian, alignment 1.
    PodU16, u16, 2);
le_integer!(/// `u32`, little-endian, alignment 1.
    PodU32, u32, 4);
le_integer!(/// `u64`, little-endian, alignment 1.
    PodU64, u64, 8);
le_integer!(/// `i64`, little-endian, alignment 1 (Unix timestamps).
    PodI64, i64, 8);

/// A boolean stored as one byte; any non-zero byte reads as `true`.
/// The program only ever writes 0 or 1, which is Borsh's `bool`.
#[repr(transparent)]
#[derive(Clone, Copy, Default, PartialEq, Eq)]
pub struct PodBool(pub u8);

impl PodBool {
    pub const fn new(value: bool) -> Self {
        Self(value as u8)
    }
    pub const fn get(self) -> bool {
        self.0 != 0
    }
}

// SAFETY: repr(transparent) over one byte; every byte reads as a bool (non-zero is true).
unsafe impl Pod for PodBool {}

/// A UTF-8 string of at most `N` bytes in a fixed slot: a length byte and
/// `N` bytes, zero-padded. Fixed slots keep account layouts zero-copy.
#[repr(C)]
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct FixedStr<const N: usize> {
    pub len: u8,
    pub bytes: [u8; N],
}

impl<const N: usize> FixedStr<N> {
    /// Capacity in bytes.
    pub const CAPACITY: usize = N;

    /// Copies `value` in; `None` when it does not fit (or `N` exceeds 255).
    pub fn from_bytes(value: &[u8]) -> Option<Self> {
        if value.len() > N || N > u8::MAX as usize {
            return None;
        }
        let mut slot = Self { len: value.len() as u8, bytes: [0; N] };
        slot.bytes[..value.len()].copy_from_slice(value);
        Some(slot)
    }

    /// Overwrites the slot in place (no temporary copy); fails when `value`
    /// does not fit. Bytes past the new length are zeroed.
    #[inline(never)]
    pub fn assign(&mut self, value: &[u8]) -> Result<(), crate::errors::RegistryError> {
        if value.len() > N || N > u8::MAX as usize {
            return Err(crate::errors::RegistryError::StringTooLong);
        }
        self.len = value.len() as u8;
        self.bytes[..value.len()].copy_from_slice(value);
        self.bytes[value.len()..].fill(0);
        Ok(())
    }

    /// The stored bytes (never more than `N`, even if `len` was tampered with).
    pub fn as_bytes(&self) -> &[u8] {
        let len = (self.len as usize).min(N);
        &self.bytes[..len]
    }
}

impl<const N: usize> Default for FixedStr<N> {
    fn default() -> Self {
        Self { len: 0, bytes: [0; N] }
    }
}

// SAFETY: repr(C) of a `u8` and a `[u8; N]`: alignment 1, no padding; any length byte is safe
// because `as_bytes` clamps it to `N`.
unsafe impl<const N: usize> Pod for FixedStr<N> {}

/// A field-less enum stored as one byte (Borsh's encoding of such an enum).
pub trait PodEnum: Copy + 'static {
    fn from_u8(value: u8) -> Option<Self>;
    fn to_u8(self) -> u8;
}

/// A `PodEnum` in an account: any byte is a valid `Stored`, and reading
/// an unknown value is an error rather than undefined behaviour.
#[repr(transparent)]
#[derive(Clone, Copy)]
pub struct Stored<E: PodEnum>(u8, core::marker::PhantomData<E>);

impl<E: PodEnum> Stored<E> {
    pub fn new(value: E) -> Self {
        Self(value.to_u8(), core::marker::PhantomData)
    }
    /// The stored value; `None` only if the byte was written by something
    /// other than this program (or by a future layout).
    pub fn get(self) -> Option<E> {
        E::from_u8(self.0)
    }
    pub fn set(&mut self, value: E) {
        self.0 = value.to_u8();
    }
    pub fn is(self, value: E) -> bool {
        self.0 == value.to_u8()
    }
}

// SAFETY: repr(transparent) over one byte (PhantomData is zero-sized); an unknown byte reads
// as `None` through `get`, never as an invalid `E`.
unsafe impl<E: PodEnum> Pod for Stored<E> {}

/// Declares a field-less enum with sequential values from 0 (its Borsh
/// encoding), its `PodEnum` conversions, argument decoding, event encoding and
/// IDL definition.
#[macro_export]
macro_rules! pod_enum {
    (
        $(#[doc = $doc:literal])*
        pub enum $name:ident {
            $( $(#[doc = $vdoc:literal])* $variant:ident = $value:literal ),* $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        #[repr(u8)]
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum $name {
            $( $(#[doc = $vdoc])* $variant = $value, )*
        }

        impl $crate::interface::pod::PodEnum for $name {
            #[inline(always)]
            fn from_u8(value: u8) -> Option<Self> {
                match value {
                    $( $value => Some(Self::$variant), )*
                    _ => None,
                }
            }
            #[inline(always)]
            fn to_u8(self) -> u8 {
                self as u8
            }
        }

        impl<'a> $crate::interface::borsh_reader::BorshDecode<'a> for $name {
            #[inline(always)]
            fn decode(
                reader: &mut $crate::interface::borsh_reader::BorshReader<'a>,
            ) -> Result<Self, $crate::errors::RegistryError> {
                let byte = reader.take(1)?[0];
                <$name as $crate::interface::pod::PodEnum>::from_u8(byte)
                    .ok_or($crate::errors::RegistryError::InvalidEnumValue)
            }
        }

        // An event field of this type is its one byte.
        impl $crate::interface::borsh_writer::EventField for $name {
            const KIND: u8 = $crate::interface::borsh_writer::RAW;
            const SIZE: usize = 1;
        }

        impl $crate::interface::borsh_writer::BorshEncode for $name {
            #[inline(always)]
            fn encode<const N: usize>(
                &self,
                writer: &mut $crate::interface::borsh_writer::BorshWriter<N>,
            ) -> Result<(), $crate::errors::RegistryError> {
                writer.write(&[*self as u8])
            }
        }

        #[cfg(feature = "idl-build")]
        impl $crate::interface::idl::IdlType for $name {
            fn idl_type() -> $crate::interface::idl::Value {
                $crate::interface::idl::json!({ "defined": { "name": stringify!($name) } })
            }
            fn register(defs: &mut $crate::interface::idl::TypeDefs) {
                use $crate::interface::idl::{docs, json};
                let variants = vec![$({
                    let mut v = json!({ "name": stringify!($variant) });
                    let d = docs(&[$($vdoc),*]);
                    if d.as_array().is_some_and(|d| !d.is_empty()) { v["docs"] = d; }
                    v
                }),*];
                defs.insert(stringify!($name), docs(&[$($doc),*]), json!({ "kind": "enum", "variants": variants }));
            }
        }
    };
}
