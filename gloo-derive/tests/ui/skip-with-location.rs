use gloo_runtime::Vertex;

#[derive(Clone, Copy, Vertex)]
#[repr(C)]
struct Point {
    position: [f32; 3],
    #[vertex(skip, location = 1)]
    _pad: [u8; 4],
}

fn main() {}
