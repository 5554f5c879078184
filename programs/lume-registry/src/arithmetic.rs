//! Checked counter and time arithmetic: failing with `ArithmeticOverflow`
//! instead of wrapping (release builds have overflow checks off, and BPF has
//! no overflow-checked multiply: see docs/toolchain.md).

use crate::errors::RegistryError;

/// `value + 1` for a counter, failing cleanly instead of wrapping.
#[inline(always)]
pub fn increment_u16(value: u16) -> Result<u16, RegistryError> {
    value.checked_add(1).ok_or(RegistryError::ArithmeticOverflow)
}

/// `value + 1` for a counter, failing cleanly instead of wrapping.
#[inline(always)]
pub fn increment_u32(value: u32) -> Result<u32, RegistryError> {
    value.checked_add(1).ok_or(RegistryError::ArithmeticOverflow)
}

/// `time + seconds` (seconds are policy values, bounded well below overflow).
#[inline(always)]
pub fn after(time: i64, seconds: u32) -> Result<i64, RegistryError> {
    time.checked_add(seconds as i64).ok_or(RegistryError::ArithmeticOverflow)
}
