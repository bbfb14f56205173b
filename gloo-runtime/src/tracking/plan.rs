//! From dirty records to upload calls: the merge policies.
//!
//! Pure arithmetic over record runs, no GL: every function here is tested
//! without a context.

use core::ops::{ControlFlow, Range};

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
    /// cores, 1M records of 20 bytes). A range costs no GL call, only the
    /// copy of its records into the mapping, where a scattered record's
    /// cache misses (source and mapping) dominate: 50 to 120 ns. A byte
    /// merged into a range costs its line's miss when the caches are cold,
    /// about 1.5 ns (96 ns a 64-byte line). So merging saves nothing past
    /// a line, and ranges merge across gaps of up to 66 bytes. A whole
    /// buffer streams past the caches with no read of its lines: 0.165 ns
    /// a byte, 3.3 ms for 20 MB, 0.11 of the partial rate. So from a few
    /// percent of scattered records the whole buffer goes.
    pub const MAPPED: UploadCosts = UploadCosts { call_ns: 100.0, byte_ns: 1.5, whole_factor: 0.11 };

    /// The costs of a wgpu buffer where its context's calibration failed:
    /// Mesa's lavapipe in a release build (2 cores), about 1.9 µs a
    /// `write_buffer` with its share of a submit and 0.2 ns a byte, so
    /// merging pays for gaps up to about 9 KB. A debug build of wgpu costs
    /// 35 to 60 µs a call.
    pub const WGPU: UploadCosts = UploadCosts { call_ns: 1900.0, byte_ns: 0.2, whole_factor: 1.0 };

    /// The costs of a scattered wgpu buffer where its context's calibration
    /// failed, as calibrated on Mesa's lavapipe in a release build (2
    /// cores): 50 to 60 ns a scattered 16-byte record (found, packed,
    /// staged and copied by the dispatch, which runs on the CPU there),
    /// about 3 ns a byte, and nothing a run: a scatter copies records
    /// wherever their runs end, so merging never pays. Whole writes cost
    /// about 0.2 ns a byte, 0.07 of that: from about 7 % of the records
    /// edited in scattered places, the whole buffer goes.
    pub const WGPU_SCATTER: UploadCosts = UploadCosts { call_ns: 0.0, byte_ns: 3.0, whole_factor: 0.07 };

    /// The costs of a scattered buffer (see [`GpuStorage`](crate::GpuStorage))
    /// on a GPU, where the dispatch's work is negligible beside the CPU's:
    /// packing a scattered record costs what copying it into a mapping does
    /// (its cache misses), plus its 4-byte entry in the staging table; a
    /// whole buffer goes as one plain write. On Mesa llvmpipe, whose
    /// dispatch runs on the CPU, a scattered record costs about 340 ns
    /// instead, which is why [`GpuStorage::Auto`](crate::GpuStorage::Auto)
    /// maps there.
    pub const SCATTER: UploadCosts = UploadCosts { call_ns: 120.0, byte_ns: 0.15, whole_factor: 1.0 };

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
    let mut runs = plan_records(pending, stride, policy, costs);
    runs.iter_mut().for_each(|records| *records = records.start * stride..records.end * stride);
    runs
}

/// The plan of one record's pending fields, as byte ranges: a uniform
/// block's, whose writes are sent field by field. `slots` are the record's
/// fields in memory order (padding included, never marked). Extent: from
/// the first written field to the last. Coalesce: runs of written fields,
/// merged across at most `max_gap` clean bytes. Auto: merged where the
/// gap costs less than a call.
///
/// # Examples
///
/// ```
/// use gloo_runtime::dirty::DirtyBits;
/// use gloo_runtime::plan::plan_fields;
/// use gloo_runtime::{MergePolicy, UploadCosts};
///
/// // Four fields of 4, 4, 8 and 16 bytes; the first and the third written.
/// let slots = [(0, 4), (4, 4), (8, 8), (16, 16)];
/// let mut pending = DirtyBits::new(1, 4);
/// pending.mark(0);
/// pending.mark(2);
/// let costs = UploadCosts::default();
/// assert_eq!(plan_fields(&pending, &slots, MergePolicy::Extent, &costs), vec![0..16]);
/// let coalesce = MergePolicy::Coalesce { max_gap: 0 };
/// assert_eq!(plan_fields(&pending, &slots, coalesce, &costs), vec![0..4, 8..16]);
/// ```
pub fn plan_fields(
    pending: &DirtyBits,
    slots: &[(usize, usize)],
    policy: MergePolicy,
    costs: &UploadCosts,
) -> Vec<Range<usize>> {
    let bytes = |slot: usize| slots[slot].0..slots[slot].0 + slots[slot].1;
    let max_gap = match policy {
        MergePolicy::Extent => usize::MAX,
        MergePolicy::Coalesce { max_gap } => max_gap,
        MergePolicy::Auto => costs.max_gap(),
    };
    let mut plan: Vec<Range<usize>> = Vec::new();
    let mut slot = pending.next_one(0).filter(|&bit| bit < slots.len());
    while let Some(bit) = slot {
        let field = bytes(bit);
        match plan.last_mut() {
            Some(last) if field.start - last.end <= max_gap => last.end = field.end,
            _ => plan.push(field),
        }
        slot = pending.next_one(bit + 1).filter(|&bit| bit < slots.len());
    }
    plan
}

