//! What vertex buffers, index buffers, textures and blocks share, written
//! once: [`TrackedBuffer`], an N-d array of tracked records, generic over
//! what the records are. `VertexBuffer<T, N>`, `IndexBuffer<I, N>`,
//! `Texture2d<P>` and `StorageBuffer<T, N>` are its kinds (and a
//! `UniformBuffer<T>` holds one of one record), the way ndarray's `Array`
//! and `ArrayView` are kinds of one `ArrayBase`: their own methods
//! (constructors, binding for a draw) live beside their kind in
//! `vertex.rs`, `index.rs`, `texture.rs` and `block.rs`; the kinds whose
//! records have named fields share their constructors and field access
//! here ([`FieldKind`]).

use core::ops::{Bound, Range, RangeBounds};

#[cfg(any(feature = "glium", feature = "wgpu"))]
use crate::backends::target::{Binds, GpuTarget};
use crate::backends::Context as BackendContext;
use crate::tracking::backend::{Gpu, GpuResource, Region};
use crate::tracking::dirty::DirtyBits;
use crate::tracking::layout::{Field, FieldLayout};
use crate::tracking::plan::{MergePolicy, UploadCosts};
use crate::tracking::stats::UploadStats;
use crate::tracking::storage::GpuStorage;
use crate::tracking::tracked::{try_zeroed_vec, Tracked};
use crate::Error;

pub(crate) mod sealed {
    pub trait Sealed {}
}

/// What a [`TrackedBuffer`] holds: [`Vertices`](crate::Vertices) of a
/// `#[derive(Vertex)]` struct (a [`VertexBuffer`](crate::VertexBuffer)),
/// [`Indices`](crate::Indices) of `u16` or `u32` (an
/// [`IndexBuffer`](crate::IndexBuffer)), [`Texels`](crate::Texels) (a
/// [`Texture2d`](crate::Texture2d)), [`Blocks`](crate::Blocks) of a
/// `#[derive(Block)]` struct (a [`StorageBuffer`](crate::StorageBuffer)),
/// or the one block of a [`UniformBuffer`](crate::UniformBuffer)
/// ([`Uniform`](crate::Uniform)). Sealed: gloo's kinds are the only ones.
pub trait BufferKind: sealed::Sealed + Clone {
    /// One record: a vertex, an index, a texel, or a block.
    type Record: bytemuck::Pod;

    /// What one upload call sends: a run of records (buffers), or a
    /// rectangle (textures).
    #[doc(hidden)]
    type Region: Region;

    /// The backend's storage for the records.
    #[doc(hidden)]
    type Storage: GpuResource<Self::Record, Context = BackendContext, Region = Self::Region>;

    /// What the backend needs to create the storage besides the records.
    #[doc(hidden)]
    fn extra(&self) -> <Self::Storage as GpuResource<Self::Record>>::Extra;

    /// What planning the regions needs to know of the container (a
    /// texture's width).
    #[doc(hidden)]
    fn plan_shape(&self) -> <Self::Region as Region>::Shape;
}

/// The kinds whose uploads send runs of records, planned as byte ranges,
/// and which grow: [`Vertices`](crate::Vertices) and
/// [`Indices`](crate::Indices), not [`Texels`](crate::Texels) (a texture
/// sends rectangles and keeps its size). Sealed.
pub trait RecordKind: BufferKind<Region = Range<usize>> {}

/// The kinds whose records have named fields, made by a derive:
/// [`Vertices`](crate::Vertices) and [`Blocks`](crate::Blocks). They share
/// the constructors (`zeros`, `from_vec`, `from_fn`) and the field access
/// (`field_mut` and the named accessors it serves). Sealed.
pub trait FieldKind: RecordKind {
    /// The record's fields in memory order, padding included: what the
    /// tracker marks.
    #[doc(hidden)]
    const SLOTS: &'static [FieldLayout];

    /// The kind.
    #[doc(hidden)]
    fn kind() -> Self;
}

/// An N-d array (row-major) of records kept on the CPU, whose every
/// mutable access is tracked, uploaded lazily: the type behind
/// [`VertexBuffer<T, N>`](crate::VertexBuffer) (`TrackedBuffer<Vertices<T>, N>`),
/// [`IndexBuffer<I, N>`](crate::IndexBuffer) (`TrackedBuffer<Indices<I>, N>`)
/// and [`Texture2d<P>`](crate::Texture2d) (`TrackedBuffer<Texels<P>, 2>`).
///
/// The methods here are the ones they share: reading, the pending writes,
/// whole-record writes, uploads; and for the buffers ([`RecordKind`]) the
/// plan as byte ranges and growth. Write them by their alias; this name
/// shows up in compiler messages.
///
/// # Examples
///
/// ```
/// use gloo_runtime::glium::index::PrimitiveType;
/// use gloo_runtime::{IndexBuffer, Vertex, VertexBuffer};
///
/// #[derive(Clone, Copy, Vertex)]
/// #[repr(C)]
/// struct P { x: f32 }
///
/// let mut vertices = VertexBuffer::<P>::zeros([4]);
/// let mut indices = IndexBuffer::<u16>::zeros(PrimitiveType::TrianglesList, [6]);
/// vertices.take_dirty();
/// indices.take_dirty();
/// *vertices.at_mut([1]) = P { x: 1.0 }; // the same methods on both
/// *indices.at_mut([1]) = 1;
/// assert_eq!((vertices.dirty(), indices.dirty()), (Some(4..8), Some(2..4)));
/// ```
pub struct TrackedBuffer<K: BufferKind, const N: usize = 1> {
    pub(crate) core: Tracked<K::Record, Gpu<K::Storage, K::Record>>,
    pub(crate) shape: [usize; N],
    pub(crate) kind: K,
}

