//! The containers' glium side: glium's constructors, `source()` and
//! method names for a [`VertexBuffer`] and an [`IndexBuffer`], `&v` and
//! `&ib` as a draw's sources, glium's primitive type as gloo's, and a
//! [`Texture2d`]'s GL texture through a shared borrow. (Feature `glium`;
//! the backend itself, in `backends/glium`, names no container.)

use core::ops::RangeBounds;
use core::panic::Location;

use glium::backend::Facade;
use glium::index::IndicesSource;
use glium::vertex::VerticesSource;

use crate::backends::glium::{Bound, BoundIndices};
use crate::backends::Context as BackendContext;
use crate::containers::buffer::{bounded, BufferKind, TrackedBuffer};
use crate::containers::index::{IndexBuffer, IndexType, PrimitiveType};
use crate::containers::texture::Texture2d;
use crate::containers::vertex::VertexBuffer;
use crate::tracking::layout::Vertex;
use crate::tracking::storage::GpuStorage;
use crate::tracking::texel::Texel;
use crate::Error;

/// glium's constructors: the GL buffer is created, and the records sent,
/// at once, as glium's are, and the buffer remembers its context, so that
/// [`source`](Self::source), [`read`](Self::read) and `&v` in a draw need
/// no facade.
///
/// Switching from glium is the derive, these constructors' path, and, for
/// a buffer edited between draws, `v.source()?` where the draw took `&v`:
///
/// ```
/// use gloo_runtime::glium::index::{NoIndices, PrimitiveType};
/// use gloo_runtime::glium::texture::Texture2d;
/// use gloo_runtime::glium::{self, uniform, Program, Surface};
/// use gloo_runtime::headless::HeadlessContext;
/// use gloo_runtime::Vertex;
///
/// #[derive(Clone, Copy, Vertex)]
/// #[repr(C)]
/// struct Corner { position: [f32; 2] }
///
/// let display = HeadlessContext::new()?;
/// # let program = Program::from_source(&display,
/// #     "#version 140\nin vec2 position; void main() { gl_Position = vec4(position, 0.0, 1.0); }",
/// #     "#version 140\nout vec4 color; void main() { color = vec4(1.0); }", None)?;
/// # let texture = Texture2d::empty(&display, 8, 8)?;
/// # let mut target = texture.as_surface();
/// # let shape = [Corner { position: [-1.0, -1.0] }, Corner { position: [1.0, -1.0] }, Corner { position: [-1.0, 1.0] }];
/// # let (indices, uniforms) = (NoIndices(PrimitiveType::TrianglesList), uniform! {});
/// # let params = Default::default();
/// // glium
/// let vb = glium::VertexBuffer::dynamic(&display, &shape)?;
/// target.draw(&vb, &indices, &program, &uniforms, &params)?;
///
/// // gloo
/// let mut vb = gloo_runtime::VertexBuffer::dynamic(&display, &shape)?;   // created and sent now, as glium's
/// target.draw(&vb, &indices, &program, &uniforms, &params)?;             // nothing pending: `&vb` draws
/// *vb.position_mut(0) = [0.5, 0.5];
/// target.draw(vb.source()?, &indices, &program, &uniforms, &params)?;    // sends record 0, then draws
/// assert_eq!(vb.read()?[0].position, [0.5, 0.5]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
impl<T: Vertex> VertexBuffer<T> {
    /// A buffer holding `data`, created in `facade`'s context and sent now:
    /// glium's `VertexBuffer::new`.
    ///
    /// gloo buffers are made to be edited: this is the same buffer as
    /// [`dynamic`](Self::dynamic)'s, its GPU storage chosen by
    /// [`GpuStorage::Auto`] (a large one is mapped where the context can).
    /// The buffer remembers this call's location: a draw of `&v` with
    /// writes pending panics naming it (see [`source`](Self::source)).
    ///
    /// # Errors
    ///
    /// [`Error::BufferCreation`] if GL cannot create the buffer,
    /// [`Error::OutOfMemory`] if the CPU side cannot be allocated.
    #[track_caller]
    pub fn new<F: Facade + ?Sized>(facade: &F, data: &[T]) -> Result<Self, Error> {
        Self::filled(facade, data, GpuStorage::Auto)
    }

    /// A buffer holding `data`, created in `facade`'s context and sent now:
    /// glium's `VertexBuffer::dynamic`.
    ///
    /// # Errors
    ///
    /// As [`new`](Self::new).
    #[track_caller]
    pub fn dynamic<F: Facade + ?Sized>(facade: &F, data: &[T]) -> Result<Self, Error> {
        Self::filled(facade, data, GpuStorage::Auto)
    }

