use gloo_runtime::Block;

#[derive(Clone, Copy, Block)]
#[block(std430)]
#[repr(C)]
struct Flags {
    enabled: [bool; 4],
}

fn main() {}
