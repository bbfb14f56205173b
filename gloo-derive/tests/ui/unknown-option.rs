use gloo_runtime::Vertex;

#[derive(Clone, Copy, Vertex)]
#[repr(C)]
struct Point {
    #[vertex(normalized)]
    color: [u8; 4],
}

fn main() {}
