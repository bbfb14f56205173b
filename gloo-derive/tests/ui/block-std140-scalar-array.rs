// std140 strides every array element to 16 bytes: Rust's `[f32; 8]` has
// its floats 4 bytes apart.
use gloo_runtime::Block;

#[derive(Clone, Copy, Block)]
#[block(std140)]
#[repr(C)]
struct Weights {
    weights: [f32; 8],
}

fn main() {}
