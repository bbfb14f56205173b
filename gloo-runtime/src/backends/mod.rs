//! GPU APIs behind the core's [`Backend`](crate::tracking::backend::Backend)
//! trait: glium (feature `glium`, on by default) with the headless EGL
//! context; without it, a stand-in that can never hold a GPU copy.

#[cfg(feature = "glium")]
pub(crate) mod glium;
#[cfg(not(feature = "glium"))]
pub(crate) mod none;