/// The number of records `shape` holds, if the shape is one every view can
/// take: the product of its non-zero axes, times `stride` bytes, at most
/// `isize::MAX`. That is an allocation's limit, and ndarray's rule for
/// shapes: `[usize::MAX, 0]` holds no record, but ndarray refuses to view
/// it, so gloo refuses to make it, and no view of a buffer can fail.
pub(crate) fn records_of<const N: usize>(shape: [usize; N], stride: usize) -> Result<usize, Error> {
    let non_zero = shape.iter().filter(|&&axis| axis != 0).try_fold(1usize, |acc, &axis| acc.checked_mul(axis));
    let fits = non_zero
        .and_then(|records| records.checked_mul(stride.max(1)))
        .is_some_and(|bytes| bytes <= isize::MAX as usize);
    match non_zero {
        Some(_) if fits && shape.contains(&0) => Ok(0),
        Some(records) if fits => Ok(records),
        _ => Err(Error::ShapeOverflow { shape: shape.to_vec() }),
    }
}

/// Reading, the pending writes and their plan, and whole-record access, by
/// N-d index and by flat range.
impl<K: BufferKind, const N: usize> TrackedBuffer<K, N> {
    /// The shape, one length per axis.
    pub fn shape(&self) -> [usize; N] {
        self.shape
    }

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
    pub fn as_slice(&self) -> &[K::Record] {
        &self.core.data
    }

    /// The records as bytes, exactly as they are uploaded.
    pub fn as_bytes(&self) -> &[u8] {
        bytemuck::cast_slice(&self.core.data)
    }

    /// The byte extent of the pending writes: from the first byte written
    /// to the last, whatever the policy. `None` when nothing is pending.
    pub fn dirty(&self) -> Option<Range<usize>> {
        self.core.dirty()
    }

    /// Whether writes wait for an upload: what a renderer asks before
    /// reusing what it recorded (a render bundle, a `drawable` slice),
    /// which shows the GPU copy as last uploaded. Cheap: the pending bits
    /// are tested eight words at a time, and a clean buffer of 1M records
    /// of two fields answers in about 10 µs.
    ///
    /// # Examples
    ///
    /// ```
    /// use gloo_runtime::{Vertex, VertexBuffer};
    ///
    /// #[derive(Clone, Copy, Vertex)]
    /// #[repr(C)]
    /// struct P { x: f32 }
    ///
    /// let mut v = VertexBuffer::<P>::zeros([3]);
    /// v.take_dirty();
    /// assert!(!v.is_dirty());
    /// *v.x_mut(2) = 1.0;
    /// assert!(v.is_dirty());
    /// ```
    pub fn is_dirty(&self) -> bool {
        self.core.has_pending()
    }

    /// Sets how pending writes become upload calls.
    pub fn set_policy(&mut self, policy: MergePolicy) {
        self.core.policy = policy;
    }

    /// The current merge policy.
    pub fn policy(&self) -> MergePolicy {
        self.core.policy
    }

    /// Sets the cost model [`MergePolicy::Auto`](crate::MergePolicy::Auto)
    /// plans with, for example from [`UploadCosts::calibrate`](crate::UploadCosts::calibrate),
    /// in place of the GPU copy's own.
    pub fn set_upload_costs(&mut self, costs: UploadCosts) {
        self.core.costs = Some(costs);
    }

    /// The cost model [`MergePolicy::Auto`](crate::MergePolicy::Auto) plans
    /// with: the one set with [`set_upload_costs`](Self::set_upload_costs),
    /// else the GPU copy's (a mapped copy's ranges cost little each; see
    /// [`GpuStorage`]), else the defaults.
    pub fn upload_costs(&self) -> UploadCosts {
        self.core.upload_costs()
    }

    /// Sets where the GPU copy lives: it applies when the copy is created
    /// (the first upload) and is kept when it grows.
    ///
    /// # Examples
    ///
    /// ```
    /// use gloo_runtime::headless::HeadlessContext;
    /// use gloo_runtime::{GpuStorage, MergePolicy, Vertex, VertexBuffer};
    ///
    /// #[derive(Clone, Copy, Vertex)]
    /// #[repr(C)]
    /// struct P { x: f32 }
    ///
    /// let context = HeadlessContext::new()?;
    /// let mut v = VertexBuffer::<P>::zeros([100_000]);
    /// v.set_gpu_storage(GpuStorage::Mapped);
    /// v.set_policy(MergePolicy::Auto);
    /// v.upload(&context)?;
    /// *v.x_mut(10) = 1.0;
    /// *v.x_mut(90_000) = 1.0;
    /// // Mesa maps it: two ranges cost less than the 360 KB between them.
    /// assert_eq!(v.upload_plan(), vec![40..44, 360_000..360_004]);
    /// v.upload(&context)?;
    /// assert_eq!(v.read_gpu(&context)?[90_000].x, 1.0);
    /// # Ok::<(), gloo_runtime::Error>(())
    /// ```
    pub fn set_gpu_storage(&mut self, storage: GpuStorage) {
        self.core.storage = storage;
    }

