// An attribute macro below the derive runs after it: the derive read a
// `repr(C)` struct, and the compiler builds a packed one.
use gloo_runtime::Block;

#[derive(Clone, Copy, Block)]
#[gloo_attack::pack]
#[block(std430)]
#[repr(C)]
struct Light {
    color: [f32; 3],
    intensity: f32,
}

fn main() {}
