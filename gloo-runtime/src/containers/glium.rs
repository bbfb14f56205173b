//! The containers' glium side: glium's constructors and `source()` for a
//! [`VertexBuffer`], `&v` as a draw's vertex source, glium's primitive type
//! as gloo's, and a [`Texture2d`]'s GL texture through a shared borrow.
//! (Feature `glium`; the backend itself, in `backends/glium`, names no
//! container.)

use glium::backend::Facade;
use glium::vertex::VerticesSource;

use crate::backends::glium::Bound;
use crate::backends::Context as BackendContext;
use crate::containers::buffer::BufferKind;
use crate::containers::index::PrimitiveType;
use crate::containers::texture::Texture2d;
use crate::containers::vertex::VertexBuffer;
use crate::tracking::layout::Vertex;
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
    /// [`GpuStorage`](crate::GpuStorage) (a large one is mapped where the
    /// context can).
    ///
    /// # Errors
    ///
    /// [`Error::BufferCreation`] if GL cannot create the buffer,
    /// [`Error::OutOfMemory`] if the CPU side cannot be allocated.
    pub fn new<F: Facade + ?Sized>(facade: &F, data: &[T]) -> Result<Self, Error> {
        Self::dynamic(facade, data)
    }

    /// A buffer holding `data`, created in `facade`'s context and sent now:
    /// glium's `VertexBuffer::dynamic`.
    ///
    /// # Errors
    ///
    /// As [`new`](Self::new).
    pub fn dynamic<F: Facade + ?Sized>(facade: &F, data: &[T]) -> Result<Self, Error> {
        let mut buffer = Self::from_vec([data.len()], data.to_vec())?;
        buffer.upload(facade)?;
        Ok(buffer)
    }

    /// A buffer of `len` zeroed records, created in `facade`'s context and
    /// sent now: glium's `VertexBuffer::empty` (whose content is undefined;
    /// here it is zeros).
    ///
    /// # Errors
    ///
    /// As [`new`](Self::new), and [`Error::ShapeOverflow`] if `len` records
    /// overflow `usize` bytes.
    pub fn empty<F: Facade + ?Sized>(facade: &F, len: usize) -> Result<Self, Error> {
        Self::empty_dynamic(facade, len)
    }

    /// A buffer of `len` zeroed records, created in `facade`'s context and
    /// sent now: glium's `VertexBuffer::empty_dynamic`.
    ///
    /// # Errors
    ///
    /// As [`empty`](Self::empty).
    pub fn empty_dynamic<F: Facade + ?Sized>(facade: &F, len: usize) -> Result<Self, Error> {
        let mut buffer = Self::try_zeros([len])?;
        buffer.upload(facade)?;
        Ok(buffer)
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

    /// The GL copy as a vertex source, for `&v` in a draw.
    ///
    /// # Panics
    ///
    /// If writes are pending or the buffer was never uploaded: drawing it
    /// would show stale data (or nothing).
    #[track_caller]
    pub(crate) fn clean_source(&self) -> Bound<'_, T> {
        match self.core.clean_gpu() {
            Ok(gpu) => match gpu.resource.glium() {
                Some(storage) => Bound::new(storage, self.core.data.len()),
                None => panic!("a VertexBuffer<{}> uploaded through wgpu was drawn through glium", T::LAYOUT.name),
            },
            Err(Error::NotUploaded) => panic!(
                "a VertexBuffer<{}> with no GL copy was drawn: upload it first (`v.upload(&facade)?`, or make it with \
                 `VertexBuffer::new(&facade, ..)`)",
                T::LAYOUT.name
            ),
            Err(_) => panic!(
                "a VertexBuffer<{}> with writes not sent yet was drawn as `&v`: draw `v.source()?` instead, which \
                 sends them first",
                T::LAYOUT.name
            ),
        }
    }
}

/// `&v` in a draw, alone or in a tuple: the buffer as it is on the GPU.
///
/// # Panics
///
/// If writes are pending (draw `v.source()?` instead, which sends them) or
/// the buffer has no GL copy: either would draw stale data.
impl<'a, T: Vertex, const N: usize> From<&'a VertexBuffer<T, N>> for VerticesSource<'a> {
    #[track_caller]
    fn from(buffer: &'a VertexBuffer<T, N>) -> VerticesSource<'a> {
        buffer.clean_source().into()
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
