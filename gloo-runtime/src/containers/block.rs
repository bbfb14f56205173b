//! Typed blocks on the GPU: [`StorageBuffer<T, N>`], the [`Blocks`] kind of
//! [`TrackedBuffer`] (an N-d array of std430 or std140 records, as
//! `VertexBuffer` is of vertices), and [`UniformBuffer<T>`], one block
//! whose writes are sent field by field, built on the same container.

use core::fmt;
use core::marker::PhantomData;
use core::ops::{Deref, DerefMut, Range};

#[cfg(any(feature = "glium", feature = "wgpu"))]
use crate::backends::target::{Binds, GpuTarget};
use crate::backends::{BlockStorage, BufferUse, UniformStorage};
use crate::containers::buffer::{sealed, BufferKind, FieldKind, RecordKind, TrackedBuffer};
use crate::tracking::backend::FieldRuns;
use crate::tracking::block::{Block, Rules};
use crate::tracking::layout::{Field, FieldLayout};
use crate::tracking::plan::MergePolicy;
use crate::tracking::stats::UploadStats;
#[cfg(any(feature = "glium", feature = "wgpu"))]
use crate::Error;

/// An N-d array (row-major) of blocks `T`, kept on the CPU, uploaded
/// lazily: a storage buffer (`buffer Particles { Particle p[]; }`), or,
/// for std140 records, an array in a uniform block (`uniform Lights {
/// Light lights[256]; }`). It is [`TrackedBuffer<Blocks<T>, N>`](TrackedBuffer),
/// as [`VertexBuffer`](crate::VertexBuffer) is of vertices: the same
/// constructors, indexed accessors (`velocity_mut(i)`), whole-record
/// plans, policies, storage modes and growth.
///
/// `bind` gives what `uniform!` takes for the block (glium checks the
/// layout against the program's) or a `wgpu::BindingResource` over the
/// records.
///
/// # Examples
///
/// ```
/// use gloo_runtime::{Block, StorageBuffer};
///
/// #[derive(Clone, Copy, Block)]
/// #[block(std430)]
/// #[repr(C)]
/// struct Particle { position: [f32; 3], mass: f32, velocity: [f32; 3], age: f32 } // 32 bytes
///
/// let data = vec![Particle { position: [0.0; 3], mass: 1.0, velocity: [0.0; 3], age: 0.0 }; 64];
/// let mut particles = StorageBuffer::<Particle>::from_vec([64], data)?;
/// # let context = gloo_runtime::headless::HeadlessContext::new()?;
/// particles.upload(&context)?;
/// *particles.velocity_mut(2) = [0.0, 1.0, 0.0];
/// assert_eq!(particles.upload_plan(), vec![64..96]); // whole records sent
/// # Ok::<(), gloo_runtime::Error>(())
/// ```
pub type StorageBuffer<T, const N: usize = 1> = TrackedBuffer<Blocks<T>, N>;

/// The kind of [`TrackedBuffer`] that holds blocks `T`: see
/// [`StorageBuffer`]. Never made by users; it only names the kind.
pub struct Blocks<T>(PhantomData<T>);

impl<T> fmt::Debug for Blocks<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Blocks")
    }
}

impl<T> Clone for Blocks<T> {
    fn clone(&self) -> Self {
        Blocks(PhantomData)
    }
}

impl<T: Block> sealed::Sealed for Blocks<T> {}

impl<T: Block> BufferKind for Blocks<T> {
    type Record = T;
    type Region = Range<usize>;
    type Storage = BlockStorage<T>;

    /// std140 records may be bound as a uniform block's array, std430 ones
    /// as a storage block's.
    fn extra(&self) -> BufferUse {
        match T::BLOCK.rules {
            Rules::Std140 => BufferUse::Uniform,
            Rules::Std430 => BufferUse::Storage,
        }
    }

    fn plan_shape(&self) {}
}

impl<T: Block> RecordKind for Blocks<T> {}

impl<T: Block> FieldKind for Blocks<T> {
    const SLOTS: &'static [FieldLayout] = T::SLOTS;

    fn kind() -> Self {
        Blocks(PhantomData)
    }
}

