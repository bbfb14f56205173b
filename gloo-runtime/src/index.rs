//! Index buffers: the same tracking and lazy uploads, for `u16` and `u32` indices.

use core::fmt;

use glium::backend::Facade;
use glium::index::PrimitiveType;

use crate::buffer::records_of;
use crate::gpu::BoundIndices;
use crate::layout::{FieldLayout, Layout};
use crate::tracked::{growth_methods, record_methods, tracked_methods, Tracked};
use crate::Error;

mod sealed {
    pub trait Sealed {}
    impl Sealed for u16 {}
    impl Sealed for u32 {}
}

/// The index types an [`IndexBuffer`] holds: `u16` and `u32`.
pub trait IndexType: glium::index::Index + bytemuck::Pod + sealed::Sealed {
    /// One record: a single index.
    const LAYOUT: Layout;
}

macro_rules! index_type {
    ($ty:ty) => {
        impl IndexType for $ty {
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
pub struct IndexBuffer<I: IndexType, const N: usize = 1> {
    core: Tracked<I, glium::IndexBuffer<I>>,
    shape: [usize; N],
    primitive: PrimitiveType,
}

impl<I: IndexType, const N: usize> IndexBuffer<I, N> {
    /// A buffer of `shape` zeros drawn as `primitive`, all of it dirty.
    ///
    /// # Panics
    ///
    /// If the shape's index count or byte size overflows; [`try_zeros`](Self::try_zeros)
    /// returns the error instead.
    #[track_caller]
    pub fn zeros(primitive: PrimitiveType, shape: [usize; N]) -> Self {
        Self::try_zeros(primitive, shape).unwrap_or_else(|error| panic!("{error}"))
    }

    /// A buffer of `shape` zeros drawn as `primitive`, all of it dirty.
    ///
    /// # Errors
    ///
    /// [`Error::ShapeOverflow`] if the shape's index count or byte size overflows.
    pub fn try_zeros(primitive: PrimitiveType, shape: [usize; N]) -> Result<Self, Error> {
        let records = records_of(shape, I::LAYOUT.stride)?;
        Ok(Self::new_dirty(primitive, shape, vec![I::zeroed(); records]))
    }

    /// A buffer holding `data` in row-major order, drawn as `primitive`, all
    /// of it dirty.
    ///
    /// # Errors
    ///
    /// [`Error::ShapeMismatch`] if `data.len()` is not the product of `shape`,
    /// [`Error::ShapeOverflow`] if that product overflows.
    pub fn from_vec(primitive: PrimitiveType, shape: [usize; N], data: Vec<I>) -> Result<Self, Error> {
        let expected = records_of(shape, I::LAYOUT.stride)?;
        if data.len() != expected {
            return Err(Error::ShapeMismatch { shape: shape.to_vec(), expected, actual: data.len() });
        }
        Ok(Self::new_dirty(primitive, shape, data))
    }

    fn new_dirty(primitive: PrimitiveType, shape: [usize; N], data: Vec<I>) -> Self {
        let core = Tracked::new_dirty(data, I::LAYOUT.fields, I::LAYOUT.stride);
        IndexBuffer { core, shape, primitive }
    }

    /// The shape, one length per axis.
    pub fn shape(&self) -> [usize; N] {
        self.shape
    }

    /// How the indices are assembled into primitives.
    pub fn primitive(&self) -> PrimitiveType {
        self.primitive
    }

    tracked_methods!(I);
    record_methods!(I);

    /// Brings the GPU copy up to date and returns it as an index source for
    /// glium's `Surface::draw`: creates the GL buffer on first use, then
    /// sends exactly the ranges of [`upload_plan`](Self::upload_plan).
    ///
    /// # Errors
    ///
    /// [`Error::ContextMismatch`] if the buffer lives in another context,
    /// [`Error::BufferCreation`] if GL cannot create the buffer.
    pub fn bind<F: Facade + ?Sized>(&mut self, facade: &F) -> Result<BoundIndices<'_, I>, Error> {
        let len = self.core.data.len();
        let gpu = self.core.upload(facade, self.primitive)?;
        log::debug!(target: crate::TRACE_TARGET, "GPU: Activating buffer (id={})", gpu.id);
        Ok(BoundIndices::new(&gpu.storage, len))
    }

    /// Brings the GPU copy up to date without drawing.
    ///
    /// # Errors
    ///
    /// As [`bind`](Self::bind).
    pub fn upload<F: Facade + ?Sized>(&mut self, facade: &F) -> Result<(), Error> {
        self.core.upload(facade, self.primitive).map(drop)
    }

    /// The GPU copy as an index source, through a shared borrow. Call
    /// [`upload`](Self::upload) first.
    ///
    /// # Errors
    ///
    /// [`Error::NotUploaded`] if the buffer was never uploaded,
    /// [`Error::PendingWrites`] if it has writes the GPU has not seen.
    pub fn drawable(&self) -> Result<BoundIndices<'_, I>, Error> {
        let gpu = self.core.drawable()?;
        Ok(BoundIndices::new(&gpu.storage, self.core.data.len()))
    }
}

/// Growth, for rank-1 index buffers.
impl<I: IndexType> IndexBuffer<I, 1> {
    growth_methods!(I);
}

/// A copy of the CPU data, entirely dirty, with no GPU object.
impl<I: IndexType, const N: usize> Clone for IndexBuffer<I, N> {
    fn clone(&self) -> Self {
        IndexBuffer { core: self.core.detached_clone(), shape: self.shape, primitive: self.primitive }
    }
}

impl<I: IndexType, const N: usize> fmt::Debug for IndexBuffer<I, N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IndexBuffer")
            .field("index", &I::LAYOUT.name)
            .field("primitive", &self.primitive)
            .field("shape", &self.shape)
            .field("dirty", &self.dirty())
            .field("uploaded", &self.core.gpu.is_some())
            .finish()
    }
}
