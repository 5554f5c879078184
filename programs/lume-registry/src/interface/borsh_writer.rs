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

    /// A writer continuing after `len` bytes already written into `buffer`.
    #[inline(always)]
    pub fn after_prefix(buffer: &'b mut core::mem::MaybeUninit<[u8; N]>, len: usize) -> Self {
        Self { buffer, len: len.min(N) }
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
#[repr(transparent)]
#[derive(Clone, Copy)]
pub struct Text<'a>(pub &'a [u8]);

impl BorshEncode for Text<'_> {
    fn encode<const N: usize>(&self, writer: &mut BorshWriter<N>) -> Result<(), RegistryError> {
        writer.write_len(self.0.len())?;
        writer.write(self.0)
    }
}

/// A list of fixed-size values, encoded as a Borsh `Vec`.
#[repr(transparent)]
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
#[repr(transparent)]
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
#[repr(transparent)]
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

/// A Borsh `Option<T>` of a fixed-size value in a fixed layout (`present`
/// 0 or 1, then the value), so that events can be encoded from their layout
/// (`FieldLayout`); `Option<T>` has no guaranteed layout.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct OptionalPod<T: Pod> {
    /// 1: `value` is present; 0: none (then `value` is not written).
    pub present: u8,
    pub value: T,
}

impl<T: Pod + Default> OptionalPod<T> {
    pub fn new(value: Option<T>) -> Self {
        match value {
            Some(value) => Self { present: 1, value },
            None => Self { present: 0, value: T::default() },
        }
    }
}

impl<T: Pod> BorshEncode for OptionalPod<T> {
    fn encode<const N: usize>(&self, writer: &mut BorshWriter<N>) -> Result<(), RegistryError> {
        if self.present == 0 {
            writer.write(&[0])
        } else {
            writer.write(&[1])?;
            writer.write(self.value.bytes())
        }
    }
}

/// How an event field is written, for the one layout-driven encoder
/// (`encode_by_layout`) that serves every event type: a generic encoder per
/// event type was one copy of the encoding code per type, about 12 KB.
#[derive(Clone, Copy)]
pub struct FieldLayout {
    /// Offset of the field in the event struct (`offset_of!`).
    pub offset: u16,
    /// Bytes of the value (`RAW`, `OPTION`), of one element (`VEC`), of one
    /// `FixedStr` slot (`TEXTS`).
    pub size: u16,
    pub kind: u8,
}

/// The field's bytes as they are (a `Pod` value).
pub const RAW: u8 = 0;
/// A `&[u8]` written as it is (no length prefix).
pub const BYTES: u8 = 1;
/// A `&[T]` of `Pod` values as a Borsh `Vec` (a `String` when `T` is `u8`).
pub const VEC: u8 = 2;
/// A `&[FixedStr<N>]` as a Borsh `Vec<String>`.
pub const TEXTS: u8 = 3;
/// An `OptionalPod<T>` as a Borsh `Option<T>`.
pub const OPTION: u8 = 4;

/// A type an event field may have, and how it is laid out.
pub trait EventField {
    const KIND: u8;
    /// See `FieldLayout::size`.
    const SIZE: usize;
}

impl<T: Pod> EventField for T {
    const KIND: u8 = RAW;
    const SIZE: usize = core::mem::size_of::<T>();
}
impl EventField for Text<'_> {
    const KIND: u8 = VEC;
    const SIZE: usize = 1;
}
impl<T: Pod> EventField for List<'_, T> {
    const KIND: u8 = VEC;
    const SIZE: usize = core::mem::size_of::<T>();
}
impl<const LEN: usize> EventField for TextList<'_, LEN> {
    const KIND: u8 = TEXTS;
    const SIZE: usize = core::mem::size_of::<FixedStr<LEN>>();
}
impl EventField for RawAction<'_> {
    const KIND: u8 = BYTES;
    const SIZE: usize = 1;
}
impl<T: Pod> EventField for OptionalPod<T> {
    const KIND: u8 = OPTION;
    const SIZE: usize = core::mem::size_of::<T>();
}

