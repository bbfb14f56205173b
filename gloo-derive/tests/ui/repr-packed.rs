use gloo_runtime::Vertex;

#[derive(Clone, Copy, Vertex)]
#[repr(C, packed)]
struct Point {
    position: [f32; 2],
    weight: f64,
}

fn main() {}
