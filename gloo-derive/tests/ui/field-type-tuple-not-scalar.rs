use gloo_runtime::Vertex;

// A tuple field's elements are scalars: not arrays, not flags, not tuples
// behind an alias. A tuple behind an alias is no attribute at all.
type Pair = (f32, f32);

#[derive(Clone, Copy, Vertex)]
#[repr(C)]
struct Point {
    aliased: Pair,
    arrays: ([f32; 2], [f32; 2]),
    flags: (bool, bool),
    #[vertex(skip)]
    _pad: [u8; 2],
}

fn main() {}
