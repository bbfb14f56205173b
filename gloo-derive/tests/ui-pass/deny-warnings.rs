//! Generated code is documented and warning-free under a user's strictest lints.

#![deny(warnings, missing_docs)]
#![deny(
    missing_debug_implementations,
    missing_copy_implementations,
    unreachable_pub,
    unused_qualifications,
    unused_results,
    rust_2018_idioms,
    trivial_casts,
    trivial_numeric_casts,
    single_use_lifetimes,
    let_underscore_drop,
    unsafe_op_in_unsafe_fn
)]

use gloo_runtime::{Vertex, VertexBuffer};

/// A vertex with every kind of field the derive treats specially.
#[derive(Clone, Copy, Debug, Vertex)]
#[repr(C)]
pub struct Point {
    /// Position in clip space.
    pub position: [f32; 2],
    /// A raw identifier: the accessors are `r#type` and `type_mut`.
    pub r#type: u16,
    /// Colour, normalized to `0.0..=1.0` in the shader.
    #[vertex(normalize, name = "a_color", location = 2)]
    pub color: [u8; 4],
    /// Keeps the stride a multiple of 4.
    #[vertex(skip)]
    pub _pad: [u8; 2],
    /// Renamed accessor.
    #[vertex(accessor = "w")]
    pub weight: f32,
    /// A tuple field, as glium's examples write them.
    #[vertex(location = 3)]
    pub uv: (f32, f32),
    /// A skipped tuple field.
    #[vertex(skip)]
    pub cpu: (u16, u16),
}

#[derive(Clone, Copy, Vertex)]
#[repr(C)]
struct Private {
    position: [f32; 3],
}

pub(crate) mod nested {
    //! A restricted visibility carries over to the generated items.

    use gloo_runtime::Vertex;

    /// Visible to the crate only.
    #[derive(Clone, Copy, Vertex)]
    #[repr(C)]
    pub(crate) struct Crate {
        pub(crate) uv: [f32; 2],
    }
}

fn main() {
    let mut line = VertexBuffer::<Point>::zeros([4]);
    *line.position_mut(0) = [1.0, 2.0];
    *line.type_mut(1) = 3;
    *line.w_mut(2) = 0.5;
    assert_eq!(*line.r#type(1), 3);
    assert_eq!(line.get_color(9), None);

    *line.uv_mut(3) = (0.5, 1.0);
    line.cpu_mut(3).1 = 2;
    assert_eq!(line.uv(3).1, 1.0);

    let mut grid = VertexBuffer::<Point, 2>::zeros([2, 3]);
    *grid.position_mut(1, 2) = [1.0, 1.0];
    assert_eq!(grid.get_w_mut(2, 0), None);

    let mut cube = VertexBuffer::<Private, 3>::zeros([2, 2, 2]);
    cube.position_mut(1, 1, 1)[2] = 1.0;
    assert_eq!(cube.position(1, 1, 1), &[0.0, 0.0, 1.0]);

    let mut uvs = VertexBuffer::<nested::Crate>::zeros([1]);
    *uvs.uv_mut(0) = [0.5, 0.5];
    assert_eq!(nested::Crate::FIELDS.uv.offset(), 0);
}
