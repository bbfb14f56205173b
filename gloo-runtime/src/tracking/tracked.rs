//! The state every tracked container shares: the records, their pending
//! writes, the merge policy, and the GPU copy once there is one. The
//! containers add their shape and accessors around it. No GPU API here:
//! the GPU copy is a type parameter; `backend.rs` uploads into it through a
//! backend's storage type.

use core::cell::{Cell, RefCell, UnsafeCell};
use core::ops::Range;
use core::panic::Location;

use crate::tracking::dirty::DirtyBits;
use crate::tracking::layout::FieldLayout;
use crate::tracking::plan::{MergePolicy, UploadCosts};
use crate::tracking::stats::UploadStats;
use crate::tracking::storage::{GpuCopy, GpuStorage};
use crate::Error;

/// Records of type `E` with dirty tracking, and their GPU copy of type `G`
/// (a backend's; the core only asks whether there is one).
pub(crate) struct Tracked<E, G> {
    pub(crate) data: Vec<E>,
    /// The pending writes. In a `RefCell` so that `source(&self)` can send
    /// and forget them; writes hold `&mut` and reach it with `get_mut`,
    /// which costs nothing.
    pub(crate) pending: RefCell<DirtyBits>,
    /// Records whose writes left `pending` (uploaded or taken) since the
    /// records were last checked, for index buffers drawn with a check
    /// against a vertex count. `None` until the first check, so that no
    /// other buffer pays for it. It may be longer than `data` after a
    /// truncation: its extra bits only cause extra checks.
    pub(crate) unchecked: RefCell<Option<DirtyBits>>,
    /// The slots of a record, in memory order, tiling `0..stride`.
    pub(crate) slots: &'static [FieldLayout],
    pub(crate) stride: usize,
    pub(crate) policy: MergePolicy,
    /// The costs set by the user; `None` uses the GPU copy's own.
    pub(crate) costs: Option<UploadCosts>,
    /// Where the GPU copy goes at its creation.
    pub(crate) storage: GpuStorage,
    pub(crate) gpu: GpuCell<G>,
    pub(crate) stats: Cell<UploadStats>,
    /// Where the container was made, for the messages that must name it
    /// from where no caller location reaches (a draw's conversion inside
    /// glium): the user's call, where every constructor on the way is
    /// `#[track_caller]` (vertex and index buffers'), else a line in gloo.
    #[cfg_attr(not(feature = "glium"), allow(dead_code))]
    pub(crate) created: &'static Location<'static>,
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

impl<E: Copy, G: GpuCopy> Tracked<E, G> {
    /// Records `data`, all of them dirty (a new buffer must be uploaded
    /// whole), made where the caller was called from (see `created`).
    ///
    /// # Errors
    ///
    /// [`Error::OutOfMemory`] if the pending set cannot be allocated.
    #[track_caller]
    pub(crate) fn new_dirty(data: Vec<E>, slots: &'static [FieldLayout], stride: usize) -> Result<Self, Error> {
        let mut pending = DirtyBits::try_new(data.len(), slots.len())
            .map_err(|_| out_of_memory(data.len(), slots.len().div_ceil(8)))?;
        pending.mark_all();
        Ok(Tracked {
            data,
            pending: RefCell::new(pending),
            unchecked: RefCell::new(None),
            slots,
            stride,
            policy: MergePolicy::default(),
            costs: None,
            storage: GpuStorage::default(),
            gpu: GpuCell::empty(),
            stats: Cell::new(UploadStats::default()),
            created: Location::caller(),
        })
    }

    /// The same records and settings, all dirty, with no GL object, made
    /// where the caller was called from: a clone is a buffer of its own,
    /// created where it was cloned.
    #[track_caller]
    pub(crate) fn detached_clone(&self) -> Self {
        let mut pending = DirtyBits::new(self.data.len(), self.slots.len());
        pending.mark_all();
        Tracked {
            data: self.data.clone(),
            pending: RefCell::new(pending),
            unchecked: RefCell::new(None),
            gpu: GpuCell::empty(),
            stats: Cell::new(UploadStats::default()),
            created: Location::caller(),
            ..*self
        }
    }

    pub(crate) fn nbytes(&self) -> usize {
        self.data.len() * self.stride
    }

