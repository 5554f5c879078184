//! Thin, safe wrappers over the runtime's syscalls. On the host (IDL build)
//! they are inert: the program only runs as BPF bytecode.

#[cfg(target_arch = "bpf")]
use pinocchio::syscalls;

/// A byte slice as the runtime's `(pointer, length)` pair.
///
/// Tables of these handed to syscalls must be 8-byte aligned. sbpf-linker
/// packs `.rodata` without alignment, so a table LLVM promotes to a constant
/// can end up misaligned ("Unaligned pointer"): tables are therefore built on
/// the stack and pinned there with `black_box`.
#[repr(C)]
#[derive(Clone, Copy)]
struct RawSlice {
    ptr: *const u8,
    len: u64,
}

impl RawSlice {
    fn of(bytes: &[u8]) -> Self {
        Self { ptr: bytes.as_ptr(), len: bytes.len() as u64 }
    }
}

/// Writes a line to the program log.
#[inline(always)]
pub fn log(message: &str) {
    #[cfg(target_arch = "bpf")]
    // SAFETY: pointer and length describe a valid byte slice.
    unsafe {
        syscalls::sol_log_(message.as_ptr(), message.len() as u64)
    };
    #[cfg(not(target_arch = "bpf"))]
    let _ = message;
}

/// Logs `label: value` (used to name the account an error is about).
#[cold]
pub fn log_pair(label: &str, value: &str) {
    let mut line = [0u8; 96];
    let mut len = 0;
    for part in [label.as_bytes(), b": ", value.as_bytes()] {
        let take = part.len().min(line.len() - len);
        line[len..len + take].copy_from_slice(&part[..take]);
        len += take;
    }
    // The parts are UTF-8 and truncation only happens at the 96-byte limit of
    // ASCII identifiers.
    if let Ok(text) = core::str::from_utf8(&line[..len]) {
        log(text);
    }
}

/// Emits `bytes` as one `Program data:` log entry (how Anchor emits events).
#[inline(always)]
pub fn log_data(bytes: &[u8]) {
    let slices = core::hint::black_box([RawSlice::of(bytes)]);
    #[cfg(target_arch = "bpf")]
    // SAFETY: one valid slice descriptor.
    unsafe {
        syscalls::sol_log_data(slices.as_ptr() as *const u8, 1)
    };
    #[cfg(not(target_arch = "bpf"))]
    let _ = slices;
}

/// SHA-256 of the concatenation of `parts`.
#[inline(always)]
pub fn sha256(parts: &[&[u8]; 2]) -> [u8; 32] {
    let slices = core::hint::black_box([RawSlice::of(parts[0]), RawSlice::of(parts[1])]);
    #[cfg_attr(not(target_arch = "bpf"), allow(unused_mut))]
    let mut out = [0u8; 32];
    #[cfg(target_arch = "bpf")]
    // SAFETY: two valid slice descriptors and a 32-byte output buffer.
    unsafe {
        syscalls::sol_sha256(slices.as_ptr() as *const u8, 2, out.as_mut_ptr())
    };
    #[cfg(not(target_arch = "bpf"))]
    let _ = slices;
    out
}

/// The `Clock` sysvar fields the registry uses.
#[derive(Clone, Copy, Default)]
pub struct Now {
    pub slot: u64,
    pub unix_timestamp: i64,
}

/// Reads the Clock through its dedicated syscall, which both the 1.18 runtime
/// (bankrun) and current Agave provide; no sysvar account is needed, so no
/// sysvar address can be spoofed.
#[inline(always)]
pub fn now() -> Now {
    // Clock layout: slot u64, epoch_start_timestamp i64, epoch u64,
    // leader_schedule_epoch u64, unix_timestamp i64. The runtime requires the
    // buffer to be 8-byte aligned, hence u64 words rather than bytes.
    #[cfg_attr(not(target_arch = "bpf"), allow(unused_mut))]
    let mut clock = [0u64; 5];
    #[cfg(target_arch = "bpf")]
    // SAFETY: the buffer is the size and alignment of the Clock sysvar.
    unsafe {
        #[allow(deprecated)]
        syscalls::sol_get_clock_sysvar(clock.as_mut_ptr() as *mut u8)
    };
    Now { slot: clock[0], unix_timestamp: clock[4] as i64 }
}

/// Most seeds a PDA of this program has.
pub const MAX_SEEDS: usize = 4;

/// The canonical program-derived address of `seeds` under this program, and
/// its bump (the highest bump that is off the curve). Calls the syscall with
/// a seed table built on the stack (see `RawSlice`).
#[inline(never)]
pub fn find_program_address(seeds: &[&[u8]]) -> (pinocchio::address::Address, u8) {
    let mut table = [RawSlice { ptr: core::ptr::null(), len: 0 }; MAX_SEEDS];
    let count = seeds.len().min(MAX_SEEDS);
    for (slot, seed) in table.iter_mut().zip(seeds) {
        *slot = RawSlice::of(seed);
    }
    let table = core::hint::black_box(table);
    #[cfg_attr(not(target_arch = "bpf"), allow(unused_mut))]
    let mut address = [0u8; 32];
    #[cfg_attr(not(target_arch = "bpf"), allow(unused_mut))]
    let mut bump = 0u8;
    #[cfg(target_arch = "bpf")]
    // SAFETY: an aligned table of `count` valid slices, a 32-byte output and a
    // one-byte output; the program id is a 32-byte constant.
    unsafe {
        syscalls::sol_try_find_program_address(
            table.as_ptr() as *const u8,
            count as u64,
            crate::ID.as_ref().as_ptr(),
            address.as_mut_ptr(),
            &mut bump as *mut u8,
        )
    };
    #[cfg(not(target_arch = "bpf"))]
    let _ = (table, count);
    (pinocchio::address::Address::new_from_array(address), bump)
}
