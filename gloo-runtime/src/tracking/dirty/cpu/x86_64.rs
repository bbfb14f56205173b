//! The x86-64 side of the CPU-specific helpers: `popcnt` where the CPU has
//! it (detected at run time: the baseline lacks it), and SSE's prefetch.

/// `f()`, built with the `popcnt` instruction where the CPU has it.
///
/// x86-64's baseline lacks it, and `count_ones` built for the baseline is
/// a dozen instructions, which made counting an upload's bits a good part
/// of a scattered upload (BENCHMARKS.md). `f` is built into a copy
/// with the feature when inlined there: mark the closure
/// `#[inline(always)]` (a closure left to the inliner was built without
/// it).
#[inline(always)]
pub(crate) fn with_popcnt<R>(f: impl FnOnce() -> R) -> R {
    if std::arch::is_x86_feature_detected!("popcnt") {
        #[target_feature(enable = "popcnt")]
        fn built_with_popcnt<R>(f: impl FnOnce() -> R) -> R {
            f()
        }
        // SAFETY: the CPU has `popcnt`, just detected.
        return unsafe { built_with_popcnt(f) };
    }
    f()
}

/// Asks the CPU for the cache line holding `at`, ahead of its use: a
/// hint, which never faults whatever the address (on x86-64; elsewhere
/// nothing).
#[inline(always)]
pub(crate) fn prefetch_line<T>(at: *const T) {
    // SAFETY: SSE is part of x86-64, and a prefetch never faults, whatever
    // the address.
    unsafe {
        use core::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        _mm_prefetch::<_MM_HINT_T0>(at.cast());
    }
}
