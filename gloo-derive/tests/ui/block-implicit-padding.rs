// std430 puts a double at 8, as Rust does, but Rust fills 4..8 with
// padding no field declares.
use gloo_runtime::Block;

#[derive(Clone, Copy, Block)]
#[block(std430)]
#[repr(C)]
struct Sample {
    weight: f32,
    time: f64,
}

fn main() {}