/// The GPU side, through glium or wgpu.
#[cfg(any(feature = "glium", feature = "wgpu"))]
impl<T: Block, const N: usize> StorageBuffer<T, N> {
    /// Brings the GPU copy up to date and returns it bound: through glium
    /// what `uniform!` takes for a block whose one member is an array of
    /// `T` ([`BoundBlock`](crate::BoundBlock); glium checks its layout
    /// against the program's before the draw), through a
    /// [`WgpuContext`](crate::WgpuContext) a `wgpu::BindingResource` over
    /// the records, for a bind group entry.
    ///
    /// # Errors
    ///
    /// [`Error::ContextMismatch`] if the buffer lives in another context,
    /// [`Error::BufferCreation`] if the backend cannot create it.
    pub fn bind<C: Binds<BlockStorage<T>> + ?Sized>(&mut self, target: &C) -> Result<C::Bound<'_>, Error> {
        self.bind_in(target)
    }

    /// The GPU copy, bound as [`bind`](Self::bind) binds it, through a
    /// shared borrow; call [`upload`](TrackedBuffer::upload) first.
    ///
    /// # Errors
    ///
    /// [`Error::NotUploaded`], [`Error::ContextMismatch`], or
    /// [`Error::PendingWrites`] if it has writes the GPU has not seen.
    pub fn drawable<C: Binds<BlockStorage<T>> + ?Sized>(&self, target: &C) -> Result<C::Bound<'_>, Error> {
        self.drawable_in(target)
    }
}

/// The kind of the one-record [`TrackedBuffer`] inside a
/// [`UniformBuffer<T>`]: its plan is in fields, not records.
pub struct Uniform<T>(PhantomData<T>);

impl<T> fmt::Debug for Uniform<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Uniform")
    }
}

impl<T> Clone for Uniform<T> {
    fn clone(&self) -> Self {
        Uniform(PhantomData)
    }
}

impl<T: Block> sealed::Sealed for Uniform<T> {}

impl<T: Block> BufferKind for Uniform<T> {
    type Record = T;
    type Region = FieldRuns;
    type Storage = UniformStorage<T>;

    fn extra(&self) {}

    fn plan_shape(&self) -> &'static [FieldLayout] {
        T::SLOTS
    }
}

/// One block `T` (a uniform block: `uniform Light { ... };`), kept on the
/// CPU, uploaded lazily, its writes sent field by field: a member's
/// accessor (`intensity_mut()`) marks that member, and the plan covers the
/// members written (Extent: from the first to the last; Coalesce: runs of
/// them), not the block.
///
/// # Examples
///
/// ```
/// use gloo_runtime::headless::HeadlessContext;
/// use gloo_runtime::{Block, UniformBuffer};
///
/// #[derive(Clone, Copy, Block)]
/// #[block(std140)]
/// #[repr(C)]
/// struct Light { position: [f32; 3], intensity: f32, color: [f32; 4] }
///
/// let context = HeadlessContext::new()?;
/// let mut light = UniformBuffer::new(&context, Light { position: [0.0; 3], intensity: 1.0, color: [1.0; 4] })?;
/// *light.intensity_mut() = 2.5;
/// assert_eq!(light.upload_plan(), vec![12..16]);
/// light.upload(&context)?;
/// assert_eq!(light.stats().bytes_uploaded, 32 + 4); // created whole, then one float
/// assert_eq!(light.read_gpu(&context)?.intensity, 2.5);
/// # Ok::<(), gloo_runtime::Error>(())
/// ```
pub struct UniformBuffer<T: Block> {
    inner: TrackedBuffer<Uniform<T>, 1>,
}

impl<T: Block> UniformBuffer<T> {
    /// A buffer holding `value`, all of it dirty, with no GPU copy yet: the
    /// first `upload` or `bind` creates it.
    pub fn from_value(value: T) -> Self {
        let core = crate::tracking::tracked::Tracked::new_dirty(vec![value], T::SLOTS, size_of::<T>())
            .expect("one block's pending bits fit in memory");
        UniformBuffer { inner: TrackedBuffer { core, shape: [1], kind: Uniform(PhantomData) } }
    }

    /// A buffer holding a block of zeros (every member 0), all of it
    /// dirty, with no GPU copy yet.
    pub fn zeros() -> Self {
        Self::from_value(bytemuck::Zeroable::zeroed())
    }

    /// The block.
    pub fn get(&self) -> &T {
        &self.inner.as_slice()[0]
    }

    /// Replaces the block; marks every member.
    pub fn set(&mut self, value: T) {
        self.inner.fill(value);
    }

    /// Member `field`. The named accessors (`intensity()`) call it.
    #[doc(hidden)]
    #[inline]
    pub fn member<F>(&self, field: Field<T, F>) -> &F {
        field.get(self.get())
    }

