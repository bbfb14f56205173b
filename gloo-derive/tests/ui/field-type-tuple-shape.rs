use gloo_runtime::Vertex;

// A tuple field holds 2 to 4 scalars, as a shader vector has 2 to 4
// components; tuples do not nest. Every such field is reported at once.
#[derive(Clone, Copy, Vertex)]
#[repr(C)]
struct Point {
    unit: (),
    single: (f32,),
    five: (f32, f32, f32, f32, f32),
    nested: ((f32, f32), f32),
    fine: (f32, f32),
}

fn main() {}
