//! `wgpu_layout::<T>()` against layouts written by hand with
//! `wgpu::vertex_attr_array!`: formats, offsets and locations (feature
//! `wgpu`, on for this package's tests).

use gloo_runtime::{wgpu, wgpu_layout, Vertex};
use wgpu::{vertex_attr_array, VertexAttribute, VertexFormat, VertexStepMode};

#[derive(Clone, Copy, Vertex)]
#[repr(C)]
struct Point {
    position: [f32; 2],
    color: [f32; 3],
}

#[test]
fn a_packed_struct_gives_what_vertex_attr_array_writes() {
    let layout = wgpu_layout::<Point>();
    assert_eq!(layout.array_stride, 20);
    assert_eq!(layout.step_mode, VertexStepMode::Vertex);
    assert_eq!(layout.attributes, &vertex_attr_array![0 => Float32x2, 1 => Float32x3]);
}

/// Every kind of field wgpu has a format for.
#[derive(Clone, Copy, Vertex)]
#[repr(C)]
struct Everything {
    weight: f64,
    model: [[f32; 4]; 4],
    normal: (f32, f32, f32),
    #[vertex(normalize)]
    rgba: [u8; 4],
    #[vertex(normalize)]
    uv: [i16; 2],
    id: u32,
    cells: [i32; 3],
    level: u16,
    flags: [u8; 2],
    #[vertex(normalize)]
    alpha: u8,
    #[vertex(skip)]
    _pad: [u8; 7],
}

#[test]
fn every_field_kind_maps_like_vertex_attr_array() {
    let layout = wgpu_layout::<Everything>();
    assert_eq!(layout.array_stride, size_of::<Everything>() as u64);
    // `vertex_attr_array!` packs the attributes one after another, as the
    // struct is laid out: a matrix is four columns at four locations.
    let by_hand = vertex_attr_array![
        0 => Float64,
        1 => Float32x4, 2 => Float32x4, 3 => Float32x4, 4 => Float32x4,
        5 => Float32x3,
        6 => Unorm8x4,
        7 => Snorm16x2,
        8 => Uint32,
        9 => Sint32x3,
        10 => Uint16,
        11 => Uint8x2,
        12 => Unorm8,
    ];
    assert_eq!(layout.attributes, &by_hand);
}

/// Explicit locations, a skipped field, and a field after it.
#[derive(Clone, Copy, Vertex)]
#[repr(C)]
struct Sparse {
    #[vertex(location = 3)]
    position: [f32; 3],
    #[vertex(skip)]
    cpu_only: u32,
    color: [f32; 4],
    #[vertex(location = 9)]
    size: f32,
    angle: f32,
}

#[test]
fn locations_follow_the_given_ones_and_skipped_fields_keep_their_bytes() {
    let layout = wgpu_layout::<Sparse>();
    assert_eq!(layout.array_stride, 40);
    let expected = [
        VertexAttribute { format: VertexFormat::Float32x3, offset: 0, shader_location: 3 },
        // `cpu_only` takes bytes 12..16 and no location.
        VertexAttribute { format: VertexFormat::Float32x4, offset: 16, shader_location: 4 },
        VertexAttribute { format: VertexFormat::Float32, offset: 32, shader_location: 9 },
        VertexAttribute { format: VertexFormat::Float32, offset: 36, shader_location: 10 },
    ];
    assert_eq!(layout.attributes, &expected);
}

#[test]
fn an_instance_layout_is_the_same_with_its_step_mode() {
    let instances = wgpu::VertexBufferLayout { step_mode: VertexStepMode::Instance, ..wgpu_layout::<Point>() };
    assert_eq!(instances.step_mode, VertexStepMode::Instance);
    assert_eq!(instances.attributes, wgpu_layout::<Point>().attributes);
}