    /// The byte extent of the pending writes.
    pub(crate) fn dirty(&self) -> Option<Range<usize>> {
        let pending = self.pending.borrow();
        let first = pending.next_one(0)?;
        let last = pending.last_one()?;
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
    pub(crate) fn forget_pending(&self) {
        let mut pending = self.pending.borrow_mut();
        self.remember_unchecked(&pending);
        pending.clear();
    }

    /// Forgets the pending writes, which `runs` (of records) hold every
    /// one of, and returns their distinct bytes, as
    /// [`bytes_pending`](Self::bytes_pending) then
    /// [`forget_pending`](Self::forget_pending) would, looking only at the
    /// runs' words (see [`DirtyBits::take_runs`]): after a sparse upload,
    /// a few words where those two passed over every one (measured in
    /// BENCHMARKS.md).
    pub(crate) fn take_pending_in(&self, runs: impl Iterator<Item = Range<usize>>) -> usize {
        let mut pending = self.pending.borrow_mut();
        self.remember_unchecked(&pending);
        let mut counts = vec![0; self.slots.len()];
        pending.take_runs(runs, &mut counts);
        debug_assert!(pending.is_empty(), "the runs hold every pending write");
        self.bytes_of(&counts)
    }

    /// The bytes of `counts` pending writes of each slot.
    pub(crate) fn bytes_of(&self, counts: &[usize]) -> usize {
        counts.iter().zip(self.slots).map(|(count, slot)| count * slot.size).sum()
    }

    /// Adds the pending records to the unchecked ones, when a check is
    /// kept.
    pub(crate) fn remember_unchecked(&self, pending: &DirtyBits) {
        if let Some(unchecked) = &mut *self.unchecked.borrow_mut() {
            unchecked.resize(pending.records());
            unchecked.union_with(pending);
        }
    }

    /// Whether writes wait for an upload.
    pub(crate) fn has_pending(&self) -> bool {
        !self.pending.borrow().is_empty()
    }

    /// The costs `Auto` plans with: the user's, or the GPU copy's (a mapped
    /// copy's writes cost little per range), or the defaults before there
    /// is one.
    pub(crate) fn upload_costs(&self) -> UploadCosts {
        self.costs.or_else(|| self.gpu.get().map(G::costs)).unwrap_or_default()
    }

    /// The distinct bytes made dirty since the last upload.
    #[cfg_attr(not(feature = "glium"), allow(dead_code))]
    pub(crate) fn bytes_pending(&self) -> usize {
        let (slots, pending) = (self.slots, self.pending.borrow());
        if slots.iter().all(|slot| slot.size == slots[0].size) {
            return pending.count() * slots[0].size;
        }
        let mut counts = vec![0; slots.len()];
        pending.count_per_slot(&mut counts);
        self.bytes_of(&counts)
    }

    /// Distinct dirty bytes inside `records`, for the trace.
    #[cfg_attr(not(feature = "glium"), allow(dead_code))]
    pub(crate) fn bytes_pending_in(&self, records: Range<usize>) -> usize {
        let (slots, pending) = (self.slots, self.pending.borrow());
        let end = records.end * slots.len();
        let mut bit = pending.next_one(records.start * slots.len());
        let mut total = 0;
        while let Some(b) = bit.filter(|&b| b < end) {
            total += slots[b % slots.len()].size;
            bit = pending.next_one(b + 1);
        }
        total
    }

    /// Makes room for `len` records in the data and the pending set, new
    /// records clean; on error nothing changes but spare capacity.
    fn try_grow_to(&mut self, len: usize) -> Result<(), Error> {
        let additional = len.saturating_sub(self.data.len());
        self.data.try_reserve(additional).map_err(|_| out_of_memory(additional, self.stride))?;
        self.pending.get_mut().try_resize(len).map_err(|_| out_of_memory(additional, self.slots.len().div_ceil(8)))
    }

    /// Appends records, marking them dirty.
    pub(crate) fn try_extend_from_slice(&mut self, records: &[E]) -> Result<(), Error> {
        let start = self.data.len();
        self.try_grow_to(start + records.len())?;
        self.data.extend_from_slice(records);
        self.pending.get_mut().mark_records(start..self.data.len());
        Ok(())
    }

    /// Appends one record, marking it dirty.
    pub(crate) fn try_push(&mut self, record: E) -> Result<(), Error> {
        let len = self.data.len() + 1;
        self.try_grow_to(len)?;
        self.data.push(record);
        self.pending.get_mut().mark_records(len - 1..len);
        Ok(())
    }

    /// Keeps the first `len` records; pending writes past them are dropped
    /// with them.
    pub(crate) fn truncate(&mut self, len: usize) {
        if len < self.data.len() {
            self.data.truncate(len);
            self.pending.get_mut().resize(len);
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
        self.pending.get_mut().mark_records(start..len);
        Ok(())
    }

    /// Room for `additional` more records on the CPU side.
    pub(crate) fn try_reserve(&mut self, additional: usize) -> Result<(), Error> {
        self.data.try_reserve(additional).map_err(|_| out_of_memory(additional, self.stride))
    }
}

/// The slot of a container's GPU copy, which shared borrows both read and,
/// through `source(&self)`, fill, replace and write.
///
/// The rule that makes this sound: a reference into the copy leaves a
/// method (as a draw source, which lives as long as the container's shared
/// borrow) only while nothing is pending and the copy holds every record.
/// Under a shared borrow nothing can become pending and the record count
/// cannot change, so once such a reference exists, nothing changes the copy
/// until the borrow ends; and `source(&self)` changes it only when writes
/// are pending or the copy is too small, so never while one exists. The
/// container is not `Sync` (the `RefCell`s beside it see to that), so no
/// other thread can look meanwhile.
///
/// One thread can still come back: the backend's calls inside an upload may
/// run the application's code (a GL debug callback, a wgpu error handler),
/// which may reach this container through a shared reference of its own.
/// So the slot knows when its `&mut` is out ([`GpuMut`]), and refuses every
/// other reference meanwhile with a panic that says what happened, where a
/// second `&mut` (or a `&` beside the first) would be undefined behaviour.
/// gloo's own trace is logged only after the `&mut` is gone (`Trace`).
pub(crate) struct GpuCell<G> {
    slot: UnsafeCell<Option<G>>,
    /// Whether a [`GpuMut`] is alive.
    busy: Cell<bool>,
}

/// What a reference into a [`GpuCell`] taken during an upload panics with.
const REENTERED: &str =
    "gloo: a buffer was used from inside its own upload: code that gloo's upload called (a GL debug \
                         callback, a wgpu error handler) reached the same buffer (`source()`, `read()`, a draw) while \
                         gloo was writing its GPU copy; use the buffer after the call that uploads it returns";

impl<G> GpuCell<G> {
    pub(crate) fn empty() -> Self {
        GpuCell { slot: UnsafeCell::new(None), busy: Cell::new(false) }
    }

    /// The copy, if there is one.
    ///
    /// # Panics
    ///
    /// While a [`GpuMut`] of this cell is alive (see the type's docs).
    #[track_caller]
    pub(crate) fn get(&self) -> Option<&G> {
        assert!(!self.busy.get(), "{REENTERED}");
        // SAFETY: no `GpuMut` is alive (checked above), and one made later
        // requires that no reference from here is (`get_mut_shared`).
        unsafe { (*self.slot.get()).as_ref() }
    }

    pub(crate) fn get_mut(&mut self) -> &mut Option<G> {
        self.slot.get_mut()
    }

    /// The copy, mutably, through a shared borrow of the container.
    ///
    /// # Safety
    ///
    /// No reference from [`get`](Self::get) may be alive: call it only when
    /// writes are pending or the copy is smaller than the records (see the
    /// type's rule), and drop the result before returning.
    ///
    /// # Panics
    ///
    /// While another [`GpuMut`] of this cell is alive: a re-entered upload.
    #[track_caller]
    pub(crate) unsafe fn get_mut_shared(&self) -> GpuMut<'_, G> {
        assert!(!self.busy.replace(true), "{REENTERED}");
        GpuMut { cell: self }
    }
}

/// The copy in a [`GpuCell`], mutably, for as long as this lives; the cell
/// refuses every other reference meanwhile.
pub(crate) struct GpuMut<'a, G> {
    cell: &'a GpuCell<G>,
}

impl<G> core::ops::Deref for GpuMut<'_, G> {
    type Target = Option<G>;

