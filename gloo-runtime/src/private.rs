//! What the derive's generated code names. Not public API.

pub use bytemuck;
pub use glium;
pub use std::borrow::Cow;

use glium::vertex::AttributeType;

use crate::VertexBuffer;

/// The `Accessors` of a struct whose derive failed: never used, since the
/// build stops at the derive's error.
#[repr(transparent)]
pub struct NoAccessors<T: Copy, const N: usize>(VertexBuffer<T, N>);

impl<T: Copy, const N: usize> core::fmt::Debug for NoAccessors<T, N> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("NoAccessors")
    }
}

/// Field types that are vertex attributes: those of glium's `Attribute` that
/// are also plain old data (glium's tuples are not).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a vertex attribute type",
    label = "this field's type has no vertex attribute type",
    note = "attributes are f32, f64, i8, u8, i16, u16, i32, u32, i64, u64, arrays of 2 to 4 of them \
            such as `[f32; 2]`, and square f32 or f64 matrices such as `[[f32; 4]; 4]`",
    note = "a tuple such as `(f32, f32)` has no fixed layout: use the array `[f32; 2]`",
    note = "for data the shader must not see, mark the field `#[vertex(skip)]`"
)]
pub trait AttributeField: glium::vertex::Attribute + bytemuck::Pod {}

macro_rules! attribute_fields {
    ($($scalar:ty),*) => {
        $(
            impl AttributeField for $scalar {}
            impl AttributeField for [$scalar; 2] {}
            impl AttributeField for [$scalar; 3] {}
            impl AttributeField for [$scalar; 4] {}
        )*
    };
}

attribute_fields!(i8, u8, i16, u16, i32, u32, i64, u64, f32, f64);
impl AttributeField for [[f32; 2]; 2] {}
impl AttributeField for [[f32; 3]; 3] {}
impl AttributeField for [[f32; 4]; 4] {}
impl AttributeField for [[f64; 2]; 2] {}
impl AttributeField for [[f64; 3]; 3] {}
impl AttributeField for [[f64; 4]; 4] {}

/// Types a `#[vertex(skip)]` field may have: any plain old data.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not plain old data, so it cannot live in a vertex buffer",
    label = "this skipped field must still be `bytemuck::Pod`",
    note = "a vertex's bytes go to the GPU as they are: use numbers and arrays of numbers"
)]
pub trait PodField: bytemuck::Pod {}

impl<T: bytemuck::Pod> PodField for T {}

/// The attribute type of a field of type `T`. The derive calls it, spanned on
/// the field's type, wherever it needs that type: the bound is the proof that
/// `T` is an attribute and `Pod`, and a type that is not fails with
/// `AttributeField`'s message once (rustc merges identical errors).
pub const fn attribute_type<T: AttributeField>() -> AttributeType {
    T::TYPE
}

/// The attribute type of a `#[vertex(skip)]` field: none. The bound is the
/// proof that the field is `Pod`.
pub const fn skipped<T: PodField>() -> Option<AttributeType> {
    None
}