    /// A buffer holding `data`, created in `facade`'s context as a
    /// persistently mapped GL buffer and sent now: glium's
    /// `VertexBuffer::persistent`, and [`GpuStorage::Mapped`]: each upload
    /// copies its ranges into the mapping, with no GL call per range.
    /// Where the context cannot map a buffer persistently (it needs OpenGL
    /// 4.4 or `GL_ARB_buffer_storage`), the GL buffer is an ordinary one,
    /// as glium's is: [`is_mapped`](Self::is_mapped) says which.
    ///
    /// # Errors
    ///
    /// As [`new`](Self::new).
    ///
    /// # Examples
    ///
    /// ```
    /// use gloo_runtime::headless::HeadlessContext;
    /// use gloo_runtime::{GpuStorage, Vertex, VertexBuffer};
    ///
    /// #[derive(Clone, Copy, Debug, PartialEq, Vertex)]
    /// #[repr(C)]
    /// struct P { x: f32 }
    ///
    /// let display = HeadlessContext::new()?;
    /// let mut v = VertexBuffer::persistent(&display, &[P { x: 1.0 }, P { x: 2.0 }])?;
    /// assert!(v.is_mapped()); // Mesa maps it
    /// *v.x_mut(1) = 5.0;
    /// v.source()?; // a copy into the mapping
    /// assert_eq!(v.read()?, [P { x: 1.0 }, P { x: 5.0 }]);
    ///
    /// let ordinary = VertexBuffer::immutable(&display, &[P { x: 1.0 }])?;
    /// assert_eq!(ordinary.active_storage(), Some(GpuStorage::Dynamic));
    /// # Ok::<(), gloo_runtime::Error>(())
    /// ```
    #[track_caller]
    pub fn persistent<F: Facade + ?Sized>(facade: &F, data: &[T]) -> Result<Self, Error> {
        Self::filled(facade, data, GpuStorage::Mapped)
    }

    /// A buffer holding `data`, created in `facade`'s context as an
    /// ordinary GL buffer ([`GpuStorage::Dynamic`]) and sent now: glium's
    /// `VertexBuffer::immutable`.
    ///
    /// "Immutable" is glium's hint to the driver that the content never
    /// changes; a gloo buffer is always writable, and sends its writes
    /// like any other.
    ///
    /// # Errors
    ///
    /// As [`new`](Self::new).
    #[track_caller]
    pub fn immutable<F: Facade + ?Sized>(facade: &F, data: &[T]) -> Result<Self, Error> {
        Self::filled(facade, data, GpuStorage::Dynamic)
    }

    /// A buffer of `len` zeroed records, created in `facade`'s context and
    /// sent now: glium's `VertexBuffer::empty` (whose content is undefined;
    /// here it is zeros).
    ///
    /// # Errors
    ///
    /// As [`new`](Self::new), and [`Error::ShapeOverflow`] if `len` records
    /// overflow `usize` bytes.
    #[track_caller]
    pub fn empty<F: Facade + ?Sized>(facade: &F, len: usize) -> Result<Self, Error> {
        Self::zeroed(facade, len, GpuStorage::Auto)
    }

    /// A buffer of `len` zeroed records, created in `facade`'s context and
    /// sent now: glium's `VertexBuffer::empty_dynamic`.
    ///
    /// # Errors
    ///
    /// As [`empty`](Self::empty).
    #[track_caller]
    pub fn empty_dynamic<F: Facade + ?Sized>(facade: &F, len: usize) -> Result<Self, Error> {
        Self::zeroed(facade, len, GpuStorage::Auto)
    }

    /// A buffer of `len` zeroed records in a persistently mapped GL buffer
    /// (see [`persistent`](Self::persistent)): glium's
    /// `VertexBuffer::empty_persistent`.
    ///
    /// # Errors
    ///
    /// As [`empty`](Self::empty).
    #[track_caller]
    pub fn empty_persistent<F: Facade + ?Sized>(facade: &F, len: usize) -> Result<Self, Error> {
        Self::zeroed(facade, len, GpuStorage::Mapped)
    }

    /// A buffer of `len` zeroed records in an ordinary GL buffer (see
    /// [`immutable`](Self::immutable)): glium's
    /// `VertexBuffer::empty_immutable`.
    ///
    /// # Errors
    ///
    /// As [`empty`](Self::empty).
    #[track_caller]
    pub fn empty_immutable<F: Facade + ?Sized>(facade: &F, len: usize) -> Result<Self, Error> {
        Self::zeroed(facade, len, GpuStorage::Dynamic)
    }

    /// `data` in a GL buffer of `storage`, created and sent now.
    #[track_caller]
    fn filled<F: Facade + ?Sized>(facade: &F, data: &[T], storage: GpuStorage) -> Result<Self, Error> {
        let buffer = Self::from_vec([data.len()], data.to_vec())?;
        buffer.created_in(facade, storage)
    }

    /// `len` zeroed records in a GL buffer of `storage`, created and sent now.
    #[track_caller]
    fn zeroed<F: Facade + ?Sized>(facade: &F, len: usize, storage: GpuStorage) -> Result<Self, Error> {
        Self::try_zeros([len])?.created_in(facade, storage)
    }
}

