//! Attribute macros that do what any crate's may: rewrite the struct they
//! are put on. Written below `#[derive(Vertex)]`, they run after the derive
//! read the struct, so the derive's proofs must hold for what they leave
//! (`gloo-derive/tests/ui/attribute-macro-*.rs`).

use proc_macro::TokenStream;
use quote::ToTokens;
use syn::{parse_macro_input, parse_quote, Fields, ItemStruct};

/// Adds `#[repr(packed)]`: the fields lose their alignment.
#[proc_macro_attribute]
pub fn pack(_: TokenStream, item: TokenStream) -> TokenStream {
    let mut item = parse_macro_input!(item as ItemStruct);
    item.attrs.push(parse_quote!(#[repr(packed)]));
    item.into_token_stream().into()
}

/// Retypes every `u32` field as `core::num::NonZeroU32`, which has no zero
/// value: a zeroed buffer of the struct would then be invalid.
#[proc_macro_attribute]
pub fn non_zero(_: TokenStream, item: TokenStream) -> TokenStream {
    let mut item = parse_macro_input!(item as ItemStruct);
    for field in &mut item.fields {
        if field.ty == parse_quote!(u32) {
            field.ty = parse_quote!(::core::num::NonZeroU32);
        }
    }
    item.into_token_stream().into()
}

/// Appends a field `extra: u32`.
#[proc_macro_attribute]
pub fn add_field(_: TokenStream, item: TokenStream) -> TokenStream {
    let mut item = parse_macro_input!(item as ItemStruct);
    if let Fields::Named(fields) = &mut item.fields {
        fields.named.push(parse_quote!(extra: u32));
    }
    item.into_token_stream().into()
}