    /// Where the GPU copy lives, or will at its creation.
    pub fn gpu_storage(&self) -> GpuStorage {
        self.core.storage
    }

    /// Whether the GPU copy is persistently mapped (`false` before it exists).
    pub fn is_mapped(&self) -> bool {
        self.active_storage() == Some(GpuStorage::Mapped)
    }

    /// What the GPU copy is, once it exists: `Dynamic`, `Mapped` or
    /// `Scatter` (the one [`gpu_storage`](Self::gpu_storage) asked for,
    /// where the context can have it; see [`GpuStorage`]).
    pub fn active_storage(&self) -> Option<GpuStorage> {
        self.core.gpu.get().map(|gpu| gpu.resource.storage())
    }

    /// The memory the tracker holds beside the records, in bytes: one bit
    /// per field of each record for the pending writes (and as much again
    /// for an index buffer checked with `bind_checked`). For records of at
    /// most `stride / 8` fields that is at most 1/64 of the records' own
    /// bytes (a 20-byte vertex of two fields: 1/80).
    ///
    /// # Examples
    ///
    /// ```
    /// # use gloo_runtime::{Vertex, VertexBuffer};
    /// # #[derive(Clone, Copy, Vertex)] #[repr(C)] struct Point { position: [f32; 2], color: [f32; 3] }
    /// let v = VertexBuffer::<Point>::zeros([1 << 20]); // 20 MiB
    /// assert_eq!(v.tracking_bytes(), (1 << 20) * 2 / 8); // 256 KiB: two bits a record
    /// ```
    pub fn tracking_bytes(&self) -> usize {
        self.core.pending.borrow().heap_bytes() + self.core.unchecked.borrow().as_ref().map_or(0, DirtyBits::heap_bytes)
    }

    /// What this buffer has sent to the GPU so far.
    pub fn stats(&self) -> UploadStats {
        self.core.stats.get()
    }

