use gloo_runtime::Vertex;

#[derive(Clone, Copy, Vertex)]
#[repr(C)]
struct Point {
    position: [f32; 2],
    #[vertex(normalize)]
    color: [f32; 4],
    #[vertex(normalize)]
    tint: [u8; 4],
}

fn main() {}
