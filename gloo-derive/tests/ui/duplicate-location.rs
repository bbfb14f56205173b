use gloo_runtime::Vertex;

#[derive(Clone, Copy, Vertex)]
#[repr(C)]
struct Point {
    #[vertex(location = 1)]
    position: [f32; 2],
    #[vertex(location = 1)]
    color: [f32; 3],
}

fn main() {}