    /// The row-major position of `index`, or `None` if it is out of bounds.
    #[inline(always)]
    pub(crate) fn flat(&self, index: [usize; N]) -> Option<usize> {
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
    pub(crate) fn flat_or_panic(&self, index: [usize; N]) -> usize {
        match self.flat(index) {
            Some(flat) => flat,
            // The index goes to the cold path in registers, one argument
            // per axis: passed as an array (by reference in the ABI), it
            // would be stored to the stack on every call, for this path.
            None if N <= 4 => {
                let (at, len) = (|k: usize| index.get(k).copied(), |k: usize| self.shape.get(k).copied());
                out_of_bounds_by_axis([at(0), at(1), at(2), at(3)], [len(0), len(1), len(2), len(3)])
            }
            None => out_of_bounds(index, self.shape),
        }
    }

    /// The record at `index`, or `None` if it is out of bounds.
    pub fn get(&self, index: [usize; N]) -> Option<&K::Record> {
        self.flat(index).map(|flat| &self.core.data[flat])
    }

    /// The record at `index`.
    ///
    /// # Panics
    ///
    /// If `index` is out of bounds: `index [3, 0] out of bounds for shape [3, 3]`.
    #[track_caller]
    pub fn at(&self, index: [usize; N]) -> &K::Record {
        &self.core.data[self.flat_or_panic(index)]
    }

    /// The record at `index`, mutably, or `None` (marking nothing) if it is out of bounds.
    pub fn get_mut(&mut self, index: [usize; N]) -> Option<&mut K::Record> {
        let flat = self.flat(index)?;
        self.core.pending.get_mut().mark_records(flat..flat + 1);
        Some(&mut self.core.data[flat])
    }

    /// The record at `index`, mutably; marks the whole record for upload.
    ///
    /// # Panics
    ///
    /// If `index` is out of bounds (nothing is marked then).
    #[track_caller]
    pub fn at_mut(&mut self, index: [usize; N]) -> &mut K::Record {
        let flat = self.flat_or_panic(index);
        self.core.pending.get_mut().mark_records(flat..flat + 1);
        &mut self.core.data[flat]
    }

    /// Sets every record to `value`; marks everything.
    pub fn fill(&mut self, value: K::Record) {
        self.core.data.fill(value);
        self.core.pending.get_mut().mark_all();
    }

    /// Overwrites every record from `src`; marks everything.
    ///
    /// # Panics
    ///
    /// If `src.len() != self.len()`, like [`slice::copy_from_slice`];
    /// [`try_copy_from_slice`](Self::try_copy_from_slice) returns an error instead.
    #[track_caller]
    pub fn copy_from_slice(&mut self, src: &[K::Record]) {
        self.try_copy_from_slice(src).unwrap_or_else(|error| panic!("{error}"));
    }

    /// Overwrites every record from `src`; marks everything.
    ///
    /// # Errors
    ///
    /// [`Error::ShapeMismatch`](Error::ShapeMismatch) (nothing written or marked) if `src.len() != self.len()`.
    pub fn try_copy_from_slice(&mut self, src: &[K::Record]) -> Result<(), Error> {
        if src.len() != self.core.data.len() {
            let (expected, actual) = (self.core.data.len(), src.len());
            return Err(Error::ShapeMismatch { shape: self.shape.to_vec(), expected, actual });
        }
        self.core.data.copy_from_slice(src);
        self.core.pending.get_mut().mark_all();
        Ok(())
    }

    /// Overwrites every record from `data`; marks everything: glium's
    /// `write`, the same as [`copy_from_slice`](Self::copy_from_slice).
    ///
    /// # Panics
    ///
    /// If `data.len() != self.len()`, like glium's; [`try_write`](Self::try_write)
    /// returns an error instead.
    ///
    /// # Examples
    ///
    /// ```
    /// # use gloo_runtime::{Vertex, VertexBuffer};
    /// # #[derive(Clone, Copy, Vertex)] #[repr(C)] struct P { x: f32 }
    /// let mut v = VertexBuffer::<P>::zeros([2]);
    /// v.take_dirty();
    /// v.write(&[P { x: 1.0 }, P { x: 2.0 }]);
    /// assert_eq!(v.dirty(), Some(0..8));
    /// ```
    #[track_caller]
    pub fn write(&mut self, data: &[K::Record]) {
        self.copy_from_slice(data);
    }

    /// Overwrites every record from `data`; marks everything.
    ///
    /// # Errors
    ///
    /// [`Error::ShapeMismatch`](Error::ShapeMismatch) (nothing written or
    /// marked) if `data.len() != self.len()`.
    pub fn try_write(&mut self, data: &[K::Record]) -> Result<(), Error> {
        self.try_copy_from_slice(data)
    }

    /// Every record, mutably, in row-major order; marks them all: glium's
    /// `map()`, with no mapping behind it (the records live on the CPU).
    ///
    /// Writes through the slice are sent as one whole-buffer upload. To
    /// send only what changed, write through the field accessors or
    /// [`records_mut`](Self::records_mut) over the records you change.
    ///
    /// # Examples
    ///
    /// ```
    /// # use gloo_runtime::{Vertex, VertexBuffer};
    /// # #[derive(Clone, Copy, Vertex)] #[repr(C)] struct P { x: f32 }
    /// let mut v = VertexBuffer::<P>::zeros([3]);
    /// for (i, p) in v.map().iter_mut().enumerate() {
    ///     p.x = i as f32;
    /// }
    /// assert_eq!(v.at([2]).x, 2.0);
    /// assert_eq!(v.dirty(), Some(0..12));
    /// ```
    pub fn map(&mut self) -> &mut [K::Record] {
        self.records_mut(..)
    }

    /// The records in `range` of the row-major order (any range
    /// expression: `a..b`, `a..`, `..=b`, `..`), mutably; marks them all (an
    /// empty range marks nothing).
    ///
    /// # Panics
    ///
    /// If the range is out of bounds or decreasing, like slice indexing;
    /// [`try_records_mut`](Self::try_records_mut) returns `None` instead.
    ///
    /// # Examples
    ///
    /// ```
    /// # use gloo_runtime::{Vertex, VertexBuffer};
    /// # #[derive(Clone, Copy, Vertex)] #[repr(C)] struct P { x: f32 }
    /// let mut v = VertexBuffer::<P>::zeros([10]);
    /// v.take_dirty();
    /// v.records_mut(8..)[0].x = 1.0;
    /// assert_eq!(v.dirty(), Some(32..40)); // records 8 and 9
    /// v.records_mut(..=1)[1].x = 1.0;
    /// assert_eq!(v.dirty(), Some(0..40));
    /// ```
    #[track_caller]
    pub fn records_mut(&mut self, range: impl RangeBounds<usize>) -> &mut [K::Record] {
        let len = self.core.data.len();
        match self.try_records_mut((range.start_bound().cloned(), range.end_bound().cloned())) {
            Some(records) => records,
            None => range_out_of_bounds(&range, len),
        }
    }

    /// The records in `range`, mutably, or `None` (marking nothing) if the
    /// range is out of bounds or decreasing.
    pub fn try_records_mut(&mut self, range: impl RangeBounds<usize>) -> Option<&mut [K::Record]> {
        let range = bounded(&range, self.core.data.len())?;
        self.core.pending.get_mut().mark_records(range.clone());
        Some(&mut self.core.data[range])
    }
}

/// The plan of a buffer's uploads, as byte ranges.
impl<K: RecordKind, const N: usize> TrackedBuffer<K, N> {
    /// Returns [`dirty`](Self::dirty) and forgets the pending writes, as
    /// an upload would. A buffer with no GPU copy yet is still sent whole
    /// at its first upload.
    pub fn take_dirty(&mut self) -> Option<Range<usize>> {
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
    /// copies its old content on the GPU and then sends the same plan. On
    /// wgpu, whose writes move whole 4-byte words, each range is widened
    /// outward to 4 bytes: what is really sent.
    pub fn upload_plan(&self) -> Vec<Range<usize>> {
        let (stride, align) = (self.core.stride, self.core.align());
        let mut plan = self.core.plan(());
        plan.iter_mut().for_each(|records| *records = <Range<usize> as Region>::sent(records.clone(), stride, align));
        plan
    }
}

/// `range` as a `Range` inside `0..len`, or `None` if it reaches past
/// `len`, decreases, or overflows.
pub(crate) fn bounded(range: &impl RangeBounds<usize>, len: usize) -> Option<Range<usize>> {
    let start = match range.start_bound() {
        Bound::Included(&start) => start,
        Bound::Excluded(&start) => start.checked_add(1)?,
        Bound::Unbounded => 0,
    };
    let end = match range.end_bound() {
        Bound::Included(&end) => end.checked_add(1)?,
        Bound::Excluded(&end) => end,
        Bound::Unbounded => len,
    };
    (start <= end && end <= len).then_some(start..end)
}

/// The GPU side every kind shares, through glium (feature `glium`, on by
/// default) or wgpu (feature `wgpu`).
#[cfg(any(feature = "glium", feature = "wgpu"))]
impl<K: BufferKind, const N: usize> TrackedBuffer<K, N> {
    /// Brings the GPU copy up to date without drawing: creates the GPU
    /// buffer on first use, then sends the ranges of
    /// [`upload_plan`](Self::upload_plan), one call each.
    ///
    /// # Errors
    ///
    /// [`Error::ContextMismatch`] if the buffer lives in another context (its
    /// pending writes are kept), [`Error::BufferCreation`] if GL cannot
    /// create the buffer.
    pub fn upload<C: GpuTarget + ?Sized>(&mut self, target: &C) -> Result<(), Error> {
        self.core.upload(&target.backend_context(), self.kind.extra(), self.kind.plan_shape()).map(drop)
    }

