// An attribute macro below the derive runs after it: the derive read two
// fields, and the compiler builds three.
use gloo_runtime::Vertex;

#[derive(Clone, Copy, Vertex)]
#[gloo_attack::add_field]
#[repr(C)]
struct Point {
    a: f32,
    b: f32,
}

fn main() {}
