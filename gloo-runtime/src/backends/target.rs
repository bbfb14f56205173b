//! What the containers' GPU methods take: a glium facade (feature `glium`)
//! or a [`WgpuContext`](crate::WgpuContext) (feature `wgpu`), and what
//! `bind` returns for each.

use crate::backends::Context;
use crate::Error;

pub(crate) mod sealed {
    pub trait Sealed {}
}

/// Where a container's GPU copy lives: a glium facade (a `Display`, a
/// [`HeadlessContext`](crate::headless::HeadlessContext), anything glium
/// draws with) or a [`WgpuContext`](crate::WgpuContext). `upload`,
/// `read_gpu` and `bind` take either; a container stays with the context
/// it was first uploaded in, and another context (of either backend) is
/// [`Error::ContextMismatch`].
///
/// Sealed: the two backends are the only ones.
pub trait GpuTarget: sealed::Sealed {
    /// The context as the containers keep it.
    #[doc(hidden)]
    fn backend_context(&self) -> Context;
}

/// What `bind` returns for storage `S` in this kind of context: for glium
/// a vertex or index source for `draw` (or the texture), for wgpu a
/// `wgpu::BufferSlice` over the records (or the `wgpu::Texture`).
pub trait Binds<S>: GpuTarget {
    /// The bound copy.
    type Bound<'a>
    where
        S: 'a;

    /// The first `len` records of `storage`, bound.
    #[doc(hidden)]
    fn bound(storage: &S, len: usize) -> Result<Self::Bound<'_>, Error>;
}
