// Eight vec3s are an array, not a matrix: its stride is 16 in std430 too.
use gloo_runtime::Block;

#[derive(Clone, Copy, Block)]
#[block(std430)]
#[repr(C)]
struct Points {
    points: [[f32; 3]; 8],
}

fn main() {}
