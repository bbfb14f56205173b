//! Copies into memory the GPU reads: a persistent mapping (glium), a
//! mapped buffer or a staging buffer a queue write fills (wgpu). A large
//! copy streams past the caches.

/// The size from which a copy streams past the caches.
pub(crate) const STREAM_MIN_BYTES: usize = 256 << 10;

/// Copies `src` into `dst`, memory the GPU reads (glium's mapping, or
/// memory its scatter packs runs in).
///
/// A large copy uses non-temporal stores: the CPU never reads the
/// destination, so streaming skips the read for ownership of each line
/// (the copy runs about a quarter faster than `memcpy` on Mesa) and
/// leaves the caches to the records and their pending bits, which the
/// next frame's writes touch. A mapping a discrete GPU's driver makes
/// write-combined is written this way too.
///
/// # Panics
///
/// If the lengths differ.
#[cfg(feature = "glium")]
#[inline]
pub(crate) fn copy_to_mapping(dst: &mut [u8], src: &[u8]) {
    assert_eq!(dst.len(), src.len(), "copy between slices of one length");
    // SAFETY: `dst` is `src.len()` writable bytes, apart from `src` (one
    // is borrowed mutably, the other shared).
    unsafe { copy_raw(dst.as_mut_ptr(), src) }
}

/// [`copy_to_mapping`] into wgpu's write-only view of a staging buffer.
///
/// # Panics
///
/// If the lengths differ.
#[cfg(feature = "wgpu")]
pub(crate) fn copy_to_write_only(mut dst: ::wgpu::WriteOnly<'_, [u8]>, src: &[u8]) {
    assert_eq!(dst.len(), src.len(), "copy between slices of one length");
    // SAFETY: a `WriteOnly<[u8]>` of `src.len()` bytes points at that many
    // writable bytes, which nothing else reaches while it lives (wgpu's
    // mapping), so not `src`; `copy_raw` only writes them.
    unsafe { copy_raw(dst.as_raw_element_ptr().as_ptr(), src) }
}

/// Copies `src` to `dst`: inline if short, streaming if large (on
/// x86-64), else `memcpy`.
///
/// # Safety
///
/// `dst` is valid for writes of `src.len()` bytes and does not overlap
/// `src`.
#[inline]
unsafe fn copy_raw(dst: *mut u8, src: &[u8]) {
    if src.len() <= SHORT_MAX_BYTES {
        // SAFETY: the caller's promise.
        unsafe { copy_short(dst, src.as_ptr(), src.len()) };
        return;
    }
    #[cfg(target_arch = "x86_64")]
    if src.len() >= STREAM_MIN_BYTES {
        // SAFETY: the caller's promise.
        unsafe { stream_copy(dst, src) };
        return;
    }
    // SAFETY: the caller's promise.
    unsafe { core::ptr::copy_nonoverlapping(src.as_ptr(), dst, src.len()) };
}

/// The longest copy [`copy_short`] makes.
const SHORT_MAX_BYTES: usize = 32;

/// Copies `len <= 32` bytes inline: two loads and two stores of the widest
/// width that fits twice, overlapping in the middle (as `memcpy` does for
/// short copies, but without its call). Scattered edits upload one record
/// at a time, and a `memcpy` call per 20-byte record cost more than the
/// copy itself (BENCHMARKS.md).
///
/// # Safety
///
/// As [`copy_raw`], with `len <= SHORT_MAX_BYTES`.
#[inline(always)]
unsafe fn copy_short(dst: *mut u8, src: *const u8, len: usize) {
    use core::ptr::{read_unaligned, write_unaligned};
    debug_assert!(len <= SHORT_MAX_BYTES);
    // SAFETY: every access below lies in `0..len` of both, which the
    // caller's promise makes readable (`src`) and writable (`dst`); the
    // accesses are unaligned ones, and all loads come before the stores
    // of each width, so the overlap in the middle is harmless.
    unsafe {
        if len >= 16 {
            let (head, tail) = (read_unaligned(src.cast::<u128>()), read_unaligned(src.add(len - 16).cast::<u128>()));
            write_unaligned(dst.cast::<u128>(), head);
            write_unaligned(dst.add(len - 16).cast::<u128>(), tail);
        } else if len >= 8 {
            let (head, tail) = (read_unaligned(src.cast::<u64>()), read_unaligned(src.add(len - 8).cast::<u64>()));
            write_unaligned(dst.cast::<u64>(), head);
            write_unaligned(dst.add(len - 8).cast::<u64>(), tail);
        } else if len >= 4 {
            let (head, tail) = (read_unaligned(src.cast::<u32>()), read_unaligned(src.add(len - 4).cast::<u32>()));
            write_unaligned(dst.cast::<u32>(), head);
            write_unaligned(dst.add(len - 4).cast::<u32>(), tail);
        } else {
            for at in 0..len {
                *dst.add(at) = *src.add(at);
            }
        }
    }
}

