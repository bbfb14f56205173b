//! From dirty records to upload calls: the merge policies.
//!
//! Pure arithmetic over record runs, no GL: every function here is tested
//! without a context.

use core::ops::Range;

use crate::tracking::dirty::DirtyBits;

/// How pending writes become upload calls when a buffer is bound.
///
/// Every policy first rounds each pending write out to whole records (glium
/// writes whole elements, and a record more at each end costs nanoseconds
/// where a call costs about 0.6 µs).
///
/// # Examples
///
/// ```
/// use gloo_runtime::headless::HeadlessContext;
/// use gloo_runtime::{MergePolicy, Vertex, VertexBuffer};
///
/// #[derive(Clone, Copy, Vertex)]
/// #[repr(C)]
/// struct P { x: f32 }
///
/// let context = HeadlessContext::new()?;
/// let mut v = VertexBuffer::<P>::zeros([1000]);
/// v.upload(&context)?; // on the GPU: from now on, only writes are sent
/// *v.x_mut(10) = 1.0;
/// *v.x_mut(500) = 1.0;
/// assert_eq!(v.upload_plan(), vec![40..2004]); // Extent: one call
/// v.set_policy(MergePolicy::Coalesce { max_gap: 0 });
/// assert_eq!(v.upload_plan(), vec![40..44, 2000..2004]);
/// # Ok::<(), gloo_runtime::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum MergePolicy {
    /// One call for the smallest block holding every pending write (glumpy).
    #[default]
    Extent,
    /// One call per run of dirty records, runs merged when the clean bytes
    /// between them are at most `max_gap`; `max_gap: 0` merges only runs that
    /// touch.
    Coalesce {
        /// The largest gap, in bytes, worth sending to save a call.
        max_gap: usize,
    },
    /// Merge a gap when sending it costs less than one more call, and send the
    /// whole buffer instead when that is modelled cheaper than the plan, with
    /// the buffer's [`UploadCosts`].
    Auto,
}

/// What an upload costs on a driver: the model behind [`MergePolicy::Auto`].
///
/// The defaults were measured on Mesa llvmpipe through glium's checked
/// context: about 0.6 µs per call and 10 GB/s. A discrete GPU pays more per
/// call; [`UploadCosts::calibrate`] measures a context.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct UploadCosts {
    /// Fixed cost of one upload call, in nanoseconds.
    pub call_ns: f64,
    /// Cost of one byte sent, in nanoseconds.
    pub byte_ns: f64,
    /// Per-byte cost of a whole-buffer write relative to a partial one: the
    /// whole write invalidates the old storage first and needs no
    /// synchronisation with draws still reading it.
    pub whole_factor: f64,
}

impl Default for UploadCosts {
    fn default() -> Self {
        UploadCosts { call_ns: 600.0, byte_ns: 0.1, whole_factor: 0.92 }
    }
}

impl UploadCosts {
    /// The costs of a persistently mapped buffer (see
    /// [`GpuStorage`](crate::GpuStorage)), measured on Mesa llvmpipe (2
    /// cores, 1M records of 20 bytes): a range costs no GL call, only the
    /// copy of its records into the mapping, where a scattered record's two
    /// cache misses (source and mapping) dominate, 70 to 120 ns; bytes go
    /// at memcpy speed, a whole buffer's a little faster (one stream).
    pub const MAPPED: UploadCosts = UploadCosts { call_ns: 100.0, byte_ns: 0.15, whole_factor: 0.9 };

    /// The largest gap, in bytes, that costs less to send than one more call.
    pub fn max_gap(&self) -> usize {
        if self.byte_ns <= 0.0 {
            return usize::MAX;
        }
        (self.call_ns / self.byte_ns).clamp(0.0, usize::MAX as f64) as usize
    }

    /// The modelled cost of a plan, in nanoseconds.
    pub fn plan_ns(&self, plan: &[Range<usize>]) -> f64 {
        let bytes: usize = plan.iter().map(|r| r.len()).sum();
        plan.len() as f64 * self.call_ns + bytes as f64 * self.byte_ns
    }

    /// The modelled cost of writing the whole buffer of `nbytes` at once.
    pub fn whole_ns(&self, nbytes: usize) -> f64 {
        self.call_ns + nbytes as f64 * self.byte_ns * self.whole_factor
    }
}

