use gloo_runtime::{Vertex, VertexBuffer};

#[derive(Clone, Copy, Vertex)]
#[repr(C)]
struct Point {
    #[vertex(accessor = "pos")]
    position: [f32; 2],
    #[vertex(accessor = "pos")]
    previous_position: [f32; 2],
}

// The stub left beside the error defines `pos` once, for the first field.
#[allow(dead_code)]
fn uses(v: &mut VertexBuffer<Point>) {
    *v.pos_mut(0) = [0.0, 0.0];
}

fn main() {}
