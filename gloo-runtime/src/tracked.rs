//! The state every tracked buffer shares: the records, their pending writes,
//! the merge policy, and the GL object once there is one. `VertexBuffer` and
//! `IndexBuffer` add their shape and accessors around it.

use core::ops::Range;

use crate::dirty::DirtyBits;
use crate::gpu::{Gpu, UploadStats};
use crate::layout::FieldLayout;
use crate::plan::{self, MergePolicy, UploadCosts};

/// Records of type `E` with dirty tracking, and their GL copy of type `S`.
pub(crate) struct Tracked<E, S> {
    pub(crate) data: Vec<E>,
    pub(crate) pending: DirtyBits,
    /// The slots of a record, in memory order, tiling `0..stride`.
    pub(crate) slots: &'static [FieldLayout],
    pub(crate) stride: usize,
    pub(crate) policy: MergePolicy,
    pub(crate) costs: UploadCosts,
    pub(crate) gpu: Option<Gpu<S>>,
    pub(crate) stats: UploadStats,
}

impl<E: Copy, S> Tracked<E, S> {
    /// Records `data`, all of them dirty (a new buffer must be uploaded whole).
    pub(crate) fn new_dirty(data: Vec<E>, slots: &'static [FieldLayout], stride: usize) -> Self {
        let mut pending = DirtyBits::new(data.len(), slots.len());
        pending.mark_all();
        Tracked {
            data,
            pending,
            slots,
            stride,
            policy: MergePolicy::default(),
            costs: UploadCosts::default(),
            gpu: None,
            stats: UploadStats::default(),
        }
    }

    /// The same records and settings, all dirty, with no GL object.
    pub(crate) fn detached_clone(&self) -> Self {
        let mut copy = Self::new_dirty(self.data.clone(), self.slots, self.stride);
        copy.policy = self.policy;
        copy.costs = self.costs;
        copy
    }

    pub(crate) fn nbytes(&self) -> usize {
        self.data.len() * self.stride
    }

    /// The byte extent of the pending writes.
    pub(crate) fn dirty(&self) -> Option<Range<usize>> {
        let first = self.pending.next_one(0)?;
        let last = self.pending.last_one()?;
        Some(self.slot_bytes(first).start..self.slot_bytes(last).end)
    }

    /// The byte range of one bit of the pending set.
    fn slot_bytes(&self, bit: usize) -> Range<usize> {
        let (record, slot) = (bit / self.slots.len(), &self.slots[bit % self.slots.len()]);
        let start = record * self.stride + slot.offset;
        start..start + slot.size
    }

    pub(crate) fn take_dirty(&mut self) -> Option<Range<usize>> {
        let dirty = self.dirty();
        self.pending.clear();
        dirty
    }

    pub(crate) fn upload_plan(&self) -> Vec<Range<usize>> {
        plan::plan(&self.pending, self.stride, self.policy, &self.costs)
    }

    /// The distinct bytes made dirty since the last upload.
    pub(crate) fn bytes_pending(&self) -> usize {
        let slots = self.slots;
        if slots.iter().all(|slot| slot.size == slots[0].size) {
            return self.pending.count() * slots[0].size;
        }
        let mut counts = vec![0; slots.len()];
        self.pending.count_per_slot(&mut counts);
        counts.iter().zip(slots).map(|(count, slot)| count * slot.size).sum()
    }

    /// Distinct dirty bytes inside `records`, for the trace.
    pub(crate) fn bytes_pending_in(&self, records: Range<usize>) -> usize {
        let slots = self.slots;
        let end = records.end * slots.len();
        let mut bit = self.pending.next_one(records.start * slots.len());
        let mut total = 0;
        while let Some(b) = bit.filter(|&b| b < end) {
            total += slots[b % slots.len()].size;
            bit = self.pending.next_one(b + 1);
        }
        total
    }

    /// Appends records, marking them dirty.
    pub(crate) fn extend_from_slice(&mut self, records: &[E]) {
        let start = self.data.len();
        self.data.extend_from_slice(records);
        self.pending.resize(self.data.len());
        self.pending.mark_records(start..self.data.len());
    }

    /// Appends one record, marking it dirty.
    pub(crate) fn push(&mut self, record: E) {
        self.data.push(record);
        let len = self.data.len();
        self.pending.resize(len);
        self.pending.mark_records(len - 1..len);
    }

    /// Keeps the first `len` records; pending writes past them are dropped
    /// with them.
    pub(crate) fn truncate(&mut self, len: usize) {
        if len < self.data.len() {
            self.data.truncate(len);
            self.pending.resize(len);
        }
    }

    /// Grows with copies of `value` (marked dirty) or shrinks to `len`.
    pub(crate) fn resize(&mut self, len: usize, value: E) {
        let start = self.data.len();
        self.data.resize(len, value);
        self.pending.resize(len);
        if len > start {
            self.pending.mark_records(start..len);
        }
    }
}

