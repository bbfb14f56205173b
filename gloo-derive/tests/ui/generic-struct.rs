use gloo_runtime::Vertex;

#[derive(Clone, Copy, Vertex)]
#[repr(C)]
struct Point<T> {
    position: [T; 2],
    color: [f32; 3],
}

fn main() {}
