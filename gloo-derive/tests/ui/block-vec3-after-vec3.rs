// A vec3 aligns to 16: two in a row need a word between them.
use gloo_runtime::Block;

#[derive(Clone, Copy, Block)]
#[block(std430)]
#[repr(C)]
struct Vertex {
    position: [f32; 3],
    normal: [f32; 3],
    #[block(skip)]
    _pad: u32,
}

fn main() {}
