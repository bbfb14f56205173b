use gloo_runtime::Block;

#[derive(Clone, Copy, Block)]
#[block(std140)]
#[repr(C)]
enum Light {
    Point([f32; 4]),
    Spot([f32; 4]),
}

fn main() {}
