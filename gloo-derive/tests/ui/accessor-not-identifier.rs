use gloo_runtime::Vertex;

#[derive(Clone, Copy, Vertex)]
#[repr(C)]
struct Point {
    #[vertex(accessor = "world position")]
    position: [f32; 2],
}

fn main() {}
