//! Vertex buffers: the [`Vertices`] kind of [`TrackedBuffer`], with
//! constructors, field access, and binding for a draw.

use core::fmt;
use core::marker::PhantomData;
use core::ops::{Deref, DerefMut};

#[cfg(any(feature = "glium", feature = "wgpu"))]
use crate::backends::target::Binds;
#[cfg(any(feature = "glium", feature = "wgpu"))]
use crate::backends::VertexStorage as Storage;
use crate::containers::buffer::{sealed, BufferKind, FieldKind, TrackedBuffer};
use crate::tracking::backend::GpuResource;
use crate::tracking::layout::{FieldLayout, Vertex};
#[cfg(any(feature = "glium", feature = "wgpu"))]
use crate::Error;

/// An N-d array (row-major) of vertices `T`, kept on the CPU, uploaded lazily.
///
/// Every way to get a `&mut` to the data goes through the dirty tracker, which
/// records the bytes handed out; [`bind`](VertexBuffer::bind) uploads only
/// those (rounded to whole records and merged by the [`MergePolicy`](crate::MergePolicy)), and
/// only when the buffer is bound for a draw. A buffer never bound creates no
/// GL object and uploads nothing.
///
/// The struct's named accessors (`position`, `position_mut`, and their
/// `get_*` twins) come from `#[derive(Vertex)]` through `Deref`, for ranks
/// 1 to 3 and wherever `T` and `N` are concrete; generic code uses
/// [`field_mut`](VertexBuffer::field_mut) with a handle from `T::FIELDS`.
///
/// # Examples
///
/// The glumpy example: two writes 16 bytes apart in a 3×3 buffer.
///
/// ```
/// use gloo_runtime::{Vertex, VertexBuffer};
///
/// #[derive(Clone, Copy, Vertex)]
/// #[repr(C)]
/// struct Point {
///     position: [f32; 2],
///     color: [f32; 3],
/// }
///
/// let mut v = VertexBuffer::<Point, 2>::zeros([3, 3]); // 9 records, 180 bytes, all dirty
/// assert_eq!(v.dirty(), Some(0..180));
/// v.take_dirty(); // forget the writes so far
/// *v.position_mut(0, 0) = [0.0, 0.0];
/// *v.position_mut(1, 1) = [0.0, 0.0];
/// assert_eq!(v.dirty(), Some(0..88)); // the bytes written, first to last
/// // No GPU copy yet: the first bind creates it and sends everything.
/// assert_eq!(v.upload_plan(), vec![0..180]);
/// ```
///
/// Once the buffer is on the GPU, the same writes send records 0 to 4:
/// see [`bind`](VertexBuffer::bind).
///
/// `VertexBuffer<T, N>` is [`TrackedBuffer<Vertices<T>, N>`](TrackedBuffer):
/// the methods it shares with [`IndexBuffer`](crate::IndexBuffer) (reading,
/// the pending writes, whole-record writes, growth, `upload`, `read_gpu`)
/// are documented there.
pub type VertexBuffer<T, const N: usize = 1> = TrackedBuffer<Vertices<T>, N>;

/// The kind of [`TrackedBuffer`] that holds vertices `T`: see
/// [`VertexBuffer`]. Never made by users; it only names the kind.
pub struct Vertices<T>(PhantomData<T>);

impl<T> fmt::Debug for Vertices<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Vertices")
    }
}

impl<T> Clone for Vertices<T> {
    fn clone(&self) -> Self {
        Vertices(PhantomData)
    }
}

impl<T: Vertex> sealed::Sealed for Vertices<T> {}

impl<T: Vertex> BufferKind for Vertices<T> {
    type Record = T;
    type Region = core::ops::Range<usize>;
    type Storage = crate::backends::VertexStorage<T>;

    fn extra(&self) -> <Self::Storage as GpuResource<T>>::Extra {
        crate::backends::BufferUse::Vertex
    }

    fn plan_shape(&self) {}
}

impl<T: Vertex> crate::containers::buffer::RecordKind for Vertices<T> {}

