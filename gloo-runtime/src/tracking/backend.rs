//! The one small trait a GPU API's buffers implement for tracked
//! containers, and the upload logic every backend shares: create the GPU
//! copy on first use, grow it by a GPU-side copy, send the plan, count and
//! trace.

use core::ops::Range;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::tracking::dirty::DirtyBits;
use crate::tracking::layout::FieldLayout;
use crate::tracking::plan::{self, MergePolicy, Rect, UploadCosts};
use crate::tracking::stats::{Trace, UploadStats, TRACE_TARGET};
use crate::tracking::storage::{GpuCopy, GpuStorage};
use crate::tracking::tracked::Tracked;
use crate::Error;

/// A GPU API's context as a tracked container keeps it: a handle that
/// tells contexts apart and knows what an upload costs there.
pub trait GpuContext: Clone {
    /// Whether `self` and `other` are one context.
    fn same(&self, other: &Self) -> bool;

    /// Measures what an upload costs here, for [`MergePolicy::Auto`](crate::MergePolicy::Auto).
    fn calibrate(&self) -> Result<UploadCosts, Error>;
}

/// What a GPU API's resource (a buffer or a texture) does for a tracked
/// container of records `E`: hold them, take writes of regions, grow on the
/// GPU, read back, and say where it lives ([`GpuStorage`]). A backend
/// implements it for its buffer types (and, with `Region` a rectangle, for
/// its textures); everything else (when to create, what to send, the
/// counters and the trace) is the core's.
///
/// Public only so that a container's kind can name it; the module is not.
pub trait GpuResource<E: Copy>: Sized {
    /// The context the storage lives in, which it keeps from its creation:
    /// a resource and a context of another cannot be paired, and a GPU API
    /// whose writes go through a queue (wgpu) finds the queue there.
    type Context: GpuContext;
    /// What creation needs besides the records (an index buffer's primitive type).
    type Extra: Copy;
    /// What one write call sends: a run of records for a buffer, a
    /// rectangle for a texture.
    type Region: Region;

    /// Storage with room for `capacity` records, holding `data` at its
    /// start, of the kind `storage` asks for where the backend can make it
    /// (`Auto` leaves the choice to the backend), else a dynamic one.
    ///
    /// Here and in [`write`](Self::write) and [`grow`](Self::grow), the
    /// backend traces into `trace`, never through `log` itself: the core
    /// may hold the container's GPU copy mutably meanwhile, and a logger
    /// is the application's code.
    fn create(
        context: &Self::Context,
        data: &[E],
        capacity: usize,
        extra: Self::Extra,
        storage: GpuStorage,
        trace: &mut Trace,
    ) -> Result<Self, Error>;

    /// Whether it lives in `context`.
    fn in_context(&self, context: &Self::Context) -> bool;

    /// What it is: `Dynamic`, `Mapped` or `Scatter`, never `Auto`.
    fn storage(&self) -> GpuStorage;

    /// What writes into it cost, for [`MergePolicy::Auto`](crate::MergePolicy::Auto).
    fn costs(&self) -> UploadCosts;

    /// How many records it has room for.
    fn capacity(&self) -> usize;

    /// The byte alignment its writes need: each run of records is sent
    /// widened outward to it (wgpu's 4), within the storage's bytes
    /// rounded up to it. 1 by default.
    fn align(&self) -> usize {
        1
    }

    /// Writes each region of `data` into the same place: the whole plan of
    /// one upload, so that a mapped storage maps once.
    fn write(&mut self, regions: &[Self::Region], data: &[E], trace: &mut Trace);

    /// Whether [`write_records`](Self::write_records) may send records:
    /// the core counts the runs to offer only where it does. `false` by
    /// default.
    fn takes_records(&self) -> bool {
        false
    }

