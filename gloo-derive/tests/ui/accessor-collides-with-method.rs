use gloo_runtime::Vertex;

#[derive(Clone, Copy, Vertex)]
#[repr(C)]
struct Segment {
    start: [f32; 2],
    len: f32,
    shape: u32,
}

fn main() {}
