//! The state every tracked buffer shares: the records, their pending writes,
//! the merge policy, and the GPU copy once there is one. `VertexBuffer` and
//! `IndexBuffer` add their shape and accessors around it. No GPU API here:
//! the GPU copy is a type parameter; `backend.rs` uploads into it through a
//! backend's buffer type.

use core::ops::Range;

use crate::tracking::dirty::DirtyBits;
use crate::tracking::layout::FieldLayout;
use crate::tracking::plan::{self, MergePolicy, UploadCosts};
use crate::tracking::stats::UploadStats;
use crate::Error;

/// Records of type `E` with dirty tracking, and their GPU copy of type `G`
/// (a backend's; the core only asks whether there is one).
pub(crate) struct Tracked<E, G> {
    pub(crate) data: Vec<E>,
    pub(crate) pending: DirtyBits,
    /// Records whose writes left `pending` (uploaded or taken) since the
    /// records were last checked, for index buffers drawn with a check
    /// against a vertex count. `None` until the first check, so that no
    /// other buffer pays for it. It may be longer than `data` after a
    /// truncation: its extra bits only cause extra checks.
    pub(crate) unchecked: Option<DirtyBits>,
    /// The slots of a record, in memory order, tiling `0..stride`.
    pub(crate) slots: &'static [FieldLayout],
    pub(crate) stride: usize,
    pub(crate) policy: MergePolicy,
    pub(crate) costs: UploadCosts,
    pub(crate) gpu: Option<G>,
    pub(crate) stats: UploadStats,
}

/// The error for an allocation of `records` records of `stride` bytes.
pub(crate) fn out_of_memory(records: usize, stride: usize) -> Error {
    Error::OutOfMemory { bytes: records.saturating_mul(stride) }
}

/// `records` zeroed records, allocated zeroed (the pages of a large buffer
/// are not touched until written), or an error if memory cannot be had.
pub(crate) fn try_zeroed_vec<E: bytemuck::Zeroable>(records: usize) -> Result<Vec<E>, Error> {
    let boxed = bytemuck::allocation::try_zeroed_slice_box(records);
    boxed.map(Vec::from).map_err(|()| out_of_memory(records, size_of::<E>()))
}

impl<E: Copy, G> Tracked<E, G> {
    /// Records `data`, all of them dirty (a new buffer must be uploaded whole).
    ///
    /// # Errors
    ///
    /// [`Error::OutOfMemory`] if the pending set cannot be allocated.
    pub(crate) fn new_dirty(data: Vec<E>, slots: &'static [FieldLayout], stride: usize) -> Result<Self, Error> {
        let mut pending = DirtyBits::try_new(data.len(), slots.len())
            .map_err(|_| out_of_memory(data.len(), slots.len().div_ceil(8)))?;
        pending.mark_all();
        Ok(Tracked {
            data,
            pending,
            unchecked: None,
            slots,
            stride,
            policy: MergePolicy::default(),
            costs: UploadCosts::default(),
            gpu: None,
            stats: UploadStats::default(),
        })
    }

    /// The same records and settings, all dirty, with no GL object.
    pub(crate) fn detached_clone(&self) -> Self {
        let mut pending = DirtyBits::new(self.data.len(), self.slots.len());
        pending.mark_all();
        Tracked { data: self.data.clone(), pending, unchecked: None, gpu: None, stats: UploadStats::default(), ..*self }
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
        self.forget_pending();
        dirty
    }

    /// Clears the pending set, remembering its records as unchecked when
    /// a check is kept.
    pub(crate) fn forget_pending(&mut self) {
        if let Some(unchecked) = &mut self.unchecked {
            unchecked.resize(self.pending.records());
            unchecked.union_with(&self.pending);
        }
        self.pending.clear();
    }

    /// What the next upload sends: everything while there is no GL copy
    /// (creation sends the whole buffer, whatever is pending), else the
    /// pending writes by the policy. A reallocation copies the old content
    /// on the GPU, so it sends the same plan.
    pub(crate) fn upload_plan(&self) -> Vec<Range<usize>> {
        match self.gpu {
            None if self.data.is_empty() => Vec::new(),
            None => vec![0..self.nbytes()],
            Some(_) => plan::plan(&self.pending, self.stride, self.policy, &self.costs),
        }
    }

    /// The distinct bytes made dirty since the last upload.
    #[cfg_attr(not(feature = "glium"), allow(dead_code))]
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
    #[cfg_attr(not(feature = "glium"), allow(dead_code))]
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

    /// Makes room for `len` records in the data and the pending set, new
    /// records clean; on error nothing changes but spare capacity.
    fn try_grow_to(&mut self, len: usize) -> Result<(), Error> {
        let additional = len.saturating_sub(self.data.len());
        self.data.try_reserve(additional).map_err(|_| out_of_memory(additional, self.stride))?;
        self.pending.try_resize(len).map_err(|_| out_of_memory(additional, self.slots.len().div_ceil(8)))
    }

    /// Appends records, marking them dirty.
    pub(crate) fn try_extend_from_slice(&mut self, records: &[E]) -> Result<(), Error> {
        let start = self.data.len();
        self.try_grow_to(start + records.len())?;
        self.data.extend_from_slice(records);
        self.pending.mark_records(start..self.data.len());
        Ok(())
    }

