use gloo_runtime::Block;

#[derive(Clone, Copy, Block)]
#[block(std140)]
#[repr(C)]
struct Light {
    #[block(accessor = "color")]
    diffuse: [f32; 4],
    color: [f32; 4],
}

fn main() {}
