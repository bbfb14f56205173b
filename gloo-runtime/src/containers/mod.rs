//! What users hold: [`TrackedBuffer`](crate::TrackedBuffer), the N-d array
//! of tracked records, with the methods every buffer shares (`buffer.rs`);
//! its two kinds, [`VertexBuffer`](crate::VertexBuffer) (`vertex.rs`) and
//! [`IndexBuffer`](crate::IndexBuffer) (`index.rs`); textures,
//! [`Texture2d`](crate::Texture2d) (`texture.rs`), tracked texel by texel
//! and sent as rectangles; the type-erased
//! [`VertexBufferAny`](crate::VertexBufferAny) (`any.rs`, feature `glium`); their ndarray views
//! (`views.rs`, feature `ndarray`) and glam field types (`glam_fields.rs`,
//! feature `glam`). Their GPU side goes through a backend's storage.

#[cfg(feature = "glium")]
pub(crate) mod any;
pub(crate) mod block;
pub(crate) mod buffer;
#[cfg(feature = "glam")]
pub(crate) mod glam_fields;
#[cfg(feature = "glium")]
mod glium;
pub(crate) mod index;
pub(crate) mod texture;
pub(crate) mod vertex;
#[cfg(feature = "ndarray")]
pub(crate) mod views;
