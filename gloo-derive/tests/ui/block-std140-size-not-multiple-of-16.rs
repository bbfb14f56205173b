// A std140 block is a multiple of 16 bytes: the members end at 20, so
// the struct needs 12 more bytes, which Rust does not add here.
use gloo_runtime::Block;

#[derive(Clone, Copy, Block)]
#[block(std140)]
#[repr(C)]
struct Light {
    color: [f32; 4],
    intensity: f32,
}

fn main() {}
