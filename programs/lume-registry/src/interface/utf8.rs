//! UTF-8 validation in a few hundred bytes of bytecode. `core::str::from_utf8`
//! is about 1.5 KB on BPF (its word-at-a-time fast path and error details are
//! not needed here); this accepts exactly the same inputs (the tests compare
//! the two on every sequence of up to three bytes and on samples of four).

/// Whether `bytes` is well-formed UTF-8 (no overlong forms, no surrogates,
/// nothing above U+10FFFF), as `core::str::from_utf8(bytes).is_ok()`.
#[inline(never)]
pub fn is_utf8(bytes: &[u8]) -> bool {
    let mut i = 0;
    while i < bytes.len() {
        let lead = bytes[i];
        if lead < 0x80 {
            i += 1;
            continue;
        }
        // Width of the sequence and the range its second byte must fall in
        // (the Unicode standard's table 3-7).
        let (width, low, high) = match lead {
            0xC2..=0xDF => (2, 0x80, 0xBF),
            0xE0 => (3, 0xA0, 0xBF),
            0xE1..=0xEC | 0xEE..=0xEF => (3, 0x80, 0xBF),
            0xED => (3, 0x80, 0x9F),
            0xF0 => (4, 0x90, 0xBF),
            0xF1..=0xF3 => (4, 0x80, 0xBF),
            0xF4 => (4, 0x80, 0x8F),
            _ => return false,
        };
        let Some(sequence) = bytes.get(i..i + width) else {
            return false;
        };
        if sequence[1] < low || sequence[1] > high {
            return false;
        }
        if sequence[2..].iter().any(|byte| byte & 0xC0 != 0x80) {
            return false;
        }
        i += width;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::is_utf8;

    fn same(bytes: &[u8]) {
        assert_eq!(is_utf8(bytes), core::str::from_utf8(bytes).is_ok(), "{bytes:02x?}");
    }

    #[test]
    fn agrees_with_core_on_every_short_sequence() {
        same(&[]);
        for a in 0..=255u8 {
            same(&[a]);
            for b in 0..=255u8 {
                same(&[a, b]);
                same(&[b'x', a, b]);
                // Three bytes: only lead bytes that start a sequence matter beyond ASCII.
                if a >= 0xC0 {
                    for c in 0..=255u8 {
                        same(&[a, b, c]);
                    }
                }
            }
        }
    }

    #[test]
    fn agrees_with_core_on_four_byte_samples() {
        let mut state = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..2_000_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let [a, b, c, d, ..] = state.to_le_bytes();
            same(&[0xF0 | (a & 0x07), b, c, d]);
            same(&[a, b, c, d]);
        }
        for lead in 0xF0..=0xF7u8 {
            for second in 0..=255u8 {
                same(&[lead, second, 0x80, 0x80]);
                same(&[lead, second, 0xBF, 0xBF]);
                same(&[lead, second, 0x80]);
            }
        }
        same("héllo wörld ✓ 𝄞".as_bytes());
    }
}
