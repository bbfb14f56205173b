use gloo_runtime::{Vertex, VertexBuffer};

#[derive(Clone, Copy, Vertex)]
struct Point {
    position: [f32; 2],
    color: [f32; 3],
}

// The derive's error is the only one: the stub it leaves behind keeps these
// uses from failing too.
#[allow(dead_code)]
fn uses() {
    let mut v = VertexBuffer::<Point>::zeros([1]);
    *v.position_mut(0) = [0.0, 0.0];
    let _ = v.color(0);
    v.fill_field(Point::FIELDS.color, [1.0; 3]);
    let _ = <Point as Vertex>::LAYOUT.stride;
}

fn main() {}
