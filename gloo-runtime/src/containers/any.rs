//! [`VertexBufferAny`]: vertex buffers of different vertex types kept
//! together, as glium's type of the same name.

use core::any::Any;
use core::fmt;

use glium::vertex::VerticesSource;

use crate::tracking::layout::Vertex;
use crate::tracking::stats::UploadStats;
use crate::{Error, VertexBuffer};

/// A [`VertexBuffer`] whose vertex type is known only at run time: meshes
/// of different formats in one collection, as glium's `VertexBufferAny`.
///
/// Made with `From<VertexBuffer<T>>` (`v.into()`), drawn like a buffer
/// (`&any` when nothing is pending, [`any.source()?`](Self::source) after
/// edits), and turned back with [`downcast_ref`](Self::downcast_ref) or
/// [`downcast_mut`](Self::downcast_mut) to edit it.
///
/// # Examples
///
/// ```
/// use gloo_runtime::headless::HeadlessContext;
/// use gloo_runtime::{Vertex, VertexBuffer, VertexBufferAny};
///
/// #[derive(Clone, Copy, Vertex)]
/// #[repr(C)]
/// struct Flat { position: [f32; 2] }
///
/// #[derive(Clone, Copy, Vertex)]
/// #[repr(C)]
/// struct Lit { position: [f32; 3], normal: [f32; 3] }
///
/// let display = HeadlessContext::new()?;
/// let mut meshes: Vec<VertexBufferAny> = vec![
///     VertexBuffer::new(&display, &[Flat { position: [0.0, 0.0] }; 3])?.into(),
///     VertexBuffer::new(&display, &[Lit { position: [0.0; 3], normal: [0.0, 0.0, 1.0] }; 4])?.into(),
/// ];
/// assert_eq!(meshes[1].len(), 4);
/// assert!(meshes[0].downcast_ref::<Lit>().is_none()); // the wrong vertex type
/// let flat = meshes[0].downcast_mut::<Flat>().expect("a Flat mesh");
/// *flat.position_mut(1) = [1.0, 0.0];
/// let source = meshes[0].source()?; // sends record 1, for a draw
/// # let _ = source;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct VertexBufferAny {
    buffer: Box<dyn ErasedVertexBuffer>,
}

/// What a [`VertexBufferAny`] asks of the buffer inside, whatever its vertex type.
trait ErasedVertexBuffer {
    fn as_any(&self) -> &dyn Any;
    fn as_any_mut(&mut self) -> &mut dyn Any;
    fn vertex_name(&self) -> &'static str;
    fn len(&self) -> usize;
    fn stats(&self) -> UploadStats;
    fn source(&self) -> Result<VerticesSource<'_>, Error>;
    fn per_instance(&self) -> Result<VerticesSource<'_>, Error>;
    fn clean_source(&self) -> VerticesSource<'_>;
}

impl<T: Vertex + 'static> ErasedVertexBuffer for VertexBuffer<T> {
    fn as_any(&self) -> &dyn Any {
        self
    }

    fn as_any_mut(&mut self) -> &mut dyn Any {
        self
    }

    fn vertex_name(&self) -> &'static str {
        T::LAYOUT.name
    }

    fn len(&self) -> usize {
        VertexBuffer::len(self)
    }

    fn stats(&self) -> UploadStats {
        VertexBuffer::stats(self)
    }

    fn source(&self) -> Result<VerticesSource<'_>, Error> {
        VertexBuffer::source(self).map(Into::into)
    }

    fn per_instance(&self) -> Result<VerticesSource<'_>, Error> {
        VertexBuffer::per_instance(self)
    }

    #[track_caller]
    fn clean_source(&self) -> VerticesSource<'_> {
        VertexBuffer::clean_source(self).into()
    }
}

impl VertexBufferAny {
    /// The number of vertices.
    pub fn len(&self) -> usize {
        self.buffer.len()
    }

    /// Whether it holds no vertex.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The name of the vertex type inside, as the derive spelled it.
    pub fn vertex_name(&self) -> &'static str {
        self.buffer.vertex_name()
    }

    /// The upload counters of the buffer inside.
    pub fn stats(&self) -> UploadStats {
        self.buffer.stats()
    }

    /// Sends the pending writes and returns the vertex source: the
    /// buffer's [`source`](VertexBuffer::source).
    ///
    /// # Errors
    ///
    /// As [`VertexBuffer::source`].
    pub fn source(&self) -> Result<VerticesSource<'_>, Error> {
        self.buffer.source()
    }

    /// As [`source`](Self::source), drawn once per instance: the buffer's
    /// [`per_instance`](VertexBuffer::per_instance).
    ///
    /// # Errors
    ///
    /// As [`VertexBuffer::per_instance`].
    pub fn per_instance(&self) -> Result<VerticesSource<'_>, Error> {
        self.buffer.per_instance()
    }

    /// The buffer inside, if its vertex type is `T`.
    pub fn downcast_ref<T: Vertex + 'static>(&self) -> Option<&VertexBuffer<T>> {
        self.buffer.as_any().downcast_ref()
    }

    /// The buffer inside, mutably, if its vertex type is `T`.
    pub fn downcast_mut<T: Vertex + 'static>(&mut self) -> Option<&mut VertexBuffer<T>> {
        self.buffer.as_any_mut().downcast_mut()
    }
}

impl<T: Vertex + 'static> From<VertexBuffer<T>> for VertexBufferAny {
    fn from(buffer: VertexBuffer<T>) -> Self {
        VertexBufferAny { buffer: Box::new(buffer) }
    }
}

/// `&any` in a draw, alone or in a tuple.
///
/// # Panics
///
/// As `&v` for a [`VertexBuffer`]: if writes are pending (draw
/// `any.source()?` instead) or the buffer has no GL copy.
impl<'a> From<&'a VertexBufferAny> for VerticesSource<'a> {
    #[track_caller]
    fn from(any: &'a VertexBufferAny) -> VerticesSource<'a> {
        any.buffer.clean_source()
    }
}

impl fmt::Debug for VertexBufferAny {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VertexBufferAny").field("vertex", &self.vertex_name()).field("len", &self.len()).finish()
    }
}
