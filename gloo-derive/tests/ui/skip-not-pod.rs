use gloo_runtime::Vertex;

#[derive(Clone, Copy, Vertex)]
#[repr(C)]
struct Point {
    position: [f32; 2],
    #[vertex(skip)]
    owner: &'static str,
}

fn main() {}
