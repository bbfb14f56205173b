//! The named accessors are reached by reinterpreting a `VertexBuffer` as
//! the derive's wrapper around one: a path whose `VertexBuffer` is another
//! type must not compile, or the reinterpretation would read a foreign type.

use gloo_runtime::Vertex;

mod swapped {
    pub use gloo_runtime::__private;
    pub use gloo_runtime::{AttributeField, AttributeType, Field, FieldLayout, Layout, NamedAccessors, Vertex};

    /// Has every method the accessors call, and another layout.
    pub struct VertexBuffer<T, const N: usize>(pub Vec<T>);

    impl<T, const N: usize> VertexBuffer<T, N> {
        pub fn field<F>(&self, _: Field<T, F>, _: [usize; N]) -> &F {
            unimplemented!()
        }
        pub fn field_mut<F>(&mut self, _: Field<T, F>, _: [usize; N]) -> &mut F {
            unimplemented!()
        }
        pub fn get_field<F>(&self, _: Field<T, F>, _: [usize; N]) -> Option<&F> {
            None
        }
        pub fn get_field_mut<F>(&mut self, _: Field<T, F>, _: [usize; N]) -> Option<&mut F> {
            None
        }
    }
}

#[derive(Clone, Copy, Vertex)]
#[vertex(crate = "swapped")]
#[repr(C)]
struct Point {
    position: [f32; 2],
}

fn main() {}
