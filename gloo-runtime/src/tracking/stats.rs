//! What a buffer reports about its uploads, whatever the backend: the
//! counters, and the trace with its `log` target.

use core::fmt;

/// The `log` target of the GPU trace.
pub const TRACE_TARGET: &str = "gloo::gpu";

/// Trace lines held back while an upload holds a container's GPU copy
/// mutably, and logged once it has let go.
///
/// A logger is the application's code: it may reach the very buffer being
/// uploaded (a `thread_local` holding a `&'static` one, say) and call
/// `source()` on it. Logging from inside the upload would then run a second
/// upload beside the first one's `&mut`. So an upload builds its lines here,
/// asking only [`log::max_level`] (an atomic, no user code) whether to, and
/// [`emit`](Trace::emit)s them when no borrow into the container is live.
/// Backends write their lines (the scatter's) here too.
#[derive(Debug, Default)]
#[must_use = "lines are logged only by `emit`"]
pub struct Trace {
    lines: Vec<(log::Level, String)>,
}

impl Trace {
    /// A debug line: one GPU operation.
    pub fn debug(&mut self, line: fmt::Arguments<'_>) {
        self.push(log::Level::Debug, line);
    }

    /// A warning: a fallback the application may want to know of.
    pub fn warn(&mut self, line: fmt::Arguments<'_>) {
        self.push(log::Level::Warn, line);
    }

    /// Whether lines of `level` are kept: a line that costs work to build
    /// asks first.
    pub fn wants(&self, level: log::Level) -> bool {
        level <= log::max_level()
    }

    fn push(&mut self, level: log::Level, line: fmt::Arguments<'_>) {
        if self.wants(level) {
            self.lines.push((level, line.to_string()));
        }
    }

    /// Logs the lines, in order, to [`TRACE_TARGET`]. Call it only where the
    /// logger may use the container: with no borrow into it live.
    pub fn emit(self) {
        for (level, line) in self.lines {
            log::log!(target: TRACE_TARGET, level, "{line}");
        }
    }
}

/// What a buffer has sent to the GPU so far.
///
/// # Examples
///
/// The glumpy example: creation sends all 180 bytes; two 8-byte writes 16
/// bytes apart then send records 0 to 4, 100 bytes, in one call.
///
/// ```
/// use gloo_runtime::headless::HeadlessContext;
/// use gloo_runtime::{UploadStats, Vertex, VertexBuffer};
///
/// #[derive(Clone, Copy, Vertex)]
/// #[repr(C)]
/// struct Point { position: [f32; 2], color: [f32; 3] }
///
/// let context = HeadlessContext::new()?;
/// let mut v = VertexBuffer::<Point, 2>::zeros([3, 3]);
/// assert_eq!(v.stats(), UploadStats::default()); // never bound: nothing created
/// v.upload(&context)?;
/// *v.position_mut(0, 0) = [0.5, 0.5];
/// *v.position_mut(1, 1) = [0.5, 0.5];
/// v.upload(&context)?;
/// let stats = v.stats();
/// assert_eq!((stats.buffers_created, stats.upload_calls), (1, 2));
/// assert_eq!((stats.bytes_uploaded, stats.bytes_written), (180 + 100, 180 + 16));
/// # Ok::<(), gloo_runtime::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct UploadStats {
    /// GL buffers created: one when the buffer is first uploaded, one more per
    /// reallocation.
    pub buffers_created: u64,
    /// Ranges sent, one per range of each upload plan: a call each
    /// (`glBufferData`/`glBufferSubData` through glium) for a dynamic GPU
    /// copy, a copy into the mapping each for a mapped one (see
    /// [`GpuStorage`](crate::GpuStorage)).
    pub upload_calls: u64,
    /// Bytes sent from the CPU, whole records included.
    pub bytes_uploaded: u64,
    /// Distinct bytes made dirty before each upload, summed over uploads:
    /// what the program actually changed.
    pub bytes_written: u64,
    /// Times the GL buffer was reallocated to grow (its old content is copied
    /// on the GPU, not sent again).
    pub reallocations: u64,
}
