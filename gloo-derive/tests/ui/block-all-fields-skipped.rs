use gloo_runtime::Block;

#[derive(Clone, Copy, Block)]
#[block(std140)]
#[repr(C)]
struct Empty {
    #[block(skip)]
    _pad: [u32; 4],
}

fn main() {}
