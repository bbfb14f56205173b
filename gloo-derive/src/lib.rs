//! `#[derive(Vertex)]` for gloo. Use it through `gloo_runtime::Vertex`, which
//! re-exports it beside the trait of the same name; the generated code names
//! the runtime by absolute path, so this crate is never a direct dependency.

mod ast;
mod attr;
mod ctxt;
mod expand;
mod valid;

use proc_macro::TokenStream;
use syn::{parse_macro_input, DeriveInput};

/// Derives `gloo_runtime::Vertex` (with `glium::Vertex`, `bytemuck::Pod`,
/// typed field handles and named buffer accessors) for a `#[repr(C)]` struct.
/// See the `gloo_runtime::Vertex` trait for the full description.
#[proc_macro_derive(Vertex, attributes(vertex))]
pub fn derive_vertex(input: TokenStream) -> TokenStream {
    let node = parse_macro_input!(input as DeriveInput);
    expand::derive(&node).into()
}
