use gloo_runtime::Vertex;

#[derive(Clone, Copy, Vertex)]
#[repr(C)]
struct Point {
    #[vertex(location = 0)]
    #[vertex(name = "a_position", location = 1)]
    position: [f32; 2],
}

fn main() {}
