//! Where the bytes the tokenizer looks for are, 64 bytes at a time.
//!
//! The validating pass over both files ([`crate::parse::Tokenizer::headers`]) needs, for
//! each line, where it ends and whether it holds a `=`.
//! Looking at each byte for that cost about ten instructions a byte; a bit mask a class
//! for a whole block, made with SIMD compares, costs well under one, and the line loop then
//! reads line ends and `=`s off the masks with a count of trailing zeros.

/// One bit a byte of a 64-byte block, bit `i` for byte `i`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Masks {
    /// `\n`.
    pub nl: u64,
    /// `=`.
    pub eq: u64,
}

/// The masks of `block`.
#[inline]
pub(crate) fn of(block: &[u8; 64]) -> Masks {
    #[cfg(target_arch = "x86_64")]
    {
        sse2(block)
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        portable(block)
    }
}

/// SSE2, which every x86-64 processor has (it is part of the architecture's baseline, so
/// there is nothing to detect at run time): four 16-byte loads, a compare a byte class each,
/// and `pmovmskb` to turn each compare into 16 bits.
#[cfg(target_arch = "x86_64")]
#[inline]
fn sse2(block: &[u8; 64]) -> Masks {
    use std::arch::x86_64::{
        __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_set1_epi8,
    };
    let mut m = Masks::default();
    // SAFETY: the intrinsics need SSE2, which x86-64 always has; each load reads the 16
    // bytes of `part`, and `_mm_loadu_si128` takes any alignment.
    unsafe {
        let (nl, eq) = (_mm_set1_epi8(b'\n' as i8), _mm_set1_epi8(b'=' as i8));
        for (i, part) in block.chunks_exact(16).enumerate() {
            let v = _mm_loadu_si128(part.as_ptr().cast::<__m128i>());
            let bits = |x: __m128i| u64::from(_mm_movemask_epi8(x) as u16) << (16 * i);
            m.nl |= bits(_mm_cmpeq_epi8(v, nl));
            m.eq |= bits(_mm_cmpeq_epi8(v, eq));
        }
    }
    m
}

/// A byte at a time: what other architectures use, and what the tests hold SSE2 to.
#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
fn portable(block: &[u8; 64]) -> Masks {
    let mut m = Masks::default();
    for (i, &b) in block.iter().enumerate() {
        m.nl |= u64::from(b == b'\n') << i;
        m.eq |= u64::from(b == b'=') << i;
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_byte_value_at_every_position_sets_only_its_own_bit() {
        for pos in 0..64 {
            for b in 0..=255u8 {
                let mut block = [b'x'; 64];
                block[pos] = b;
                let m = of(&block);
                assert_eq!(m, portable(&block), "byte {b:#04x} at {pos}");
                let bit = 1u64 << pos;
                assert_eq!(m.nl, if b == b'\n' { bit } else { 0 });
                assert_eq!(m.eq, if b == b'=' { bit } else { 0 });
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn simd_and_portable_masks_agree(
            bytes in proptest::collection::vec(
                proptest::sample::select(vec![b'\n', b'=', b'#', b';', b'a', b' ', 0x80, 0xff, 0x3d ^ 0x80]),
                64,
            )
        ) {
            let block: [u8; 64] = bytes.try_into().unwrap();
            proptest::prop_assert_eq!(of(&block), portable(&block));
        }
    }
}
