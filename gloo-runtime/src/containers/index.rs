//! Index buffers: the [`Indices`] kind of [`TrackedBuffer`], for `u16` and
//! `u32` indices, with their primitive type and index checks.

use core::fmt;
use core::marker::PhantomData;

#[cfg(any(feature = "glium", feature = "wgpu"))]
use crate::backends::target::Binds;
#[cfg(any(feature = "glium", feature = "wgpu"))]
use crate::backends::IndexStorage as Storage;
use crate::containers::buffer::{records_of, BufferKind, TrackedBuffer};
use crate::tracking::backend::GpuResource;
use crate::tracking::dirty::DirtyBits;
use crate::tracking::layout::{FieldLayout, Layout};
pub use crate::tracking::primitive::PrimitiveType;
use crate::tracking::tracked::Tracked;
use crate::Error;

mod sealed {
    pub trait Sealed {}
    impl Sealed for u16 {}
    impl Sealed for u32 {}
}

/// The index types an [`IndexBuffer`] holds: `u16` and `u32`.
pub trait IndexType: crate::__private::BackendIndex + bytemuck::Pod + sealed::Sealed {
    /// One record: a single index.
    const LAYOUT: Layout;

    /// The index as a vertex number.
    #[doc(hidden)]
    fn vertex(self) -> u32;
}

macro_rules! index_type {
    ($ty:ty) => {
        impl IndexType for $ty {
            fn vertex(self) -> u32 {
                u32::from(self)
            }

            const LAYOUT: Layout = Layout {
                name: stringify!($ty),
                stride: size_of::<$ty>(),
                fields: &[FieldLayout {
                    name: "index",
                    ident: "index",
                    offset: 0,
                    size: size_of::<$ty>(),
                    ty: None,
                    normalize: false,
                    location: None,
                }],
            };
        }
    };
}

index_type!(u16);
index_type!(u32);

/// An N-d array (row-major) of indices, kept on the CPU and uploaded lazily
/// like a [`VertexBuffer`](crate::VertexBuffer): every write is tracked, and
/// [`bind`](IndexBuffer::bind) sends only what changed.
///
/// # Examples
///
/// ```
/// use gloo_runtime::glium::index::PrimitiveType;
/// use gloo_runtime::IndexBuffer;
///
/// let mut quads = IndexBuffer::<u16, 2>::from_vec(
///     PrimitiveType::TrianglesList,
///     [2, 6],
///     vec![0, 1, 2, 2, 1, 3, 4, 5, 6, 6, 5, 7],
/// )?;
/// quads.take_dirty();
/// *quads.at_mut([1, 0]) = 8;
/// assert_eq!(quads.dirty(), Some(12..14));
/// # Ok::<(), gloo_runtime::Error>(())
/// ```
///
/// Through glium, glium's constructors (`IndexBuffer::new(&facade,
/// primitive, &data)`, `dynamic`, `persistent`, `immutable` and their
/// `empty_*` twins) create the GL buffer at once; `&ib` then draws while
/// nothing is pending, and `ib.source()?` sends the pending writes first,
/// as a [`VertexBuffer`](crate::VertexBuffer) made by its `new` does.
///
/// `IndexBuffer<I, N>` is [`TrackedBuffer<Indices<I>, N>`](TrackedBuffer):
/// the methods it shares with [`VertexBuffer`](crate::VertexBuffer) (reading,
/// the pending writes, whole-record writes, growth, `upload`, `read_gpu`)
/// are documented there.
pub type IndexBuffer<I, const N: usize = 1> = TrackedBuffer<Indices<I>, N>;

/// The kind of [`TrackedBuffer`] that holds indices `I`: see
/// [`IndexBuffer`]. It keeps what an index buffer has beyond its records.
#[derive(Clone, Debug)]
pub struct Indices<I> {
    primitive: PrimitiveType,
    /// The vertex count every index not marked in `core.pending` or
    /// `core.unchecked` was last found below.
    checked_against: Option<usize>,
    index: PhantomData<I>,
}

impl<I: IndexType> crate::containers::buffer::sealed::Sealed for Indices<I> {}

impl<I: IndexType> BufferKind for Indices<I> {
    type Record = I;
    type Region = core::ops::Range<usize>;
    type Storage = crate::backends::IndexStorage<I>;

