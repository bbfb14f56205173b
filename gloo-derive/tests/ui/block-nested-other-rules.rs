// A nested struct follows the outer block's rules in the shader: `Inner`
// was proven against std430, which is not how a uniform block holds it.
use gloo_runtime::Block;

#[derive(Clone, Copy, Block)]
#[block(std430)]
#[repr(C)]
struct Inner {
    color: [f32; 4],
}

#[derive(Clone, Copy, Block)]
#[block(std140)]
#[repr(C)]
struct Outer {
    inner: Inner,
}

fn main() {}
