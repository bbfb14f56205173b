//! glam's vectors and matrices as field types (feature `glam`): attributes
//! for the derive, and scalars with their component axes for the views.
//!
//! The layout is proven as for arrays: glam's `Vec4`, `Mat2` and `Mat4` are
//! 16-byte aligned, so a `Vec3` before a `Vec4` leaves padding, which the
//! derive reports like any other.

use ::glam::{
    DMat2, DMat3, DMat4, DVec2, DVec3, DVec4, I16Vec2, I16Vec3, I16Vec4, I64Vec2, I64Vec3, I64Vec4, I8Vec2, I8Vec3,
    I8Vec4, IVec2, IVec3, IVec4, Mat2, Mat3, Mat4, U16Vec2, U16Vec3, U16Vec4, U64Vec2, U64Vec3, U64Vec4, U8Vec2,
    U8Vec3, U8Vec4, UVec2, UVec3, UVec4, Vec2, Vec3, Vec4,
};
use glium::vertex::AttributeType;

use crate::AttributeField;

/// `$ty` is read by the shader as `$attribute`; with ndarray, its view has
/// `$scalar` elements on component axes `$axes`.
macro_rules! glam_fields {
    ($($ty:ty => $attribute:ident, $scalar:ty, [$($axes:literal),+];)*) => {$(
        impl AttributeField for $ty {
            const TYPE: AttributeType = AttributeType::$attribute;
        }

        #[cfg(feature = "ndarray")]
        impl crate::views::sealed::Sealed for $ty {}

        #[cfg(feature = "ndarray")]
        impl crate::views::FieldArray for $ty {
            type Scalar = $scalar;
            type Dim<D: ndarray::Dimension> = glam_fields!(@dim D; $($axes),+);
            const AXES: &'static [usize] = &[$($axes),+];
        }
    )*};
    (@dim $d:ident; $k:literal) => { $d::Larger };
    (@dim $d:ident; $c:literal, $r:literal) => { <$d::Larger as ndarray::Dimension>::Larger };
}

glam_fields! {
    Vec2 => F32F32, f32, [2];
    Vec3 => F32F32F32, f32, [3];
    Vec4 => F32F32F32F32, f32, [4];
    DVec2 => F64F64, f64, [2];
    DVec3 => F64F64F64, f64, [3];
    DVec4 => F64F64F64F64, f64, [4];
    IVec2 => I32I32, i32, [2];
    IVec3 => I32I32I32, i32, [3];
    IVec4 => I32I32I32I32, i32, [4];
    UVec2 => U32U32, u32, [2];
    UVec3 => U32U32U32, u32, [3];
    UVec4 => U32U32U32U32, u32, [4];
    I8Vec2 => I8I8, i8, [2];
    I8Vec3 => I8I8I8, i8, [3];
    I8Vec4 => I8I8I8I8, i8, [4];
    U8Vec2 => U8U8, u8, [2];
    U8Vec3 => U8U8U8, u8, [3];
    U8Vec4 => U8U8U8U8, u8, [4];
    I16Vec2 => I16I16, i16, [2];
    I16Vec3 => I16I16I16, i16, [3];
    I16Vec4 => I16I16I16I16, i16, [4];
    U16Vec2 => U16U16, u16, [2];
    U16Vec3 => U16U16U16, u16, [3];
    U16Vec4 => U16U16U16U16, u16, [4];
    I64Vec2 => I64I64, i64, [2];
    I64Vec3 => I64I64I64, i64, [3];
    I64Vec4 => I64I64I64I64, i64, [4];
    U64Vec2 => U64U64, u64, [2];
    U64Vec3 => U64U64U64, u64, [3];
    U64Vec4 => U64U64U64U64, u64, [4];
    // Column-major: the view's axes are (column, row), as stored.
    Mat2 => F32x2x2, f32, [2, 2];
    Mat3 => F32x3x3, f32, [3, 3];
    Mat4 => F32x4x4, f32, [4, 4];
    DMat2 => F64x2x2, f64, [2, 2];
    DMat3 => F64x3x3, f64, [3, 3];
    DMat4 => F64x4x4, f64, [4, 4];
}
