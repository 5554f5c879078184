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
    let text = &line[..len];
    if crate::interface::utf8::is_utf8(text) {
        // SAFETY: just checked to be UTF-8.
        log(unsafe { core::str::from_utf8_unchecked(text) });
    }
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
/// sysvar address can be spoofed. Not inlined: one copy for the 14 callers.
#[inline(never)]
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
/// its bump: the highest bump whose hash is off the ed25519 curve.
///
/// Computed as the runtime does (`sha256(seeds || bump || program_id ||
/// "ProgramDerivedAddress")`), with the `sol_sha256` and
/// `sol_curve_validate_point` syscalls: about 300 CU per bump tried instead
/// of the 1,500 `sol_try_find_program_address` charges per try. The tests
/// check every address against `PublicKey.findProgramAddressSync`.
#[inline(never)]
pub fn find_program_address(seeds: &[&[u8]]) -> (pinocchio::address::Address, u8) {
    const MARKER: &[u8] = b"ProgramDerivedAddress";
    let count = seeds.len().min(MAX_SEEDS);
    let mut bump = [u8::MAX];
    let mut table = [RawSlice { ptr: core::ptr::null(), len: 0 }; MAX_SEEDS + 3];
    for (slot, seed) in table.iter_mut().zip(seeds.iter().take(count)) {
        *slot = RawSlice::of(seed);
    }
    table[count] = RawSlice::of(&bump);
    table[count + 1] = RawSlice::of(crate::ID.as_ref());
    table[count + 2] = RawSlice::of(MARKER);
    let table = core::hint::black_box(table);
    loop {
        let hash = sha256_table(&table[..count + 3]);
        if !is_on_curve(&hash) {
            return (pinocchio::address::Address::new_from_array(hash), bump[0]);
        }
        if bump[0] == 0 {
            // No off-curve bump exists (probability ~2^-256): a program bug to report.
            panic!("no program address for these seeds");
        }
        // The table points at `bump`, so the next hash sees the new value.
        bump[0] -= 1;
        core::hint::black_box(&mut bump);
    }
}

/// SHA-256 over a table of slices.
#[inline(always)]
fn sha256_table(table: &[RawSlice]) -> [u8; 32] {
    #[cfg_attr(not(target_arch = "bpf"), allow(unused_mut))]
    let mut out = [0u8; 32];
    #[cfg(target_arch = "bpf")]
    // SAFETY: an aligned table of valid slices and a 32-byte output buffer.
    unsafe {
        syscalls::sol_sha256(table.as_ptr() as *const u8, table.len() as u64, out.as_mut_ptr())
    };
    #[cfg(not(target_arch = "bpf"))]
    let _ = table;
    out
}

/// Whether 32 bytes decode to a point of the ed25519 curve (an address with a
/// private key, which a PDA must not be).
#[inline(always)]
fn is_on_curve(bytes: &[u8; 32]) -> bool {
    #[cfg(target_arch = "bpf")]
    {
        const CURVE25519_EDWARDS: u64 = 0;
        let mut unused = 0u8;
        // SAFETY: a 32-byte point; the syscall returns 0 for a valid point.
        unsafe { syscalls::sol_curve_validate_point(CURVE25519_EDWARDS, bytes.as_ptr(), &mut unused) == 0 }
    }
    #[cfg(not(target_arch = "bpf"))]
    {
        let _ = bytes;
        unimplemented!("PDAs are derived on-chain only")
    }
}
