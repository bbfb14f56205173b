//! gloo: GPU vertex data as easy to edit as a numpy array, and as cheap to
//! upload as the bytes that actually changed.
//!
//! `#[derive(Vertex)]` on a `#[repr(C)]` struct proves its layout at compile
//! time; a [`VertexBuffer<T, N>`] holds an N-d array of them, records the
//! bytes of every write, and uploads only those when bound for a draw.
//!
//! ```
//! use gloo_runtime::{Vertex, VertexBuffer};
//!
//! #[derive(Clone, Copy, Vertex)]
//! #[repr(C)]
//! struct Point {
//!     position: [f32; 2],
//!     color: [f32; 3],
//! }
//!
//! let mut v = VertexBuffer::<Point, 2>::zeros([3, 3]);
//! v.take_dirty();
//! *v.position_mut(0, 0) = [0.0, 0.0];
//! *v.position_mut(1, 1) = [0.0, 0.0];
//! assert_eq!(v.dirty(), Some(0..88));
//! ```
#![deny(missing_docs)]

extern crate self as gloo_runtime;

mod buffer;
pub mod dirty;
pub mod error;
#[cfg(feature = "glam")]
mod glam_fields;
#[cfg(feature = "glium")]
mod gpu;
#[cfg(not(feature = "glium"))]
mod gpu_none;
#[cfg(feature = "glium")]
pub mod headless;
mod index;
mod layout;
pub mod plan;
mod stats;
mod tracked;
#[cfg(feature = "ndarray")]
mod views;

#[doc(hidden)]
#[path = "private.rs"]
pub mod __private;

pub use buffer::VertexBuffer;
pub use error::Error;
#[cfg(feature = "glium")]
pub use gpu::{Bound, BoundIndices};
#[cfg(not(feature = "glium"))]
pub use index::PrimitiveType;
pub use index::{IndexBuffer, IndexType};
pub use layout::{AttributeField, AttributeType, Field, FieldLayout, Layout, ScalarType, Vertex};
pub use plan::{MergePolicy, UploadCosts};
pub use stats::{UploadStats, TRACE_TARGET};
#[cfg(feature = "ndarray")]
pub use views::{FieldArray, FieldView, FieldViewMut, Scalar};

/// `#[derive(Vertex)]`: see the [`Vertex`](trait@Vertex) trait.
pub use gloo_derive::Vertex;

#[cfg(feature = "glam")]
pub use ::glam;
pub use bytemuck;
#[cfg(feature = "glium")]
pub use glium;
#[cfg(feature = "ndarray")]
pub use ndarray;
