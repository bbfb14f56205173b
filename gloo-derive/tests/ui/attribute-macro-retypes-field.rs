// An attribute macro below the derive runs after it: the derive read
// `b: u32`, and the compiler builds `b: NonZeroU32`, for which a zeroed
// buffer would be invalid.
use gloo_runtime::Vertex;

#[derive(Clone, Copy, Vertex)]
#[gloo_attack::non_zero]
#[repr(C)]
struct Point {
    a: f32,
    b: u32,
}

fn main() {}
