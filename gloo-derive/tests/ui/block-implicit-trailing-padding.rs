// Rust rounds the struct up to the double's alignment: 4 bytes after
// `weight` that no field declares.
use gloo_runtime::Block;

#[derive(Clone, Copy, Block)]
#[block(std430)]
#[repr(C)]
struct Sample {
    time: f64,
    weight: f32,
}

fn main() {}
