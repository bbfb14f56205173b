use gloo_runtime::Block;

#[derive(Clone, Copy, Block)]
#[block(std140, std430)]
#[repr(C)]
struct Light {
    color: [f32; 4],
}

fn main() {}
