//! What users hold: [`VertexBuffer`](crate::VertexBuffer) and
//! [`IndexBuffer`](crate::IndexBuffer), built on the core's tracked records,
//! with their ndarray views (feature `ndarray`) and glam field types
//! (feature `glam`). Their GPU side goes through a backend.

pub(crate) mod buffer;
#[cfg(feature = "glam")]
pub(crate) mod glam_fields;
pub(crate) mod index;
#[cfg(feature = "ndarray")]
pub(crate) mod views;
