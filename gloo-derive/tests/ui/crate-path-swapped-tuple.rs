//! A tuple field's `Pod` rests on each element's, proven against the very
//! `Pod` the derive implements: a module that re-exports gloo but accepts
//! any element does not get `Pod` for a struct holding references.

use gloo_runtime::Vertex;

mod swapped {
    pub use gloo_runtime::{AttributeField, AttributeType, Field, FieldLayout, Layout, NamedAccessors, Vertex, VertexBuffer};

    pub mod __private {
        pub use gloo_runtime::__private::{attribute_type, bytemuck, glium_attribute, impl_glium_vertex, Cow, PodField};
        use gloo_runtime::{AttributeType, ScalarType};

        pub trait TupleScalar {}
        impl<T> TupleScalar for T {}

        pub trait SameScalar<S> {}
        impl<S, T> SameScalar<S> for T {}

        pub const fn tuple_attribute<S>(components: u8) -> AttributeType {
            AttributeType::vector(ScalarType::U64, components)
        }
    }
}

#[derive(Clone, Copy, Vertex)]
#[vertex(crate = "swapped")]
#[repr(C)]
struct Sneaky {
    targets: (&'static u64, &'static u64),
}

fn main() {}