    /// What the GPU holds now (its first `len()` records), read back;
    /// pending writes are not uploaded first.
    ///
    /// # Errors
    ///
    /// [`Error::NotUploaded`](Error::NotUploaded) if there is no GPU
    /// copy yet, [`Error::ContextMismatch`](Error::ContextMismatch)
    /// if it lives in another context, [`Error::Read`](Error::Read)
    /// if GL cannot read it back.
    pub fn read_gpu<C: GpuTarget + ?Sized>(&self, target: &C) -> Result<Vec<K::Record>, Error> {
        self.core.read_gpu(&target.backend_context())
    }

    /// What the GPU holds now, read back through the context the buffer
    /// was created or last uploaded in: glium's `read()`. Pending writes are
    /// not uploaded first.
    ///
    /// # Errors
    ///
    /// [`Error::NotUploaded`](Error::NotUploaded) if there is no GPU copy
    /// (so no context to read through), [`Error::Read`](Error::Read) if GL
    /// cannot read it back.
    ///
    /// # Examples
    ///
    /// ```
    /// # use gloo_runtime::{Vertex, VertexBuffer};
    /// # #[derive(Clone, Copy, Debug, PartialEq, Vertex)] #[repr(C)] struct P { x: f32 }
    /// let context = gloo_runtime::headless::HeadlessContext::new()?;
    /// let mut v = VertexBuffer::new(&context, &[P { x: 1.0 }, P { x: 2.0 }])?;
    /// *v.x_mut(0) = 5.0;
    /// assert_eq!(v.read()?, [P { x: 1.0 }, P { x: 2.0 }]); // not sent yet
    /// # Ok::<(), gloo_runtime::Error>(())
    /// ```
    pub fn read(&self) -> Result<Vec<K::Record>, Error> {
        self.core.read_own()
    }

    /// What each kind's `bind` does: brings the GPU copy up to date in
    /// `target`'s context, traces its activation, and returns it bound.
    pub(crate) fn bind_in<C: Binds<K::Storage> + ?Sized>(&mut self, target: &C) -> Result<C::Bound<'_>, Error> {
        let len = self.core.data.len();
        let gpu = self.core.upload(&target.backend_context(), self.kind.extra(), self.kind.plan_shape())?;
        log::debug!(target: crate::TRACE_TARGET, "GPU: Activating {} (id={})", <K::Region as Region>::KIND, gpu.id);
        C::bound(&gpu.resource, len)
    }

    /// What each kind's `drawable` does: the clean GPU copy in `target`'s
    /// context, bound, through a shared borrow.
    pub(crate) fn drawable_in<C: Binds<K::Storage> + ?Sized>(&self, target: &C) -> Result<C::Bound<'_>, Error> {
        let gpu = self.core.drawable(&target.backend_context())?;
        C::bound(&gpu.resource, self.core.data.len())
    }
}

/// Growth, for rank-1 buffers.
///
/// # Examples
///
/// ```
/// # use gloo_runtime::{Vertex, VertexBuffer};
/// # #[derive(Clone, Copy, Vertex)] #[repr(C)] struct P { x: f32 }
/// let mut v = VertexBuffer::<P>::zeros([0]);
/// v.push(P { x: 1.0 });
/// v.extend_from_slice(&[P { x: 2.0 }, P { x: 3.0 }]);
/// assert_eq!((v.shape(), v.dirty()), ([3], Some(0..12)));
/// v.truncate(1);
/// assert_eq!(v.len(), 1);
/// ```
impl<K: RecordKind> TrackedBuffer<K, 1> {
    /// Appends a record (marked for upload). The GL buffer, once it
    /// exists, grows by doubling at the next upload.
    ///
    /// # Panics
    ///
    /// If memory runs out; [`try_push`](Self::try_push) returns an error instead.
    #[track_caller]
    pub fn push(&mut self, record: K::Record) {
        self.try_push(record).unwrap_or_else(|error| panic!("{error}"));
    }

