//! The CPU-specific helpers the scans use, one file per architecture as
//! hashbrown's `control/group/` has: `with_popcnt`, which builds a count
//! with the `popcnt` instruction where the CPU has it, and `prefetch_line`,
//! a cache hint (`x86_64.rs`; elsewhere `generic.rs`, which does without
//! both); and here, for every CPU, [`prefetch_ahead`], which keeps a scan
//! of a large set ahead of its pages.

#[cfg(not(target_arch = "x86_64"))]
mod generic;
#[cfg(target_arch = "x86_64")]
mod x86_64;

#[cfg(not(target_arch = "x86_64"))]
use generic as imp;
#[cfg(target_arch = "x86_64")]
use x86_64 as imp;

pub(crate) use imp::{prefetch_line, with_popcnt};

/// How far ahead of a scan [`prefetch_ahead`] asks for words: two 4 KiB
/// pages.
const PREFETCH_WORDS: usize = 1024;

/// Asks for the line [`PREFETCH_WORDS`] words past `words[index]`, if any.
///
/// The hardware prefetcher follows a scan only to the end of its 4 KiB
/// page, so a scan of a large set that the caches lost (after a frame's
/// other work) would wait at every page for its first line and its
/// address translation. Asked once a block, two pages ahead (the gain,
/// with cold caches, is in BENCHMARKS.md).
#[inline(always)]
pub(super) fn prefetch_ahead(words: &[u64], index: usize) {
    // Past the end it asks for nothing useful, and costs nothing more.
    prefetch_line(words.as_ptr().wrapping_add(index + PREFETCH_WORDS));
}
