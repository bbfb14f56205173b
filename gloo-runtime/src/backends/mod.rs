//! GPU APIs behind the core's `GpuResource` and `GpuContext` traits: glium
//! (feature `glium`, on by default) with the headless EGL context, or
//! without it a stand-in that can never hold a GPU copy; and beside either,
//! wgpu (feature `wgpu`).
//!
//! The aliases below name what the containers store for the backends
//! compiled in: the first backend's types alone, or, with wgpu, an
//! [`Either`](either::Either) of the first backend's and wgpu's. What the
//! containers pass in (a context, what creation needs) goes through the
//! functions here, so that the containers name no configuration.

use crate::tracking::texel::TextureExtra;

#[cfg(any(feature = "glium", feature = "wgpu"))]
pub(crate) mod copy;
#[cfg(feature = "wgpu")]
pub(crate) mod either;
#[cfg(feature = "glium")]
pub(crate) mod glium;
#[cfg(not(feature = "glium"))]
pub(crate) mod none;
pub(crate) mod target;
#[cfg(feature = "wgpu")]
pub(crate) mod wgpu;

/// The first backend: glium, or the stand-in.
#[cfg(feature = "glium")]
mod first {
    pub(crate) type Context = std::rc::Rc<::glium::backend::Context>;
    pub(crate) type VertexStorage<T> = super::glium::GlBuffer<::glium::VertexBuffer<T>>;
    pub(crate) type IndexStorage<I> = super::glium::GlBuffer<::glium::IndexBuffer<I>>;
    pub(crate) type TextureStorage = super::glium::GlTexture;
}

/// The first backend: glium, or the stand-in.
#[cfg(not(feature = "glium"))]
mod first {
    use super::none;

    pub(crate) type Context = none::NoContext;
    pub(crate) type VertexStorage<T> = none::NoGpu<T>;
    pub(crate) type IndexStorage<I> = none::NoGpu<I>;
    pub(crate) type TextureStorage = none::NoGpu<(), crate::Rect, crate::tracking::texel::TextureExtra>;
}

#[cfg(not(feature = "wgpu"))]
mod compiled {
    pub(crate) use super::first::*;
}

#[cfg(feature = "wgpu")]
mod compiled {
    use super::either::Either;
    use super::first;
    use super::wgpu::{WgpuBuffer, WgpuTexture};

    pub(crate) type Context = Either<first::Context, super::wgpu::WgpuContext>;
    pub(crate) type VertexStorage<T> = Either<first::VertexStorage<T>, WgpuBuffer<T>>;
    pub(crate) type IndexStorage<I> = Either<first::IndexStorage<I>, WgpuBuffer<I>>;
    pub(crate) type TextureStorage = Either<first::TextureStorage, WgpuTexture>;
}

/// A context of the backends compiled in.
pub(crate) type Context = compiled::Context;
/// A vertex buffer's storage in the backends compiled in.
pub(crate) type VertexStorage<T> = compiled::VertexStorage<T>;
/// An index buffer's storage in the backends compiled in.
pub(crate) type IndexStorage<I> = compiled::IndexStorage<I>;
/// A texture's storage in the backends compiled in (of any texel type).
pub(crate) type TextureStorage = compiled::TextureStorage;

/// What creating storage needs: `first` for the first backend, and for
/// wgpu the usage `wgpu` names.
#[cfg(not(feature = "wgpu"))]
pub(crate) fn extra<X>(first: X, _wgpu: Usage) -> X {
    first
}

/// What creating storage needs: `first` for the first backend, and for
/// wgpu the usage `wgpu` names.
#[cfg(feature = "wgpu")]
pub(crate) fn extra<X>(first: X, wgpu: Usage) -> (X, ::wgpu::BufferUsages) {
    let usage = match wgpu {
        Usage::Vertex => ::wgpu::BufferUsages::VERTEX,
        Usage::Index => ::wgpu::BufferUsages::INDEX,
    };
    (first, usage)
}

/// What creating a texture's storage needs, for each backend compiled in.
#[cfg(not(feature = "wgpu"))]
#[cfg_attr(not(feature = "glium"), allow(dead_code))]
pub(crate) fn texture_extra(extra: TextureExtra) -> TextureExtra {
    extra
}

/// What creating a texture's storage needs, for each backend compiled in.
#[cfg(feature = "wgpu")]
pub(crate) fn texture_extra(extra: TextureExtra) -> (TextureExtra, TextureExtra) {
    (extra, extra)
}

/// What a buffer is for, as wgpu asks at creation.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Usage {
    Vertex,
    Index,
}

/// The first backend's context as the containers keep it.
#[cfg(feature = "glium")]
pub(crate) fn from_glium(context: &first::Context) -> Context {
    #[cfg(feature = "wgpu")]
    return either::Either::First(context.clone());
    #[cfg(not(feature = "wgpu"))]
    return context.clone();
}

/// The glium side of a container's storage; `None` if it lives in wgpu.
#[cfg(all(feature = "glium", not(feature = "wgpu")))]
pub(crate) fn glium_side<S>(storage: &S) -> Option<&S> {
    Some(storage)
}

/// The glium side of a container's storage; `None` if it lives in wgpu.
#[cfg(all(feature = "glium", feature = "wgpu"))]
pub(crate) fn glium_side<A, B>(storage: &either::Either<A, B>) -> Option<&A> {
    match storage {
        either::Either::First(storage) => Some(storage),
        either::Either::Second(_) => None,
    }
}
