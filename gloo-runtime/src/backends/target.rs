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

#[cfg(feature = "glium")]
mod glium_target {
    use glium::backend::Facade;

    use super::{sealed, Binds, GpuTarget};
    use crate::backends::glium::{Bound, BoundIndices};
    use crate::backends::{Context, IndexStorage, TextureStorage, VertexStorage};
    use crate::tracking::texel::Texel;
    use crate::Error;

    impl<F: Facade + ?Sized> sealed::Sealed for F {}

    impl<F: Facade + ?Sized> GpuTarget for F {
        fn backend_context(&self) -> Context {
            Context::Glium(self.get_context().clone())
        }
    }

    impl<F: Facade + ?Sized, T: crate::Vertex> Binds<VertexStorage<T>> for F {
        type Bound<'a>
            = Bound<'a, T>
        where
            T: 'a;

        fn bound(storage: &VertexStorage<T>, len: usize) -> Result<Bound<'_, T>, Error> {
            Ok(Bound::new(storage.glium().ok_or(Error::ContextMismatch)?, len))
        }
    }

    impl<F: Facade + ?Sized, I: crate::IndexType> Binds<IndexStorage<I>> for F {
        type Bound<'a>
            = BoundIndices<'a, I>
        where
            I: 'a;

        fn bound(storage: &IndexStorage<I>, len: usize) -> Result<BoundIndices<'_, I>, Error> {
            Ok(BoundIndices::new(storage.glium().ok_or(Error::ContextMismatch)?, len))
        }
    }

    /// The texture, for `uniform!` (as it is, or `.sampled()`).
    impl<F: Facade + ?Sized, P: Texel> Binds<TextureStorage<P>> for F {
        type Bound<'a> = &'a glium::Texture2d;

        fn bound(storage: &TextureStorage<P>, _: usize) -> Result<&glium::Texture2d, Error> {
            storage.glium().map(|texture| &**texture).ok_or(Error::ContextMismatch)
        }
    }
}

#[cfg(feature = "wgpu")]
mod wgpu_target {
    use super::{sealed, Binds, GpuTarget};
    use crate::__private::BackendIndex;
    use crate::backends::{Context, IndexStorage, TextureStorage, VertexStorage};
    use crate::tracking::layout::Vertex;
    use crate::tracking::texel::Texel;
    use crate::{Error, WgpuContext};

    impl sealed::Sealed for WgpuContext {}

    impl GpuTarget for WgpuContext {
        fn backend_context(&self) -> Context {
            Context::Wgpu(self.clone())
        }
    }

    /// A `wgpu::BufferSlice` over the first `len` records, for
    /// `set_vertex_buffer`.
    impl<T: Vertex> Binds<VertexStorage<T>> for WgpuContext {
        type Bound<'a>
            = wgpu::BufferSlice<'a>
        where
            T: 'a;

        fn bound(storage: &VertexStorage<T>, len: usize) -> Result<wgpu::BufferSlice<'_>, Error> {
            storage.wgpu().map(|buffer| buffer.slice(len)).ok_or(Error::ContextMismatch)
        }
    }

    /// A `wgpu::BufferSlice` over the first `len` indices, for
    /// `set_index_buffer`.
    impl<I: BackendIndex + bytemuck::Pod> Binds<IndexStorage<I>> for WgpuContext {
        type Bound<'a>
            = wgpu::BufferSlice<'a>
        where
            I: 'a;

        fn bound(storage: &IndexStorage<I>, len: usize) -> Result<wgpu::BufferSlice<'_>, Error> {
            storage.wgpu().map(|buffer| buffer.slice(len)).ok_or(Error::ContextMismatch)
        }
    }

    /// The `wgpu::Texture`, for a view in a bind group.
    impl<P: Texel> Binds<TextureStorage<P>> for WgpuContext {
        type Bound<'a>
            = &'a wgpu::Texture
        where
            P: 'a;

        fn bound(storage: &TextureStorage<P>, _: usize) -> Result<&wgpu::Texture, Error> {
            storage.wgpu().map(|texture| texture.texture()).ok_or(Error::ContextMismatch)
        }
    }
}
