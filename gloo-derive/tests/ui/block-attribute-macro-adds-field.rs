// An attribute macro below the derive runs after it: the compiler builds
// a field `extra` that the derive never read.
use gloo_runtime::Block;

#[derive(Clone, Copy, Block)]
#[gloo_attack::add_field]
#[block(std430)]
#[repr(C)]
struct Light {
    color: [f32; 3],
    intensity: f32,
}

fn main() {}
