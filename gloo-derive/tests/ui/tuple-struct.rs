use gloo_runtime::{Vertex, VertexBuffer};

#[derive(Clone, Copy, Vertex)]
#[repr(C)]
struct Point([f32; 2], [f32; 3]);

// The stub impls left beside the error keep this from failing too.
#[allow(dead_code)]
fn uses() -> VertexBuffer<Point> {
    VertexBuffer::zeros([1])
}

fn main() {}
