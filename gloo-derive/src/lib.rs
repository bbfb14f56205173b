//! `#[derive(Vertex)]` and `#[derive(Block)]` for gloo. Use them through
//! `gloo_runtime::Vertex` and `gloo_runtime::Block`, which re-export them
//! beside the traits of the same names; the generated code names the
//! runtime by absolute path, so this crate is never a direct dependency.

mod ast;
mod attr;
mod block;
mod ctxt;
mod expand;
mod valid;

use proc_macro::TokenStream;
use syn::{parse_macro_input, DeriveInput};

/// Derives `gloo_runtime::Vertex` (with `glium::Vertex`, `bytemuck::Pod`,
/// typed field handles and named buffer accessors) for a `#[repr(C)]` struct.
///
/// Every field not marked `#[vertex(skip)]` is a vertex attribute: a scalar
/// (`f32`, `f64`, `i8` … `u64`), an array of 2 to 4 of them (`[f32; 3]`), a
/// square `f32` or `f64` matrix (`[[f32; 4]; 4]`), or a tuple of 2 to 4
/// equal scalars written out in the field (`(f32, f32, f32)`, as glium's
/// examples use), which the shader reads as the array of the same scalars.
/// A tuple is no `bytemuck::Pod`: the derive proves each element `Pod` and,
/// with `offset_of!` on each element, the tuple laid out like that array.
/// See the `gloo_runtime::Vertex` trait for the full description.
#[proc_macro_derive(Vertex, attributes(vertex))]
pub fn derive_vertex(input: TokenStream) -> TokenStream {
    let node = parse_macro_input!(input as DeriveInput);
    expand::derive(&node).into()
}

/// Derives `gloo_runtime::Block` (with `bytemuck::Pod`, glium's
/// `UniformBlock` and named accessors of uniform and storage buffers) for a
/// `#[repr(C)]` struct with `#[block(std140)]` or `#[block(std430)]`,
/// proving at compile time that its layout is the rules' layout of the same
/// members. See the `gloo_runtime::Block` trait for the full description.
#[proc_macro_derive(Block, attributes(block))]
pub fn derive_block(input: TokenStream) -> TokenStream {
    let node = parse_macro_input!(input as DeriveInput);
    block::derive(&node).into()
}
