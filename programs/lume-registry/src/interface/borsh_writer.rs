//! Borsh encoding of events into a caller-provided buffer, without
//! allocation. Events are written once and never read on-chain, so they can
//! be compact: lists and text are Borsh `Vec`/`String` (length-prefixed) and
//! only as long as their contents.

use crate::errors::RegistryError;
use crate::interface::pod::{FixedStr, Pod, PodBool, PodI64, PodU16, PodU32, PodU64};
use pinocchio::address::Address;

/// Appends Borsh-encoded values to a fixed buffer, which may start
/// uninitialised: only the written prefix is ever read.
pub struct BorshWriter<'b, const N: usize> {
    buffer: &'b mut core::mem::MaybeUninit<[u8; N]>,
    len: usize,
}

impl<'b, const N: usize> BorshWriter<'b, N> {
    pub fn new(buffer: &'b mut core::mem::MaybeUninit<[u8; N]>) -> Self {
        Self { buffer, len: 0 }
    }

    /// The bytes written so far.
    pub fn written(&self) -> &[u8] {
        // SAFETY: the first `len` bytes were written by `write`.
        unsafe { core::slice::from_raw_parts(self.buffer.as_ptr() as *const u8, self.len) }
    }

    #[inline(always)]
    pub fn write(&mut self, bytes: &[u8]) -> Result<(), RegistryError> {
        let end = self.len.checked_add(bytes.len()).ok_or(RegistryError::EventTooLarge)?;
        if end > N {
            return Err(RegistryError::EventTooLarge);
        }
        // SAFETY: `len + bytes.len() <= N`, and source and destination are distinct.
        unsafe {
            core::ptr::copy_nonoverlapping(
                bytes.as_ptr(),
                (self.buffer.as_mut_ptr() as *mut u8).add(self.len),
                bytes.len(),
            );
        }
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
    fn encode<const N: usize>(&self, writer: &mut BorshWriter<N>) -> Result<(), RegistryError>;
}

/// Fixed-size values are their own encoding.
macro_rules! encode_as_pod {
    ($($ty:ty),*) => {$(
        impl BorshEncode for $ty {
            #[inline(always)]
            fn encode<const N: usize>(&self, writer: &mut BorshWriter<N>) -> Result<(), RegistryError> {
                writer.write(Pod::bytes(self))
            }
        }
    )*};
}
encode_as_pod!(u8, Address, PodBool, PodU16, PodU32, PodU64, PodI64);

impl<const LEN: usize> BorshEncode for [u8; LEN] {
    #[inline(always)]
    fn encode<const N: usize>(&self, writer: &mut BorshWriter<N>) -> Result<(), RegistryError> {
        writer.write(self)
    }
}

/// UTF-8 text, encoded as a Borsh `String`.
#[derive(Clone, Copy)]
pub struct Text<'a>(pub &'a [u8]);

impl BorshEncode for Text<'_> {
    fn encode<const N: usize>(&self, writer: &mut BorshWriter<N>) -> Result<(), RegistryError> {
        writer.write_len(self.0.len())?;
        writer.write(self.0)
    }
}

/// A list of fixed-size values, encoded as a Borsh `Vec`.
#[derive(Clone, Copy)]
pub struct List<'a, T: Pod>(pub &'a [T]);

impl<T: Pod> BorshEncode for List<'_, T> {
    fn encode<const N: usize>(&self, writer: &mut BorshWriter<N>) -> Result<(), RegistryError> {
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

impl<const LEN: usize> BorshEncode for TextList<'_, LEN> {
    fn encode<const N: usize>(&self, writer: &mut BorshWriter<N>) -> Result<(), RegistryError> {
        writer.write_len(self.0.len())?;
        for item in self.0 {
            Text(item.as_bytes()).encode(writer)?;
        }
        Ok(())
    }
}

/// The stored Borsh bytes of a proposal action, written as they are (they
/// already are a `ProposalAction` in Borsh).
#[derive(Clone, Copy)]
pub struct RawAction<'a>(pub &'a [u8]);

impl BorshEncode for RawAction<'_> {
    fn encode<const N: usize>(&self, writer: &mut BorshWriter<N>) -> Result<(), RegistryError> {
        writer.write(self.0)
    }
}

impl<E: crate::interface::pod::PodEnum> BorshEncode for crate::interface::pod::Stored<E> {
    #[inline(always)]
    fn encode<const N: usize>(&self, writer: &mut BorshWriter<N>) -> Result<(), RegistryError> {
        writer.write(Pod::bytes(self))
    }
}

impl<T: BorshEncode> BorshEncode for Option<T> {
    fn encode<const N: usize>(&self, writer: &mut BorshWriter<N>) -> Result<(), RegistryError> {
        match self {
            None => writer.write(&[0]),
            Some(value) => {
                writer.write(&[1])?;
                value.encode(writer)
            }
        }
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
    impl IdlType for RawAction<'_> {
        fn idl_type() -> Value {
            <crate::state::ProposalAction as IdlType>::idl_type()
        }
        fn register(defs: &mut TypeDefs) {
            <crate::state::ProposalAction as IdlType>::register(defs);
        }
    }
    impl<const N: usize> IdlType for TextList<'_, N> {
        fn idl_type() -> Value {
            json!({ "vec": "string" })
        }
    }
}
