use gloo_runtime::Vertex;

// A 4x4 matrix at location 0 takes locations 0 to 3, one per column.
#[derive(Clone, Copy, Vertex)]
#[repr(C)]
struct Instance {
    #[vertex(location = 0)]
    transform: [[f32; 4]; 4],
    #[vertex(location = 2)]
    color: [f32; 4],
}

fn main() {}