/// The methods every tracked buffer has, written once: they delegate to the
/// `core: Tracked` field of the type they are expanded in.
macro_rules! tracked_methods {
    ($e:ty) => {
        /// The number of records.
        pub fn len(&self) -> usize {
            self.core.data.len()
        }

        /// Whether the buffer holds no record.
        pub fn is_empty(&self) -> bool {
            self.core.data.is_empty()
        }

        /// The size of the data in bytes.
        pub fn nbytes(&self) -> usize {
            self.core.nbytes()
        }

        /// The records in row-major order.
        pub fn as_slice(&self) -> &[$e] {
            &self.core.data
        }

        /// The records as bytes, exactly as they are uploaded.
        pub fn as_bytes(&self) -> &[u8] {
            bytemuck::cast_slice(&self.core.data)
        }

        /// The byte extent of the pending writes: from the first byte written
        /// to the last, whatever the policy. `None` when nothing is pending.
        pub fn dirty(&self) -> Option<core::ops::Range<usize>> {
            self.core.dirty()
        }

        /// Returns [`dirty`](Self::dirty) and forgets the pending writes, as
        /// an upload would.
        pub fn take_dirty(&mut self) -> Option<core::ops::Range<usize>> {
            self.core.take_dirty()
        }

        /// Exactly the byte ranges the next upload would send, one call each:
        /// the pending writes rounded out to whole records and merged by the
        /// [`MergePolicy`](crate::MergePolicy). Sorted, disjoint, record-aligned.
        pub fn upload_plan(&self) -> Vec<core::ops::Range<usize>> {
            self.core.upload_plan()
        }

        /// Sets how pending writes become upload calls.
        pub fn set_policy(&mut self, policy: crate::MergePolicy) {
            self.core.policy = policy;
        }

        /// The current merge policy.
        pub fn policy(&self) -> crate::MergePolicy {
            self.core.policy
        }

        /// Sets the cost model [`MergePolicy::Auto`](crate::MergePolicy::Auto)
        /// plans with, for example from [`UploadCosts::calibrate`](crate::UploadCosts::calibrate).
        pub fn set_upload_costs(&mut self, costs: crate::UploadCosts) {
            self.core.costs = costs;
        }

        /// The cost model [`MergePolicy::Auto`](crate::MergePolicy::Auto) plans with.
        pub fn upload_costs(&self) -> crate::UploadCosts {
            self.core.costs
        }

        /// What this buffer has sent to the GPU so far.
        pub fn stats(&self) -> crate::UploadStats {
            self.core.stats
        }

        /// What the GPU holds now (its first `len()` records), read back;
        /// pending writes are not uploaded first.
        ///
        /// # Errors
        ///
        /// [`Error::NotUploaded`](crate::Error::NotUploaded) if there is no GPU
        /// copy yet, [`Error::ContextMismatch`](crate::Error::ContextMismatch)
        /// if it lives in another context, [`Error::Read`](crate::Error::Read)
        /// if GL cannot read it back.
        pub fn read_gpu<F: glium::backend::Facade + ?Sized>(&self, facade: &F) -> Result<Vec<$e>, crate::Error> {
            self.core.read_gpu(facade.get_context())
        }
    };
}

/// Growth for rank-1 buffers, written once for vertex and index buffers.
macro_rules! growth_methods {
    ($e:ty) => {
        /// Appends a record (marked for upload). The GL buffer, once it
        /// exists, grows by doubling at the next upload.
        pub fn push(&mut self, record: $e) {
            self.core.push(record);
            self.shape[0] = self.core.data.len();
        }

        /// Appends records (marked for upload).
        pub fn extend_from_slice(&mut self, records: &[$e]) {
            self.core.extend_from_slice(records);
            self.shape[0] = self.core.data.len();
        }

        /// Keeps the first `len` records (no effect if there are fewer). The
        /// GL buffer keeps its capacity; draws use the new length.
        pub fn truncate(&mut self, len: usize) {
            self.core.truncate(len);
            self.shape[0] = self.core.data.len();
        }

        /// Grows to `len` records with copies of `value` (marked for upload),
        /// or shrinks to `len`.
        pub fn resize(&mut self, len: usize, value: $e) {
            self.core.resize(len, value);
            self.shape[0] = self.core.data.len();
        }

        /// Reserves room for at least `additional` more records on the CPU;
        /// a GL buffer created afterwards gets the same capacity.
        pub fn reserve(&mut self, additional: usize) {
            self.core.data.reserve(additional);
        }

        /// The number of records the CPU side can hold without reallocating.
        pub fn capacity(&self) -> usize {
            self.core.data.capacity()
        }
    };
}

