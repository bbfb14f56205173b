//! gloo: GPU vertex data as easy to edit as a numpy array, and as cheap to
//! upload as the bytes that actually changed.
//!
//! `#[derive(Vertex)]` on a `#[repr(C)]` struct proves its layout at compile
//! time; a [`VertexBuffer<T, N>`] holds an N-d array of them, records the
//! bytes of every write, and uploads only those when bound for a draw.
//! `#[derive(Block)]` does the same for uniform and storage blocks, proven
//! std140 or std430 ([`Block`](trait@Block)): a [`UniformBuffer<T>`] sends
//! the members written, a [`StorageBuffer<T, N>`] the records.
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
//!
//! # Layers
//!
//! - `tracking/`, the core, with no GPU API: layouts and attribute types,
//!   the pending-write bits ([`dirty`]), merge plans and costs ([`plan`]),
//!   upload counters, the tracked records every buffer shares, and the one
//!   small trait a GPU API's buffers implement, with the upload logic all
//!   backends share.
//! - `containers/`: [`TrackedBuffer`], the N-d array of tracked records
//!   with the methods every buffer shares, and its kinds,
//!   [`VertexBuffer`], [`IndexBuffer`] and [`StorageBuffer`];
//!   [`Texture2d`], tracked texel by texel; [`UniformBuffer`], one block
//!   tracked member by member; their ndarray views (feature `ndarray`) and
//!   glam field types (feature `glam`).
//! - `backends/`: glium (feature `glium`, on by default) with its headless
//!   EGL context, and wgpu (feature `wgpu`) with its headless adapter and
//!   vertex buffer layouts, each implementing the core's two traits for its
//!   context, buffers and textures; with both compiled in, a container
//!   holds either's storage. [`GpuTarget`] is what the containers' GPU
//!   methods take: a glium facade or a `WgpuContext`.
//!
//! Dependencies run one way: containers use the core and a backend's
//! storage type; backends use the core; the core uses neither.
#![deny(missing_docs)]
// The core's and the containers' docs link to both backends' items (`bind`,
// `HeadlessContext`, `WgpuContext`). Those links resolve in a build with
// every feature, as docs.rs makes (see Cargo.toml) and `.ci/run` checks,
// and nowhere else.
#![cfg_attr(not(all(feature = "glium", feature = "wgpu")), allow(rustdoc::broken_intra_doc_links))]

extern crate self as gloo_runtime;

mod backends;
pub mod check;
mod containers;
pub mod error;
mod tracking;

#[cfg(feature = "glium")]
pub use backends::glium::headless;
pub use tracking::{dirty, plan};

#[doc(hidden)]
#[path = "private.rs"]
pub mod __private;

#[cfg(feature = "glium")]
pub use backends::glium::BoundBlock;
#[cfg(feature = "glium")]
pub use backends::glium::{Bound, BoundIndices};
pub use backends::target::{Binds, GpuTarget};
#[cfg(feature = "glium")]
pub use containers::any::VertexBufferAny;
pub use containers::block::{BlockAccessors, Blocks, StorageBuffer, Uniform, UniformBuffer};
pub use containers::buffer::{BufferKind, FieldKind, RecordKind, TrackedBuffer};
pub use containers::index::PrimitiveType;
pub use containers::index::{IndexBuffer, IndexType, Indices};
pub use containers::texture::{Texels, Texture2d};
pub use containers::vertex::{NamedAccessors, VertexBuffer, Vertices};
#[cfg(feature = "ndarray")]
pub use containers::views::{FieldArray, FieldView, FieldViewMut, Scalar};
pub use error::Error;
pub use tracking::block::{Block, BlockField, BlockLayout, BlockMember, BlockType, Rules};
pub use tracking::layout::{AttributeField, AttributeType, Field, FieldLayout, Layout, ScalarType, Vertex};
pub use tracking::plan::{MergePolicy, Rect, UploadCosts};
pub use tracking::stats::{UploadStats, TRACE_TARGET};
pub use tracking::storage::GpuStorage;
pub use tracking::texel::Texel;

/// `#[derive(Vertex)]`: see the [`Vertex`](trait@Vertex) trait.
pub use gloo_derive::Vertex;

/// `#[derive(Block)]`: see the [`Block`](trait@Block) trait.
pub use gloo_derive::Block;

#[cfg(feature = "glam")]
pub use ::glam;
#[cfg(feature = "wgpu")]
pub use ::wgpu;
#[cfg(feature = "wgpu")]
pub use backends::wgpu::{wgpu_index_format, wgpu_layout, WgpuContext};
pub use bytemuck;
#[cfg(feature = "glium")]
pub use glium;
#[cfg(feature = "ndarray")]
pub use ndarray;
