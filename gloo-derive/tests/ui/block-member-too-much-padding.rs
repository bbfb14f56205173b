// A vec3's last word holds a float: std140 puts `intensity` at 12, and
// this padding pushes it to 16.
use gloo_runtime::Block;

#[derive(Clone, Copy, Block)]
#[block(std140)]
#[repr(C)]
struct Light {
    position: [f32; 3],
    #[block(skip)]
    _pad: u32,
    intensity: f32,
    #[block(skip)]
    _pad2: [u32; 3],
}

fn main() {}
