//! Decoding of Borsh-encoded instruction arguments, without allocation.
//!
//! Strings and lists are returned as views into the instruction data. Every
//! length is checked against its declared bound before anything is read, so
//! malformed input of any length ends in a `RegistryError`, never a panic.

use crate::errors::RegistryError;
use crate::interface::pod::{Pod, PodI64, PodU16, PodU32, PodU64};
use pinocchio::address::Address;

/// A cursor over instruction data.
pub struct BorshReader<'a> {
    data: &'a [u8],
}

impl<'a> BorshReader<'a> {
    pub const fn new(data: &'a [u8]) -> Self {
        Self { data }
    }

    /// Takes the next `len` bytes.
    #[inline(always)]
    pub fn take(&mut self, len: usize) -> Result<&'a [u8], RegistryError> {
        if self.data.len() < len {
            return Err(RegistryError::InstructionDataTooShort);
        }
        let (head, tail) = self.data.split_at(len);
        self.data = tail;
        Ok(head)
    }

    /// Fails unless every byte was consumed: trailing bytes mean the client
    /// and the program disagree about the layout.
    #[inline(always)]
    pub fn finish(&self) -> Result<(), RegistryError> {
        if self.data.is_empty() {
            Ok(())
        } else {
            Err(RegistryError::InstructionDataTooLong)
        }
    }

    #[inline(always)]
    fn read_len(&mut self, max: usize) -> Result<usize, RegistryError> {
        let bytes = self.take(4)?;
        let len = u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]) as usize;
        if len > max {
            return Err(RegistryError::ListTooLong);
        }
        Ok(len)
    }
}

/// A type that can be read from Borsh instruction data.
pub trait BorshDecode<'a>: Sized {
    fn decode(reader: &mut BorshReader<'a>) -> Result<Self, RegistryError>;
}

/// Fixed-size values decode by copying their bytes (their layout is Borsh).
macro_rules! decode_as_pod {
    ($($ty:ty),*) => {$(
        impl<'a> BorshDecode<'a> for $ty {
            #[inline(always)]
            fn decode(reader: &mut BorshReader<'a>) -> Result<Self, RegistryError> {
                let bytes = reader.take(<$ty as Pod>::SIZE)?;
                // `take` returned exactly SIZE bytes.
                Ok(*<$ty as Pod>::view(bytes).ok_or(RegistryError::InstructionDataTooShort)?)
            }
        }
    )*};
}
decode_as_pod!(u8, Address, PodU16, PodU32, PodU64, PodI64);

impl<'a, const N: usize> BorshDecode<'a> for [u8; N] {
    #[inline(always)]
    fn decode(reader: &mut BorshReader<'a>) -> Result<Self, RegistryError> {
        let bytes = reader.take(N)?;
        let mut out = [0u8; N];
        out.copy_from_slice(bytes);
        Ok(out)
    }
}

macro_rules! decode_integer {
    ($($int:ty),*) => {$(
        impl<'a> BorshDecode<'a> for $int {
            #[inline(always)]
            fn decode(reader: &mut BorshReader<'a>) -> Result<Self, RegistryError> {
                let bytes = reader.take(core::mem::size_of::<$int>())?;
                let mut raw = [0u8; core::mem::size_of::<$int>()];
                raw.copy_from_slice(bytes);
                Ok(<$int>::from_le_bytes(raw))
            }
        }
    )*};
}
decode_integer!(u16, u32, u64, i64);

impl<'a> BorshDecode<'a> for bool {
    #[inline(always)]
    fn decode(reader: &mut BorshReader<'a>) -> Result<Self, RegistryError> {
        match reader.take(1)?[0] {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(RegistryError::InvalidBool),
        }
    }
}

/// A Borsh `String` of at most `MAX` bytes of valid UTF-8.
#[derive(Clone, Copy)]
pub struct BoundedStr<'a, const MAX: usize>(pub &'a [u8]);

impl<'a, const MAX: usize> BoundedStr<'a, MAX> {
    pub fn as_bytes(&self) -> &'a [u8] {
        self.0
    }
    pub fn len(&self) -> usize {
        self.0.len()
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<'a, const MAX: usize> BorshDecode<'a> for BoundedStr<'a, MAX> {
    #[inline(always)]
    fn decode(reader: &mut BorshReader<'a>) -> Result<Self, RegistryError> {
        Ok(Self(decode_str(reader, MAX)?))
    }
}

/// The body of `BoundedStr::decode`, shared by every bound (one copy instead
/// of one per `MAX`).
#[inline(never)]
fn decode_str<'a>(reader: &mut BorshReader<'a>, max: usize) -> Result<&'a [u8], RegistryError> {
    let len = reader.read_len(max).map_err(|error| match error {
        RegistryError::ListTooLong => RegistryError::StringTooLong,
        other => other,
    })?;
    let bytes = reader.take(len)?;
    // ASCII (the common case) is checked a word at a time; full UTF-8
    // validation is several times dearer per byte on BPF.
    if !bytes.is_ascii() && !crate::interface::utf8::is_utf8(bytes) {
        return Err(RegistryError::InvalidUtf8);
    }
    Ok(bytes)
}

