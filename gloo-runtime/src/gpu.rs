//! The GL side: lazy creation, minimal uploads on bind, read-back, the trace.

use core::fmt;
use core::ops::Range;
use std::rc::Rc;
use std::sync::atomic::{AtomicU64, Ordering};

use glium::backend::{Context, Facade};
use glium::vertex::{PerInstance, VerticesSource};

use crate::buffer::VertexBuffer;
use crate::layout::Vertex;
use crate::Error;

/// The `log` target of the GPU trace.
pub const TRACE_TARGET: &str = "gloo::gpu";

/// What a buffer has sent to the GPU so far.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct UploadStats {
    /// GL buffers created (one per buffer, plus one per reallocation).
    pub buffers_created: u64,
    /// Upload calls made (`glBufferData`/`glBufferSubData` through glium).
    pub upload_calls: u64,
    /// Bytes sent, whole records included.
    pub bytes_uploaded: u64,
    /// Distinct bytes made dirty before each upload, summed over uploads:
    /// what the program actually changed.
    pub bytes_written: u64,
    /// Times the GL buffer was reallocated to grow.
    pub reallocations: u64,
}

/// The GL object behind a buffer, and the context it belongs to.
pub(crate) struct Gpu<T: Copy> {
    pub(crate) buffer: glium::VertexBuffer<T>,
    context: Rc<Context>,
    pub(crate) id: u64,
}

/// A process-wide buffer id for the trace (GL names repeat across contexts).
fn next_id() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// A buffer ready to draw from, as returned by [`VertexBuffer::bind`] and
/// [`VertexBuffer::drawable`]: pass it to glium's `Surface::draw` as the
/// vertex source, alone or in a tuple with other sources.
pub struct Bound<'a, T: Copy> {
    buffer: &'a glium::VertexBuffer<T>,
}

impl<T: Copy> Clone for Bound<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Copy> Copy for Bound<'_, T> {}

impl<T: Copy> fmt::Debug for Bound<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Bound").field("len", &self.buffer.len()).finish()
    }
}

impl<'a, T: Copy> Bound<'a, T> {
    /// Draws the buffer once per instance instead of once per vertex: each
    /// record feeds one instance.
    ///
    /// # Errors
    ///
    /// [`Error::InstancingNotSupported`] if the context cannot draw instanced.
    pub fn per_instance(self) -> Result<PerInstance<'a>, Error> {
        self.buffer.per_instance().map_err(|_| Error::InstancingNotSupported)
    }

    /// The underlying glium buffer, for glium APIs that need it by name.
    pub fn glium_buffer(self) -> &'a glium::VertexBuffer<T> {
        self.buffer
    }
}

impl<'a, T: Copy> From<Bound<'a, T>> for VerticesSource<'a> {
    fn from(bound: Bound<'a, T>) -> VerticesSource<'a> {
        bound.buffer.into()
    }
}