/// Record access by N-d index and by flat range, written once for vertex
/// and index buffers (needs `core` and `shape: [usize; N]` fields).
macro_rules! record_methods {
    ($e:ty) => {
        /// The row-major position of `index`, or `None` if it is out of bounds.
        #[inline(always)]
        fn flat(&self, index: [usize; N]) -> Option<usize> {
            let mut flat = 0usize;
            for (&i, &len) in index.iter().zip(&self.shape) {
                if i >= len {
                    return None;
                }
                flat = flat * len + i;
            }
            Some(flat)
        }

        #[inline(always)]
        #[track_caller]
        fn flat_or_panic(&self, index: [usize; N]) -> usize {
            match self.flat(index) {
                Some(flat) => flat,
                // By value: a reference would make every call keep the
                // index in memory for this cold path.
                None => crate::tracked::out_of_bounds(index, self.shape),
            }
        }

        /// The record at `index`, or `None` if it is out of bounds.
        pub fn get(&self, index: [usize; N]) -> Option<&$e> {
            self.flat(index).map(|flat| &self.core.data[flat])
        }

        /// The record at `index`.
        ///
        /// # Panics
        ///
        /// If `index` is out of bounds: `index [3, 0] out of bounds for shape [3, 3]`.
        #[track_caller]
        pub fn at(&self, index: [usize; N]) -> &$e {
            &self.core.data[self.flat_or_panic(index)]
        }

        /// The record at `index`, mutably, or `None` (marking nothing) if it is out of bounds.
        pub fn get_mut(&mut self, index: [usize; N]) -> Option<&mut $e> {
            let flat = self.flat(index)?;
            self.core.pending.mark_records(flat..flat + 1);
            Some(&mut self.core.data[flat])
        }

        /// The record at `index`, mutably; marks the whole record for upload.
        ///
        /// # Panics
        ///
        /// If `index` is out of bounds (nothing is marked then).
        #[track_caller]
        pub fn at_mut(&mut self, index: [usize; N]) -> &mut $e {
            let flat = self.flat_or_panic(index);
            self.core.pending.mark_records(flat..flat + 1);
            &mut self.core.data[flat]
        }

        /// Sets every record to `value`; marks everything.
        pub fn fill(&mut self, value: $e) {
            self.core.data.fill(value);
            self.core.pending.mark_all();
        }

        /// Overwrites every record from `src`; marks everything.
        ///
        /// # Panics
        ///
        /// If `src.len() != self.len()`, like [`slice::copy_from_slice`];
        /// [`try_copy_from_slice`](Self::try_copy_from_slice) returns an error instead.
        #[track_caller]
        pub fn copy_from_slice(&mut self, src: &[$e]) {
            self.try_copy_from_slice(src).unwrap_or_else(|error| panic!("{error}"));
        }

        /// Overwrites every record from `src`; marks everything.
        ///
        /// # Errors
        ///
        /// [`Error::ShapeMismatch`](crate::Error::ShapeMismatch) (nothing written or marked) if `src.len() != self.len()`.
        pub fn try_copy_from_slice(&mut self, src: &[$e]) -> Result<(), crate::Error> {
            if src.len() != self.core.data.len() {
                let (expected, actual) = (self.core.data.len(), src.len());
                return Err(crate::Error::ShapeMismatch { shape: self.shape.to_vec(), expected, actual });
            }
            self.core.data.copy_from_slice(src);
            self.core.pending.mark_all();
            Ok(())
        }

        /// The records in `range` of the row-major order, mutably; marks them all
        /// (an empty range marks nothing).
        ///
        /// # Panics
        ///
        /// If the range is out of bounds or decreasing, like slice indexing.
        #[track_caller]
        pub fn records_mut(&mut self, range: core::ops::Range<usize>) -> &mut [$e] {
            if range.start > range.end || range.end > self.core.data.len() {
                crate::tracked::range_out_of_bounds(&range, self.core.data.len());
            }
            self.core.pending.mark_records(range.clone());
            &mut self.core.data[range]
        }

        /// The records in `range`, mutably, or `None` (marking nothing) if the
        /// range is out of bounds or decreasing.
        pub fn try_records_mut(&mut self, range: core::ops::Range<usize>) -> Option<&mut [$e]> {
            if range.start > range.end || range.end > self.core.data.len() {
                return None;
            }
            self.core.pending.mark_records(range.clone());
            Some(&mut self.core.data[range])
        }
    };
}

#[cold]
#[inline(never)]
#[track_caller]
pub(crate) fn out_of_bounds<const N: usize>(index: [usize; N], shape: [usize; N]) -> ! {
    panic!("index {index:?} out of bounds for shape {shape:?}")
}

#[cold]
#[inline(never)]
#[track_caller]
pub(crate) fn range_out_of_bounds(range: &core::ops::Range<usize>, len: usize) -> ! {
    panic!("record range {range:?} out of bounds for {len} records")
}

pub(crate) use {growth_methods, record_methods, tracked_methods};
