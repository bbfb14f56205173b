use gloo_runtime::Vertex;

// Five mistakes, five errors, in one build: those the derive finds and
// those the type checker finds.
#[derive(Clone, Copy, Vertex)]
struct Point {
    #[vertex(normalise)]
    color: [u8; 4],
    #[vertex(skip, name = "a_pad")]
    _pad: [u8; 4],
    len: f32,
    visible: bool,
}

fn main() {}
