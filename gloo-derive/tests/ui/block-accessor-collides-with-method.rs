// The named accessors come to `UniformBuffer<Light>` through `Deref`:
// `set` and `upload` are its own methods, which would shadow them.
use gloo_runtime::Block;

#[derive(Clone, Copy, Block)]
#[block(std140)]
#[repr(C)]
struct Light {
    set: [f32; 4],
    upload: [f32; 4],
}

fn main() {}
