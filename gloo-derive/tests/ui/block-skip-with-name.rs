use gloo_runtime::Block;

#[derive(Clone, Copy, Block)]
#[block(std140)]
#[repr(C)]
struct Light {
    position: [f32; 3],
    #[block(skip, name = "u_pad")]
    _pad: u32,
}

fn main() {}
