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
    use crate::backends::{from_glium, glium_side, Context, IndexStorage, TextureStorage, VertexStorage};
    use crate::Error;

    impl<F: Facade + ?Sized> sealed::Sealed for F {}

    impl<F: Facade + ?Sized> GpuTarget for F {
        fn backend_context(&self) -> Context {
            from_glium(self.get_context())
        }
    }

    impl<F: Facade + ?Sized, T: crate::Vertex> Binds<VertexStorage<T>> for F {
        type Bound<'a>
            = Bound<'a, T>
        where
            T: 'a;

        fn bound(storage: &VertexStorage<T>, len: usize) -> Result<Bound<'_, T>, Error> {
            Ok(Bound::new(glium_side(storage).ok_or(Error::ContextMismatch)?, len))
        }
    }

    impl<F: Facade + ?Sized, I: crate::IndexType> Binds<IndexStorage<I>> for F {
        type Bound<'a>
            = BoundIndices<'a, I>
        where
            I: 'a;

        fn bound(storage: &IndexStorage<I>, len: usize) -> Result<BoundIndices<'_, I>, Error> {
            Ok(BoundIndices::new(glium_side(storage).ok_or(Error::ContextMismatch)?, len))
        }
    }

    /// The texture, for `uniform!` (as it is, or `.sampled()`).
    impl<F: Facade + ?Sized> Binds<TextureStorage> for F {
        type Bound<'a> = &'a glium::Texture2d;

        fn bound(storage: &TextureStorage, _: usize) -> Result<&glium::Texture2d, Error> {
            glium_side(storage).map(|texture| &**texture).ok_or(Error::ContextMismatch)
        }
    }
}

#[cfg(feature = "wgpu")]
mod wgpu_target {
    use super::{sealed, Binds, GpuTarget};
    use crate::backends::either::Either;
    use crate::backends::wgpu::{WgpuBuffer, WgpuTexture};
    use crate::backends::Context;
    use crate::{Error, WgpuContext};

    impl sealed::Sealed for WgpuContext {}

    impl GpuTarget for WgpuContext {
        fn backend_context(&self) -> Context {
            Either::Second(self.clone())
        }
    }

    /// A `wgpu::BufferSlice` over the first `len` records, for
    /// `set_vertex_buffer` or `set_index_buffer`.
    impl<A, E> Binds<Either<A, WgpuBuffer<E>>> for WgpuContext {
        type Bound<'a>
            = wgpu::BufferSlice<'a>
        where
            A: 'a,
            E: 'a;

        fn bound(storage: &Either<A, WgpuBuffer<E>>, len: usize) -> Result<wgpu::BufferSlice<'_>, Error> {
            match storage {
                Either::Second(buffer) => Ok(buffer.slice(len)),
                Either::First(_) => Err(Error::ContextMismatch),
            }
        }
    }

    /// The `wgpu::Texture`, for a view in a bind group.
    impl<A> Binds<Either<A, WgpuTexture>> for WgpuContext {
        type Bound<'a>
            = &'a wgpu::Texture
        where
            A: 'a;

        fn bound(storage: &Either<A, WgpuTexture>, _: usize) -> Result<&wgpu::Texture, Error> {
            match storage {
                Either::Second(texture) => Ok(texture.texture()),
                Either::First(_) => Err(Error::ContextMismatch),
            }
        }
    }
}
