//! The sources glium's `Surface::draw` takes from gloo's buffers: [`Bound`]
//! and [`BoundIndices`], a buffer's first `len()` records (or a slice of
//! them) as a vertex or index source (or per instance).

use core::fmt;

use glium::buffer::{Buffer, BufferSlice};
use glium::index::{IndexBuffer, IndicesSource};
use glium::vertex::VerticesSource;
use glium::{Api, Version};

use crate::Error;

/// A vertex buffer ready to draw from, as returned by
/// [`VertexBuffer::bind`](crate::VertexBuffer::bind) and
/// [`VertexBuffer::drawable`](crate::VertexBuffer::drawable): pass it to
/// glium's `Surface::draw` as the vertex source, alone or in a tuple with
/// other sources. It covers the buffer's `len()` records, whatever the GL
/// buffer's capacity, or the records of a
/// [`slice`](crate::VertexBuffer::slice). An N-d buffer draws as its records
/// in row-major order: `[0, 0]`, `[0, 1]`, …, `[1, 0]`, …
///
/// # Examples
///
/// One quad drawn twice: a strip of corners, and per-instance offsets.
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
/// struct Corner { corner: [f32; 2] }
///
/// #[derive(Clone, Copy, Vertex)]
/// #[repr(C)]
/// struct Instance { offset: [f32; 2] }
///
/// let context = HeadlessContext::new()?;
/// let program = Program::from_source(
///     &context,
///     "#version 330 core
///      in vec2 corner; in vec2 offset;
///      void main() { gl_Position = vec4(corner * 0.5 + offset, 0.0, 1.0); }",
///     "#version 330 core
///      out vec4 color; void main() { color = vec4(1.0); }",
///     None,
/// )?;
/// let mut corners = VertexBuffer::<Corner>::from_vec(
///     [4],
///     vec![[-1.0, -1.0], [1.0, -1.0], [-1.0, 1.0], [1.0, 1.0]].into_iter().map(|corner| Corner { corner }).collect(),
/// )?;
/// let mut instances = VertexBuffer::<Instance>::from_vec([2], vec![Instance { offset: [-0.5, 0.0] }, Instance { offset: [0.5, 0.0] }])?;
///
/// let texture = Texture2d::empty(&context, 64, 64)?;
/// let mut surface = texture.as_surface();
/// surface.clear_color(0.0, 0.0, 0.0, 1.0);
/// let sources = (corners.bind(&context)?, instances.bind(&context)?.per_instance()?);
/// surface.draw(sources, NoIndices(PrimitiveType::TriangleStrip), &program, &uniform! {}, &Default::default())?;
/// let pixels: Vec<Vec<(u8, u8, u8, u8)>> = texture.read();
/// assert_eq!(pixels[32][16], (255, 255, 255, 255)); // the left instance
/// assert_eq!(pixels[32][48], (255, 255, 255, 255)); // the right one
/// assert_eq!(pixels[2][32], (0, 0, 0, 255));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Bound<'a, T: Copy> {
    buffer: &'a Buffer<[T]>,
    start: usize,
    len: usize,
}

impl<T: Copy> Clone for Bound<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Copy> Copy for Bound<'_, T> {}

impl<T: Copy> fmt::Debug for Bound<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Bound").field("start", &self.start).field("len", &self.len).finish()
    }
}

impl<'a, T: glium::Vertex> Bound<'a, T> {
    pub(crate) fn new(storage: &'a glium::VertexBuffer<T>, len: usize) -> Self {
        Bound { buffer: storage, start: 0, len }
    }

    /// The records `records` of these (relative to their first), which
    /// must lie inside them.
    pub(crate) fn records(self, records: core::ops::Range<usize>) -> Self {
        debug_assert!(records.start <= records.end && records.end <= self.len, "a slice inside the records");
        Bound { buffer: self.buffer, start: self.start + records.start, len: records.len() }
    }

    fn source(self, per_instance: bool) -> VerticesSource<'a> {
        let records = self.start..self.start + self.len;
        let slice: BufferSlice<'a, [T]> = self.buffer.slice(records).expect("records within capacity");
        VerticesSource::VertexBuffer(slice.as_slice_any(), T::build_bindings(), per_instance)
    }

    /// Draws the buffer once per instance instead of once per vertex: each
    /// record feeds one instance.
    ///
    /// # Errors
    ///
    /// [`Error::InstancingNotSupported`] if the context cannot draw instanced
    /// (it needs OpenGL 3.3, OpenGL ES 3.0 or `GL_ARB_instanced_arrays`).
    pub fn per_instance(self) -> Result<VerticesSource<'a>, Error> {
        let context = self.buffer.get_context();
        let version = *context.get_opengl_version();
        let supported = version >= Version(Api::Gl, 3, 3)
            || version >= Version(Api::GlEs, 3, 0)
            || glium::CapabilitiesSource::get_extensions(&**context).gl_arb_instanced_arrays;
        if !supported {
            return Err(Error::InstancingNotSupported);
        }
        Ok(self.source(true))
    }
}

impl<'a, T: glium::Vertex> From<Bound<'a, T>> for VerticesSource<'a> {
    fn from(bound: Bound<'a, T>) -> VerticesSource<'a> {
        bound.source(false)
    }
}

/// `&v.slice(..)?` in a draw, as glium's examples pass its slices.
impl<'a, T: glium::Vertex> From<&Bound<'a, T>> for VerticesSource<'a> {
    fn from(bound: &Bound<'a, T>) -> VerticesSource<'a> {
        bound.source(false)
    }
}

/// An index buffer ready to draw from, as returned by
/// [`IndexBuffer::bind`](crate::IndexBuffer::bind): pass it to glium's
/// `Surface::draw` as the index source. It covers the buffer's `len()`
/// indices, whatever the GL buffer's capacity.
pub struct BoundIndices<'a, I: glium::index::Index> {
    slice: glium::index::IndexBufferSlice<'a, I>,
}

impl<'a, I: glium::index::Index> BoundIndices<'a, I> {
    pub(crate) fn new(storage: &'a IndexBuffer<I>, len: usize) -> Self {
        BoundIndices { slice: storage.slice(0..len).expect("len within capacity") }
    }

    /// Only `indices` of these (a range inside them).
    pub(crate) fn indices(self, indices: core::ops::Range<usize>) -> Self {
        BoundIndices { slice: self.slice.slice(indices).expect("a range inside the indices") }
    }
}

impl<I: glium::index::Index> fmt::Debug for BoundIndices<'_, I> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BoundIndices").field("len", &self.slice.len()).finish()
    }
}

impl<'a, I: glium::index::Index> From<BoundIndices<'a, I>> for IndicesSource<'a> {
    fn from(bound: BoundIndices<'a, I>) -> IndicesSource<'a> {
        bound.slice.into()
    }
}

/// `&ib.slice(..)?` in a draw, as glium's examples pass its slices.
impl<'a, 'b: 'a, I: glium::index::Index> From<&'a BoundIndices<'b, I>> for IndicesSource<'a> {
    fn from(bound: &'a BoundIndices<'b, I>) -> IndicesSource<'a> {
        (&bound.slice).into()
    }
}
