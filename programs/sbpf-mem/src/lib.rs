#![no_std]
#![cfg(target_arch = "bpf")]
//! `memcpy`, `memmove`, `memset`, `memcmp` and `bcmp` for the BPF target,
//! forwarded to the runtime's memory syscalls (as Solana's own toolchain
//! does). Upstream LLVM lowers large copies to these symbols and nothing in
//! `core` defines them for `bpfel-unknown-none`.

// Every unsafe operation inside these `unsafe fn`s is its own block with its reason.
#![deny(unsafe_op_in_unsafe_fn)]

use solana_define_syscall::definitions::{sol_memcmp_, sol_memcpy_, sol_memmove_, sol_memset_};

/// C's `memcpy`.
///
/// # Safety
/// `src` is readable and `dst` writable for `n` bytes, and the two do not overlap.
#[no_mangle]
pub unsafe extern "C" fn memcpy(dst: *mut u8, src: *const u8, n: usize) -> *mut u8 {
    // SAFETY: the caller's contract is the syscall's (the runtime checks the ranges too).
    unsafe { sol_memcpy_(dst, src, n as u64) };
    dst
}

/// C's `memmove`.
///
/// # Safety
/// `src` is readable and `dst` writable for `n` bytes; they may overlap.
#[no_mangle]
pub unsafe extern "C" fn memmove(dst: *mut u8, src: *const u8, n: usize) -> *mut u8 {
    // SAFETY: the caller's contract is the syscall's (the runtime checks the ranges too).
    unsafe { sol_memmove_(dst, src, n as u64) };
    dst
}

/// C's `memset`.
///
/// # Safety
/// `dst` is writable for `n` bytes.
#[no_mangle]
pub unsafe extern "C" fn memset(dst: *mut u8, value: i32, n: usize) -> *mut u8 {
    // SAFETY: the caller's contract is the syscall's (the runtime checks the range too).
    unsafe { sol_memset_(dst, value as u8, n as u64) };
    dst
}

/// Most calls compare two 32-byte addresses or hashes (`==` on byte arrays
/// lowers to `memcmp`, and upstream LLVM does not expand it for BPF). Those
/// take four word loads here; anything else goes to the `sol_memcmp_`
/// syscall. Not inlined: an inlined syscall sequence at each of the ~120
/// call sites cost about 100 bytes of code and a relocation apiece (see
/// docs/toolchain.md); the call costs about the compute units the syscall did.
///
/// # Safety
/// `a` and `b` are readable for `n` bytes.
#[no_mangle]
#[inline(never)]
pub unsafe extern "C" fn memcmp(a: *const u8, b: *const u8, n: usize) -> i32 {
    if n == 32 {
        for offset in [0, 8, 16, 24] {
            // Unaligned word reads: the target allows misaligned access.
            // SAFETY: `offset + 8 <= n = 32`: both words lie in the readable ranges.
            let (word_a, word_b) = unsafe {
                (
                    core::ptr::read_unaligned(a.add(offset) as *const u64),
                    core::ptr::read_unaligned(b.add(offset) as *const u64),
                )
            };
            if word_a != word_b {
                // SAFETY: the same two 8-byte words.
                return unsafe { first_difference(a.add(offset), b.add(offset)) };
            }
        }
        return 0;
    }
    let mut result = 0i32;
    // SAFETY: the caller's contract is the syscall's; `result` is a local i32.
    unsafe { sol_memcmp_(a, b, n as u64, &mut result as *mut i32) };
    result
}

/// `memcmp`'s result for two 8-byte words known to differ: the difference of
/// their first differing bytes (as the syscall returns).
///
/// # Safety
/// `a` and `b` are readable for 8 bytes.
unsafe fn first_difference(a: *const u8, b: *const u8) -> i32 {
    for i in 0..8 {
        // SAFETY: `i < 8`.
        let (x, y) = unsafe { (*a.add(i), *b.add(i)) };
        if x != y {
            return x as i32 - y as i32;
        }
    }
    0
}

/// C's `bcmp` (zero when equal), as `memcmp`.
///
/// # Safety
/// `a` and `b` are readable for `n` bytes.
#[no_mangle]
pub unsafe extern "C" fn bcmp(a: *const u8, b: *const u8, n: usize) -> i32 {
    // SAFETY: `memcmp`'s contract is this function's.
    unsafe { memcmp(a, b, n) }
}

// Shared by every program of the workspace: link it with `use sbpf_mem as _;`.