/// [`plan`] in records rather than bytes: what a buffer's storage is
/// written in, with no division to get there.
pub(crate) fn plan_records(
    pending: &DirtyBits,
    stride: usize,
    policy: MergePolicy,
    costs: &UploadCosts,
) -> Vec<Range<usize>> {
    match policy {
        MergePolicy::Extent => match (pending.next_one(0), pending.last_one()) {
            (Some(first), Some(last)) => vec![pending.record_of(first)..pending.record_of(last) + 1],
            _ => Vec::new(),
        },
        MergePolicy::Coalesce { max_gap } => merged(pending, stride, max_gap),
        MergePolicy::Auto => {
            let budget = WholeBudget::new(costs, pending.records(), stride);
            let gap = gap_records(costs.max_gap(), stride);
            // The whole buffer once the runs cost as much. A first pass
            // counts them, a few operations a word, with the dirty records
            // they cover at least: once those cost as much, so do the runs,
            // and the plan is the one building them would give. For 1M
            // records of 20 bytes, mapped, with cold caches: at 10 %
            // scattered it knows 36 % of the way in, and the plan took
            // 0.11-0.13 ms instead of 0.31; at 3 %, 85 % of the way in,
            // 0.29 instead of 0.40-0.44 ms. Where the counts of the first
            // 32nd of the records, projected over all, cost less than the
            // whole buffer, the pass stops there (7 µs at 1 %) and the
            // runs get built.
            let counts = count_runs(pending, gap, Some(&budget));
            if counts.is_some_and(|(runs, covered, _)| budget.over(runs, covered)) {
                return vec![0..pending.records()];
            }
            // Else the runs, built until those found so far cost as much.
            match pending.merged_runs_until(gap, |runs, covered| budget.over(runs, covered)) {
                Some(merged) => merged,
                None => vec![0..pending.records()],
            }
        }
    }
}

/// What `Auto` weighs runs against: the whole buffer of `records` records
/// of `stride` bytes, with the buffer's costs. The plan and a storage that
/// sends the runs itself (`GpuResource::write_records`) ask the same one.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct WholeBudget {
    whole_ns: f64,
    call_ns: f64,
    byte_ns: f64,
    records: usize,
    stride: usize,
}

impl WholeBudget {
    pub(crate) fn new(costs: &UploadCosts, records: usize, stride: usize) -> Self {
        let whole_ns = costs.whole_ns(records * stride);
        WholeBudget { whole_ns, call_ns: costs.call_ns, byte_ns: costs.byte_ns, records, stride }
    }

    /// The modelled cost of `runs` runs covering `covered` records.
    fn runs_ns(&self, runs: usize, covered: usize) -> f64 {
        runs as f64 * self.call_ns + (covered * self.stride) as f64 * self.byte_ns
    }

    /// Whether `runs` runs covering `covered` records cost at least the
    /// whole buffer. Asked of the runs found so far it only turns true as
    /// they grow.
    pub(crate) fn over(&self, runs: usize, covered: usize) -> bool {
        self.whole_ns <= self.runs_ns(runs, covered)
    }

    /// Whether the counts over the first `looked_at` records, projected
    /// over all, cost less than the whole buffer.
    fn cheap_so_far(&self, looked_at: usize, runs: usize, covered: usize) -> bool {
        self.runs_ns(runs, covered) * (self.records as f64) < self.whole_ns * looked_at as f64
    }
}

