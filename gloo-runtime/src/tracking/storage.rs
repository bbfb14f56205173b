//! Where a container's GPU copy lives ([`GpuStorage`], the user's choice)
//! and what the tracked records ask of that copy ([`GpuCopy`]), whatever
//! its backend: the two things `tracked` needs of a GPU copy, apart from
//! the backend traits (`backend`), which build on the tracked records.

use crate::tracking::plan::UploadCosts;

/// Where a buffer's GPU copy lives, and so how an upload reaches it; set
/// with [`set_gpu_storage`](crate::TrackedBuffer::set_gpu_storage) before
/// the first upload (or a reallocation, which keeps the choice).
///
/// Scattered edits cost one GL call each on a plain dynamic buffer (about
/// 0.6 µs through glium), so that many of them cost more than sending the
/// whole buffer. Two storages make them cost about what their bytes do:
///
/// - A *mapped* buffer costs nothing per call: an upload maps it once and
///   copies each planned range into the mapping. Its price is on the draw
///   side: glium puts a fence after every draw that reads it (wgpu's
///   mapping waits for those draws), and on a discrete GPU the driver may
///   keep it in host memory, where every draw reads it across the bus.
/// - A *scattered* buffer stays an ordinary buffer in the GPU's memory. An
///   upload packs its planned ranges into one mapped staging buffer beside
///   it, and one compute dispatch copies each word to its place: the
///   mapping serves the staging only, and draws read GPU memory.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum GpuStorage {
    /// For a buffer of at least [`GpuStorage::MAPPED_MIN_BYTES`], the
    /// backend's choice among the others by what the context can do; a
    /// smaller buffer is dynamic.
    ///
    /// - The glium backend chooses [`Scatter`](GpuStorage::Scatter) on a
    ///   GPU that has it, so that draws read GPU memory, and
    ///   [`Mapped`](GpuStorage::Mapped) on a renderer that runs on the CPU
    ///   (Mesa's llvmpipe), where mapped memory is all there is and a
    ///   mapped upload measured 5.6× faster than a scatter (1 % of 20 MB
    ///   edited); else [`Mapped`](GpuStorage::Mapped) where the context
    ///   can map, else [`Dynamic`](GpuStorage::Dynamic).
    /// - The wgpu backend chooses [`Mapped`](GpuStorage::Mapped) on a
    ///   device that runs on the CPU (Mesa's lavapipe) and maps vertex and
    ///   index buffers (`Features::MAPPABLE_PRIMARY_BUFFERS`, which
    ///   `WgpuContext::headless` asks for), for the same reason: there an
    ///   upload is the copy of its bytes, with no staging write and no
    ///   dispatch (see BENCHMARKS.md). Else
    ///   [`Scatter`](GpuStorage::Scatter) where the device runs compute
    ///   shaders (a `write_buffer` costs microseconds each there, on every
    ///   device), else [`Dynamic`](GpuStorage::Dynamic).
    #[default]
    Auto,
    /// A dynamic buffer, written with one call (`glBufferSubData`) per
    /// planned range.
    Dynamic,
    /// A mapped buffer, where the context can have one (otherwise a
    /// dynamic one): each upload copies the planned ranges into the
    /// mapping, once the GPU is done with its earlier draws. Through glium
    /// the buffer is mapped persistently (OpenGL 4.4 or
    /// `GL_ARB_buffer_storage`); through wgpu each upload maps it and
    /// unmaps it, on a device with `Features::MAPPABLE_PRIMARY_BUFFERS`
    /// (on a discrete GPU the driver may then keep the buffer in host
    /// memory, where draws read it across the bus).
    Mapped,
    /// A dynamic buffer whose uploads of many ranges go through a staging
    /// buffer and one compute dispatch, where the context has compute
    /// shaders and storage buffers: OpenGL 4.3 with records a whole number
    /// of 4-byte words; wgpu on any device but a downlevel one (WebGL2),
    /// with records of any size (2-byte indices go in pairs, as whole
    /// words); otherwise a dynamic one. An upload of a few ranges makes one
    /// call per range, as a dynamic buffer does.
    Scatter,
}

impl GpuStorage {
    /// The size from which [`GpuStorage::Auto`] leaves the choice to the
    /// backend: 1 MiB. Below it a whole write costs about what one draw's
    /// fence or one dispatch does.
    pub const MAPPED_MIN_BYTES: usize = 1 << 20;

    /// What a buffer of `nbytes` asks its backend for: `Auto` stays `Auto`
    /// (the backend's choice) from [`GpuStorage::MAPPED_MIN_BYTES`], and is
    /// `Dynamic` below.
    pub(crate) fn for_size(self, nbytes: usize) -> GpuStorage {
        match self {
            GpuStorage::Auto if nbytes < Self::MAPPED_MIN_BYTES => GpuStorage::Dynamic,
            other => other,
        }
    }
}

/// What the core asks of a container's GPU copy, whatever its backend.
pub trait GpuCopy {
    /// What writes into it cost.
    fn costs(&self) -> UploadCosts;
}