    fn extra(&self) -> <Self::Storage as GpuResource<I>>::Extra {
        crate::backends::BufferUse::Index(self.primitive)
    }

    fn plan_shape(&self) {}
}

impl<I: IndexType> crate::containers::buffer::RecordKind for Indices<I> {}

impl<I: IndexType, const N: usize> IndexBuffer<I, N> {
    /// A buffer of `shape` zeros drawn as `primitive`, all of it dirty.
    ///
    /// # Panics
    ///
    /// If the shape's index count or byte size overflows; [`try_zeros`](Self::try_zeros)
    /// returns the error instead.
    #[track_caller]
    pub fn zeros(primitive: impl Into<PrimitiveType>, shape: [usize; N]) -> Self {
        Self::try_zeros(primitive, shape).unwrap_or_else(|error| panic!("{error}"))
    }

    /// A buffer of `shape` zeros drawn as `primitive`, all of it dirty.
    ///
    /// # Errors
    ///
    /// [`Error::ShapeOverflow`] if the shape's index count or byte size
    /// overflows, [`Error::OutOfMemory`] if it fits `usize` but not in memory.
    #[track_caller]
    pub fn try_zeros(primitive: impl Into<PrimitiveType>, shape: [usize; N]) -> Result<Self, Error> {
        let records = records_of(shape, I::LAYOUT.stride)?;
        Self::new_dirty(primitive.into(), shape, crate::tracking::tracked::try_zeroed_vec(records)?)
    }

    /// A buffer holding `data` in row-major order, drawn as `primitive`, all
    /// of it dirty.
    ///
    /// # Errors
    ///
    /// [`Error::ShapeMismatch`] if `data.len()` is not the product of `shape`,
    /// [`Error::ShapeOverflow`] if that product overflows,
    /// [`Error::OutOfMemory`] if the dirty bits cannot be allocated.
    #[track_caller]
    pub fn from_vec(primitive: impl Into<PrimitiveType>, shape: [usize; N], data: Vec<I>) -> Result<Self, Error> {
        let expected = records_of(shape, I::LAYOUT.stride)?;
        if data.len() != expected {
            return Err(Error::ShapeMismatch { shape: shape.to_vec(), expected, actual: data.len() });
        }
        Self::new_dirty(primitive.into(), shape, data)
    }

    #[track_caller]
    fn new_dirty(primitive: PrimitiveType, shape: [usize; N], data: Vec<I>) -> Result<Self, Error> {
        let core = Tracked::new_dirty(data, I::LAYOUT.fields, I::LAYOUT.stride)?;
        Ok(TrackedBuffer { core, shape, kind: Indices { primitive, checked_against: None, index: PhantomData } })
    }

    /// How the indices are assembled into primitives.
    pub fn primitive(&self) -> PrimitiveType {
        self.kind.primitive
    }