/// Drawing through a shared borrow, in the context the buffer remembers.
impl<T: Vertex, const N: usize> VertexBuffer<T, N> {
    /// Sends the pending writes through the context the buffer was created
    /// or last uploaded in (growing its GL buffer first if records were
    /// added), and returns it as a vertex source, for `draw` alone or in a
    /// tuple. A clean buffer sends nothing.
    ///
    /// Call it in the draw's argument list: glium's `draw` takes hold of
    /// its context before it converts its sources, so `&v` (which
    /// converts inside `draw`) can only draw a buffer with nothing pending.
    /// `&v` with writes pending panics, naming where the buffer was
    /// created (the panic itself points into glium):
    ///
    /// ```text
    /// the `VertexBuffer<Vertex>` created at src/main.rs:42:18 has writes not sent:
    /// draw `v.source()?` instead of `&v`, which sends them first
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::NotUploaded`] if the buffer has no GL copy yet, so no
    /// context (made by [`zeros`](Self::zeros) or [`from_vec`](Self::from_vec)
    /// and never uploaded: call [`upload`](Self::upload) or [`bind`](Self::bind)
    /// with the facade once), [`Error::ContextMismatch`] (nothing sent) if
    /// it lives in wgpu, [`Error::BufferCreation`] if growing the GL buffer
    /// fails.
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
    /// let context = HeadlessContext::new()?;
    /// let mut v = VertexBuffer::<P>::zeros([4]);
    /// assert!(matches!(v.source(), Err(Error::NotUploaded))); // no context yet
    /// v.upload(&context)?;
    /// *v.x_mut(2) = 1.0;
    /// let source = v.source()?; // sends record 2
    /// # let _ = source;
    /// assert_eq!(v.stats().bytes_uploaded, 16 + 4);
    /// # Ok::<(), Error>(())
    /// ```
    pub fn source(&self) -> Result<Bound<'_, T>, Error> {
        // A buffer in wgpu is not glium's to send: refuse before syncing.
        let gpu = self.core.gpu.get().ok_or(Error::NotUploaded)?;
        gpu.resource.glium().ok_or(Error::ContextMismatch)?;
        let gpu = self.core.sync(self.kind.extra(), ())?;
        log::debug!(target: crate::TRACE_TARGET, "GPU: Activating buffer (id={})", gpu.id);
        Ok(Bound::new(gpu.resource.glium().ok_or(Error::ContextMismatch)?, self.core.data.len()))
    }

    /// As [`source`](Self::source), drawn once per instance: each record
    /// feeds one instance (glium's `per_instance`).
    ///
    /// # Errors
    ///
    /// As [`source`](Self::source), and [`Error::InstancingNotSupported`]
    /// if the context cannot draw instanced.
    pub fn per_instance(&self) -> Result<glium::vertex::VerticesSource<'_>, Error> {
        self.source()?.per_instance()
    }

    /// The records in `range` of the row-major order (any range
    /// expression: `a..b`, `a..`, `..=b`, `..`) as a vertex source, as
    /// glium's `slice`; `None` if the range reaches past the end or
    /// decreases. Drawn alone, or per instance
    /// ([`Bound::per_instance`]); an index `0` names the slice's first
    /// record, as in glium.
    ///
    /// Like `&v`, it draws what the GL buffer holds, so it needs nothing
    /// pending: after edits, send them first (`v.source()?;`, or
    /// [`upload`](Self::upload)). Unlike glium's slice, it cannot write
    /// the GL buffer: that would leave the records gloo keeps behind; write
    /// through [`records_mut`](Self::records_mut) and the accessors.
    ///
    /// # Panics
    ///
    /// With the range inside the records, as `&v` in a draw: if writes
    /// are pending, or the buffer has no GL copy (or one in wgpu). The
    /// message names where the buffer was created.
    ///
    /// # Examples
    ///
    /// ```
    /// use gloo_runtime::glium::index::{NoIndices, PrimitiveType};
    /// use gloo_runtime::glium::texture::Texture2d;
    /// use gloo_runtime::glium::{uniform, Program, Surface};
    /// use gloo_runtime::headless::HeadlessContext;
    /// use gloo_runtime::{Vertex, VertexBuffer};
    ///
    /// #[derive(Clone, Copy, Vertex)]
    /// #[repr(C)]
    /// struct Corner { position: [f32; 2] }
    ///
    /// let display = HeadlessContext::new()?;
    /// # let program = Program::from_source(&display,
    /// #     "#version 140\nin vec2 position; void main() { gl_Position = vec4(position, 0.0, 1.0); }",
    /// #     "#version 140\nout vec4 color; void main() { color = vec4(1.0); }", None)?;
    /// # let texture = Texture2d::empty(&display, 8, 8)?;
    /// # let mut target = texture.as_surface();
    /// # target.clear_color(0.0, 0.0, 0.0, 1.0);
    /// let corner = |x, y| Corner { position: [x, y] };
    /// // Two triangles: the left half, then the right half of the target.
    /// let mut v = VertexBuffer::new(&display, &[
    ///     corner(-1.0, -1.0), corner(0.0, -1.0), corner(-1.0, 1.0),
    ///     corner(0.0, -1.0), corner(1.0, -1.0), corner(1.0, 1.0),
    /// ])?;
    /// let right = v.slice(3..).expect("inside the buffer");
    /// target.draw(right, NoIndices(PrimitiveType::TrianglesList), &program, &uniform! {}, &Default::default())?;
    /// let pixels: Vec<Vec<(u8, u8, u8, u8)>> = texture.read();
    /// assert_eq!((pixels[1][1], pixels[1][6]), ((0, 0, 0, 255), (255, 255, 255, 255)));
    /// assert!(v.slice(4..7).is_none());
    ///
    /// *v.position_mut(0) = [-0.5, -1.0];
    /// v.source()?; // send the write: now `slice` may draw again
    /// assert!(v.slice(..3).is_some());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[track_caller]
    pub fn slice(&self, range: impl RangeBounds<usize>) -> Option<Bound<'_, T>> {
        let records = bounded(&range, self.core.data.len())?;
        Some(self.drawn_as(Drawn::Slice).records(records))
    }

    /// The GL copy as a vertex source, for `&v` in a draw.
    ///
    /// # Panics
    ///
    /// If writes are pending or the buffer was never uploaded: drawing it
    /// would show stale data (or nothing).
    #[track_caller]
    pub(crate) fn clean_source(&self) -> Bound<'_, T> {
        self.drawn_as(Drawn::Vertices)
    }

    /// The GL copy, for a draw through a shared borrow, `drawn` so.
    #[track_caller]
    fn drawn_as(&self, drawn: Drawn) -> Bound<'_, T> {
        let (record, created) = (T::LAYOUT.name, self.core.created);
        match self.core.clean_gpu() {
            Ok(gpu) => match gpu.resource.glium() {
                Some(storage) => Bound::new(storage, self.core.data.len()),
                None => undrawable(drawn, record, created, &Error::ContextMismatch),
            },
            Err(error) => undrawable(drawn, record, created, &error),
        }
    }
}

