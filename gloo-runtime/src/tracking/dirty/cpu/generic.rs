//! The CPU-specific helpers on CPUs other than x86-64: no `popcnt`
//! detection and no prefetch, each the plain fallback of its x86-64 form.

/// `f()`, as it is: built for the target's baseline.
#[inline(always)]
pub(crate) fn with_popcnt<R>(f: impl FnOnce() -> R) -> R {
    f()
}

/// Nothing: the prefetch hint is x86-64's only.
#[inline(always)]
pub(crate) fn prefetch_line<T>(at: *const T) {
    let _ = at;
}
