//! glam's vectors and matrices as field types (feature `glam`): offsets
//! from `offset_of!` (vulkano#2165 got `glam::Vec4`'s wrong), glium's
//! attribute types, views of their scalars, and a trip to the GPU and back.
#![cfg(feature = "glam")]

use core::mem::offset_of;

use gloo_runtime::glam::{IVec2, Mat4, U8Vec4, Vec2, Vec3, Vec4};
use gloo_runtime::glium::vertex::AttributeType;
use gloo_runtime::{Vertex, VertexBuffer};

mod common;

/// 16-byte aligned members first, so that no padding is needed.
#[derive(Clone, Copy, Debug, PartialEq, Vertex)]
#[repr(C)]
struct Instance {
    transform: Mat4,
    tint: Vec4,
    position: Vec3,
    id: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Vertex)]
#[repr(C)]
struct Vertex3 {
    position: Vec3,
    uv: Vec2,
    #[vertex(normalize)]
    color: U8Vec4,
    cell: IVec2,
}

/// `(name, offset, type)` of each attribute glium binds.
fn bindings<T: gloo_runtime::glium::Vertex>() -> Vec<(String, usize, AttributeType)> {
    T::build_bindings().iter().map(|(name, offset, _, ty, _)| (name.to_string(), *offset, *ty)).collect()
}

#[test]
fn offsets_sizes_and_types_match_the_compiler_and_glium() {
    assert_eq!(Instance::LAYOUT.stride, size_of::<Instance>());
    assert_eq!(size_of::<Instance>(), 96);
    assert_eq!(
        bindings::<Instance>(),
        vec![
            ("transform".into(), offset_of!(Instance, transform), AttributeType::F32x4x4),
            ("tint".into(), offset_of!(Instance, tint), AttributeType::F32F32F32F32),
            ("position".into(), offset_of!(Instance, position), AttributeType::F32F32F32),
            ("id".into(), offset_of!(Instance, id), AttributeType::U32),
        ]
    );
    assert_eq!((offset_of!(Instance, tint), offset_of!(Instance, position)), (64, 80));
    assert_eq!(
        bindings::<Vertex3>(),
        vec![
            ("position".into(), offset_of!(Vertex3, position), AttributeType::F32F32F32),
            ("uv".into(), offset_of!(Vertex3, uv), AttributeType::F32F32),
            ("color".into(), offset_of!(Vertex3, color), AttributeType::U8U8U8U8),
            ("cell".into(), offset_of!(Vertex3, cell), AttributeType::I32I32),
        ]
    );
    for (field, (offset, size)) in Vertex3::LAYOUT.fields.iter().zip([(0, 12), (12, 8), (20, 4), (24, 8)]) {
        assert_eq!((field.offset, field.size), (offset, size), "{}", field.ident);
    }
    assert!(Vertex3::LAYOUT.fields[2].normalize);
}

#[test]
fn views_show_glam_fields_as_scalars() {
    let mut v = VertexBuffer::<Instance>::from_fn([3], |[i]| Instance {
        transform: Mat4::from_translation(Vec3::new(i as f32, 2.0, 3.0)),
        tint: Vec4::splat(0.5),
        position: Vec3::new(1.0, 2.0, i as f32),
        id: i as u32,
    });
    let transforms = v.field_view(Instance::FIELDS.transform);
    assert_eq!(transforms.shape(), &[3, 4, 4], "records, then (column, row)");
    assert_eq!(transforms[[2, 3, 0]], 2.0, "column 3 holds the translation");
    assert_eq!(transforms[[2, 3, 1]], 2.0);
    assert_eq!(v.field_view(Instance::FIELDS.position).row(1).to_vec(), vec![1.0, 2.0, 1.0]);
    v.take_dirty();
    v.field_view_mut(Instance::FIELDS.tint).fill(1.0);
    assert_eq!(v.as_slice()[2].tint, Vec4::ONE);
    assert_eq!(v.dirty(), Some(64..(2 * 96 + 80)), "the tints of records 0 to 2");
}

#[test]
fn glam_records_reach_the_gpu() {
    let ctx = common::context();
    let mut v = VertexBuffer::<Vertex3>::from_fn([4], |[i]| Vertex3 {
        position: Vec3::splat(i as f32),
        uv: Vec2::new(0.5, i as f32),
        color: U8Vec4::new(255, i as u8, 0, 255),
        cell: IVec2::new(-(i as i32), 7),
    });
    v.bind(&ctx).unwrap();
    *v.uv_mut(2) = Vec2::new(9.0, 9.0);
    v.bind(&ctx).unwrap();
    assert_eq!(v.read_gpu(&ctx).unwrap(), v.as_slice());
}