/// `&v` in a draw, alone or in a tuple: the buffer as it is on the GPU.
///
/// # Panics
///
/// If writes are pending (draw `v.source()?` instead, which sends them) or
/// the buffer has no GL copy: either would draw stale data. The panic's
/// location is inside glium, which converts `&v`; its message names where
/// the buffer was created.
impl<'a, T: Vertex, const N: usize> From<&'a VertexBuffer<T, N>> for VerticesSource<'a> {
    #[track_caller]
    fn from(buffer: &'a VertexBuffer<T, N>) -> VerticesSource<'a> {
        buffer.clean_source().into()
    }
}

/// glium's buffer methods with nothing to do on the GPU: the records live
/// on the CPU, and the next draw sends what changed.
impl<T: Vertex, const N: usize> VertexBuffer<T, N> {
    /// The size of the records in bytes, `len() * size_of::<T>()`: glium's
    /// `get_size`. (A GL buffer grown by [`push`](Self::push) may hold more;
    /// glium's never grows, so there the two are the same.)
    ///
    /// # Examples
    ///
    /// ```
    /// # use gloo_runtime::{Vertex, VertexBuffer};
    /// # #[derive(Clone, Copy, Vertex)] #[repr(C)] struct Point { position: [f32; 2], color: [f32; 3] }
    /// let v = VertexBuffer::<Point>::zeros([4]);
    /// assert_eq!(v.get_size(), 4 * 20);
    /// ```
    pub fn get_size(&self) -> usize {
        self.nbytes()
    }

    /// Every record, mutably, marking them all: glium's `map_write`, which
    /// here is [`map`](Self::map). Write records by index (`m[i] = p`
    /// where glium writes `m.set(i, p)`).
    ///
    /// # Examples
    ///
    /// ```
    /// # use gloo_runtime::{Vertex, VertexBuffer};
    /// # #[derive(Clone, Copy, Vertex)] #[repr(C)] struct P { x: f32 }
    /// let mut v = VertexBuffer::<P>::zeros([3]);
    /// v.take_dirty();
    /// v.map_write()[1] = P { x: 1.0 };
    /// assert_eq!((v.at([1]).x, v.dirty()), (1.0, Some(0..12)));
    /// ```
    pub fn map_write(&mut self) -> &mut [T] {
        self.map()
    }

    /// glium's `invalidate`, which tells the driver the GL buffer's content
    /// may be discarded: nothing to do here. The records stay as they are,
    /// on the CPU and on the GPU, and nothing is marked; the next draw
    /// still shows them. (gloo sends only what was written, so it never
    /// needs the driver to forget the rest.)
    ///
    /// # Examples
    ///
    /// ```
    /// # use gloo_runtime::{Vertex, VertexBuffer};
    /// # #[derive(Clone, Copy, Vertex)] #[repr(C)] struct P { x: f32 }
    /// let mut v = VertexBuffer::<P>::from_vec([2], vec![P { x: 1.0 }, P { x: 2.0 }])?;
    /// v.take_dirty();
    /// v.invalidate();
    /// assert_eq!((v.at([1]).x, v.dirty()), (2.0, None));
    /// # Ok::<(), gloo_runtime::Error>(())
    /// ```
    pub fn invalidate(&self) {}
}

