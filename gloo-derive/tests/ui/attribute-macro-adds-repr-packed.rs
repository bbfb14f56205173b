// An attribute macro below the derive runs after it: the derive read a
// `repr(C)` struct, and the compiler builds a packed one.
use gloo_runtime::Vertex;

#[derive(Clone, Copy, Vertex)]
#[gloo_attack::pack]
#[repr(C)]
struct Point {
    a: u32,
    b: f32,
}

fn main() {}
