use gloo_runtime::Vertex;

#[derive(Clone, Copy, Vertex)]
#[repr(C)]
struct Quad {
    a: u8,
    b: f32,
}

fn main() {}