    fn deref(&self) -> &Option<G> {
        // SAFETY: made by `get_mut_shared`, whose caller promised that no
        // reference from `get` is alive; `busy` keeps new ones from being
        // made (and a second `GpuMut`) until this one drops.
        unsafe { &*self.cell.slot.get() }
    }
}

impl<G> core::ops::DerefMut for GpuMut<'_, G> {
    fn deref_mut(&mut self) -> &mut Option<G> {
        // SAFETY: as in `deref`; `&mut self` makes this the only reference
        // the guard hands out at a time.
        unsafe { &mut *self.cell.slot.get() }
    }
}

impl<G> Drop for GpuMut<'_, G> {
    /// Frees the cell, also when the upload unwinds.
    fn drop(&mut self) {
        self.cell.busy.set(false);
    }
}

#[cfg(test)]
mod tests {
    use super::GpuCell;

    #[test]
    #[should_panic(expected = "a buffer was used from inside its own upload")]
    fn the_slot_refuses_a_reference_while_its_mut_is_out() {
        let cell = GpuCell::<u32>::empty();
        // SAFETY: no reference from `get` is alive.
        let _slot = unsafe { cell.get_mut_shared() };
        let _ = cell.get(); // what code called back from a backend would do
    }

    #[test]
    #[should_panic(expected = "a buffer was used from inside its own upload")]
    fn the_slot_refuses_a_second_mut() {
        let cell = GpuCell::<u32>::empty();
        // SAFETY: no reference from `get` is alive.
        let _slot = unsafe { cell.get_mut_shared() };
        // SAFETY: as above; the cell refuses it before any reference exists.
        let _ = unsafe { cell.get_mut_shared() };
    }

    #[test]
    fn the_slot_is_free_again_once_its_mut_drops_or_unwinds() {
        let cell = GpuCell::<u32>::empty();
        {
            // SAFETY: no reference from `get` is alive.
            let mut slot = unsafe { cell.get_mut_shared() };
            *slot = Some(7);
        }
        assert_eq!(cell.get(), Some(&7));
        let unwound = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            // SAFETY: the reference above is gone.
            let _slot = unsafe { cell.get_mut_shared() };
            panic!("a backend call that panics mid-upload");
        }));
        assert!(unwound.is_err());
        assert_eq!(cell.get(), Some(&7), "usable after the upload unwound");
    }
}
