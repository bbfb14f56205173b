// Even std430 aligns a vec3 to 16: an array of them has a 16-byte stride,
// where Rust's `[[f32; 3]; 4]` has 12.
use gloo_runtime::Block;

#[derive(Clone, Copy, Block)]
#[block(std430)]
#[repr(C)]
struct Points {
    points: [[f32; 3]; 4],
}

fn main() {}
