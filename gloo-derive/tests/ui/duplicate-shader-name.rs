use gloo_runtime::Vertex;

#[derive(Clone, Copy, Vertex)]
#[repr(C)]
struct Point {
    position: [f32; 2],
    #[vertex(name = "position")]
    offset: [f32; 2],
}

fn main() {}