/// glium's constructors: the GL buffer is created, and the indices sent,
/// at once, as glium's are, and the buffer remembers its context and
/// where it was created, as a [`VertexBuffer`] made by
/// [`VertexBuffer::new`] does. The primitive type is glium's or gloo's.
///
/// ```
/// use gloo_runtime::glium::index::PrimitiveType;
/// use gloo_runtime::glium::texture::Texture2d;
/// use gloo_runtime::glium::{uniform, Program, Surface};
/// use gloo_runtime::headless::HeadlessContext;
/// use gloo_runtime::{IndexBuffer, Vertex, VertexBuffer};
///
/// #[derive(Clone, Copy, Vertex)]
/// #[repr(C)]
/// struct Corner { position: [f32; 2] }
///
/// let display = HeadlessContext::new()?;
/// # let program = Program::from_source(&display,
/// #     "#version 140\nin vec2 position; void main() { gl_Position = vec4(position, 0.0, 1.0); }",
/// #     "#version 140\nout vec4 color; void main() { color = vec4(1.0); }", None)?;
/// # let texture = Texture2d::empty(&display, 8, 8)?;
/// # let mut target = texture.as_surface();
/// # target.clear_color(0.0, 0.0, 0.0, 1.0);
/// # let (uniforms, params) = (uniform! {}, Default::default());
/// let corners = [[-1.0, -1.0], [1.0, -1.0], [-1.0, 1.0], [1.0, 1.0]].map(|position| Corner { position });
/// let vb = VertexBuffer::new(&display, &corners)?;
/// let mut ib = IndexBuffer::new(&display, PrimitiveType::TrianglesList, &[0u16, 1, 2])?; // sent now
/// target.draw(&vb, &ib, &program, &uniforms, &params)?;             // nothing pending: `&ib` draws
/// ib.write(&[1, 3, 2]);                                             // the other half
/// target.draw(&vb, ib.source()?, &program, &uniforms, &params)?;    // sends the indices, then draws
/// assert_eq!(ib.read()?, [1, 3, 2]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
impl<I: IndexType> IndexBuffer<I> {
    /// Indices `data` drawn as `primitive`, created in `facade`'s context
    /// and sent now: glium's `IndexBuffer::new`, the same buffer as
    /// [`dynamic`](Self::dynamic)'s (see [`VertexBuffer::new`]).
    ///
    /// # Errors
    ///
    /// [`Error::BufferCreation`] if GL cannot create the buffer,
    /// [`Error::OutOfMemory`] if the CPU side cannot be allocated.
    #[track_caller]
    pub fn new<F: Facade + ?Sized>(facade: &F, primitive: impl Into<PrimitiveType>, data: &[I]) -> Result<Self, Error> {
        Self::filled(facade, primitive.into(), data, GpuStorage::Auto)
    }

    /// Indices `data` drawn as `primitive`, created in `facade`'s context
    /// and sent now: glium's `IndexBuffer::dynamic`.
    ///
    /// # Errors
    ///
    /// As [`new`](Self::new).
    #[track_caller]
    pub fn dynamic<F: Facade + ?Sized>(
        facade: &F,
        primitive: impl Into<PrimitiveType>,
        data: &[I],
    ) -> Result<Self, Error> {
        Self::filled(facade, primitive.into(), data, GpuStorage::Auto)
    }

    /// Indices `data` drawn as `primitive`, in a persistently mapped GL
    /// buffer where the context can have one ([`GpuStorage::Mapped`]; see
    /// [`VertexBuffer::persistent`]): glium's `IndexBuffer::persistent`.
    ///
    /// # Errors
    ///
    /// As [`new`](Self::new).
    ///
    /// # Examples
    ///
    /// ```
    /// use gloo_runtime::glium::index::PrimitiveType;
    /// use gloo_runtime::headless::HeadlessContext;
    /// use gloo_runtime::IndexBuffer;
    ///
    /// let display = HeadlessContext::new()?;
    /// let mut ib = IndexBuffer::persistent(&display, PrimitiveType::TrianglesList, &[0u32, 1, 2])?;
    /// assert!(ib.is_mapped()); // Mesa maps it
    /// ib.map()[2] = 3;
    /// ib.source()?;
    /// assert_eq!(ib.read()?, [0, 1, 3]);
    /// # Ok::<(), gloo_runtime::Error>(())
    /// ```
    #[track_caller]
    pub fn persistent<F: Facade + ?Sized>(
        facade: &F,
        primitive: impl Into<PrimitiveType>,
        data: &[I],
    ) -> Result<Self, Error> {
        Self::filled(facade, primitive.into(), data, GpuStorage::Mapped)
    }

    /// Indices `data` drawn as `primitive`, in an ordinary GL buffer
    /// ([`GpuStorage::Dynamic`]): glium's `IndexBuffer::immutable`, whose
    /// "immutable" is a hint to the driver; a gloo buffer is always
    /// writable, and sends its writes like any other.
    ///
    /// # Errors
    ///
    /// As [`new`](Self::new).
    #[track_caller]
    pub fn immutable<F: Facade + ?Sized>(
        facade: &F,
        primitive: impl Into<PrimitiveType>,
        data: &[I],
    ) -> Result<Self, Error> {
        Self::filled(facade, primitive.into(), data, GpuStorage::Dynamic)
    }

