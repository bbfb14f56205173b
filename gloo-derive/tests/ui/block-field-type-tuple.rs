use gloo_runtime::Block;

#[derive(Clone, Copy, Block)]
#[block(std430)]
#[repr(C)]
struct Particle {
    position: (f32, f32),
    mass: f32,
}

fn main() {}