impl<T: Vertex> FieldKind for Vertices<T> {
    const SLOTS: &'static [FieldLayout] = T::LAYOUT.fields;

    fn kind() -> Self {
        Vertices(PhantomData)
    }
}

/// The GPU side, through glium or wgpu.
#[cfg(any(feature = "glium", feature = "wgpu"))]
impl<T: Vertex, const N: usize> VertexBuffer<T, N> {
    /// Brings the GPU copy up to date and returns it: through glium a vertex
    /// source for `Surface::draw` ([`Bound`](crate::Bound)), through a
    /// [`WgpuContext`](crate::WgpuContext) a `wgpu::BufferSlice` for
    /// `set_vertex_buffer`.
    ///
    /// On the first call, creates the GPU buffer and uploads everything;
    /// later calls send exactly the ranges of
    /// [`upload_plan`](Self::upload_plan), one call each, then forget them. A
    /// clean buffer sends nothing. The result borrows the buffer; when you
    /// need the buffer while drawing, call [`upload`](Self::upload) and then
    /// [`drawable`](Self::drawable).
    ///
    /// # Errors
    ///
    /// [`Error::ContextMismatch`] if the buffer lives in another context, of
    /// either backend (its pending writes are kept), [`Error::BufferCreation`]
    /// if the backend cannot create the buffer.
    ///
    /// # Examples
    ///
    /// ```
    /// use gloo_runtime::headless::HeadlessContext;
    /// use gloo_runtime::{Vertex, VertexBuffer};
    ///
    /// #[derive(Clone, Copy, Debug, PartialEq, Vertex)]
    /// #[repr(C)]
    /// struct Point { position: [f32; 2], color: [f32; 3] }
    ///
    /// let context = HeadlessContext::new()?;
    /// let mut v = VertexBuffer::<Point, 2>::zeros([3, 3]);
    /// v.bind(&context)?; // creates the buffer, sends 180 bytes
    /// *v.position_mut(0, 0) = [0.5, 0.5];
    /// *v.position_mut(1, 1) = [0.5, 0.5];
    /// v.bind(&context)?; // sends records 0 to 4: 100 bytes, one call
    /// assert_eq!(v.stats().bytes_uploaded, 280);
    /// assert_eq!(v.read_gpu(&context)?, v.as_slice());
    /// # Ok::<(), gloo_runtime::Error>(())
    /// ```
    pub fn bind<C: Binds<Storage<T>> + ?Sized>(&mut self, target: &C) -> Result<C::Bound<'_>, Error> {
        self.bind_in(target)
    }

    /// The GPU copy, bound as [`bind`](Self::bind) binds it (a vertex
    /// source for glium's `draw`, a `wgpu::BufferSlice` for
    /// `set_vertex_buffer`), through a shared borrow: for a buffer drawn
    /// by several owners (behind an `Arc`, by several entities) or
    /// recorded into a render bundle, and for code that needs the buffer
    /// while drawing. Call [`upload`](Self::upload) first; it never sends
    /// anything, so never hands out a stale copy.
    ///
    /// # Errors
    ///
    /// [`Error::NotUploaded`] if the buffer was never uploaded,
    /// [`Error::ContextMismatch`] if its GPU copy belongs to another
    /// context (of either backend), [`Error::PendingWrites`] if it has
    /// writes the GPU has not seen: drawing would show stale data.
    ///
    /// # Examples
    ///
    /// ```
    /// use gloo_runtime::headless::HeadlessContext;
    /// use gloo_runtime::{Error, Vertex, VertexBuffer};
    ///
    /// #[derive(Clone, Copy, Vertex)]
    /// #[repr(C)]
    /// struct P { x: f32 }
    ///
    /// let (context, other) = (HeadlessContext::new()?, HeadlessContext::new()?);
    /// let mut v = VertexBuffer::<P>::zeros([3]);
    /// v.upload(&context)?;
    /// let source = v.drawable(&context)?; // `v` stays readable while `source` lives
    /// assert_eq!(v.len(), 3);
    /// # let _ = source;
    /// assert!(matches!(v.drawable(&other), Err(Error::ContextMismatch)));
    /// *v.x_mut(0) = 1.0;
    /// assert!(matches!(v.drawable(&context), Err(Error::PendingWrites)));
    /// # Ok::<(), Error>(())
    /// ```
    ///
    /// Through wgpu, a mesh shared behind an `Arc`:
    ///
    /// ```
    /// # #[cfg(feature = "wgpu")]
    /// # fn main() -> Result<(), gloo_runtime::Error> {
    /// # use gloo_runtime::{Vertex, VertexBuffer, WgpuContext};
    /// # #[derive(Clone, Copy, Vertex)]
    /// # #[repr(C)]
    /// # struct P { x: f32 }
    /// use std::sync::{Arc, RwLock};
    ///
    /// let gpu = WgpuContext::headless()?;
    /// let mesh = Arc::new(RwLock::new(VertexBuffer::<P>::zeros([3])));
    /// mesh.write().unwrap().upload(&gpu)?; // once a frame, before recording
    /// let shared = mesh.read().unwrap();
    /// let slice = shared.drawable(&gpu)?; // for `pass.set_vertex_buffer(0, slice)`
    /// assert_eq!(slice.size(), 12);
    /// # Ok(())
    /// # }
    /// # #[cfg(not(feature = "wgpu"))]
    /// # fn main() {}
    /// ```
    pub fn drawable<C: Binds<Storage<T>> + ?Sized>(&self, target: &C) -> Result<C::Bound<'_>, Error> {
        self.drawable_in(target)
    }
}

