use gloo_runtime::Vertex;

// A tuple field is read by the shader as one vector of its scalar, so its
// elements must all be the same scalar type.
#[derive(Clone, Copy, Vertex)]
#[repr(C)]
struct Point {
    position: (f32, u32),
    color: [f32; 3],
}

fn main() {}
