use gloo_runtime::Block;

#[derive(Clone, Copy, Block)]
#[block(std430)]
#[repr(C)]
struct Particle<T> {
    position: [T; 4],
    mass: f32,
}

fn main() {}