    /// Sends the pending records itself, in one pass over `pending` that
    /// empties it and adds each slot's bits to `counts` (one per slot),
    /// where the storage does better so than through the plan's regions:
    /// wgpu's scatter lists each dirty record as the pass finds it, with no
    /// runs built, and sends the words of its dirty fields (see
    /// [`DirtyBits::take_records`]; `records` are the data and the slots of
    /// a record). (A mapped glium buffer copying each record into its
    /// mapping as found measured no faster than its plan's copies, and
    /// slower for clustered edits.) The core offers it where the plan is
    /// the dirty records in `runs`, runs merged across short gaps; the
    /// storage makes the same records current (sending at least their
    /// dirty fields: the rest is current already) or, where
    /// [`RecordRuns::over`] says the plan would have given up for it, sends
    /// the whole buffer. The runs (calls) and bytes sent, or `None` (the
    /// default), with nothing sent and `pending` as it was, to be sent the
    /// regions instead.
    fn write_records(
        &mut self,
        pending: &mut DirtyBits,
        runs: RecordRuns,
        records: (&[E], &[FieldLayout]),
        counts: &mut [usize],
        trace: &mut Trace,
    ) -> Option<(usize, usize)> {
        let _ = (pending, runs, records, counts, trace);
        None
    }

    /// Storage of the same kind (dynamic, mapped or scattered) with room for `capacity`
    /// records, holding this one's records, copied on the GPU; `false` with
    /// it if the copy failed (the caller then sends them).
    fn grow(&self, capacity: usize, extra: Self::Extra, trace: &mut Trace) -> Result<(Self, bool), Error>;

    /// The first `len` records, read back.
    fn read(&self, len: usize) -> Result<Vec<E>, Error>;
}

/// `bytes` widened outward to multiples of `align`.
pub(crate) fn align_out(bytes: Range<usize>, align: usize) -> Range<usize> {
    bytes.start / align * align..bytes.end.next_multiple_of(align)
}

/// What one write call sends, as the core plans it from the pending set:
/// a run of records of a buffer, a rectangle of a texture.
///
/// Public only so that [`GpuResource`] can name it; the module is not.
pub trait Region: Clone + Sized {
    /// What the trace calls storage of such regions: `"buffer"` or
    /// `"texture"`.
    const KIND: &'static str;

    /// What the plan needs besides the pending set: nothing for a buffer,
    /// the row length for a texture.
    type Shape: Copy;

    /// The regions one upload sends for `pending`, records of `stride`
    /// bytes, by `policy`.
    fn plan(
        pending: &DirtyBits,
        stride: usize,
        policy: MergePolicy,
        costs: &UploadCosts,
        shape: Self::Shape,
    ) -> Vec<Self>;

    /// Where the plan for `pending` is its dirty records in runs merged
    /// across short gaps, those runs, counted without building them, for
    /// a storage that sends the records itself
    /// ([`GpuResource::write_records`]); `None` (the default) where the plan
    /// must be built.
    fn counted_runs(
        pending: &DirtyBits,
        stride: usize,
        policy: MergePolicy,
        costs: &UploadCosts,
        shape: Self::Shape,
    ) -> Option<RecordRuns> {
        let _ = (pending, stride, policy, costs, shape);
        None
    }

    /// All of `records` records.
    fn whole(records: usize, shape: Self::Shape) -> Self;

    /// The runs of records it covers, in order.
    fn runs(&self, shape: Self::Shape) -> impl Iterator<Item = Range<usize>>;

    /// The bytes of `records` sent for it, widened to `align`: what the
    /// trace shows and the counters count.
    fn sent(records: Range<usize>, stride: usize, align: usize) -> Range<usize> {
        align_out(records.start * stride..records.end * stride, align)
    }

    /// How many bytes sending it sends: its runs' records by default.
    fn sent_bytes(&self, shape: Self::Shape, stride: usize, align: usize) -> usize {
        self.runs(shape).map(|records| Self::sent(records, stride, align).len()).sum()
    }

    /// How many write calls send it: one by default.
    fn calls(&self) -> usize {
        1
    }

    /// How the trace shows it, its runs' bytes widened to `align`.
    fn describe(&self, stride: usize, align: usize) -> String;
}

/// The plan a storage may send itself ([`GpuResource::write_records`]): the
/// dirty records in runs merged across gaps of at most `gap` clean
/// records, about `runs` of them (counted over part of the records and
/// projected, as the plan counts them), and, for `Auto`, the costs past
/// which the plan would have been the whole buffer.
///
/// Public only so that [`GpuResource`] can name it; the module is not.
#[derive(Clone, Copy, Debug)]
pub struct RecordRuns {
    /// About how many runs.
    pub runs: usize,
    /// The most clean records a run spans between dirty ones.
    pub gap: usize,
    /// `Auto`'s: what its plan weighs the runs against.
    budget: Option<plan::WholeBudget>,
}

