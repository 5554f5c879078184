#![no_std]
#![cfg(target_arch = "bpf")]
//! `memcpy`, `memmove`, `memset`, `memcmp` and `bcmp` for the BPF target,
//! forwarded to the runtime's memory syscalls (as Solana's own toolchain
//! does). Upstream LLVM lowers large copies to these symbols and nothing in
//! `core` defines them for `bpfel-unknown-none`.

use solana_define_syscall::definitions::{sol_memcmp_, sol_memcpy_, sol_memmove_, sol_memset_};

#[no_mangle]
pub unsafe extern "C" fn memcpy(dst: *mut u8, src: *const u8, n: usize) -> *mut u8 {
    sol_memcpy_(dst, src, n as u64);
    dst
}

#[no_mangle]
pub unsafe extern "C" fn memmove(dst: *mut u8, src: *const u8, n: usize) -> *mut u8 {
    sol_memmove_(dst, src, n as u64);
    dst
}

#[no_mangle]
pub unsafe extern "C" fn memset(dst: *mut u8, value: i32, n: usize) -> *mut u8 {
    sol_memset_(dst, value as u8, n as u64);
    dst
}

#[no_mangle]
pub unsafe extern "C" fn memcmp(a: *const u8, b: *const u8, n: usize) -> i32 {
    let mut result = 0i32;
    sol_memcmp_(a, b, n as u64, &mut result as *mut i32);
    result
}

#[no_mangle]
pub unsafe extern "C" fn bcmp(a: *const u8, b: *const u8, n: usize) -> i32 {
    memcmp(a, b, n)
}

// Shared by every program of the workspace: link it with `use sbpf_mem as _;`.