impl FieldLayout {
    /// The layout of a field of type `T` at `offset`.
    pub const fn of<T: EventField>(offset: usize) -> Self {
        assert!(offset <= u16::MAX as usize && T::SIZE <= u16::MAX as usize && T::SIZE > 0);
        Self { offset: offset as u16, size: T::SIZE as u16, kind: T::KIND }
    }

    /// Joins neighbouring `RAW` fields that are adjacent in memory (events are
    /// `repr(C)` and their `Pod` fields have alignment 1) into one copy. The
    /// entries left over at the end have size 0, where `encode_by_layout`
    /// stops.
    pub const fn merge<const K: usize>(fields: [FieldLayout; K]) -> [FieldLayout; K] {
        let mut out = [FieldLayout { offset: 0, size: 0, kind: RAW }; K];
        let mut len = 0;
        let mut i = 0;
        while i < K {
            let field = fields[i];
            if len > 0
                && field.kind == RAW
                && out[len - 1].kind == RAW
                && out[len - 1].offset as usize + out[len - 1].size as usize == field.offset as usize
                && out[len - 1].size as usize + field.size as usize <= u16::MAX as usize
            {
                out[len - 1].size += field.size;
            } else {
                out[len] = field;
                len += 1;
            }
            i += 1;
        }
        out
    }
}

/// Writes the fields of the struct at `value` as `layout` describes them.
///
/// # Safety
/// `value` points to a live struct whose fields at the layout's offsets have
/// the types the layout was made from (`FieldLayout::of`, as `event!` does).
#[inline(never)]
pub unsafe fn encode_by_layout<const N: usize>(
    writer: &mut BorshWriter<N>,
    value: *const u8,
    layout: &[FieldLayout],
) -> Result<(), RegistryError> {
    for field in layout {
        let size = field.size as usize;
        if size == 0 {
            break;
        }
        // SAFETY: the field lies inside the struct (`offset_of!` of one of its
        // fields, per the caller's contract).
        let at = unsafe { value.add(field.offset as usize) };
        match field.kind {
            // SAFETY: a raw field is `size` plain bytes at `at`.
            RAW => writer.write(unsafe { core::slice::from_raw_parts(at, size) })?,
            OPTION => {
                // SAFETY: an optional field starts with its presence byte.
                let present = unsafe { *at } != 0;
                writer.write(&[present as u8])?;
                if present {
                    // SAFETY: the value's `size` bytes follow the presence byte.
                    writer.write(unsafe { core::slice::from_raw_parts(at.add(1), size) })?;
                }
            }
            kind => {
                // SAFETY: slice fields are `repr(transparent)` newtypes of `&[T]`,
                // whose pointer and element count read as a `&[u8]` of the same
                // pointer and count (`items.len()` counts elements, not bytes).
                let items: &[u8] = unsafe { *(at as *const &[u8]) };
                let count = items.len();
                if kind != BYTES {
                    writer.write_len(count)?;
                }
                if kind == TEXTS {
                    for index in 0..count {
                        // A slot: length byte, then `size - 1` bytes.
                        // SAFETY: `index < count`, and the slice holds `count`
                        // slots of `size` bytes.
                        let slot = unsafe { core::slice::from_raw_parts(items.as_ptr().add(index * size), size) };
                        let text = &slot[1..1 + (slot[0] as usize).min(size - 1)];
                        writer.write_len(text.len())?;
                        writer.write(text)?;
                    }
                } else {
                    // SAFETY: the slice holds `count` elements of `size` bytes.
                    writer.write(unsafe { core::slice::from_raw_parts(items.as_ptr(), count * size) })?;
                }
            }
        }
    }
    Ok(())
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
    impl<T: Pod + IdlType> IdlType for OptionalPod<T> {
        fn idl_type() -> Value {
            json!({ "option": T::idl_type() })
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