/// `src` copied to `dst` with SSE2 non-temporal stores (every x86-64 has
/// SSE2), fenced before it returns; the unaligned head and tail with plain
/// copies.
///
/// # Safety
///
/// As [`copy_raw`].
#[cfg(target_arch = "x86_64")]
unsafe fn stream_copy(dst: *mut u8, src: &[u8]) {
    use core::arch::x86_64::{__m128i, _mm_loadu_si128, _mm_sfence, _mm_stream_si128};
    let len = src.len();
    let head = dst.align_offset(16).min(len);
    let body = (len - head) / 16 * 16;
    // SAFETY: `head <= len`: inside both, by the caller's promise.
    unsafe { core::ptr::copy_nonoverlapping(src.as_ptr(), dst, head) };
    for at in (head..head + body).step_by(16) {
        // SAFETY: SSE2 is part of x86-64. `src[at..at + 16]` is readable
        // (an unaligned load); `dst + at` is 16 writable bytes at a 16-byte
        // aligned address (`head` aligned it), as the streaming store needs.
        unsafe { _mm_stream_si128(dst.add(at).cast::<__m128i>(), _mm_loadu_si128(src.as_ptr().add(at).cast())) };
    }
    // SAFETY: SSE2 is part of x86-64. The fence orders the streaming stores
    // before whatever follows (the unmap, the draw's fence, the submit).
    unsafe { _mm_sfence() };
    let tail = head + body;
    // SAFETY: `tail..len` is inside both, by the caller's promise.
    unsafe { core::ptr::copy_nonoverlapping(src.as_ptr().add(tail), dst.add(tail), len - tail) };
}

#[cfg(test)]
mod tests {
    #[test]
    #[cfg(target_arch = "x86_64")]
    fn stream_copy_copies_every_byte_at_every_alignment() {
        let src: Vec<u8> = (0..4096u32).map(|i| (i * 7 + 3) as u8).collect();
        for offset in 0..17 {
            for len in [0, 1, 15, 16, 17, 31, 100, 1000, 4000 - offset] {
                let mut dst = vec![0xAAu8; 4096];
                // SAFETY: `dst[offset..offset + len]` is inside `dst`, apart from `src`.
                unsafe { super::stream_copy(dst[offset..].as_mut_ptr(), &src[..len]) };
                assert_eq!(&dst[offset..offset + len], &src[..len], "offset {offset}, len {len}");
                assert!(dst[..offset].iter().chain(&dst[offset + len..]).all(|&b| b == 0xAA), "wrote outside");
            }
        }
    }

    #[test]
    fn copy_short_copies_every_length_and_nothing_else() {
        let src: Vec<u8> = (0..64u8).map(|i| i.wrapping_mul(37) ^ 0x5a).collect();
        for len in 0..=super::SHORT_MAX_BYTES {
            for offset in [0, 1, 3, 7] {
                let mut dst = [0xAAu8; 48];
                // SAFETY: `dst[offset..offset + len]` is inside `dst`, apart from `src`.
                unsafe { super::copy_short(dst[offset..].as_mut_ptr(), src[offset..].as_ptr(), len) };
                assert_eq!(&dst[offset..offset + len], &src[offset..offset + len], "len {len}, offset {offset}");
                assert!(dst[..offset].iter().chain(&dst[offset + len..]).all(|&b| b == 0xAA), "wrote outside");
            }
        }
    }

    #[test]
    #[cfg(feature = "glium")]
    fn copy_to_mapping_copies_large_and_small_runs() {
        let src: Vec<u8> = (0..super::STREAM_MIN_BYTES + 77).map(|i| (i % 251) as u8).collect();
        for len in [3, super::STREAM_MIN_BYTES + 77] {
            let mut dst = vec![0u8; len + 5];
            super::copy_to_mapping(&mut dst[5..], &src[..len]);
            assert_eq!(&dst[5..], &src[..len]);
        }
    }

    #[test]
    #[cfg(feature = "wgpu")]
    fn copy_to_write_only_copies_large_and_small_runs() {
        let src: Vec<u8> = (0..super::STREAM_MIN_BYTES + 77).map(|i| (i % 251) as u8).collect();
        for len in [3, super::STREAM_MIN_BYTES + 77] {
            let mut dst = vec![0u8; len + 5];
            super::copy_to_write_only(::wgpu::WriteOnly::from_mut(&mut dst[5..]), &src[..len]);
            assert_eq!(&dst[5..], &src[..len]);
        }
    }
}