impl RecordRuns {
    /// Whether `runs` runs covering `covered` records cost at least the
    /// whole buffer, where the plan then sends it (`Auto` does; its count
    /// was projected from part of the records, and the rest may hold
    /// more). Asked of the runs found so far it only turns true as they
    /// grow, so a pass may ask it as it goes.
    pub fn over(&self, runs: usize, covered: usize) -> bool {
        self.budget.is_some_and(|budget| budget.over(runs, covered))
    }
}

/// A buffer's region: a run of records.
impl Region for Range<usize> {
    const KIND: &'static str = "buffer";
    type Shape = ();

    fn plan(pending: &DirtyBits, stride: usize, policy: MergePolicy, costs: &UploadCosts, (): ()) -> Vec<Self> {
        plan::plan_records(pending, stride, policy, costs)
    }

    fn counted_runs(
        pending: &DirtyBits,
        stride: usize,
        policy: MergePolicy,
        costs: &UploadCosts,
        (): (),
    ) -> Option<RecordRuns> {
        let (runs, gap, budget) = plan::counted_runs(pending, stride, policy, costs)?;
        Some(RecordRuns { runs, gap, budget })
    }

    fn whole(records: usize, (): ()) -> Self {
        0..records
    }

    fn runs(&self, (): ()) -> impl Iterator<Item = Range<usize>> {
        core::iter::once(self.clone())
    }

    fn describe(&self, stride: usize, align: usize) -> String {
        format!("{:?}", Self::sent(self.clone(), stride, align))
    }
}

/// A texture's region: a rectangle of texels, rows `width` texels long.
impl Region for Rect {
    const KIND: &'static str = "texture";
    type Shape = usize;

    fn plan(pending: &DirtyBits, stride: usize, policy: MergePolicy, costs: &UploadCosts, width: usize) -> Vec<Self> {
        plan::plan_rects(pending, width, stride, policy, costs)
    }

    fn whole(records: usize, width: usize) -> Self {
        Rect::new(0, 0, width, records.checked_div(width).unwrap_or(0))
    }

    fn runs(&self, width: usize) -> impl Iterator<Item = Range<usize>> {
        let rect = *self;
        (rect.y..rect.bottom()).map(move |y| y * width + rect.x..y * width + rect.right())
    }

    fn describe(&self, _: usize, _: usize) -> String {
        format!("{},{} {}x{}", self.x, self.y, self.width, self.height)
    }
}

/// A uniform block's region: the byte ranges of its written fields
/// ([`plan_fields`](plan::plan_fields)), sent in one upload of its one
/// record, one call a range.
///
/// Public only so that [`GpuResource`] can name it; the module is not.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldRuns(pub Vec<Range<usize>>);

impl Region for FieldRuns {
    const KIND: &'static str = "uniform buffer";
    type Shape = &'static [FieldLayout];

    fn plan(pending: &DirtyBits, _: usize, policy: MergePolicy, costs: &UploadCosts, slots: Self::Shape) -> Vec<Self> {
        let slots: Vec<(usize, usize)> = slots.iter().map(|slot| (slot.offset, slot.size)).collect();
        let runs = plan::plan_fields(pending, &slots, policy, costs);
        if runs.is_empty() {
            Vec::new()
        } else {
            vec![FieldRuns(runs)]
        }
    }

    fn whole(records: usize, slots: Self::Shape) -> Self {
        let size = slots.last().map_or(0, |slot| slot.offset + slot.size);
        FieldRuns(if records == 0 || size == 0 { Vec::new() } else { vec![0..size] })
    }

    fn runs(&self, _: Self::Shape) -> impl Iterator<Item = Range<usize>> {
        (!self.0.is_empty()).then_some(0..1).into_iter()
    }

    fn sent_bytes(&self, _: Self::Shape, _: usize, align: usize) -> usize {
        self.0.iter().map(|bytes| align_out(bytes.clone(), align).len()).sum()
    }

    fn calls(&self) -> usize {
        self.0.len()
    }

    fn describe(&self, _: usize, align: usize) -> String {
        let runs: Vec<Range<usize>> = self.0.iter().map(|bytes| align_out(bytes.clone(), align)).collect();
        match runs.as_slice() {
            [one] => format!("{one:?}"),
            _ => format!("{runs:?}"),
        }
    }
}

