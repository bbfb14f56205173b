// A block states its layout rules: std140 and std430 place arrays and
// nested structs differently, and the derive cannot guess which the
// shader declares.
use gloo_runtime::Block;

#[derive(Clone, Copy, Block)]
#[repr(C)]
struct Light {
    color: [f32; 4],
}

fn main() {}
