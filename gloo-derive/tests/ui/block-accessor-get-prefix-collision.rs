// A storage buffer's accessors of `level` include `get_level`, which is
// also the plain accessor of the field `get_level`: the derive refuses it
// itself, naming both fields, as the vertex derive does.
use gloo_runtime::Block;

#[derive(Clone, Copy, Block)]
#[block(std430)]
#[repr(C)]
struct Fog {
    level: f32,
    get_level: f32,
}

fn main() {}
