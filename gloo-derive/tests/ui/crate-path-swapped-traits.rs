//! Swapping the traits behind the checks for ones without `Pod` fails too:
//! the derive proves that whatever the path holds implies the `Pod` it
//! implements.

use gloo_runtime::Vertex;

mod swapped {
    pub use gloo_runtime::{AttributeType, Field, FieldLayout, Layout, NamedAccessors, Vertex, VertexBuffer};

    pub trait AttributeField {}
    impl<T> AttributeField for T {}

    pub mod __private {
        pub use gloo_runtime::__private::{attribute_type, bytemuck, glium_attribute, impl_glium_vertex, Cow};

        pub trait PodField {}
        impl<T> PodField for T {}
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
