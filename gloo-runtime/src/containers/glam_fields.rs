//! glam's vectors and matrices as field types (feature `glam`): attributes
//! for the derive, and scalars with their component axes for the views.
//!
//! The layout is proven as for arrays: glam's `Vec4`, `Mat2` and `Mat4` are
//! 16-byte aligned, so a `Vec3` before a `Vec4` leaves padding, which the
//! derive reports like any other.

use crate::{AttributeField, AttributeType, ScalarType};
use ::glam::{
    DMat2, DMat3, DMat4, DVec2, DVec3, DVec4, I16Vec2, I16Vec3, I16Vec4, I64Vec2, I64Vec3, I64Vec4, I8Vec2, I8Vec3,
    I8Vec4, IVec2, IVec3, IVec4, Mat2, Mat3, Mat4, U16Vec2, U16Vec3, U16Vec4, U64Vec2, U64Vec3, U64Vec4, U8Vec2,
    U8Vec3, U8Vec4, UVec2, UVec3, UVec4, Vec2, Vec3, Vec4,
};

/// `$ty` is read by the shader as `$attribute`; with ndarray, its view has
/// `$scalar` elements on component axes `$axes`.
macro_rules! glam_fields {
    ($($ty:ty => $attribute:expr, $scalar:ty, [$($axes:literal),+];)*) => {$(
        impl AttributeField for $ty {
            const TYPE: AttributeType = $attribute;
        }

        #[cfg(feature = "ndarray")]
        impl crate::containers::views::sealed::Sealed for $ty {}

        #[cfg(feature = "ndarray")]
        impl crate::containers::views::FieldArray for $ty {
            type Scalar = $scalar;
            type Dim<D: ndarray::Dimension> = glam_fields!(@dim D; $($axes),+);
            const AXES: &'static [usize] = &[$($axes),+];
        }
    )*};
    (@dim $d:ident; $k:literal) => { $d::Larger };
    (@dim $d:ident; $c:literal, $r:literal) => { <$d::Larger as ndarray::Dimension>::Larger };
}

glam_fields! {
    Vec2 => AttributeType::vector(ScalarType::F32, 2), f32, [2];
    Vec3 => AttributeType::vector(ScalarType::F32, 3), f32, [3];
    Vec4 => AttributeType::vector(ScalarType::F32, 4), f32, [4];
    DVec2 => AttributeType::vector(ScalarType::F64, 2), f64, [2];
    DVec3 => AttributeType::vector(ScalarType::F64, 3), f64, [3];
    DVec4 => AttributeType::vector(ScalarType::F64, 4), f64, [4];
    IVec2 => AttributeType::vector(ScalarType::I32, 2), i32, [2];
    IVec3 => AttributeType::vector(ScalarType::I32, 3), i32, [3];
    IVec4 => AttributeType::vector(ScalarType::I32, 4), i32, [4];
    UVec2 => AttributeType::vector(ScalarType::U32, 2), u32, [2];
    UVec3 => AttributeType::vector(ScalarType::U32, 3), u32, [3];
    UVec4 => AttributeType::vector(ScalarType::U32, 4), u32, [4];
    I8Vec2 => AttributeType::vector(ScalarType::I8, 2), i8, [2];
    I8Vec3 => AttributeType::vector(ScalarType::I8, 3), i8, [3];
    I8Vec4 => AttributeType::vector(ScalarType::I8, 4), i8, [4];
    U8Vec2 => AttributeType::vector(ScalarType::U8, 2), u8, [2];
    U8Vec3 => AttributeType::vector(ScalarType::U8, 3), u8, [3];
    U8Vec4 => AttributeType::vector(ScalarType::U8, 4), u8, [4];
    I16Vec2 => AttributeType::vector(ScalarType::I16, 2), i16, [2];
    I16Vec3 => AttributeType::vector(ScalarType::I16, 3), i16, [3];
    I16Vec4 => AttributeType::vector(ScalarType::I16, 4), i16, [4];
    U16Vec2 => AttributeType::vector(ScalarType::U16, 2), u16, [2];
    U16Vec3 => AttributeType::vector(ScalarType::U16, 3), u16, [3];
    U16Vec4 => AttributeType::vector(ScalarType::U16, 4), u16, [4];
    I64Vec2 => AttributeType::vector(ScalarType::I64, 2), i64, [2];
    I64Vec3 => AttributeType::vector(ScalarType::I64, 3), i64, [3];
    I64Vec4 => AttributeType::vector(ScalarType::I64, 4), i64, [4];
    U64Vec2 => AttributeType::vector(ScalarType::U64, 2), u64, [2];
    U64Vec3 => AttributeType::vector(ScalarType::U64, 3), u64, [3];
    U64Vec4 => AttributeType::vector(ScalarType::U64, 4), u64, [4];
    // Column-major: the view's axes are (column, row), as stored.
    Mat2 => AttributeType::matrix(ScalarType::F32, 2, 2), f32, [2, 2];
    Mat3 => AttributeType::matrix(ScalarType::F32, 3, 3), f32, [3, 3];
    Mat4 => AttributeType::matrix(ScalarType::F32, 4, 4), f32, [4, 4];
    DMat2 => AttributeType::matrix(ScalarType::F64, 2, 2), f64, [2, 2];
    DMat3 => AttributeType::matrix(ScalarType::F64, 3, 3), f64, [3, 3];
    DMat4 => AttributeType::matrix(ScalarType::F64, 4, 4), f64, [4, 4];
}