/// The runs of `pending` merged across `gap` records, the dirty records
/// they cover and the records looked at, counted as the plan counts them:
/// stopping once `budget` says the runs cost more than the whole buffer,
/// or after the first 32nd of the records if they look cheaper there (or,
/// with no budget, at once). `None` unless the slot count is a power of
/// two.
fn count_runs(pending: &DirtyBits, gap: usize, budget: Option<&WholeBudget>) -> Option<(usize, usize, usize)> {
    let records = pending.records();
    let mut seen = records;
    let (runs, covered) = pending.count_runs_until(gap, |looked_at, runs, covered| {
        seen = looked_at;
        let a_32nd = looked_at.saturating_mul(32) >= records;
        match budget {
            Some(budget) => budget.over(runs, covered) || (a_32nd && budget.cheap_so_far(looked_at, runs, covered)),
            None => a_32nd,
        }
    })?;
    Some((runs, covered, seen))
}

/// `Some((runs, gap, budget))` where [`plan_records`] gives the dirty
/// records of `pending` in runs merged across at most `gap` clean
/// records, as `merged_runs(gap)` finds them: for `Coalesce`, and for
/// `Auto` while the runs counted so far cost less than the whole buffer
/// (`Auto`'s plan gives up for the whole buffer once the runs it builds
/// cost more: check the runs sent against `budget`, `Auto`'s only). The
/// runs are counted without being built, and as the plan counts them: over
/// the first 32nd of the records and projected over all where that is
/// enough to tell (a full count costs about what a pass building them
/// does: 0.2 ms for 1 % of 1M records of two fields). For a storage that
/// sends the records itself as it finds them. `None` where the plan must
/// be built (`Extent`, or a slot count that is no power of two) or is the
/// whole buffer.
pub(crate) fn counted_runs(
    pending: &DirtyBits,
    stride: usize,
    policy: MergePolicy,
    costs: &UploadCosts,
) -> Option<(usize, usize, Option<WholeBudget>)> {
    let (gap, budget) = match policy {
        MergePolicy::Extent => return None,
        MergePolicy::Coalesce { max_gap } => (gap_records(max_gap, stride), None),
        MergePolicy::Auto => {
            (gap_records(costs.max_gap(), stride), Some(WholeBudget::new(costs, pending.records(), stride)))
        }
    };
    let (runs, covered, seen) = count_runs(pending, gap, budget.as_ref())?;
    if budget.is_some_and(|budget| budget.over(runs, covered)) {
        return None;
    }
    let projected = (runs as f64 * pending.records() as f64 / seen.max(1) as f64).ceil() as usize;
    Some((projected, gap, budget))
}

/// Runs of dirty records, merged where the clean bytes between them are at
/// most `max_gap`.
fn merged(pending: &DirtyBits, stride: usize, max_gap: usize) -> Vec<Range<usize>> {
    pending.merged_runs(gap_records(max_gap, stride))
}

/// The whole records (or texels) of `stride` bytes in a gap of `max_gap`
/// bytes: any number when they have no size.
fn gap_records(max_gap: usize, stride: usize) -> usize {
    max_gap.checked_div(stride).unwrap_or(usize::MAX)
}

/// A rectangle of texels: `x` and `y` of its first texel, `width` texels
/// by `height` rows. Row `y = 0` is the first row in memory, which GL
/// samples at `t = 0`.
///
/// # Examples
///
/// ```
/// use gloo_runtime::Rect;
///
/// let r = Rect::new(3, 2, 8, 4); // x 3..11, y 2..6
/// assert_eq!((r.right(), r.bottom(), r.area()), (11, 6, 32));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Rect {
    /// The column of its first texel.
    pub x: usize,
    /// The row of its first texel.
    pub y: usize,
    /// Texels per row.
    pub width: usize,
    /// Rows.
    pub height: usize,
}

impl Rect {
    /// The rectangle of `width` × `height` texels from `(x, y)`.
    pub const fn new(x: usize, y: usize, width: usize, height: usize) -> Self {
        Rect { x, y, width, height }
    }

    /// One past its last column (saturating).
    pub const fn right(&self) -> usize {
        self.x.saturating_add(self.width)
    }

    /// One past its last row (saturating).
    pub const fn bottom(&self) -> usize {
        self.y.saturating_add(self.height)
    }

