// `#[repr(C, align(16))]` is a valid repr; `Aligned` is 16-aligned and
// 16 bytes, so Rust inserts 12 bytes before `inner` that no field
// declares: the one error is that padding.
use gloo_runtime::Block;

#[derive(Clone, Copy, Block)]
#[block(std140)]
#[repr(C, align(16))]
struct Aligned {
    color: [f32; 4],
}

#[derive(Clone, Copy, Block)]
#[block(std140)]
#[repr(C)]
struct Light {
    intensity: f32,
    inner: Aligned,
}

fn main() {}