/// The GPU copy of a container: a backend's resource `S` (which keeps
/// the context it belongs to), and its id in the trace.
pub struct Gpu<S: GpuResource<E>, E: Copy> {
    pub(crate) resource: S,
    pub(crate) id: u64,
    records: core::marker::PhantomData<E>,
}

impl<S: GpuResource<E>, E: Copy> GpuCopy for Gpu<S, E> {
    fn costs(&self) -> UploadCosts {
        self.resource.costs()
    }
}

/// A process-wide buffer id for the trace (GPU names repeat across contexts).
fn next_id() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// What every GPU copy answers, whatever its regions.
impl<E: Copy, S: GpuResource<E>> Tracked<E, Gpu<S, E>> {
    /// The GPU copy, if there is one and it belongs to `context`.
    pub(crate) fn gpu_in(&self, context: &S::Context) -> Result<&Gpu<S, E>, Error> {
        let gpu = self.gpu.get().ok_or(Error::NotUploaded)?;
        if !gpu.resource.in_context(context) {
            return Err(Error::ContextMismatch);
        }
        Ok(gpu)
    }

    /// The GPU copy, for drawing in `context` through a shared borrow.
    pub(crate) fn drawable(&self, context: &S::Context) -> Result<&Gpu<S, E>, Error> {
        self.gpu_in(context)?;
        self.clean_gpu()
    }

    /// The GPU copy as a draw through a shared borrow needs it: holding
    /// every record, nothing pending.
    pub(crate) fn clean_gpu(&self) -> Result<&Gpu<S, E>, Error> {
        let gpu = self.gpu.get().ok_or(Error::NotUploaded)?;
        if gpu.resource.capacity() < self.data.len() || self.has_pending() {
            return Err(Error::PendingWrites);
        }
        log::debug!(target: TRACE_TARGET, "GPU: Activating {} (id={})", <S::Region as Region>::KIND, gpu.id);
        Ok(gpu)
    }

    /// The byte alignment the GPU copy's writes are widened to (1 before
    /// there is one: creation sends the records as they are).
    pub(crate) fn align(&self) -> usize {
        self.gpu.get().map_or(1, |gpu| gpu.resource.align())
    }

    /// The first `len()` records of the GPU copy, read back, if it belongs
    /// to `context`.
    pub(crate) fn read_gpu(&self, context: &S::Context) -> Result<Vec<E>, Error> {
        self.gpu_in(context)?;
        self.read_own()
    }

    /// The first `len()` records of the GPU copy, read back through its
    /// own context.
    pub(crate) fn read_own(&self) -> Result<Vec<E>, Error> {
        let gpu = self.gpu.get().ok_or(Error::NotUploaded)?;
        gpu.resource.read(self.data.len().min(gpu.resource.capacity()))
    }
}

/// The upload logic every backend shares, for storage written in regions
/// the core plans (`shape` is what the plan needs of the container).
impl<E: Copy, S: GpuResource<E>> Tracked<E, Gpu<S, E>> {
    /// Brings the GPU copy up to date: creates it on first use, grows it when
    /// the records outgrew it, then sends the upload plan.
    pub(crate) fn upload(
        &mut self,
        context: &S::Context,
        extra: S::Extra,
        shape: <S::Region as Region>::Shape,
    ) -> Result<&Gpu<S, E>, Error> {
        match self.gpu.get() {
            Some(gpu) if !gpu.resource.in_context(context) => return Err(Error::ContextMismatch),
            Some(_) => {}
            None => self.create(context, extra, shape)?,
        }
        self.sync(extra, shape)
    }

    /// What the next upload sends: everything while there is no GPU copy
    /// (creation sends it all, whatever is pending), else the pending
    /// writes by the policy. A reallocation copies the old content on the
    /// GPU, so it sends the same plan.
    pub(crate) fn plan(&self, shape: <S::Region as Region>::Shape) -> Vec<S::Region> {
        match self.gpu.get() {
            None if self.data.is_empty() => Vec::new(),
            None => vec![S::Region::whole(self.data.len(), shape)],
            Some(_) => S::Region::plan(&self.pending.borrow(), self.stride, self.policy, &self.plan_costs(), shape),
        }
    }

