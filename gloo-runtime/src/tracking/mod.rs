//! The core: what every container and backend shares, with no GPU API.
//!
//! A vertex's [`layout`] (its fields, offsets and attribute types, proven by
//! the derive), the pending-write bits ([`dirty`]), the merge policies and
//! their cost model ([`plan`]), the upload counters (`stats`), where a GPU
//! copy lives (`storage`), what a texel is (`texel`) and how indices make
//! primitives (`primitive`), the tracked records
//! every container is built on
//! (`tracked`), and the two small
//! traits a GPU API implements, one for its context (identity, costs) and
//! one for its storage (create, write a region, grow, read back), with the
//! upload logic all backends share (`backend`). Nothing here names glium or
//! wgpu.

// Without a backend compiled in (`--no-default-features`), nothing
// implements the trait.
#[cfg_attr(not(feature = "glium"), allow(dead_code))]
pub(crate) mod backend;
pub(crate) mod block;
pub mod dirty;
pub(crate) mod layout;
pub mod plan;
pub(crate) mod primitive;
pub(crate) mod stats;
pub(crate) mod storage;
pub(crate) mod texel;
pub(crate) mod tracked;
