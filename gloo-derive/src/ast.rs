//! The typed model of the derive's input.

use proc_macro2::Span;
use quote::format_ident;
use syn::ext::IdentExt;
use syn::{Data, DeriveInput, Fields, Ident, Path, Type, Visibility};

use crate::attr::{self, ContainerAttrs, FieldAttrs};
use crate::ctxt::Ctxt;

/// A struct accepted for expansion.
pub struct Input<'a> {
    pub original: &'a DeriveInput,
    pub ident: &'a Ident,
    pub vis: &'a Visibility,
    pub attrs: ContainerAttrs,
    pub fields: Vec<Field<'a>>,
}

/// One named field.
pub struct Field<'a> {
    pub ident: &'a Ident,
    pub ty: &'a Type,
    pub attrs: FieldAttrs,
}

impl<'a> Input<'a> {
    /// Reads the input, recording every problem of shape in `cx`. Returns
    /// `None` when the input is not a struct with named fields at all, as
    /// there is then nothing sensible to expand, not even a stub.
    pub fn from_syn(cx: &mut Ctxt, node: &'a DeriveInput) -> Option<Self> {
        let attrs = attr::container(cx, &node.attrs);
        let named = match &node.data {
            Data::Struct(data) => match &data.fields {
                Fields::Named(named) => Some(named),
                Fields::Unnamed(_) => {
                    cx.error_spanned_by(&data.fields, "`#[derive(Vertex)]` needs named fields: the shader sees each attribute by its field's name; write `struct Name { a: [f32; 2], ... }`");
                    None
                }
                Fields::Unit => {
                    cx.error_spanned_by(&node.ident, "`#[derive(Vertex)]` needs at least one field: a vertex with no attribute has nothing to draw");
                    None
                }
            },
            Data::Enum(data) => {
                cx.error_spanned_by(data.enum_token, "`#[derive(Vertex)]` works on structs only: an enum has no fixed layout of attributes; use a `#[repr(C)]` struct");
                None
            }
            Data::Union(data) => {
                cx.error_spanned_by(data.union_token, "`#[derive(Vertex)]` works on structs only: a union's fields overlap; use a `#[repr(C)]` struct");
                None
            }
        };
        let fields = named?
            .named
            .iter()
            .map(|field| Field {
                ident: field.ident.as_ref().expect("named field"),
                ty: &field.ty,
                attrs: attr::field(cx, &field.attrs),
            })
            .collect();
        Some(Input { original: node, ident: &node.ident, vis: &node.vis, attrs, fields })
    }

    /// The path to the runtime crate.
    pub fn krate(&self) -> Path {
        self.attrs.krate.clone().unwrap_or_else(|| syn::parse_quote!(::gloo_runtime))
    }

    /// Fields that get named accessors: all but those whose name starts with
    /// `_`, which by Rust convention are not meant to be used (padding).
    pub fn accessor_fields(&self) -> impl Iterator<Item = &Field<'a>> {
        self.fields.iter().filter(|field| !field.unraw().starts_with('_'))
    }

    /// Fields that are shader attributes.
    pub fn attributes(&self) -> impl Iterator<Item = &Field<'a>> {
        self.fields.iter().filter(|field| field.attrs.skip.is_none())
    }
}

impl Field<'_> {
    /// The field's name without `r#`.
    pub fn unraw(&self) -> String {
        self.ident.unraw().to_string()
    }

    /// The name the shader sees.
    pub fn shader_name(&self) -> String {
        self.attrs.name.as_ref().map_or_else(|| self.unraw(), |name| name.value())
    }

    /// The base name of the accessors, with the span of whatever chose it.
    pub fn accessor(&self) -> (String, Span) {
        match &self.attrs.accessor {
            Some(lit) => (lit.value(), lit.span()),
            None => (self.unraw(), self.ident.span()),
        }
    }

    /// The four accessor names: `x`, `x_mut`, `get_x`, `get_x_mut`. The
    /// reading one keeps `r#` when the field had it (`v.r#type(i)`).
    pub fn accessor_idents(&self) -> [Ident; 4] {
        let (base, span) = self.accessor();
        let read = if self.attrs.accessor.is_none() {
            self.ident.clone()
        } else {
            Ident::new(&base, span)
        };
        [
            read,
            format_ident!("{}_mut", base, span = span),
            format_ident!("get_{}", base, span = span),
            format_ident!("get_{}_mut", base, span = span),
        ]
    }
}
