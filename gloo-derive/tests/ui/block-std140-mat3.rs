// A mat3's columns are vec3s aligned to 16: Rust's `[[f32; 3]; 3]` has
// them 12 bytes apart.
use gloo_runtime::Block;

#[derive(Clone, Copy, Block)]
#[block(std140)]
#[repr(C)]
struct Transform {
    normal: [[f32; 3]; 3],
}

fn main() {}