    /// `len` zero indices drawn as `primitive`, created in `facade`'s
    /// context and sent now: glium's `IndexBuffer::empty` (whose content is
    /// undefined; here it is zeros).
    ///
    /// # Errors
    ///
    /// As [`new`](Self::new), and [`Error::ShapeOverflow`] if `len` indices
    /// overflow `usize` bytes.
    ///
    /// # Examples
    ///
    /// ```
    /// use gloo_runtime::glium::index::PrimitiveType;
    /// use gloo_runtime::headless::HeadlessContext;
    /// use gloo_runtime::IndexBuffer;
    ///
    /// let display = HeadlessContext::new()?;
    /// let mut ib = IndexBuffer::<u16>::empty(&display, PrimitiveType::TriangleStrip, 4)?;
    /// assert_eq!((ib.read()?, ib.stats().buffers_created), (vec![0; 4], 1));
    /// ib.write(&[0, 1, 2, 3]);
    /// ib.source()?;
    /// assert_eq!(ib.read()?, [0, 1, 2, 3]);
    /// # Ok::<(), gloo_runtime::Error>(())
    /// ```
    #[track_caller]
    pub fn empty<F: Facade + ?Sized>(
        facade: &F,
        primitive: impl Into<PrimitiveType>,
        len: usize,
    ) -> Result<Self, Error> {
        Self::zeroed(facade, primitive.into(), len, GpuStorage::Auto)
    }

    /// `len` zero indices drawn as `primitive`, created in `facade`'s
    /// context and sent now: glium's `IndexBuffer::empty_dynamic`.
    ///
    /// # Errors
    ///
    /// As [`empty`](Self::empty).
    #[track_caller]
    pub fn empty_dynamic<F: Facade + ?Sized>(
        facade: &F,
        primitive: impl Into<PrimitiveType>,
        len: usize,
    ) -> Result<Self, Error> {
        Self::zeroed(facade, primitive.into(), len, GpuStorage::Auto)
    }

    /// `len` zero indices in a persistently mapped GL buffer (see
    /// [`persistent`](Self::persistent)): glium's
    /// `IndexBuffer::empty_persistent`.
    ///
    /// # Errors
    ///
    /// As [`empty`](Self::empty).
    #[track_caller]
    pub fn empty_persistent<F: Facade + ?Sized>(
        facade: &F,
        primitive: impl Into<PrimitiveType>,
        len: usize,
    ) -> Result<Self, Error> {
        Self::zeroed(facade, primitive.into(), len, GpuStorage::Mapped)
    }

    /// `len` zero indices in an ordinary GL buffer (see
    /// [`immutable`](Self::immutable)): glium's
    /// `IndexBuffer::empty_immutable`.
    ///
    /// # Errors
    ///
    /// As [`empty`](Self::empty).
    #[track_caller]
    pub fn empty_immutable<F: Facade + ?Sized>(
        facade: &F,
        primitive: impl Into<PrimitiveType>,
        len: usize,
    ) -> Result<Self, Error> {
        Self::zeroed(facade, primitive.into(), len, GpuStorage::Dynamic)
    }

    /// `data` in a GL buffer of `storage`, created and sent now.
    #[track_caller]
    fn filled<F: Facade + ?Sized>(
        facade: &F,
        primitive: PrimitiveType,
        data: &[I],
        storage: GpuStorage,
    ) -> Result<Self, Error> {
        Self::from_vec(primitive, [data.len()], data.to_vec())?.created_in(facade, storage)
    }

    /// `len` zeros in a GL buffer of `storage`, created and sent now.
    #[track_caller]
    fn zeroed<F: Facade + ?Sized>(
        facade: &F,
        primitive: PrimitiveType,
        len: usize,
        storage: GpuStorage,
    ) -> Result<Self, Error> {
        Self::try_zeros(primitive, [len])?.created_in(facade, storage)
    }
}

