//! A build without the glium backend (`--no-default-features`): the derive,
//! the tracked buffers and their plans work, and nothing of glium, glutin
//! or EGL is compiled. Run by `.ci/run` as
//! `cargo test -p gloo-runtime --no-default-features --test no_backend`.
#![cfg(not(feature = "glium"))]

use gloo_runtime::{AttributeType, IndexBuffer, MergePolicy, PrimitiveType, ScalarType, Vertex, VertexBuffer};

#[derive(Clone, Copy, Debug, PartialEq, Vertex)]
#[repr(C)]
struct Point {
    position: [f32; 2],
    #[vertex(normalize)]
    color: [u8; 4],
}

#[test]
fn buffers_track_and_plan_without_a_backend() {
    assert_eq!(Point::LAYOUT.fields[0].ty, Some(AttributeType::vector(ScalarType::F32, 2)));
    assert_eq!(Point::LAYOUT.stride, 12);
    let mut v = VertexBuffer::<Point, 2>::zeros([3, 3]);
    v.take_dirty();
    *v.position_mut(1, 1) = [0.5, 0.5];
    assert_eq!(v.dirty(), Some(48..56));
    v.set_policy(MergePolicy::Coalesce { max_gap: 0 });
    assert_eq!(v.upload_plan(), vec![0..108], "no GPU copy: the first upload would send everything");

    let mut indices = IndexBuffer::<u16>::from_vec(PrimitiveType::TrianglesList, [3], vec![0, 1, 9]).unwrap();
    assert!(indices.check_indices(9).is_err());
    *indices.at_mut([2]) = 2;
    indices.check_indices(9).unwrap();
}
