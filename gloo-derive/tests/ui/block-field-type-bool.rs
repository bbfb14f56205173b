use gloo_runtime::Block;

#[derive(Clone, Copy, Block)]
#[block(std140)]
#[repr(C)]
struct Material {
    color: [f32; 3],
    lit: bool,
}

fn main() {}