    /// Brings the GPU copy up to date and returns it: for glium an index
    /// source for `Surface::draw`, for wgpu a `wgpu::BufferSlice` for
    /// `set_index_buffer`. Creates the buffer on first use, then sends
    /// exactly the ranges of [`upload_plan`](Self::upload_plan).
    ///
    /// # Errors
    ///
    /// [`Error::ContextMismatch`] if the buffer lives in another context
    /// (of either backend), [`Error::BufferCreation`] if the backend cannot
    /// create the buffer.
    #[cfg(any(feature = "glium", feature = "wgpu"))]
    pub fn bind<C: Binds<Storage<I>> + ?Sized>(&mut self, target: &C) -> Result<C::Bound<'_>, Error> {
        self.core.upload(&target.backend_context(), self.kind.extra(), ())?;
        self.activate::<C>()
    }

    /// The GPU copy, just uploaded, bound.
    #[cfg(any(feature = "glium", feature = "wgpu"))]
    fn activate<C: Binds<Storage<I>> + ?Sized>(&self) -> Result<C::Bound<'_>, Error> {
        let gpu = self.core.gpu.get().expect("uploaded");
        log::debug!(target: crate::TRACE_TARGET, "GPU: Activating buffer (id={})", gpu.id);
        C::bound(&gpu.resource, self.core.data.len())
    }

    /// As [`bind`](Self::bind), after checking that every index names one
    /// of the first `vertex_count` vertices: the vertex buffer's `len()`.
    ///
    /// Neither GL nor glium checks indices: one past the vertex buffer's
    /// records draws whatever the GL buffer holds there (after a
    /// [`truncate`](crate::VertexBuffer::truncate), the deleted records), or
    /// nothing, depending on the driver. The first checked bind reads every
    /// index; later ones read only the indices written since the last check,
    /// as long as `vertex_count` does not shrink (then every index again).
    ///
    /// # Errors
    ///
    /// [`Error::IndexOutOfRange`] (nothing uploaded) for the first index at
    /// or past `vertex_count`; otherwise as [`bind`](Self::bind).
    ///
    /// # Examples
    ///
    /// ```
    /// use gloo_runtime::glium::index::PrimitiveType;
    /// use gloo_runtime::headless::HeadlessContext;
    /// use gloo_runtime::{Error, IndexBuffer, Vertex, VertexBuffer};
    ///
    /// #[derive(Clone, Copy, Vertex)]
    /// #[repr(C)]
    /// struct P { position: [f32; 2] }
    ///
    /// let context = HeadlessContext::new()?;
    /// let mut vertices = VertexBuffer::<P>::zeros([6]);
    /// let mut indices = IndexBuffer::<u16>::from_vec(PrimitiveType::TrianglesList, [6], vec![0, 1, 2, 3, 4, 5])?;
    /// indices.bind_checked(&context, vertices.len())?;
    /// vertices.truncate(3); // the GL buffer still holds records 3 to 5
    /// assert!(matches!(
    ///     indices.bind_checked(&context, vertices.len()),
    ///     Err(Error::IndexOutOfRange { position: 3, index: 3, vertex_count: 3 })
    /// ));
    /// indices.truncate(3);
    /// indices.bind_checked(&context, vertices.len())?;
    /// # Ok::<(), Error>(())
    /// ```
    #[cfg(any(feature = "glium", feature = "wgpu"))]
    pub fn bind_checked<C: Binds<Storage<I>> + ?Sized>(
        &mut self,
        target: &C,
        vertex_count: usize,
    ) -> Result<C::Bound<'_>, Error> {
        self.check_against(vertex_count)?;
        self.core.upload(&target.backend_context(), self.kind.extra(), ())?;
        self.forget_checked();
        self.activate::<C>()
    }

    /// After a check and the upload right behind it: the upload moved the
    /// pending writes to `unchecked`, but they were checked just now.
    #[cfg_attr(not(any(feature = "glium", feature = "wgpu")), allow(dead_code))]
    fn forget_checked(&mut self) {
        if let Some(unchecked) = self.core.unchecked.get_mut() {
            unchecked.clear();
        }
    }

    /// Checks that every index is below `vertex_count`, without uploading:
    /// the check of [`bind_checked`](Self::bind_checked), with the same
    /// memory of what was already checked.
    ///
    /// # Errors
    ///
    /// [`Error::IndexOutOfRange`] for the first index at or past `vertex_count`.
    pub fn check_indices(&mut self, vertex_count: usize) -> Result<(), Error> {
        self.check_against(vertex_count).map(drop)
    }

    /// The check, returning how many indices it read.
    fn check_against(&mut self, vertex_count: usize) -> Result<usize, Error> {
        let data = &self.core.data;
        let check = |position: usize| {
            let index = data[position].vertex();
            match usize::try_from(index) {
                Ok(vertex) if vertex < vertex_count => Ok(()),
                _ => Err(Error::IndexOutOfRange { position, index, vertex_count }),
            }
        };
        let read = match (self.core.unchecked.get_mut(), self.kind.checked_against) {
            (Some(unchecked), Some(before)) if before <= vertex_count => {
                let written = unchecked.ones().take_while(|&position| position < data.len());
                let mut read = 0;
                for position in self.core.pending.get_mut().ones().chain(written) {
                    check(position)?;
                    read += 1;
                }
                read
            }
            _ => {
                (0..data.len()).try_for_each(check)?;
                data.len()
            }
        };
        self.kind.checked_against = Some(vertex_count);
        let records = self.core.data.len();
        match self.core.unchecked.get_mut() {
            Some(unchecked) => unchecked.clear(),
            None => *self.core.unchecked.get_mut() = Some(DirtyBits::new(records, 1)),
        }
        Ok(read)
    }

    /// The GPU copy, bound as [`bind`](Self::bind) binds it (an index
    /// source for glium's `draw`, a `wgpu::BufferSlice` for
    /// `set_index_buffer` with [`wgpu_index_format`](crate::wgpu_index_format)),
    /// through a shared borrow: for indices drawn by several owners or
    /// recorded into a render bundle. Call [`upload`](Self::upload) first;
    /// it never sends anything, so never hands out a stale copy.
    ///
    /// # Errors
    ///
    /// [`Error::NotUploaded`] if the buffer was never uploaded,
    /// [`Error::ContextMismatch`] if its GPU copy belongs to another
    /// context (of either backend), [`Error::PendingWrites`] if it has
    /// writes the GPU has not seen.
    #[cfg(any(feature = "glium", feature = "wgpu"))]
    pub fn drawable<C: Binds<Storage<I>> + ?Sized>(&self, target: &C) -> Result<C::Bound<'_>, Error> {
        let gpu = self.core.drawable(&target.backend_context())?;
        C::bound(&gpu.resource, self.core.data.len())
    }
}