    /// Its texel count (saturating).
    pub const fn area(&self) -> usize {
        self.width.saturating_mul(self.height)
    }

    /// Whether it holds no texel.
    pub const fn is_empty(&self) -> bool {
        self.width == 0 || self.height == 0
    }

    /// Whether it lies inside a `width` × `height` image.
    pub const fn fits(&self, width: usize, height: usize) -> bool {
        self.x <= width && self.y <= height && self.width <= width - self.x && self.height <= height - self.y
    }
}

/// The rectangles one upload of a `width`-texel-wide image sends for the
/// pending texels `pending` (one bit a texel), texels being `texel` bytes.
///
/// Every policy starts from each row's runs of written texels. `Extent`
/// sends their bounding rectangle. `Coalesce { max_gap }` merges the runs
/// of a row across gaps of at most `max_gap` bytes, and a run repeated
/// exactly on the rows below it grows into one rectangle. `Auto` does the
/// same with the gap the costs make worth sending, then keeps the cheapest
/// of those rectangles, their bounding rectangle, the full-width band of
/// rows they span, and the whole image: a rectangle narrower than the
/// image is gathered row by row into one block before it is sent, which
/// costs its bytes once more.
///
/// Rectangles come out sorted by row, then column, disjoint and inside the
/// image.
///
/// # Examples
///
/// ```
/// use gloo_runtime::dirty::DirtyBits;
/// use gloo_runtime::plan::plan_rects;
/// use gloo_runtime::{MergePolicy, Rect, UploadCosts};
///
/// let mut pending = DirtyBits::new(64 * 32, 1); // 64 × 32 texels
/// pending.mark(2 * 64 + 3); // (3, 2)
/// pending.mark(5 * 64 + 10); // (10, 5)
/// let costs = UploadCosts::default();
/// assert_eq!(plan_rects(&pending, 64, 4, MergePolicy::Extent, &costs), [Rect::new(3, 2, 8, 4)]);
/// assert_eq!(
///     plan_rects(&pending, 64, 4, MergePolicy::Coalesce { max_gap: 0 }, &costs),
///     [Rect::new(3, 2, 1, 1), Rect::new(10, 5, 1, 1)]
/// );
/// ```
pub fn plan_rects(
    pending: &DirtyBits,
    width: usize,
    texel: usize,
    policy: MergePolicy,
    costs: &UploadCosts,
) -> Vec<Rect> {
    if width == 0 || pending.is_empty() {
        return Vec::new();
    }
    match policy {
        MergePolicy::Extent => bounding_rect(pending, width).into_iter().collect(),
        MergePolicy::Coalesce { max_gap } => {
            row_bands(pending, width, gap_records(max_gap, texel), None).expect("no budget to run out of")
        }
        MergePolicy::Auto => {
            let cost = |rects: &[Rect]| -> f64 {
                rects
                    .iter()
                    .map(|rect| {
                        let bytes = (rect.area() * texel) as f64;
                        let gathered = if rect.width < width && rect.height > 1 { bytes } else { 0.0 };
                        costs.call_ns + (bytes + gathered) * costs.byte_ns
                    })
                    .sum()
            };
            // The bands first, given up once what they already cost reaches
            // the whole texture's: many scattered texels cost a part of a
            // pass. Then one rectangle, if cheaper: the whole texture (which
            // wins ties), the full-width band of the rows written, or their
            // bounding box (the bands' own: row merging only fills gaps
            // between written texels, so they share it).
            let whole = Rect::new(0, 0, width, pending.records() / width);
            let whole_ns = costs.whole_ns(whole.area() * texel);
            let budget = Budget { limit: whole_ns, texel, costs: *costs, spent: 0.0 };
            let bands = row_bands(pending, width, gap_records(costs.max_gap(), texel), Some(budget));
            let extent = match &bands {
                Some(bands) => bands.iter().fold(bands[0], |extent, band| {
                    let (x, y) = (extent.x.min(band.x), extent.y.min(band.y));
                    Rect::new(x, y, extent.right().max(band.right()) - x, extent.bottom().max(band.bottom()) - y)
                }),
                None => bounding_rect(pending, width).expect("something is pending"),
            };
            let rows = Rect::new(0, extent.y, width, extent.height);
            let (one_ns, one) = [(whole_ns, whole), (cost(&[rows]), rows), (cost(&[extent]), extent)]
                .into_iter()
                .min_by(|a, b| a.0.total_cmp(&b.0))
                .expect("three candidates");
            match bands {
                Some(bands) if cost(&bands) < one_ns => bands,
                _ => vec![one],
            }
        }
    }
}