/// Drawing through a shared borrow, in the context the buffer remembers.
impl<I: IndexType, const N: usize> IndexBuffer<I, N> {
    /// Sends the pending writes through the context the buffer was created
    /// or last uploaded in (growing its GL buffer first if indices were
    /// added), and returns it as an index source for `draw`: `&ib` draws a
    /// buffer with nothing pending, and panics otherwise, naming where the
    /// buffer was created (see [`VertexBuffer::source`]). A clean buffer
    /// sends nothing. Indices are not checked against the vertices, as
    /// [`bind_checked`](Self::bind_checked) checks them.
    ///
    /// # Errors
    ///
    /// [`Error::NotUploaded`] if the buffer has no GL copy yet, so no
    /// context (made by [`zeros`](Self::zeros) or [`from_vec`](Self::from_vec)
    /// and never uploaded: call [`upload`](Self::upload) with the facade
    /// once), [`Error::ContextMismatch`] (nothing sent) if it lives in
    /// wgpu, [`Error::BufferCreation`] if growing the GL buffer fails.
    ///
    /// # Examples
    ///
    /// ```
    /// use gloo_runtime::glium::index::PrimitiveType;
    /// use gloo_runtime::headless::HeadlessContext;
    /// use gloo_runtime::{Error, IndexBuffer};
    ///
    /// let context = HeadlessContext::new()?;
    /// let mut ib = IndexBuffer::<u16>::zeros(PrimitiveType::TrianglesList, [6]);
    /// assert!(matches!(ib.source(), Err(Error::NotUploaded))); // no context yet
    /// ib.upload(&context)?;
    /// *ib.at_mut([4]) = 3;
    /// let source = ib.source()?; // sends index 4
    /// # let _ = source;
    /// assert_eq!(ib.stats().bytes_uploaded, 12 + 2);
    /// # Ok::<(), Error>(())
    /// ```
    pub fn source(&self) -> Result<BoundIndices<'_, I>, Error> {
        // A buffer in wgpu is not glium's to send: refuse before syncing.
        let gpu = self.core.gpu.get().ok_or(Error::NotUploaded)?;
        gpu.resource.glium().ok_or(Error::ContextMismatch)?;
        let gpu = self.core.sync(self.kind.extra(), ())?;
        log::debug!(target: crate::TRACE_TARGET, "GPU: Activating buffer (id={})", gpu.id);
        Ok(BoundIndices::new(gpu.resource.glium().ok_or(Error::ContextMismatch)?, self.core.data.len()))
    }

    /// The indices in `range` as an index source for `draw`, or `None` if
    /// the range reaches past `len()` or decreases: glium's `slice`, which
    /// draws part of a batch (glium's `sprites-batching` draws the sprites
    /// it has). Like `&ib`, it never draws stale indices.
    ///
    /// # Panics
    ///
    /// If writes are pending (send them first: `ib.source()?;` or
    /// `ib.upload(&facade)?`) or the buffer has no GL copy, naming where
    /// the buffer was created.
    ///
    /// # Examples
    ///
    /// ```
    /// use gloo_runtime::glium::index::PrimitiveType;
    /// use gloo_runtime::headless::HeadlessContext;
    /// use gloo_runtime::IndexBuffer;
    ///
    /// let display = HeadlessContext::new()?;
    /// let ib = IndexBuffer::new(&display, PrimitiveType::TrianglesList, &[0u16, 1, 2, 2, 1, 3])?;
    /// let first = ib.slice(0..3).expect("inside the buffer"); // one triangle of two
    /// # let _ = first;
    /// assert!(ib.slice(4..7).is_none());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[track_caller]
    pub fn slice(&self, range: impl RangeBounds<usize>) -> Option<BoundIndices<'_, I>> {
        let indices = bounded(&range, self.core.data.len())?;
        Some(self.drawn_as(Drawn::IndexSlice).indices(indices))
    }

    /// The GL copy as an index source, for `&ib` in a draw.
    ///
    /// # Panics
    ///
    /// If writes are pending or the buffer was never uploaded.
    #[track_caller]
    fn clean_source(&self) -> BoundIndices<'_, I> {
        self.drawn_as(Drawn::Indices)
    }

    /// The GL copy, for a draw through a shared borrow, `drawn` so.
    #[track_caller]
    fn drawn_as(&self, drawn: Drawn) -> BoundIndices<'_, I> {
        let (record, created) = (I::LAYOUT.name, self.core.created);
        match self.core.clean_gpu() {
            Ok(gpu) => match gpu.resource.glium() {
                Some(storage) => BoundIndices::new(storage, self.core.data.len()),
                None => undrawable(drawn, record, created, &Error::ContextMismatch),
            },
            Err(error) => undrawable(drawn, record, created, &error),
        }
    }
}

/// `&ib` in a draw: the indices as they are on the GPU.
///
/// # Panics
///
/// If writes are pending (draw `ib.source()?` instead, which sends them)
/// or the buffer has no GL copy: either would draw stale indices. The
/// panic's location is inside glium, which converts `&ib`; its message
/// names where the buffer was created.
impl<'a, I: IndexType, const N: usize> From<&'a IndexBuffer<I, N>> for IndicesSource<'a> {
    #[track_caller]
    fn from(buffer: &'a IndexBuffer<I, N>) -> IndicesSource<'a> {
        buffer.clean_source().into()
    }
}

/// glium's buffer methods with nothing to do on the GPU, as
/// [`VertexBuffer`]'s.
impl<I: IndexType, const N: usize> IndexBuffer<I, N> {
    /// The size of the indices in bytes, `len() * size_of::<I>()`: glium's
    /// `get_size` (see [`VertexBuffer::get_size`]).
    pub fn get_size(&self) -> usize {
        self.nbytes()
    }

    /// Every index, mutably, marking them all: glium's `map_write`, which
    /// here is [`map`](Self::map).
    pub fn map_write(&mut self) -> &mut [I] {
        self.map()
    }

    /// glium's `invalidate`: nothing to do here (see
    /// [`VertexBuffer::invalidate`]).
    pub fn invalidate(&self) {}
}