/// The named field accessors (`position`, `position_mut`, …) of a vertex
/// type's buffers, which `#[derive(Vertex)]` implements beside
/// [`Vertex`]: a [`VertexBuffer<T, N>`] dereferences to
/// [`Accessors<N>`](NamedAccessors::Accessors), so the accessors need no
/// import. The container's side of the derive, as [`Vertex`] (the layout)
/// is the core's: bytemuck separates `Pod` from `Zeroable` so.
///
/// # Safety
///
/// [`Accessors<N>`](NamedAccessors::Accessors) is a `#[repr(transparent)]`
/// wrapper around [`VertexBuffer<Self, N>`] and nothing else: the buffer
/// reinterprets a reference to itself as a reference to it.
pub unsafe trait NamedAccessors: Vertex {
    /// The type that carries the named field accessors of a
    /// [`VertexBuffer<Self, N>`].
    type Accessors<const N: usize>;

    /// The buffer inside the accessors. Never called: its signature makes
    /// the compiler prove that the wrapper holds this crate's
    /// `VertexBuffer`, whatever path `#[vertex(crate = "...")]` named.
    #[doc(hidden)]
    fn __buffer<const N: usize>(accessors: &Self::Accessors<N>) -> &VertexBuffer<Self, N>;
}

impl<T: NamedAccessors, const N: usize> Deref for VertexBuffer<T, N> {
    type Target = T::Accessors<N>;

    fn deref(&self) -> &T::Accessors<N> {
        // SAFETY: `NamedAccessors`' contract makes `Accessors<N>` a
        // `repr(transparent)` wrapper around `VertexBuffer<T, N>`.
        unsafe { &*(self as *const Self).cast::<T::Accessors<N>>() }
    }
}

impl<T: NamedAccessors, const N: usize> DerefMut for VertexBuffer<T, N> {
    fn deref_mut(&mut self) -> &mut T::Accessors<N> {
        // SAFETY: as in `deref`; the exclusive borrow carries over.
        unsafe { &mut *(self as *mut Self).cast::<T::Accessors<N>>() }
    }
}

impl<T: Vertex, const N: usize> fmt::Debug for VertexBuffer<T, N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VertexBuffer")
            .field("vertex", &T::LAYOUT.name)
            .field("shape", &self.shape)
            .field("dirty", &self.dirty())
            .field("policy", &self.core.policy)
            .field("uploaded", &self.core.gpu.get().is_some())
            .finish()
    }
}
