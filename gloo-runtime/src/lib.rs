//! gloo: typed vertex buffers for glium that upload only the bytes that changed.
#![deny(missing_docs)]

extern crate self as gloo_runtime;

pub mod error;
pub mod headless;

pub use error::Error;
pub use glium;
