use gloo_runtime::Vertex;

#[derive(Clone, Copy, Vertex)]
#[repr(C)]
union Point {
    flat: [f32; 2],
    solid: [f32; 2],
}

fn main() {}