/// The byte ranges one upload sends for the pending set `pending`, whose
/// records are `stride` bytes long.
///
/// Ranges come out sorted, disjoint, record-aligned and inside
/// `0..pending.records() * stride`. `Extent` reads only the first and last
/// pending bits; the others walk the runs of dirty records once.
pub fn plan(pending: &DirtyBits, stride: usize, policy: MergePolicy, costs: &UploadCosts) -> Vec<Range<usize>> {
    let slots = pending.slots();
    match policy {
        MergePolicy::Extent => match (pending.next_one(0), pending.last_one()) {
            (Some(first), Some(last)) => vec![first / slots * stride..(last / slots + 1) * stride],
            _ => Vec::new(),
        },
        MergePolicy::Coalesce { max_gap } => merged(pending, stride, max_gap),
        MergePolicy::Auto => {
            let merged = merged(pending, stride, costs.max_gap());
            let nbytes = pending.records() * stride;
            let whole = !merged.is_empty() && costs.whole_ns(nbytes) <= costs.plan_ns(&merged);
            if whole {
                vec![0..nbytes]
            } else {
                merged
            }
        }
    }
}

/// Runs of dirty records as byte ranges, merged where the clean bytes
/// between them are at most `max_gap`.
fn merged(pending: &DirtyBits, stride: usize, max_gap: usize) -> Vec<Range<usize>> {
    let gap_records = max_gap.checked_div(stride).unwrap_or(usize::MAX);
    let mut runs = pending.merged_runs(gap_records);
    runs.iter_mut().for_each(|run| *run = run.start * stride..run.end * stride);
    runs
}

#[cfg(test)]
mod tests {
    use super::*;

    const COSTS: UploadCosts = UploadCosts { call_ns: 600.0, byte_ns: 0.1, whole_factor: 0.92 };

    fn plan_of(runs: &[Range<usize>], policy: MergePolicy) -> Vec<Range<usize>> {
        let mut pending = DirtyBits::new(1000, 2);
        runs.iter().for_each(|run| pending.mark_records(run.clone()));
        plan(&pending, 20, policy, &COSTS)
    }

    #[test]
    fn nothing_pending_plans_nothing() {
        for policy in [MergePolicy::Extent, MergePolicy::Coalesce { max_gap: 0 }, MergePolicy::Auto] {
            assert_eq!(plan_of(&[], policy), vec![]);
        }
    }

    #[test]
    fn extent_is_one_call_from_first_to_last_record() {
        assert_eq!(plan_of(&[0..1, 4..5], MergePolicy::Extent), vec![0..100]);
        assert_eq!(plan_of(&[7..9], MergePolicy::Extent), vec![140..180]);
    }

    #[test]
    fn coalesce_zero_merges_only_touching_runs() {
        // Runs are maximal, so they never touch: max_gap 0 keeps them apart.
        assert_eq!(plan_of(&[0..1, 2..3, 9..12], MergePolicy::Coalesce { max_gap: 0 }), vec![0..20, 40..60, 180..240]);
    }

    #[test]
    fn coalesce_merges_gaps_up_to_max_gap() {
        let policy = MergePolicy::Coalesce { max_gap: 20 };
        assert_eq!(plan_of(&[0..1, 2..3, 9..12], policy), vec![0..60, 180..240]);
    }

    #[test]
    fn auto_threshold_comes_from_the_costs() {
        assert_eq!(COSTS.max_gap(), 6000);
        // 300 records of 20 bytes = 6000 bytes of gap: merged; 301: not.
        assert_eq!(plan_of(&[0..1, 301..302], MergePolicy::Auto), vec![0..6040]);
        assert_eq!(plan_of(&[0..1, 302..303], MergePolicy::Auto), vec![0..20, 6040..6060]);
    }

    #[test]
    fn auto_promotes_to_a_whole_write_when_cheaper() {
        // 999 of 1000 records: sending all of it at the whole-write rate wins.
        assert_eq!(plan_of(&[0..999], MergePolicy::Auto), vec![0..20000]);
        // A few scattered records stay partial.
        assert_eq!(plan_of(&[10..11], MergePolicy::Auto), vec![200..220]);
    }

    #[test]
    fn free_bytes_merge_everything() {
        let costs = UploadCosts { byte_ns: 0.0, ..COSTS };
        assert_eq!(costs.max_gap(), usize::MAX);
    }
}