    /// Member `field`, mutably; marks its bytes. The named accessors
    /// (`intensity_mut()`) call it.
    #[doc(hidden)]
    #[inline]
    pub fn member_mut<F>(&mut self, field: Field<T, F>) -> &mut F {
        let core = &mut self.inner.core;
        if size_of::<F>() != 0 {
            core.pending.get_mut().mark(field.index());
        }
        field.get_mut(&mut core.data[0])
    }

    /// The block's bytes, as they are uploaded.
    pub fn as_bytes(&self) -> &[u8] {
        self.inner.as_bytes()
    }

    /// The byte extent of the pending writes, from the first member
    /// written to the last; `None` when nothing is pending.
    pub fn dirty(&self) -> Option<Range<usize>> {
        self.inner.dirty()
    }

    /// Whether writes wait for an upload.
    pub fn is_dirty(&self) -> bool {
        self.inner.is_dirty()
    }

    /// Forgets the pending writes, returning their extent.
    pub fn take_dirty(&mut self) -> Option<Range<usize>> {
        self.inner.core.take_dirty()
    }

    /// Exactly the byte ranges the next upload sends, one call each: the
    /// whole block while there is no GPU copy, then the members written,
    /// merged by the [`MergePolicy`].
    pub fn upload_plan(&self) -> Vec<Range<usize>> {
        self.inner.core.plan(T::SLOTS).into_iter().flat_map(|region| region.0).collect()
    }

    /// Sets how the written members become upload calls.
    pub fn set_policy(&mut self, policy: MergePolicy) {
        self.inner.set_policy(policy);
    }

    /// The merge policy.
    pub fn policy(&self) -> MergePolicy {
        self.inner.policy()
    }

    /// What this buffer has sent to the GPU so far.
    pub fn stats(&self) -> UploadStats {
        self.inner.stats()
    }
}

impl<T: Block> Clone for UniformBuffer<T> {
    fn clone(&self) -> Self {
        UniformBuffer { inner: self.inner.clone() }
    }
}

/// The GPU side, through glium or wgpu.
#[cfg(any(feature = "glium", feature = "wgpu"))]
impl<T: Block> UniformBuffer<T> {
    /// A buffer holding `value`, created on the GPU at once, as glium's
    /// `UniformBuffer::new`.
    ///
    /// # Errors
    ///
    /// [`Error::BufferCreation`] if the backend cannot create it.
    pub fn new<C: GpuTarget + ?Sized>(target: &C, value: T) -> Result<Self, Error> {
        let mut buffer = Self::from_value(value);
        buffer.upload(target)?;
        Ok(buffer)
    }

    /// Sends the members written since the last upload (creating the GPU
    /// copy at the first).
    ///
    /// # Errors
    ///
    /// [`Error::ContextMismatch`] if the buffer lives in another context,
    /// [`Error::BufferCreation`] if the backend cannot create it.
    pub fn upload<C: GpuTarget + ?Sized>(&mut self, target: &C) -> Result<(), Error> {
        self.inner.upload(target)
    }

    /// Brings the GPU copy up to date and returns it bound: through glium
    /// what `uniform!` takes for the block ([`BoundBlock`](crate::BoundBlock);
    /// glium checks its layout against the program's block of that name
    /// before the draw), through a [`WgpuContext`](crate::WgpuContext) a
    /// `wgpu::BindingResource` for a bind group entry.
    ///
    /// # Errors
    ///
    /// As [`upload`](Self::upload).
    pub fn bind<C: Binds<UniformStorage<T>> + ?Sized>(&mut self, target: &C) -> Result<C::Bound<'_>, Error> {
        self.inner.bind_in(target)
    }

    /// The GPU copy, bound as [`bind`](Self::bind) binds it, through a
    /// shared borrow; call [`upload`](Self::upload) first.
    ///
    /// # Errors
    ///
    /// [`Error::NotUploaded`], [`Error::ContextMismatch`], or
    /// [`Error::PendingWrites`] if it has writes the GPU has not seen.
    pub fn drawable<C: Binds<UniformStorage<T>> + ?Sized>(&self, target: &C) -> Result<C::Bound<'_>, Error> {
        self.inner.drawable_in(target)
    }

    /// What the GPU holds now, read back; pending writes are not sent
    /// first.
    ///
    /// # Errors
    ///
    /// [`Error::NotUploaded`], [`Error::ContextMismatch`], [`Error::Read`].
    pub fn read_gpu<C: GpuTarget + ?Sized>(&self, target: &C) -> Result<T, Error> {
        Ok(self.inner.read_gpu(target)?.remove(0))
    }
}