    /// The costs the plan weighs: only `Auto` plans with costs, and a
    /// backend may calibrate them at the first call (wgpu does).
    fn plan_costs(&self) -> UploadCosts {
        match self.policy {
            MergePolicy::Auto => self.upload_costs(),
            _ => UploadCosts::default(),
        }
    }

    /// Brings an existing GPU copy up to date through a shared borrow, in
    /// the context it was created in: grows it when the records outgrew
    /// it, then sends the upload plan. The trace is logged at the end, when
    /// nothing holds the copy: a logger that uses this very buffer finds it
    /// up to date, with nothing pending.
    ///
    /// # Errors
    ///
    /// [`Error::NotUploaded`] if there is no GPU copy (so no context),
    /// [`Error::BufferCreation`] if growing it fails.
    pub(crate) fn sync(&self, extra: S::Extra, shape: <S::Region as Region>::Shape) -> Result<&Gpu<S, E>, Error> {
        let gpu = self.gpu.get().ok_or(Error::NotUploaded)?;
        let mut trace = Trace::default();
        let grown = if gpu.resource.capacity() < self.data.len() {
            // SAFETY: the copy is smaller than the records (`GpuCell`'s rule).
            unsafe { self.grow(extra, &mut trace) }
        } else {
            Ok(())
        };
        if grown.is_ok() && self.has_pending() {
            // SAFETY: writes are pending (`GpuCell`'s rule).
            unsafe { self.send_pending(shape, &mut trace) };
        }
        trace.emit();
        grown?;
        Ok(self.gpu.get().expect("checked above"))
    }

    /// Creates the GPU buffer with room for the CPU side's capacity, and
    /// sends everything in one call.
    fn create(
        &mut self,
        context: &S::Context,
        extra: S::Extra,
        shape: <S::Region as Region>::Shape,
    ) -> Result<(), Error> {
        let id = next_id();
        let capacity = self.data.capacity();
        let wanted = self.storage.for_size(capacity.saturating_mul(self.stride));
        // `&mut self`: no logger can reach this container, but the backend
        // traces into a `Trace` all the same, and the lines keep its order.
        let mut trace = Trace::default();
        let resource = S::create(context, &self.data, capacity, extra, wanted, &mut trace);
        let resource = match resource {
            Ok(resource) => resource,
            Err(error) => {
                trace.emit();
                return Err(error);
            }
        };
        let how = match resource.storage() {
            GpuStorage::Mapped => ", mapped",
            GpuStorage::Scatter => ", scattered by compute",
            _ => "",
        };
        trace.debug(format_args!("GPU: Creating {} (id={id}){how}", <S::Region as Region>::KIND));
        self.count(|stats| stats.buffers_created += 1);
        *self.gpu.get_mut() = Some(Gpu { resource, id, records: core::marker::PhantomData });
        // Everything was sent: the whole range counts as one upload.
        let (nbytes, written) = (self.nbytes(), self.bytes_pending());
        if nbytes > 0 {
            self.trace_update(&mut trace, id, &S::Region::whole(self.data.len(), shape), 1, nbytes, written);
            self.count_upload(1, nbytes, written);
        }
        self.forget_pending();
        trace.emit();
        Ok(())
    }

    /// Reallocates the GPU buffer at twice its capacity (or the length, if
    /// more), copying the old content on the GPU; what the copy cannot
    /// provide is marked for upload.
    ///
    /// # Safety
    ///
    /// The GPU copy exists and is smaller than the records, so that no
    /// reference into it is alive (see `GpuCell`).
    unsafe fn grow(&self, extra: S::Extra, trace: &mut Trace) -> Result<(), Error> {
        // SAFETY: the caller's promise; `slot` is dropped before returning,
        // nothing below takes another reference into it, and nothing below
        // calls out to the application's code but the backend (which the
        // cell guards against coming back).
        let mut slot = unsafe { self.gpu.get_mut_shared() };
        let gpu = slot.as_mut().expect("grow needs a GPU buffer");
        let kept = gpu.resource.capacity();
        let capacity = self.data.len().max(kept.saturating_mul(2));
        let (grown, copied) = gpu.resource.grow(capacity, extra, trace)?;
        trace.debug(format_args!(
            "GPU: Resizing {} (id={}): {kept} -> {capacity} records, {} bytes copied on the GPU",
            <S::Region as Region>::KIND,
            gpu.id,
            if copied { kept * self.stride } else { 0 },
        ));
        gpu.resource = grown;
        drop(slot);
        self.count(|stats| {
            stats.buffers_created += 1;
            stats.reallocations += 1;
        });
        if !copied {
            // No GPU-side copy here: send what the old buffer held.
            self.pending.borrow_mut().mark_records(0..kept.min(self.data.len()));
        }
        Ok(())
    }

