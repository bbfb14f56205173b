use gloo_runtime::Vertex;

// glium accepts tuples as attributes, but a tuple's layout is not fixed, so
// gloo cannot prove it free of padding: the message says to use an array.
#[derive(Clone, Copy, Vertex)]
#[repr(C)]
struct Point {
    position: (f32, f32),
    color: [f32; 3],
}

fn main() {}