/// A Borsh `Vec<T>` of at most `MAX` fixed-size items, viewed in place.
#[derive(Clone, Copy)]
pub struct BoundedVec<'a, T: Pod, const MAX: usize>(pub &'a [T]);

impl<'a, T: Pod, const MAX: usize> BoundedVec<'a, T, MAX> {
    pub fn as_slice(&self) -> &'a [T] {
        self.0
    }
    pub fn len(&self) -> usize {
        self.0.len()
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<'a, T: Pod, const MAX: usize> BorshDecode<'a> for BoundedVec<'a, T, MAX> {
    fn decode(reader: &mut BorshReader<'a>) -> Result<Self, RegistryError> {
        let len = reader.read_len(MAX)?;
        // len <= MAX and T::SIZE are small constants: the product cannot overflow.
        let bytes = reader.take(len * T::SIZE)?;
        // SAFETY: T has alignment 1 and accepts any bytes; the length is exact.
        let items = unsafe { core::slice::from_raw_parts(bytes.as_ptr() as *const T, len) };
        Ok(Self(items))
    }
}

/// A Borsh `Vec<String>` of at most `MAX` strings of at most `MAX_LEN` bytes
/// each; validated once on decode, iterated lazily.
#[derive(Clone, Copy)]
pub struct BoundedStrList<'a, const MAX: usize, const MAX_LEN: usize> {
    count: usize,
    encoded: &'a [u8],
}

impl<'a, const MAX: usize, const MAX_LEN: usize> BoundedStrList<'a, MAX, MAX_LEN> {
    pub fn len(&self) -> usize {
        self.count
    }
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }
    /// The strings in order. They were validated on decode, so this only
    /// walks the length prefixes.
    pub fn iter(&self) -> impl Iterator<Item = &'a [u8]> {
        let mut rest = self.encoded;
        (0..self.count).map(move |_| {
            let (prefix, tail) = rest.split_at(4.min(rest.len()));
            let len = match prefix {
                [a, b, c, d] => u32::from_le_bytes([*a, *b, *c, *d]) as usize,
                _ => 0,
            };
            let (item, tail) = tail.split_at(len.min(tail.len()));
            rest = tail;
            item
        })
    }
}

impl<'a, const MAX: usize, const MAX_LEN: usize> BorshDecode<'a> for BoundedStrList<'a, MAX, MAX_LEN> {
    fn decode(reader: &mut BorshReader<'a>) -> Result<Self, RegistryError> {
        let count = reader.read_len(MAX)?;
        let start = reader.data;
        for _ in 0..count {
            BoundedStr::<MAX_LEN>::decode(reader)?;
        }
        let consumed = start.len() - reader.data.len();
        Ok(Self { count, encoded: &start[..consumed] })
    }
}

impl<'a, E: crate::interface::pod::PodEnum + BorshDecode<'a>> BorshDecode<'a> for crate::interface::pod::Stored<E> {
    #[inline(always)]
    fn decode(reader: &mut BorshReader<'a>) -> Result<Self, RegistryError> {
        Ok(Self::new(E::decode(reader)?))
    }
}

impl<'a, T: BorshDecode<'a>> BorshDecode<'a> for Option<T> {
    #[inline(always)]
    fn decode(reader: &mut BorshReader<'a>) -> Result<Self, RegistryError> {
        match reader.take(1)?[0] {
            0 => Ok(None),
            1 => Ok(Some(T::decode(reader)?)),
            _ => Err(RegistryError::InvalidEnumValue),
        }
    }
}

/// A decoded value together with the exact bytes it was decoded from (a
/// proposal keeps its action's Borsh bytes to store and re-read them).
pub struct Captured<'a, T> {
    pub value: T,
    pub raw: &'a [u8],
}

impl<'a, T: BorshDecode<'a>> BorshDecode<'a> for Captured<'a, T> {
    fn decode(reader: &mut BorshReader<'a>) -> Result<Self, RegistryError> {
        let before = reader.data;
        let value = T::decode(reader)?;
        let consumed = before.len() - reader.data.len();
        Ok(Self { value, raw: &before[..consumed] })
    }
}

#[cfg(feature = "idl-build")]
impl<'a, T: crate::interface::idl::IdlType> crate::interface::idl::IdlType for Captured<'a, T> {
    fn idl_type() -> crate::interface::idl::Value {
        T::idl_type()
    }
    fn register(defs: &mut crate::interface::idl::TypeDefs) {
        T::register(defs);
    }
}
