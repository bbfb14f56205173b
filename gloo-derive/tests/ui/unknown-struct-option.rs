use gloo_runtime::Vertex;

#[derive(Clone, Copy, Vertex)]
#[repr(C)]
#[vertex(name = "point")]
struct Point {
    position: [f32; 2],
}

fn main() {}