/// What a set of bands may cost before [`row_bands`] gives up on it: a
/// lower bound of their cost grows as they do (a call and its bytes for
/// each rectangle opened, the bytes of each row added to one).
#[derive(Clone, Copy)]
struct Budget {
    limit: f64,
    texel: usize,
    costs: UploadCosts,
    spent: f64,
}

impl Budget {
    /// Pays for `texels` more and, if `opened`, one more call; `false` once
    /// the limit is reached.
    fn pay(&mut self, texels: usize, opened: bool) -> bool {
        let call = if opened { self.costs.call_ns } else { 0.0 };
        self.spent += call + (texels * self.texel) as f64 * self.costs.byte_ns;
        // A NaN cost never stops the bands.
        self.spent < self.limit || self.spent.is_nan() || self.limit.is_nan()
    }
}

/// Calls `f` with each run of set bits cut at row ends: `(row, columns)`,
/// in order, until it breaks. The row is followed as the runs go, so that
/// a division is paid only to skip rows, not for every run.
fn try_for_each_row_run(
    pending: &DirtyBits,
    width: usize,
    mut f: impl FnMut(usize, Range<usize>) -> ControlFlow<()>,
) -> ControlFlow<()> {
    let (mut y, mut row_start) = (0, 0);
    pending.try_for_each_bit_run(|run| {
        let mut start = run.start;
        while start < run.end {
            if start - row_start >= width {
                let skipped = (start - row_start) / width;
                y += skipped;
                row_start += skipped * width;
            }
            let end = run.end.min(row_start + width);
            f(y, start - row_start..end - row_start)?;
            start = end;
        }
        ControlFlow::Continue(())
    })
}

/// Calls `f` with the span from the first to the last set bit of each
/// non-empty word, as `(row, columns)`, for rows of `row_words` words, in
/// order, until it breaks.
fn try_for_each_word_span(
    pending: &DirtyBits,
    row_words: usize,
    mut f: impl FnMut(usize, Range<usize>) -> ControlFlow<()>,
) -> ControlFlow<()> {
    let (mut y, mut row_start) = (0, 0);
    pending.try_for_each_nonzero_word(|index, word| {
        if index - row_start >= row_words {
            let skipped = (index - row_start) / row_words;
            y += skipped;
            row_start += skipped * row_words;
        }
        let x = (index - row_start) * 64;
        f(y, x + word.trailing_zeros() as usize..x + 64 - word.leading_zeros() as usize)
    })
}

/// The bounding rectangle of the set bits of a `width`-texel-wide image,
/// in one pass over the runs.
fn bounding_rect(pending: &DirtyBits, width: usize) -> Option<Rect> {
    if width.is_multiple_of(64) {
        // Rows of whole words: the rows from the first and last bits, the
        // columns from the OR of every row's words.
        let (first, last) = (pending.next_one(0)?, pending.last_one()?);
        let columns = pending.or_rows(width / 64, first / width..last / width + 1);
        let x0 = columns.iter().position(|&word| word != 0)? * 64;
        let x0 = x0 + columns[x0 / 64].trailing_zeros() as usize;
        let last_word = columns.iter().rposition(|&word| word != 0)?;
        let x1 = last_word * 64 + 64 - columns[last_word].leading_zeros() as usize;
        let (y0, y1) = (first / width, last / width + 1);
        return Some(Rect::new(x0, y0, x1 - x0, y1 - y0));
    }
    let (mut x0, mut y0, mut x1, mut y1) = (usize::MAX, usize::MAX, 0, 0);
    let _ = try_for_each_row_run(pending, width, |y, xs| {
        y0 = y0.min(y);
        y1 = y + 1;
        x0 = x0.min(xs.start);
        x1 = x1.max(xs.end);
        ControlFlow::Continue(())
    });
    (y0 != usize::MAX).then(|| Rect::new(x0, y0, x1 - x0, y1 - y0))
}