    /// Sends the regions of the upload plan, one call each, and forgets them.
    ///
    /// # Safety
    ///
    /// The GPU copy exists and writes are pending, so that no reference
    /// into it is alive (see `GpuCell`).
    unsafe fn send_pending(&self, shape: <S::Region as Region>::Shape, trace: &mut Trace) {
        // The dirty records in merged runs: the storage may send them in
        // one pass over the pending set. Not while the trace is on: it
        // shows each run, which the plan's regions give.
        let takes = self.gpu.get().is_some_and(|gpu| gpu.resource.takes_records());
        if takes && !trace.wants(log::Level::Debug) {
            let counted =
                S::Region::counted_runs(&self.pending.borrow(), self.stride, self.policy, &self.plan_costs(), shape);
            // SAFETY: the caller's promise.
            if counted.is_some_and(|runs| unsafe { self.send_records(runs, trace) }) {
                return;
            }
        }
        let regions = self.plan(shape);
        if regions.is_empty() {
            return;
        }
        let stride = self.stride;
        let (id, align) = {
            // SAFETY: the caller's promise; `slot` is dropped at the end of
            // the block, and the write takes no reference into it (the cell
            // guards against the backend's callbacks coming back).
            let mut slot = unsafe { self.gpu.get_mut_shared() };
            let gpu = slot.as_mut().expect("created");
            gpu.resource.write(&regions, &self.data, trace);
            (gpu.id, gpu.resource.align())
        };
        let mut sent = 0;
        for region in &regions {
            let bytes = region.sent_bytes(shape, stride, align);
            sent += bytes;
            if trace.wants(log::Level::Debug) {
                let written = region.runs(shape).map(|records| self.bytes_pending_in(records)).sum();
                self.trace_update(trace, id, region, align, bytes, written);
            }
        }
        let written = self.take_pending_in(regions.iter().flat_map(|region| region.runs(shape)));
        self.count_upload(regions.iter().map(Region::calls).sum(), sent, written);
    }

    /// Offers the storage the pending records, in `runs`, to send itself in
    /// one pass (see [`GpuResource::write_records`]); whether it did, and
    /// counted them.
    ///
    /// # Safety
    ///
    /// As [`send_pending`](Self::send_pending)'s.
    unsafe fn send_records(&self, runs: RecordRuns, trace: &mut Trace) -> bool {
        let mut pending = self.pending.borrow_mut();
        let mut counts = vec![0; self.slots.len()];
        // The pending records are checked records once sent; kept pending
        // (nothing sent), they are remembered again at the next upload.
        self.remember_unchecked(&pending);
        let sent = {
            // SAFETY: the caller's promise; `slot` is dropped at the end of
            // the block, and the write takes no reference into it (the cell
            // guards against the backend's callbacks coming back).
            let mut slot = unsafe { self.gpu.get_mut_shared() };
            let gpu = slot.as_mut().expect("created");
            gpu.resource.write_records(&mut pending, runs, (&self.data, self.slots), &mut counts, trace)
        };
        drop(pending);
        let Some((runs, sent)) = sent else { return false };
        self.count_upload(runs, sent, self.bytes_of(&counts));
        true
    }

    fn count(&self, change: impl FnOnce(&mut UploadStats)) {
        let mut stats = self.stats.get();
        change(&mut stats);
        self.stats.set(stats);
    }

    fn count_upload(&self, calls: usize, sent: usize, written: usize) {
        self.count(|stats| {
            stats.upload_calls += calls as u64;
            stats.bytes_uploaded += sent as u64;
            stats.bytes_written += written as u64;
        });
    }

    fn trace_update(&self, trace: &mut Trace, id: u64, region: &S::Region, align: usize, bytes: usize, written: usize) {
        trace.debug(format_args!(
            "GPU: Updating {} (id={id}): {}, {bytes} bytes ({written} written)",
            <S::Region as Region>::KIND,
            region.describe(self.stride, align),
        ));
    }
}