    /// Appends a record (marked for upload).
    ///
    /// # Errors
    ///
    /// [`Error::OutOfMemory`](Error::OutOfMemory) (nothing
    /// appended) if memory runs out.
    pub fn try_push(&mut self, record: K::Record) -> Result<(), Error> {
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
    pub fn extend_from_slice(&mut self, records: &[K::Record]) {
        self.try_extend_from_slice(records).unwrap_or_else(|error| panic!("{error}"));
    }

    /// Appends records (marked for upload).
    ///
    /// # Errors
    ///
    /// [`Error::OutOfMemory`](Error::OutOfMemory) (nothing
    /// appended) if memory runs out.
    pub fn try_extend_from_slice(&mut self, records: &[K::Record]) -> Result<(), Error> {
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
    pub fn resize(&mut self, len: usize, value: K::Record) {
        self.try_resize(len, value).unwrap_or_else(|error| panic!("{error}"));
    }

    /// Grows to `len` records with copies of `value` (marked for upload),
    /// or shrinks to `len`.
    ///
    /// # Errors
    ///
    /// [`Error::OutOfMemory`](Error::OutOfMemory) (nothing
    /// changed) if memory runs out.
    pub fn try_resize(&mut self, len: usize, value: K::Record) -> Result<(), Error> {
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
    /// [`Error::OutOfMemory`](Error::OutOfMemory) if memory runs out
    /// (or the capacity would overflow).
    pub fn try_reserve(&mut self, additional: usize) -> Result<(), Error> {
        self.core.try_reserve(additional)
    }

    /// The number of records the CPU side can hold without reallocating.
    pub fn capacity(&self) -> usize {
        self.core.data.capacity()
    }
}

/// Rows, for rank-2 buffers.
impl<K: BufferKind> TrackedBuffer<K, 2> {
    /// Row `i` (records `[i, 0]` to `[i, n - 1]`).
    ///
    /// # Panics
    ///
    /// If `i` is out of bounds; [`get_row`](Self::get_row) returns `None` instead.
    #[track_caller]
    pub fn row(&self, i: usize) -> &[K::Record] {
        match self.get_row(i) {
            Some(row) => row,
            None => row_out_of_bounds(i, self.shape),
        }
    }

    /// Row `i`, or `None` if it is out of bounds.
    pub fn get_row(&self, i: usize) -> Option<&[K::Record]> {
        let cols = self.shape[1];
        (i < self.shape[0]).then(|| &self.core.data[i * cols..(i + 1) * cols])
    }

    /// Row `i`, mutably; marks the whole row.
    ///
    /// # Panics
    ///
    /// If `i` is out of bounds (nothing is marked then); [`get_row_mut`](Self::get_row_mut)
    /// returns `None` instead.
    #[track_caller]
    pub fn row_mut(&mut self, i: usize) -> &mut [K::Record] {
        let shape = self.shape;
        match self.get_row_mut(i) {
            Some(row) => row,
            None => row_out_of_bounds(i, shape),
        }
    }

    /// Row `i`, mutably, or `None` (marking nothing) if it is out of bounds.
    pub fn get_row_mut(&mut self, i: usize) -> Option<&mut [K::Record]> {
        let cols = self.shape[1];
        (i < self.shape[0]).then(|| self.try_records_mut(i * cols..(i + 1) * cols).expect("row in bounds"))
    }
}

/// Growth by rows, for rank-2 buffers.
impl<K: RecordKind> TrackedBuffer<K, 2> {
    /// Appends a row (marked for upload).
    ///
    /// # Errors
    ///
    /// Nothing is appended on error: [`Error::RowLength`] if `row` does not
    /// hold exactly `shape()[1]` records, [`Error::ShapeOverflow`] if one
    /// more row overflows the shape, [`Error::OutOfMemory`] if memory runs out.
    ///
    /// # Examples
    ///
    /// ```
    /// # use gloo_runtime::{Error, Vertex, VertexBuffer};
    /// # #[derive(Clone, Copy, Vertex)] #[repr(C)] struct P { x: f32 }
    /// let mut grid = VertexBuffer::<P, 2>::zeros([0, 3]);
    /// grid.push_row(&[P { x: 1.0 }; 3])?;
    /// assert_eq!(grid.shape(), [1, 3]);
    /// assert!(matches!(grid.push_row(&[P { x: 1.0 }; 2]), Err(Error::RowLength { expected: 3, actual: 2 })));
    /// # Ok::<(), Error>(())
    /// ```
    pub fn push_row(&mut self, row: &[K::Record]) -> Result<(), Error> {
        if row.len() != self.shape[1] {
            return Err(Error::RowLength { expected: self.shape[1], actual: row.len() });
        }
        let rows = self.shape[0].checked_add(1).ok_or_else(|| Error::ShapeOverflow { shape: self.shape.to_vec() })?;
        records_of([rows, self.shape[1]], self.core.stride)?;
        self.core.try_extend_from_slice(row)?;
        self.shape[0] = rows;
        Ok(())
    }
}

/// Constructors and field access, for the kinds whose records have named
/// fields: vertices and blocks.
impl<K: FieldKind, const N: usize> TrackedBuffer<K, N> {
    /// A buffer of `shape`, every record zeroed, all of it dirty.
    ///
    /// # Panics
    ///
    /// If the shape's record count or byte size overflows; [`try_zeros`](Self::try_zeros)
    /// returns the error instead.
    #[track_caller]
    pub fn zeros(shape: [usize; N]) -> Self {
        Self::try_zeros(shape).unwrap_or_else(|error| panic!("{error}"))
    }

    /// A buffer of `shape`, every record zeroed, all of it dirty.
    ///
    /// # Errors
    ///
    /// [`Error::ShapeOverflow`] if the record count or byte size overflows,
    /// [`Error::OutOfMemory`] if it fits `usize` but not in memory.
    ///
    /// # Examples
    ///
    /// ```
    /// # use gloo_runtime::{Error, Vertex, VertexBuffer};
    /// # #[derive(Clone, Copy, Vertex)] #[repr(C)] struct P { x: f32 }
    /// assert_eq!(VertexBuffer::<P, 2>::try_zeros([3, 3])?.nbytes(), 36);
    /// assert!(matches!(VertexBuffer::<P, 2>::try_zeros([usize::MAX, 2]), Err(Error::ShapeOverflow { .. })));
    /// assert!(matches!(VertexBuffer::<P>::try_zeros([isize::MAX as usize / 4]), Err(Error::OutOfMemory { .. })));
    /// # Ok::<(), Error>(())
    /// ```
    #[track_caller]
    pub fn try_zeros(shape: [usize; N]) -> Result<Self, Error> {
        let records = records_of(shape, size_of::<K::Record>())?;
        Self::new_dirty(shape, try_zeroed_vec(records)?)
    }

    /// A buffer holding `data` in row-major order, all of it dirty.
    ///
    /// # Errors
    ///
    /// [`Error::ShapeMismatch`] if `data.len()` is not the product of `shape`,
    /// [`Error::ShapeOverflow`] if that product overflows,
    /// [`Error::OutOfMemory`] if the dirty bits cannot be allocated.
    ///
    /// # Examples
    ///
    /// ```
    /// # use gloo_runtime::{Error, Vertex, VertexBuffer};
    /// # #[derive(Clone, Copy, Vertex)] #[repr(C)] struct P { x: f32 }
    /// let v = VertexBuffer::<P, 2>::from_vec([2, 3], vec![P { x: 1.0 }; 6])?;
    /// assert_eq!(v.shape(), [2, 3]);
    /// assert!(matches!(
    ///     VertexBuffer::<P, 2>::from_vec([2, 3], vec![P { x: 1.0 }; 5]),
    ///     Err(Error::ShapeMismatch { expected: 6, actual: 5, .. })
    /// ));
    /// # Ok::<(), Error>(())
    /// ```
    #[track_caller]
    pub fn from_vec(shape: [usize; N], data: Vec<K::Record>) -> Result<Self, Error> {
        let expected = records_of(shape, size_of::<K::Record>())?;
        if data.len() != expected {
            return Err(Error::ShapeMismatch { shape: shape.to_vec(), expected, actual: data.len() });
        }
        Self::new_dirty(shape, data)
    }

    /// A buffer whose record at each index is `f(index)`, all of it dirty.
    ///
    /// # Panics
    ///
    /// If the shape's record count or byte size overflows, or memory runs out.
    ///
    /// # Examples
    ///
    /// ```
    /// # use gloo_runtime::{Vertex, VertexBuffer};
    /// # #[derive(Clone, Copy, Vertex)] #[repr(C)] struct P { x: f32 }
    /// let v = VertexBuffer::<P, 2>::from_fn([2, 3], |[i, j]| P { x: (10 * i + j) as f32 });
    /// assert_eq!(v.at([1, 2]).x, 12.0);
    /// ```
    #[track_caller]
    pub fn from_fn(shape: [usize; N], mut f: impl FnMut([usize; N]) -> K::Record) -> Self {
        let records = records_of(shape, size_of::<K::Record>()).unwrap_or_else(|error| panic!("{error}"));
        let data = (0..records).map(|flat| f(unravel(flat, shape))).collect();
        Self::new_dirty(shape, data).unwrap_or_else(|error| panic!("{error}"))
    }

    #[track_caller]
    fn new_dirty(shape: [usize; N], data: Vec<K::Record>) -> Result<Self, Error> {
        let core = Tracked::new_dirty(data, K::SLOTS, size_of::<K::Record>())?;
        Ok(TrackedBuffer { core, shape, kind: K::kind() })
    }

    /// Field `field` of the record at `index`.
    ///
    /// # Panics
    ///
    /// If `index` is out of bounds.
    #[inline]
    #[track_caller]
    pub fn field<F>(&self, field: Field<K::Record, F>, index: [usize; N]) -> &F {
        field.get(&self.core.data[self.flat_or_panic(index)])
    }

    /// Field `field` of the record at `index`, or `None` if it is out of bounds.
    #[inline]
    pub fn get_field<F>(&self, field: Field<K::Record, F>, index: [usize; N]) -> Option<&F> {
        self.flat(index).map(|flat| field.get(&self.core.data[flat]))
    }

    /// Field `field` of the record at `index`, mutably; marks the field's bytes
    /// for upload. This is what the named `*_mut` accessors call, and the hot
    /// path: one bounds check per axis and one bit set (stored only if it
    /// was clear).
    ///
    /// # Panics
    ///
    /// If `index` is out of bounds (nothing is marked then).
    ///
    /// # Examples
    ///
    /// ```
    /// # use gloo_runtime::{Vertex, VertexBuffer};
    /// # #[derive(Clone, Copy, Vertex)] #[repr(C)] struct Point { position: [f32; 2], color: [f32; 3] }
    /// let mut v = VertexBuffer::<Point, 2>::zeros([3, 3]);
    /// v.take_dirty();
    /// *v.field_mut(Point::FIELDS.color, [1, 1]) = [1.0, 1.0, 0.0];
    /// assert_eq!(v.dirty(), Some(88..100));
    /// ```
    #[inline]
    #[track_caller]
    pub fn field_mut<F>(&mut self, field: Field<K::Record, F>, index: [usize; N]) -> &mut F {
        let flat = self.flat_or_panic(index);
        // SAFETY: `flat_or_panic` checked every axis against the shape, whose
        // product is `len()`, the record count of both the data and the
        // pending set; a `Field` of `T` has `index() < K::SLOTS.len()`.
        unsafe { self.field_mut_unchecked(field, flat) }
    }

    /// The write path without its checks: marks the field, returns it.
    ///
    /// # Safety
    ///
    /// `flat < self.len()`.
    #[inline(always)]
    unsafe fn field_mut_unchecked<F>(&mut self, field: Field<K::Record, F>, flat: usize) -> &mut F {
        // A zero-sized field has no bytes to send. The slot count is a
        // constant of `T`, so the bit index folds to one multiply-add.
        if size_of::<F>() != 0 {
            // SAFETY: `flat < len()` and `field.index() < slots`, so the bit is
            // below `len() * slots`.
            unsafe { self.core.pending.get_mut().mark_unchecked(flat * K::SLOTS.len() + field.index()) };
        }
        // SAFETY: `flat < len() == data.len()`.
        field.get_mut(unsafe { self.core.data.get_unchecked_mut(flat) })
    }

    /// Field `field` of the record at `index`, mutably, or `None` (marking
    /// nothing) if it is out of bounds.
    #[inline]
    pub fn get_field_mut<F>(&mut self, field: Field<K::Record, F>, index: [usize; N]) -> Option<&mut F> {
        let flat = self.flat(index)?;
        // SAFETY: `flat` passed the bounds checks of `flat`; see `field_mut`.
        Some(unsafe { self.field_mut_unchecked(field, flat) })
    }

    /// Sets field `field` of every record to `value`; marks that field of every record.
    ///
    /// # Examples
    ///
    /// ```
    /// # use gloo_runtime::{Vertex, VertexBuffer};
    /// # #[derive(Clone, Copy, Vertex)] #[repr(C)] struct Point { position: [f32; 2], color: [f32; 3] }
    /// let mut v = VertexBuffer::<Point>::zeros([4]);
    /// v.take_dirty();
    /// v.fill_field(Point::FIELDS.color, [1.0, 1.0, 0.0]);
    /// assert_eq!(v.dirty(), Some(8..80)); // from the first colour to the last
    /// ```
    pub fn fill_field<F: Copy>(&mut self, field: Field<K::Record, F>, value: F) {
        for flat in 0..self.core.data.len() {
            // SAFETY: `flat < len()`.
            *unsafe { self.field_mut_unchecked(field, flat) } = value;
        }
    }
}

/// The index of the `flat`-th record in row-major order.
fn unravel<const N: usize>(mut flat: usize, shape: [usize; N]) -> [usize; N] {
    let mut index = [0; N];
    for axis in (0..N).rev() {
        index[axis] = flat % shape[axis];
        flat /= shape[axis];
    }
    index
}

/// A copy of the CPU data, entirely dirty, with no GPU object: GPU buffers
/// are not shared between gloo buffers. The clone is a buffer of its own,
/// and the messages that name where a buffer was created name the
/// `clone()` call.
impl<K: BufferKind, const N: usize> Clone for TrackedBuffer<K, N> {
    #[track_caller]
    fn clone(&self) -> Self {
        TrackedBuffer { core: self.core.detached_clone(), shape: self.shape, kind: self.kind.clone() }
    }
}

#[cold]
#[inline(never)]
#[track_caller]
pub(crate) fn out_of_bounds<const N: usize>(index: [usize; N], shape: [usize; N]) -> ! {
    panic!("index {index:?} out of bounds for shape {shape:?}")
}

/// A row past the last: `row 4 out of bounds for shape [4, 8] (4 rows)`.
#[cold]
#[inline(never)]
#[track_caller]
fn row_out_of_bounds(i: usize, shape: [usize; 2]) -> ! {
    panic!("row {i} out of bounds for shape {shape:?} ({} rows)", shape[0])
}

/// [`out_of_bounds`] for up to 4 axes, each a value of its own (`None`
/// past the rank), so that nothing is stored before the call.
#[cold]
#[inline(never)]
#[track_caller]
fn out_of_bounds_by_axis(index: [Option<usize>; 4], shape: [Option<usize>; 4]) -> ! {
    let index: Vec<usize> = index.into_iter().flatten().collect();
    let shape: Vec<usize> = shape.into_iter().flatten().collect();
    panic!("index {index:?} out of bounds for shape {shape:?}")
}

#[cold]
#[inline(never)]
#[track_caller]
fn range_out_of_bounds(range: &impl RangeBounds<usize>, len: usize) -> ! {
    let (start, end) = (range.start_bound(), range.end_bound());
    panic!("record range ({start:?}, {end:?}) out of bounds for {len} records")
}

#[cfg(test)]
mod tests {
    use super::unravel;

    #[test]
    fn unravel_is_row_major() {
        assert_eq!(unravel(0, [3, 4]), [0, 0]);
        assert_eq!(unravel(5, [3, 4]), [1, 1]);
        assert_eq!(unravel(23, [2, 3, 4]), [1, 2, 3]);
    }
}
