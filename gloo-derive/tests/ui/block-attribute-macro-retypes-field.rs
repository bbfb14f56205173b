// An attribute macro below the derive runs after it: the derive read
// `b: u32`, and the compiler builds `b: NonZeroU32`, for which a zeroed
// buffer would be invalid.
use gloo_runtime::Block;

#[derive(Clone, Copy, Block)]
#[gloo_attack::non_zero]
#[block(std430)]
#[repr(C)]
struct Light {
    a: f32,
    b: u32,
}

fn main() {}