/// The buffer, made on the CPU by a constructor, with its GL copy in
/// `storage`, created and sent now.
impl<K: BufferKind, const N: usize> TrackedBuffer<K, N> {
    fn created_in<F: Facade + ?Sized>(mut self, facade: &F, storage: GpuStorage) -> Result<Self, Error> {
        self.set_gpu_storage(storage);
        self.upload(facade)?;
        Ok(self)
    }
}

/// How a buffer was drawn through a shared borrow, for the panic that
/// refuses it.
#[derive(Clone, Copy)]
enum Drawn {
    /// `&v` in a draw.
    Vertices,
    /// `&ib` in a draw.
    Indices,
    /// `v.slice(..)`.
    Slice,
    /// `ib.slice(..)`.
    IndexSlice,
}

/// A buffer drawn through a shared borrow that has no clean GL copy to
/// draw (`error` says why), refused with a panic that names the buffer by
/// where it was created: the panic's own location is inside glium, which
/// converts `&v` within its draw.
#[cold]
#[inline(never)]
#[track_caller]
fn undrawable(drawn: Drawn, record: &str, created: &Location<'_>, error: &Error) -> ! {
    let (container, name) = match drawn {
        Drawn::Vertices | Drawn::Slice => ("VertexBuffer", "v"),
        Drawn::Indices | Drawn::IndexSlice => ("IndexBuffer", "ib"),
    };
    let buffer = format!("the `{container}<{record}>` created at {created}");
    match (error, drawn) {
        (Error::PendingWrites, Drawn::Slice | Drawn::IndexSlice) => panic!(
            "{buffer} has writes not sent: send them before taking `{name}.slice(..)` (`{name}.source()?;`, or \
             `{name}.upload(&facade)?`)"
        ),
        (Error::PendingWrites, _) => {
            panic!("{buffer} has writes not sent: draw `{name}.source()?` instead of `&{name}`, which sends them first")
        }
        (Error::NotUploaded, _) => panic!(
            "{buffer} has no GL copy to draw: upload it first (`{name}.upload(&facade)?`), or make it with \
             `{container}::new(&facade, ..)`"
        ),
        _ => panic!("{buffer} lives in wgpu: glium cannot draw it"),
    }
}

/// glium's primitive type as gloo's: the same list.
impl From<glium::index::PrimitiveType> for PrimitiveType {
    fn from(primitive: glium::index::PrimitiveType) -> Self {
        use glium::index::PrimitiveType as G;
        match primitive {
            G::Points => PrimitiveType::Points,
            G::LinesList => PrimitiveType::LinesList,
            G::LinesListAdjacency => PrimitiveType::LinesListAdjacency,
            G::LineStrip => PrimitiveType::LineStrip,
            G::LineStripAdjacency => PrimitiveType::LineStripAdjacency,
            G::LineLoop => PrimitiveType::LineLoop,
            G::TrianglesList => PrimitiveType::TrianglesList,
            G::TrianglesListAdjacency => PrimitiveType::TrianglesListAdjacency,
            G::TriangleStrip => PrimitiveType::TriangleStrip,
            G::TriangleStripAdjacency => PrimitiveType::TriangleStripAdjacency,
            G::TriangleFan => PrimitiveType::TriangleFan,
            G::Patches { vertices_per_patch } => PrimitiveType::Patches { vertices_per_patch },
        }
    }
}

/// gloo's primitive type as glium's, for its draws.
impl From<PrimitiveType> for glium::index::PrimitiveType {
    fn from(primitive: PrimitiveType) -> Self {
        use glium::index::PrimitiveType as G;
        match primitive {
            PrimitiveType::Points => G::Points,
            PrimitiveType::LinesList => G::LinesList,
            PrimitiveType::LinesListAdjacency => G::LinesListAdjacency,
            PrimitiveType::LineStrip => G::LineStrip,
            PrimitiveType::LineStripAdjacency => G::LineStripAdjacency,
            PrimitiveType::LineLoop => G::LineLoop,
            PrimitiveType::TrianglesList => G::TrianglesList,
            PrimitiveType::TrianglesListAdjacency => G::TrianglesListAdjacency,
            PrimitiveType::TriangleStrip => G::TriangleStrip,
            PrimitiveType::TriangleStripAdjacency => G::TriangleStripAdjacency,
            PrimitiveType::TriangleFan => G::TriangleFan,
            PrimitiveType::Patches { vertices_per_patch } => G::Patches { vertices_per_patch },
        }
    }
}

/// The GL side.
impl<P: Texel> Texture2d<P> {
    /// The GPU copy through a shared borrow, for code that needs the
    /// texture while drawing. Call [`upload`](Self::upload) first.
    ///
    /// # Errors
    ///
    /// [`Error::NotUploaded`] before the first upload,
    /// [`Error::ContextMismatch`] in another context,
    /// [`Error::PendingWrites`] if texels were written since.
    pub fn drawable<F: Facade + ?Sized>(&self, facade: &F) -> Result<&glium::Texture2d, Error> {
        let gpu = self.core.drawable(&BackendContext::Glium(facade.get_context().clone()))?;
        gpu.resource.glium().map(|texture| &**texture).ok_or(Error::ContextMismatch)
    }
}