/// Each row's runs of pending texels, merged across gaps of at most `gap`
/// texels, as rectangles: a run repeated exactly on the next row grows its
/// rectangle by one. Rectangles are opened in row, then column order, and
/// kept in that order, so that nothing needs sorting.
fn row_bands(pending: &DirtyBits, width: usize, gap: usize, budget: Option<Budget>) -> Option<Vec<Rect>> {
    let mut bands = Bands { done: Vec::new(), open: Vec::new(), next: Vec::new(), at: 0, row: 0, budget };
    // The current row's run, extended while the next one is within `gap`.
    let mut current: Option<(usize, Range<usize>)> = None;
    let merge = |y: usize, xs: Range<usize>| match &mut current {
        Some((row, run)) if *row == y && xs.start <= run.end.saturating_add(gap) => {
            run.end = xs.end;
            ControlFlow::Continue(())
        }
        _ => match current.replace((y, xs)) {
            Some((row, run)) => bands.add(row, run),
            None => ControlFlow::Continue(()),
        },
    };
    // Rows of whole words, and gaps no clean stretch inside a word can
    // exceed: each word's first to last bit is one run, whatever lies
    // between, so the bits themselves need no visit.
    let flow = if width.is_multiple_of(64) && gap >= 63 {
        try_for_each_word_span(pending, width / 64, merge)
    } else {
        try_for_each_row_run(pending, width, merge)
    };
    if flow.is_break() {
        return None;
    }
    if let Some((row, run)) = current {
        if bands.add(row, run).is_break() {
            return None;
        }
    }
    Some(bands.done)
}

/// Rectangles being grown row by row (see [`row_bands`]).
struct Bands {
    /// Every rectangle, in the order opened.
    done: Vec<Rect>,
    /// Indices in `done` of the rectangles that reach the last row seen,
    /// in column order; `next` collects those reaching the current one.
    open: Vec<usize>,
    next: Vec<usize>,
    /// How far into `open` the current row's runs have matched.
    at: usize,
    /// The current row.
    row: usize,
    /// What the bands may cost, if anything bounds it.
    budget: Option<Budget>,
}

impl Bands {
    /// The run `xs` of row `y`, coming after every earlier one; breaks
    /// when the budget runs out.
    fn add(&mut self, y: usize, xs: Range<usize>) -> ControlFlow<()> {
        if y != self.row || self.done.is_empty() {
            // A new row: what reached the last one can grow into this one
            // only if this is the next row.
            core::mem::swap(&mut self.open, &mut self.next);
            self.next.clear();
            if y != self.row + 1 {
                self.open.clear();
            }
            self.row = y;
            self.at = 0;
        }
        // Open rectangles are in column order: skip those left of the run.
        while self.at < self.open.len() && self.done[self.open[self.at]].x < xs.start {
            self.at += 1;
        }
        let opened = match self.open.get(self.at).copied() {
            Some(index) if self.done[index].x == xs.start && self.done[index].right() == xs.end => {
                self.done[index].height += 1;
                self.next.push(index);
                self.at += 1;
                false
            }
            _ => {
                self.next.push(self.done.len());
                self.done.push(Rect::new(xs.start, y, xs.len(), 1));
                true
            }
        };
        let within = self.budget.as_mut().is_none_or(|budget| budget.pay(xs.len(), opened));
        if within {
            ControlFlow::Continue(())
        } else {
            ControlFlow::Break(())
        }
    }
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

