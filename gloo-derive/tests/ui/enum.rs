use gloo_runtime::Vertex;

#[derive(Clone, Copy, Vertex)]
#[repr(C)]
enum Point {
    Flat([f32; 2]),
    Solid([f32; 3]),
}

fn main() {}
