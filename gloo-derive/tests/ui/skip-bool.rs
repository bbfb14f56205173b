use gloo_runtime::Vertex;

#[derive(Clone, Copy, Vertex)]
#[repr(C)]
struct Point {
    position: [f32; 2],
    #[vertex(skip)]
    visible: bool,
    #[vertex(skip)]
    _pad: [u8; 3],
}

fn main() {}
