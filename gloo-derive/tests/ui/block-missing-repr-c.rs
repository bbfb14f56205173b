use gloo_runtime::{Block, UniformBuffer};

#[derive(Clone, Copy, Block)]
#[block(std140)]
struct Light {
    color: [f32; 4],
    intensity: f32,
}

// The derive's error is the only one: the stub it leaves behind keeps these
// uses from failing too.
#[allow(dead_code)]
fn uses() {
    let mut light = UniformBuffer::from_value(Light { color: [1.0; 4], intensity: 1.0 });
    *light.intensity_mut() = 2.0;
    let _ = light.color();
    let _ = Light::BLOCK.size;
}

fn main() {}
