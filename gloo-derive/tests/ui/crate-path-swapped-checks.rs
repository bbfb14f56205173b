//! `#[vertex(crate = "...")]` says where the runtime is, not what the
//! derive's `unsafe impl Pod` rests on: a module that re-exports gloo but
//! swaps the check functions does not get `Pod` for a struct holding a
//! reference (which `bytemuck::cast` could then fill with a null pointer).

use gloo_runtime::Vertex;

mod swapped {
    pub use gloo_runtime::{AttributeField, AttributeType, Field, FieldLayout, Layout, NamedAccessors, Vertex, VertexBuffer};

    pub mod __private {
        pub use gloo_runtime::__private::{bytemuck, glium_attribute, impl_glium_vertex, Cow, PodField};
        use gloo_runtime::{AttributeType, ScalarType};

        pub const fn attribute_type<T>() -> AttributeType {
            AttributeType::vector(ScalarType::U32, 2)
        }

        pub const fn skipped<T>() -> Option<AttributeType> {
            None
        }
    }
}

#[derive(Clone, Copy, Vertex)]
#[vertex(crate = "swapped")]
#[repr(C)]
struct Sneaky {
    id: u64,
    #[vertex(skip)]
    target: &'static u64,
}

fn main() {}
