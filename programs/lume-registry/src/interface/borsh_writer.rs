//! Borsh encoding of events into a caller-provided buffer, without
//! allocation. Events are written once and never read on-chain, so they can
//! be compact: lists and text are Borsh `Vec`/`String` (length-prefixed) and
//! only as long as their contents.

use crate::errors::RegistryError;
use crate::interface::pod::{FixedStr, Pod, PodBool, PodI64, PodU16, PodU32, PodU64};
use pinocchio::address::Address;

/// Appends Borsh-encoded values to a fixed buffer.
pub struct BorshWriter<'b> {
    buffer: &'b mut [u8],
    len: usize,
}

impl<'b> BorshWriter<'b> {
    pub fn new(buffer: &'b mut [u8]) -> Self {
        Self { buffer, len: 0 }
    }

    /// The bytes written so far.
    pub fn written(&self) -> &[u8] {
        &self.buffer[..self.len]
    }

    #[inline(always)]
    pub fn write(&mut self, bytes: &[u8]) -> Result<(), RegistryError> {
        let end = self.len.checked_add(bytes.len()).ok_or(RegistryError::EventTooLarge)?;
        if end > self.buffer.len() {
            return Err(RegistryError::EventTooLarge);
        }
        self.buffer[self.len..end].copy_from_slice(bytes);
        self.len = end;
        Ok(())
    }

    /// A Borsh length prefix (`u32`).
    #[inline(always)]
    pub fn write_len(&mut self, len: usize) -> Result<(), RegistryError> {
        self.write(&(len as u32).to_le_bytes())
    }
}

/// A value that can be written as Borsh.
pub trait BorshEncode {
    fn encode(&self, writer: &mut BorshWriter) -> Result<(), RegistryError>;
}

/// Fixed-size values are their own encoding.
macro_rules! encode_as_pod {
    ($($ty:ty),*) => {$(
        impl BorshEncode for $ty {
            #[inline(always)]
            fn encode(&self, writer: &mut BorshWriter) -> Result<(), RegistryError> {
                writer.write(Pod::bytes(self))
            }
        }
    )*};
}
encode_as_pod!(u8, Address, PodBool, PodU16, PodU32, PodU64, PodI64);

impl<const N: usize> BorshEncode for [u8; N] {
    #[inline(always)]
    fn encode(&self, writer: &mut BorshWriter) -> Result<(), RegistryError> {
        writer.write(self)
    }
}

/// UTF-8 text, encoded as a Borsh `String`.
#[derive(Clone, Copy)]
pub struct Text<'a>(pub &'a [u8]);

impl BorshEncode for Text<'_> {
    fn encode(&self, writer: &mut BorshWriter) -> Result<(), RegistryError> {
        writer.write_len(self.0.len())?;
        writer.write(self.0)
    }
}

/// A list of fixed-size values, encoded as a Borsh `Vec`.
#[derive(Clone, Copy)]
pub struct List<'a, T: Pod>(pub &'a [T]);

impl<T: Pod> BorshEncode for List<'_, T> {
    fn encode(&self, writer: &mut BorshWriter) -> Result<(), RegistryError> {
        writer.write_len(self.0.len())?;
        for item in self.0 {
            writer.write(item.bytes())?;
        }
        Ok(())
    }
}

/// Stored fixed-slot strings, encoded as a Borsh `Vec<String>`.
#[derive(Clone, Copy)]
pub struct TextList<'a, const N: usize>(pub &'a [FixedStr<N>]);

impl<const N: usize> BorshEncode for TextList<'_, N> {
    fn encode(&self, writer: &mut BorshWriter) -> Result<(), RegistryError> {
        writer.write_len(self.0.len())?;
        for item in self.0 {
            Text(item.as_bytes()).encode(writer)?;
        }
        Ok(())
    }
}

#[cfg(feature = "idl-build")]
mod idl {
    use super::*;
    use crate::interface::idl::{json, IdlType, TypeDefs, Value};

    impl IdlType for Text<'_> {
        fn idl_type() -> Value {
            json!("string")
        }
    }
    impl<T: Pod + IdlType> IdlType for List<'_, T> {
        fn idl_type() -> Value {
            json!({ "vec": T::idl_type() })
        }
        fn register(defs: &mut TypeDefs) {
            T::register(defs);
        }
    }
    impl<const N: usize> IdlType for TextList<'_, N> {
        fn idl_type() -> Value {
            json!({ "vec": "string" })
        }
    }
}