impl<I: IndexType, const N: usize> fmt::Debug for IndexBuffer<I, N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IndexBuffer")
            .field("index", &I::LAYOUT.name)
            .field("primitive", &self.kind.primitive)
            .field("shape", &self.shape)
            .field("dirty", &self.dirty())
            .field("uploaded", &self.core.gpu.get().is_some())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn triangles(indices: Vec<u32>) -> IndexBuffer<u32> {
        let len = indices.len();
        IndexBuffer::from_vec(PrimitiveType::TrianglesList, [len], indices).expect("shape fits")
    }

    /// What `bind_checked` does, less GL: check, send (here: forget) the
    /// pending writes. Returns how many indices the check read.
    fn checked_bind(ib: &mut IndexBuffer<u32>, vertex_count: usize) -> usize {
        let read = ib.check_against(vertex_count).expect("indices in range");
        ib.take_dirty();
        ib.forget_checked();
        read
    }

    #[test]
    fn the_first_check_reads_every_index_then_only_those_written_since() {
        let mut ib = triangles((0..30_000).map(|i| i % 1000).collect());
        assert_eq!(checked_bind(&mut ib, 1000), 30_000);
        assert_eq!(checked_bind(&mut ib, 1000), 0, "nothing written since");
        *ib.at_mut([7]) = 999;
        ib.records_mut(100..110).fill(5);
        assert_eq!(checked_bind(&mut ib, 1000), 11);
        assert_eq!(checked_bind(&mut ib, 2000), 0, "more vertices: nothing to read again");
        assert_eq!(checked_bind(&mut ib, 1000), 30_000, "fewer vertices: every index again");
    }

    #[test]
    fn writes_sent_by_a_plain_bind_are_still_checked_later() {
        let mut ib = triangles((0..3000).map(|i| i % 100).collect());
        assert_eq!(checked_bind(&mut ib, 100), 3000);
        ib.records_mut(10..20).fill(7);
        ib.take_dirty(); // a plain `bind` sends them unchecked
        *ib.at_mut([50]) = 8;
        assert_eq!(ib.check_against(100).expect("in range"), 11, "the sent ten and the pending one");
    }

    #[test]
    fn a_write_out_of_range_is_found_whether_pending_or_sent() {
        let mut ib = triangles(vec![0, 1, 2, 2, 1, 3]);
        assert_eq!(checked_bind(&mut ib, 4), 6);
        *ib.at_mut([4]) = 4;
        let error = ib.check_indices(4).expect_err("index 4 of 4 vertices");
        assert!(matches!(error, Error::IndexOutOfRange { position: 4, index: 4, vertex_count: 4 }), "{error:?}");
        ib.take_dirty(); // a plain `bind` sends it unchecked
        assert!(ib.check_indices(4).is_err(), "a failed check forgets nothing");
        assert_eq!(ib.check_against(5).expect("in range of 5"), 1);
    }

    #[test]
    fn truncated_and_regrown_buffers_check_their_new_indices() {
        let mut ib = triangles(vec![0, 1, 2, 3, 4, 5]);
        ib.check_indices(6).expect("in range");
        ib.take_dirty();
        ib.truncate(3);
        ib.push(u32::MAX);
        assert!(matches!(ib.check_indices(6), Err(Error::IndexOutOfRange { position: 3, .. })));
    }
}
