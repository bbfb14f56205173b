// No GLSL block member is a byte: a colour as `[u8; 4]` is packed into a
// `u32` (unpackUnorm4x8) or widened.
use gloo_runtime::Block;

#[derive(Clone, Copy, Block)]
#[block(std430)]
#[repr(C)]
struct Sprite {
    color: [u8; 4],
    depth: f32,
}

fn main() {}