/// The named member accessors of a block type's buffers, which
/// `#[derive(Block)]` implements beside [`Block`]: a [`UniformBuffer<T>`]
/// dereferences to [`Uniform`](BlockAccessors::Uniform) (`intensity()`,
/// `intensity_mut()`), a [`StorageBuffer<T, N>`] to
/// [`Storage<N>`](BlockAccessors::Storage) (`velocity_mut(i)`).
///
/// # Safety
///
/// Both are `#[repr(transparent)]` wrappers around the buffer they name
/// and nothing else.
pub unsafe trait BlockAccessors: Block {
    /// The type that carries a [`UniformBuffer<Self>`]'s accessors.
    type Uniform;
    /// The type that carries a [`StorageBuffer<Self, N>`]'s accessors.
    type Storage<const N: usize>;

    /// The buffer inside the accessors: never called; its signature makes
    /// the compiler prove the wrapper holds this crate's buffer.
    #[doc(hidden)]
    fn __uniform(accessors: &Self::Uniform) -> &UniformBuffer<Self>;

    /// As `__uniform`, for storage buffers.
    #[doc(hidden)]
    fn __storage<const N: usize>(accessors: &Self::Storage<N>) -> &StorageBuffer<Self, N>;
}

impl<T: BlockAccessors> Deref for UniformBuffer<T> {
    type Target = T::Uniform;

    fn deref(&self) -> &T::Uniform {
        // SAFETY: `BlockAccessors`' contract makes `Uniform` a
        // `repr(transparent)` wrapper around `UniformBuffer<T>`.
        unsafe { &*(self as *const Self).cast::<T::Uniform>() }
    }
}

impl<T: BlockAccessors> DerefMut for UniformBuffer<T> {
    fn deref_mut(&mut self) -> &mut T::Uniform {
        // SAFETY: as in `deref`; the exclusive borrow carries over.
        unsafe { &mut *(self as *mut Self).cast::<T::Uniform>() }
    }
}

impl<T: BlockAccessors, const N: usize> Deref for StorageBuffer<T, N> {
    type Target = T::Storage<N>;

    fn deref(&self) -> &T::Storage<N> {
        // SAFETY: `BlockAccessors`' contract makes `Storage<N>` a
        // `repr(transparent)` wrapper around `StorageBuffer<T, N>`.
        unsafe { &*(self as *const Self).cast::<T::Storage<N>>() }
    }
}

impl<T: BlockAccessors, const N: usize> DerefMut for StorageBuffer<T, N> {
    fn deref_mut(&mut self) -> &mut T::Storage<N> {
        // SAFETY: as in `deref`; the exclusive borrow carries over.
        unsafe { &mut *(self as *mut Self).cast::<T::Storage<N>>() }
    }
}

impl<T: Block> fmt::Debug for UniformBuffer<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UniformBuffer")
            .field("block", &T::BLOCK.name)
            .field("dirty", &self.dirty())
            .field("uploaded", &self.inner.core.gpu.get().is_some())
            .finish()
    }
}

impl<T: Block, const N: usize> fmt::Debug for StorageBuffer<T, N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StorageBuffer")
            .field("block", &T::BLOCK.name)
            .field("shape", &self.shape)
            .field("dirty", &self.dirty())
            .field("uploaded", &self.core.gpu.get().is_some())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use crate::plan::plan_fields;
    use crate::tracking::dirty::DirtyBits;
    use crate::{MergePolicy, UploadCosts};

    #[test]
    fn auto_merges_fields_across_gaps_cheaper_than_a_call() {
        let slots = [(0, 4), (4, 4), (8, 64), (72, 4)];
        let mut pending = DirtyBits::new(1, 4);
        pending.mark(0);
        pending.mark(3);
        let costs = UploadCosts { call_ns: 600.0, byte_ns: 0.1, whole_factor: 1.0 };
        assert_eq!(plan_fields(&pending, &slots, MergePolicy::Auto, &costs), vec![0..76]);
        let dear_bytes = UploadCosts { byte_ns: 100.0, ..costs };
        assert_eq!(plan_fields(&pending, &slots, MergePolicy::Auto, &dear_bytes), vec![0..4, 72..76]);
    }
}
