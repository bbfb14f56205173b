//! What the derive's generated code names. Not public API.

pub use bytemuck;
pub use glium;
pub use std::borrow::Cow;

use crate::{AttributeField, AttributeType, VertexBuffer};

/// The `Accessors` of a struct whose derive failed: never used, since the
/// build stops at the derive's error.
#[repr(transparent)]
pub struct NoAccessors<T: Copy, const N: usize>(VertexBuffer<T, N>);

impl<T: Copy, const N: usize> core::fmt::Debug for NoAccessors<T, N> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("NoAccessors")
    }
}

/// Types a `#[vertex(skip)]` field may have: any plain old data.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not plain old data, so it cannot live in a vertex buffer",
    label = "this skipped field must still be `bytemuck::Pod`",
    note = "a vertex's bytes go to the GPU as they are: use numbers and arrays of numbers",
    note = "for a flag, use `u8` or `u32` (0 or 1): a `bool` has invalid bit patterns, so it is not plain old data"
)]
pub trait PodField: bytemuck::Pod {}

impl<T: bytemuck::Pod> PodField for T {}

/// The attribute type of a field of type `T`. The derive calls it, spanned on
/// the field's type, wherever it needs that type; a type that is not an
/// attribute fails with `AttributeField`'s message once (rustc merges
/// identical errors). The derive's soundness does not rest on this bound:
/// it proves `Pod` with bounds of its own, written inline.
pub const fn attribute_type<T: AttributeField>() -> AttributeType {
    <T as AttributeField>::TYPE
}

/// The attribute type of a `#[vertex(skip)]` field: none.
pub const fn skipped<T: PodField>() -> Option<AttributeType> {
    None
}

/// How many consecutive shader locations an attribute of type `ty` takes.
pub const fn locations(ty: AttributeType) -> u32 {
    ty.locations()
}

/// glium's attribute type for `ty`, for the derive's `impl glium::Vertex`.
pub const fn glium_attribute(ty: AttributeType) -> glium::vertex::AttributeType {
    ty.glium()
}
