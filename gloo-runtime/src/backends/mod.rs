//! GPU APIs behind the core's `GpuBuffer` and `GpuContext` traits: glium
//! (feature `glium`, on by default) with the headless EGL context; without
//! it, a stand-in that can never hold a GPU copy.
//!
//! The aliases below name what the containers store for the backend
//! compiled in.

#[cfg(feature = "glium")]
pub(crate) mod glium;
#[cfg(not(feature = "glium"))]
pub(crate) mod none;
#[cfg(feature = "wgpu")]
pub(crate) mod wgpu;

/// A context of the backend compiled in.
#[cfg(feature = "glium")]
pub(crate) type Context = std::rc::Rc<::glium::backend::Context>;
/// A vertex buffer's storage in the backend compiled in.
#[cfg(feature = "glium")]
pub(crate) type VertexStorage<T> = glium::GlBuffer<::glium::VertexBuffer<T>>;
/// An index buffer's storage in the backend compiled in.
#[cfg(feature = "glium")]
pub(crate) type IndexStorage<I> = glium::GlBuffer<::glium::IndexBuffer<I>>;

/// A texture's storage in the backend compiled in (of any texel type).
#[cfg(feature = "glium")]
pub(crate) type TextureStorage = ::glium::Texture2d;

#[cfg(not(feature = "glium"))]
pub(crate) type Context = none::NoContext;
#[cfg(not(feature = "glium"))]
pub(crate) type VertexStorage<T> = none::NoGpu<T>;
#[cfg(not(feature = "glium"))]
pub(crate) type IndexStorage<I> = none::NoGpu<I>;
#[cfg(not(feature = "glium"))]
pub(crate) type TextureStorage = none::NoGpu<(), crate::Rect, crate::containers::texture::TextureExtra>;