    /// Appends one record, marking it dirty.
    pub(crate) fn try_push(&mut self, record: E) -> Result<(), Error> {
        let len = self.data.len() + 1;
        self.try_grow_to(len)?;
        self.data.push(record);
        self.pending.mark_records(len - 1..len);
        Ok(())
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
    pub(crate) fn try_resize(&mut self, len: usize, value: E) -> Result<(), Error> {
        let start = self.data.len();
        if len <= start {
            self.truncate(len);
            return Ok(());
        }
        self.try_grow_to(len)?;
        self.data.resize(len, value);
        self.pending.mark_records(start..len);
        Ok(())
    }

    /// Room for `additional` more records on the CPU side.
    pub(crate) fn try_reserve(&mut self, additional: usize) -> Result<(), Error> {
        self.data.try_reserve(additional).map_err(|_| out_of_memory(additional, self.stride))
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
        /// an upload would. A buffer with no GPU copy yet is still sent whole
        /// at its first upload.
        pub fn take_dirty(&mut self) -> Option<core::ops::Range<usize>> {
            self.core.take_dirty()
        }

        /// Exactly the byte ranges the next upload would send, one call each.
        /// Sorted, disjoint, record-aligned.
        ///
        /// While the buffer has no GPU copy, that is the whole buffer (the
        /// first upload creates it and sends everything, whatever
        /// [`take_dirty`](Self::take_dirty) cleared). Afterwards it is the
        /// pending writes rounded out to whole records and merged by the
        /// [`MergePolicy`](crate::MergePolicy); a GL buffer that must grow first
        /// copies its old content on the GPU and then sends the same plan.
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
        #[cfg(feature = "glium")]
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
        ///
        /// # Panics
        ///
        /// If memory runs out; [`try_push`](Self::try_push) returns an error instead.
        #[track_caller]
        pub fn push(&mut self, record: $e) {
            self.try_push(record).unwrap_or_else(|error| panic!("{error}"));
        }

        /// Appends a record (marked for upload).
        ///
        /// # Errors
        ///
        /// [`Error::OutOfMemory`](crate::Error::OutOfMemory) (nothing
        /// appended) if memory runs out.
        pub fn try_push(&mut self, record: $e) -> Result<(), crate::Error> {
            self.core.try_push(record)?;
            self.shape[0] = self.core.data.len();
            Ok(())
        }

        /// Appends records (marked for upload).
        ///
        /// # Panics
        ///
        /// If memory runs out; [`try_extend_from_slice`](Self::try_extend_from_slice)
        /// returns an error instead.
        #[track_caller]
        pub fn extend_from_slice(&mut self, records: &[$e]) {
            self.try_extend_from_slice(records).unwrap_or_else(|error| panic!("{error}"));
        }

        /// Appends records (marked for upload).
        ///
        /// # Errors
        ///
        /// [`Error::OutOfMemory`](crate::Error::OutOfMemory) (nothing
        /// appended) if memory runs out.
        pub fn try_extend_from_slice(&mut self, records: &[$e]) -> Result<(), crate::Error> {
            self.core.try_extend_from_slice(records)?;
            self.shape[0] = self.core.data.len();
            Ok(())
        }

        /// Keeps the first `len` records (no effect if there are fewer).
        /// Draws use the new length.
        ///
        /// The GL buffer keeps its capacity, and with it the old records past
        /// `len`: nothing is sent to erase them. A vertex buffer drawn through
        /// an index buffer that still names them draws them; check such
        /// indices with [`IndexBuffer::bind_checked`](crate::IndexBuffer::bind_checked).
        pub fn truncate(&mut self, len: usize) {
            self.core.truncate(len);
            self.shape[0] = self.core.data.len();
        }

        /// Grows to `len` records with copies of `value` (marked for upload),
        /// or shrinks to `len` (see [`truncate`](Self::truncate)).
        ///
        /// # Panics
        ///
        /// If memory runs out; [`try_resize`](Self::try_resize) returns an error instead.
        #[track_caller]
        pub fn resize(&mut self, len: usize, value: $e) {
            self.try_resize(len, value).unwrap_or_else(|error| panic!("{error}"));
        }

        /// Grows to `len` records with copies of `value` (marked for upload),
        /// or shrinks to `len`.
        ///
        /// # Errors
        ///
        /// [`Error::OutOfMemory`](crate::Error::OutOfMemory) (nothing
        /// changed) if memory runs out.
        pub fn try_resize(&mut self, len: usize, value: $e) -> Result<(), crate::Error> {
            self.core.try_resize(len, value)?;
            self.shape[0] = self.core.data.len();
            Ok(())
        }

        /// Reserves room for at least `additional` more records on the CPU;
        /// a GL buffer created afterwards gets the same capacity.
        ///
        /// # Panics
        ///
        /// If memory runs out; [`try_reserve`](Self::try_reserve) returns an error instead.
        #[track_caller]
        pub fn reserve(&mut self, additional: usize) {
            self.try_reserve(additional).unwrap_or_else(|error| panic!("{error}"));
        }

        /// Reserves room for at least `additional` more records on the CPU.
        ///
        /// # Errors
        ///
        /// [`Error::OutOfMemory`](crate::Error::OutOfMemory) if memory runs out
        /// (or the capacity would overflow).
        pub fn try_reserve(&mut self, additional: usize) -> Result<(), crate::Error> {
            self.core.try_reserve(additional)
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
                None => crate::tracking::tracked::out_of_bounds(index, self.shape),
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
                crate::tracking::tracked::range_out_of_bounds(&range, self.core.data.len());
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
