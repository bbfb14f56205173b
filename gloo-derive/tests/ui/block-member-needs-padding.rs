// A vec4 aligns to 16 under std140 (and std430): after a float at 0, the
// shader reads `color` at 16, where Rust puts it at 4.
use gloo_runtime::Block;

#[derive(Clone, Copy, Block)]
#[block(std140)]
#[repr(C)]
struct Light {
    intensity: f32,
    color: [f32; 4],
}

fn main() {}