    /// `counted_runs` answers where the plan is the dirty records in runs
    /// merged across its gap, and only there, with about as many runs.
    #[test]
    fn counted_runs_only_where_the_plan_is_the_merged_dirty_records() {
        let scatter = UploadCosts { call_ns: 0.0, byte_ns: 3.0, whole_factor: 0.06 };
        let mut next = crate::tracking::dirty::xorshift(0x5851_f42d_4c95_7f2d);
        for per_mille in [0, 1, 10, 40, 100, 500] {
            let mut pending = DirtyBits::new(64_000, 2);
            for bit in 0..128_000 {
                if next() % 1000 < per_mille {
                    pending.mark(bit);
                }
            }
            let policies = [
                (MergePolicy::Extent, COSTS),
                (MergePolicy::Coalesce { max_gap: 0 }, COSTS),
                (MergePolicy::Coalesce { max_gap: 19 }, COSTS),
                (MergePolicy::Coalesce { max_gap: 60 }, COSTS),
                (MergePolicy::Auto, COSTS),
                (MergePolicy::Auto, UploadCosts::MAPPED),
                (MergePolicy::Auto, scatter),
            ];
            for (policy, costs) in policies {
                let at = format!("{per_mille}‰, {policy:?}, {costs:?}");
                let planned = plan_records(&pending, 20, policy, &costs);
                match counted_runs(&pending, 20, policy, &costs) {
                    Some((counted, gap, budget)) => {
                        let runs = pending.merged_runs(gap);
                        // The plan's runs, or, where `Auto` gave up on
                        // them past the part counted, the whole buffer: a
                        // pass sending the runs then finds them dearer.
                        let covered = runs.iter().map(Range::len).sum();
                        assert_eq!(budget.is_some(), policy == MergePolicy::Auto, "{at}");
                        let over = policy == MergePolicy::Auto
                            && WholeBudget::new(&costs, 64_000, 20).over(runs.len(), covered);
                        assert_eq!(planned, if over { vec![0..64_000] } else { runs.clone() }, "{at}");
                        // Projected from a 32nd where that tells: within
                        // half for runs of single records where the set is
                        // dense enough for a 32nd to hold a fair share of
                        // them (20 or more); a sparse set's 32nd, or a few
                        // long merged runs, say little.
                        if per_mille >= 10 && gap == 0 {
                            let (low, high) = (runs.len() / 2, runs.len() * 2);
                            assert!((low..=high).contains(&counted), "{at}: {counted} for {} runs", runs.len());
                        }
                        assert!(counted <= 64_000, "{at}: {counted} runs of 64,000 records");
                    }
                    None => assert!(
                        policy == MergePolicy::Extent || planned == vec![0..64_000],
                        "{at}: a plan of merged records went uncounted"
                    ),
                }
            }
        }
        // The scatter's costs send the whole buffer from about 6 % of the
        // records (the whole write's bytes cost 0.06 of a scattered one's).
        let mut pending = DirtyBits::new(64_000, 2);
        (0..64_000).step_by(10).for_each(|record| pending.mark(2 * record));
        assert_eq!(counted_runs(&pending, 20, MergePolicy::Auto, &scatter), None);
        assert_eq!(plan_records(&pending, 20, MergePolicy::Auto, &scatter), vec![0..64_000]);
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
    fn auto_stopping_early_plans_what_the_full_scan_would() {
        // The plan `Auto` made before its scan could stop early: every run
        // merged, then the whole buffer if the model says so.
        let reference = |pending: &DirtyBits, costs: &UploadCosts| {
            let merged = pending.merged_runs(costs.max_gap() / 20);
            let sent: usize = merged.iter().map(Range::len).sum();
            let plan_ns = merged.len() as f64 * costs.call_ns + (sent * 20) as f64 * costs.byte_ns;
            let whole = !merged.is_empty() && costs.whole_ns(pending.records() * 20) <= plan_ns;
            if whole {
                vec![0..pending.records()]
            } else {
                merged
            }
        };
        let mut next = crate::tracking::dirty::xorshift(0x2545_f491_4f6c_dd1d);
        let costs = [COSTS, UploadCosts::MAPPED, UploadCosts::SCATTER, UploadCosts { call_ns: 0.0, ..COSTS }];
        // Uniform densities, then dense stretches (every other record) of
        // a 32nd to a half of the buffer at its start, at 1 per mille past
        // them: what the first records look like misleads a projection.
        let uniform = [0, 1, 10, 50, 100, 300, 1000].map(|per_mille| (0, per_mille));
        let dense_starts = [625, 2_500, 10_000].map(|dense| (dense, 1));
        for (dense, per_mille) in uniform.into_iter().chain(dense_starts) {
            let mut pending = DirtyBits::new(20_000, 2);
            for record in 0..20_000 {
                if (record < dense && record % 2 == 0) || next() % 1000 < per_mille {
                    pending.mark(record * 2);
                }
            }
            for costs in &costs {
                assert_eq!(
                    plan_records(&pending, 20, MergePolicy::Auto, costs),
                    reference(&pending, costs),
                    "{per_mille} per mille past {dense} records, {costs:?}"
                );
            }
        }
    }

    #[test]
    fn free_bytes_merge_everything() {
        let costs = UploadCosts { byte_ns: 0.0, ..COSTS };
        assert_eq!(costs.max_gap(), usize::MAX);
    }
}
