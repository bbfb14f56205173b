//! What the derive's generated code names. Not public API.

pub use bytemuck;
#[cfg(feature = "glium")]
pub use glium;
pub use std::borrow::Cow;

use crate::{AttributeField, AttributeType, VertexBuffer};

/// The `Accessors` of a struct whose derive failed: never used, since the
/// build stops at the derive's error.
#[repr(transparent)]
pub struct NoAccessors<T: crate::Vertex, const N: usize>(VertexBuffer<T, N>);

impl<T: crate::Vertex, const N: usize> core::fmt::Debug for NoAccessors<T, N> {
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

/// The types a tuple field may hold: the ten scalars, each an attribute
/// (and so `bytemuck::Pod`) of one component.
///
/// A tuple is no `bytemuck::Pod`, so the derive proves a tuple field plain
/// old data element by element: each element bounded by this trait (which
/// its `pod_proof` ties to the `Pod` it implements), and the elements shown
/// by `offset_of!` and `size_of` to tile the tuple like an array.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a scalar, so it cannot be an element of a tuple field",
    label = "a tuple field's elements must be scalars",
    note = "a tuple field holds 2 to 4 of the same scalar, f32, f64, i8, u8, i16, u16, i32, u32, i64 or u64, \
            such as `(f32, f32, f32)`, written out in the field's type",
    note = "for anything else, use an attribute type in its own field: an array such as `[f32; 3]`, or a \
            square matrix such as `[[f32; 3]; 3]`"
)]
pub trait TupleScalar: AttributeField {}

impl TupleScalar for i8 {}
impl TupleScalar for u8 {}
impl TupleScalar for i16 {}
impl TupleScalar for u16 {}
impl TupleScalar for i32 {}
impl TupleScalar for u32 {}
impl TupleScalar for i64 {}
impl TupleScalar for u64 {}
impl TupleScalar for f32 {}
impl TupleScalar for f64 {}

/// `Self` is `S`: the later elements of a tuple field against its first.
/// It gives the tuple its meaning (one vector of `S`); the derive's proof
/// that the tuple is plain old data does not rest on it.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not `{S}`: the elements of a tuple field must all be the same scalar type",
    label = "not `{S}`, the type of the tuple's first element",
    note = "the shader reads a tuple field as one vector of its scalar, such as `vec3` for `(f32, f32, f32)`; \
            put data of different types in separate fields"
)]
pub trait SameScalar<S> {}

impl<S> SameScalar<S> for S {}

/// The attribute type of a tuple field of `components` scalars `S`: the
/// vector `[S; components]` has.
pub const fn tuple_attribute<S: TupleScalar>(components: u8) -> AttributeType {
    AttributeType::vector(<S as AttributeField>::TYPE.scalar, components)
}

/// The attribute type of a `#[vertex(skip)]` tuple field: none. The
/// derive passes the tuple's attribute type, whose computation checks its
/// elements as for any tuple field.
pub const fn skipped_tuple(_checked: AttributeType) -> Option<AttributeType> {
    None
}

/// How many consecutive shader locations an attribute of type `ty` takes.
pub const fn locations(ty: AttributeType) -> u32 {
    ty.locations()
}

/// glium's attribute type for `ty`, for the derive's `impl glium::Vertex`.
#[cfg(feature = "glium")]
pub const fn glium_attribute(ty: AttributeType) -> glium::vertex::AttributeType {
    ty.glium()
}

/// What a vertex must be for the backends compiled in: `glium::Vertex` with
/// glium, nothing more without.
#[cfg(feature = "glium")]
pub trait BackendVertex: glium::Vertex {}
#[cfg(feature = "glium")]
impl<T: glium::Vertex> BackendVertex for T {}
/// What a vertex must be for the backends compiled in: nothing without glium.
#[cfg(not(feature = "glium"))]
pub trait BackendVertex {}
#[cfg(not(feature = "glium"))]
impl<T> BackendVertex for T {}

/// What an index must be for the backends compiled in.
#[cfg(feature = "glium")]
pub trait BackendIndex: glium::index::Index {}
#[cfg(feature = "glium")]
impl<T: glium::index::Index> BackendIndex for T {}
/// What an index must be for the backends compiled in: nothing without glium.
#[cfg(not(feature = "glium"))]
pub trait BackendIndex {}
#[cfg(not(feature = "glium"))]
impl<T> BackendIndex for T {}

/// `impl glium::Vertex` for a derived struct, from its bindings; nothing in
/// a build without glium (the bindings are then never compiled).
#[cfg(feature = "glium")]
#[doc(hidden)]
#[macro_export]
macro_rules! __gloo_impl_glium_vertex {
    ($ty:ident; $($binding:expr),* $(,)?) => {
        #[automatically_derived]
        impl $crate::__private::glium::Vertex for $ty {
            fn build_bindings() -> $crate::__private::glium::vertex::VertexFormat {
                const BINDINGS: $crate::__private::glium::vertex::VertexFormat = &[$($binding),*];
                BINDINGS
            }
        }
    };
}

/// `impl glium::Vertex` for a derived struct: nothing without glium.
#[cfg(not(feature = "glium"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __gloo_impl_glium_vertex {
    ($($tokens:tt)*) => {};
}

pub use __gloo_impl_glium_vertex as impl_glium_vertex;

pub use crate::tracking::block::{check_member, check_size, Message};

/// A block's alignment under `rules` from its members' (`struct_align`
/// of the largest).
pub const fn struct_align(aligns: &[usize], rules: crate::Rules) -> usize {
    let (mut largest, mut i) = (0, 0);
    while i < aligns.len() {
        if aligns[i] > largest {
            largest = aligns[i];
        }
        i += 1;
    }
    crate::tracking::block::struct_align(largest, rules)
}

/// glium's check of a block's layout against the driver's reflection.
#[cfg(feature = "glium")]
pub use crate::backends::glium::block::{layout as glium_block_layout, matches as glium_block_matches};

/// `impl glium::uniforms::UniformBlock` for a derived block, from its
/// `BLOCK` (offsets from `offset_of!`); nothing in a build without glium.
#[cfg(feature = "glium")]
#[doc(hidden)]
#[macro_export]
macro_rules! __gloo_impl_glium_block {
    ($ty:ident) => {
        #[automatically_derived]
        impl $crate::__private::glium::uniforms::UniformBlock for $ty {
            fn matches(
                layout: &$crate::__private::glium::program::BlockLayout,
                base_offset: usize,
            ) -> ::core::result::Result<(), $crate::__private::glium::uniforms::LayoutMismatchError> {
                $crate::__private::glium_block_matches(&<$ty as $crate::Block>::BLOCK, layout, base_offset)
            }

            fn build_layout(base_offset: usize) -> $crate::__private::glium::program::BlockLayout {
                $crate::__private::glium_block_layout(&<$ty as $crate::Block>::BLOCK, base_offset)
            }
        }
    };
}

/// `impl glium::uniforms::UniformBlock` for a derived block: nothing
/// without glium.
#[cfg(not(feature = "glium"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __gloo_impl_glium_block {
    ($($tokens:tt)*) => {};
}

pub use __gloo_impl_glium_block as impl_glium_block;