impl<T: Vertex, const N: usize> VertexBuffer<T, N> {
    /// Brings the GPU copy up to date and returns it as a vertex source.
    ///
    /// On the first call, creates the GL buffer (`GL_ARRAY_BUFFER`, dynamic)
    /// and uploads everything; later calls send exactly the ranges of
    /// [`upload_plan`](Self::upload_plan), one call each, then forget them. A
    /// clean buffer sends nothing. The result borrows the buffer; when you
    /// need the buffer while drawing, call [`upload`](Self::upload) and then
    /// [`drawable`](Self::drawable).
    ///
    /// # Errors
    ///
    /// [`Error::ContextMismatch`] if the buffer lives in another context,
    /// [`Error::BufferCreation`] if GL cannot create the buffer.
    ///
    /// # Examples
    ///
    /// ```
    /// use gloo_runtime::headless::HeadlessContext;
    /// use gloo_runtime::{Vertex, VertexBuffer};
    ///
    /// #[derive(Clone, Copy, Vertex)]
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
    pub fn bind<F: Facade + ?Sized>(&mut self, facade: &F) -> Result<Bound<'_, T>, Error> {
        self.upload(facade)?;
        let gpu = self.gpu.as_ref().expect("uploaded");
        log::debug!(target: TRACE_TARGET, "GPU: Activating buffer (id={})", gpu.id);
        Ok(Bound { buffer: &gpu.buffer })
    }

    /// Brings the GPU copy up to date without drawing: creates the GL buffer
    /// on first use, then sends the ranges of [`upload_plan`](Self::upload_plan).
    ///
    /// # Errors
    ///
    /// As [`bind`](Self::bind).
    pub fn upload<F: Facade + ?Sized>(&mut self, facade: &F) -> Result<(), Error> {
        match &self.gpu {
            Some(gpu) if !Rc::ptr_eq(&gpu.context, facade.get_context()) => Err(Error::ContextMismatch),
            Some(_) => {
                self.send_pending();
                Ok(())
            }
            None => self.create(facade),
        }
    }

    /// The GPU copy as a vertex source, through a shared borrow, for code
    /// that needs the buffer while drawing. Call [`upload`](Self::upload) first.
    ///
    /// # Errors
    ///
    /// [`Error::NotUploaded`] if the buffer was never uploaded,
    /// [`Error::PendingWrites`] if it has writes the GPU has not seen: drawing
    /// would show stale data.
    pub fn drawable(&self) -> Result<Bound<'_, T>, Error> {
        let gpu = self.gpu.as_ref().ok_or(Error::NotUploaded)?;
        if !self.pending.is_empty() {
            return Err(Error::PendingWrites);
        }
        log::debug!(target: TRACE_TARGET, "GPU: Activating buffer (id={})", gpu.id);
        Ok(Bound { buffer: &gpu.buffer })
    }

    /// What the GPU holds now, read back; pending writes are not uploaded first.
    ///
    /// # Errors
    ///
    /// [`Error::NotUploaded`] if there is no GPU copy yet,
    /// [`Error::ContextMismatch`] if it lives in another context,
    /// [`Error::Read`] if GL cannot read it back.
    pub fn read_gpu<F: Facade + ?Sized>(&self, facade: &F) -> Result<Vec<T>, Error> {
        let gpu = self.gpu.as_ref().ok_or(Error::NotUploaded)?;
        if !Rc::ptr_eq(&gpu.context, facade.get_context()) {
            return Err(Error::ContextMismatch);
        }
        Ok(gpu.buffer.read()?)
    }

    /// What this buffer has sent to the GPU so far.
    pub fn stats(&self) -> UploadStats {
        self.stats
    }

    fn create<F: Facade + ?Sized>(&mut self, facade: &F) -> Result<(), Error> {
        let id = next_id();
        log::debug!(target: TRACE_TARGET, "GPU: Creating buffer (id={id})");
        let buffer = glium::VertexBuffer::dynamic(facade, &self.data)
            .map_err(|error| Error::BufferCreation(error.to_string()))?;
        let (nbytes, written) = (self.nbytes(), self.bytes_pending());
        log::debug!(target: TRACE_TARGET, "GPU: Updating buffer (id={id}): 0..{nbytes}, {nbytes} bytes ({written} written)");
        self.stats.buffers_created += 1;
        self.record_upload(nbytes, written);
        self.pending.clear();
        self.gpu = Some(Gpu { buffer, context: facade.get_context().clone(), id });
        Ok(())
    }

    fn send_pending(&mut self) {
        let plan = self.upload_plan();
        if plan.is_empty() {
            return;
        }
        self.stats.bytes_written += self.bytes_pending() as u64;
        let gpu = self.gpu.as_ref().expect("created");
        let stride = T::LAYOUT.stride;
        for bytes in &plan {
            let records = bytes.start / stride..bytes.end / stride;
            if records == (0..self.data.len()) {
                // glium invalidates the old storage on a whole-buffer write.
                gpu.buffer.write(&self.data);
            } else {
                let slice = gpu.buffer.slice(records.clone()).expect("plan inside the buffer");
                slice.write(&self.data[records.clone()]);
            }
            if log::log_enabled!(target: TRACE_TARGET, log::Level::Debug) {
                let written = self.bytes_written_in(records);
                log::debug!(target: TRACE_TARGET, "GPU: Updating buffer (id={}): {bytes:?}, {} bytes ({written} written)", gpu.id, bytes.len());
            }
            self.stats.upload_calls += 1;
            self.stats.bytes_uploaded += bytes.len() as u64;
        }
        self.pending.clear();
    }

    fn record_upload(&mut self, bytes: usize, written: usize) {
        self.stats.upload_calls += 1;
        self.stats.bytes_uploaded += bytes as u64;
        self.stats.bytes_written += written as u64;
    }

    /// Distinct dirty bytes inside `records`, for the trace.
    fn bytes_written_in(&self, records: Range<usize>) -> usize {
        let fields = T::LAYOUT.fields;
        let end = records.end * fields.len();
        let mut bit = self.pending.next_one(records.start * fields.len());
        let mut total = 0;
        while let Some(b) = bit.filter(|&b| b < end) {
            total += fields[b % fields.len()].size;
            bit = self.pending.next_one(b + 1);
        }
        total
    }
}
