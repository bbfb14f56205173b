//! The typed model of the derive's input.

use std::collections::HashSet;

use proc_macro2::Span;
use quote::format_ident;
use syn::ext::IdentExt;
use syn::{Data, DeriveInput, Fields, Ident, Path, Type, TypeTuple, Visibility};

use crate::attr::{self, ContainerAttrs, Derive, FieldAttrs};
use crate::ctxt::Ctxt;

/// A struct accepted for expansion.
pub struct Input<'a> {
    pub original: &'a DeriveInput,
    pub ident: &'a Ident,
    pub vis: &'a Visibility,
    pub derive: Derive,
    pub attrs: ContainerAttrs,
    pub fields: Vec<Field<'a>>,
}

/// One named field.
pub struct Field<'a> {
    pub ident: &'a Ident,
    pub ty: &'a Type,
    pub shape: Shape<'a>,
    pub attrs: FieldAttrs,
}

/// What the field's type is written as, which decides how it is proven an
/// attribute: a tuple is no `bytemuck::Pod`, so it gets proofs of its own.
pub enum Shape<'a> {
    /// Anything but a tuple: the compiler decides, through `AttributeField`.
    Plain,
    /// A tuple of 2 to 4 elements, none of them a tuple: the compiler
    /// decides whether they are equal scalars laid out as an array.
    Tuple(Vec<&'a Type>),
    /// A tuple of another shape; the error is recorded, and no proof is
    /// emitted that would repeat it in other words.
    Refused,
}

impl<'a> Input<'a> {
    /// Reads the input, recording every problem of shape in `cx`. Returns
    /// `None` when the input is not a struct with named fields at all, as
    /// there is then nothing sensible to expand, not even a stub.
    pub fn from_syn(cx: &mut Ctxt, node: &'a DeriveInput, derive: Derive) -> Option<Self> {
        let attrs = attr::container(cx, &node.attrs, derive);
        let (name, what) = match derive {
            Derive::Vertex => (
                "Vertex",
                [
                    "the shader sees each attribute by its field's name",
                    "a vertex with no attribute has nothing to draw",
                    "an enum has no fixed layout of attributes",
                ],
            ),
            Derive::Block => (
                "Block",
                [
                    "the shader sees each member by its field's name",
                    "a block with no member has nothing to send",
                    "an enum has no fixed layout of members",
                ],
            ),
        };
        let named = match &node.data {
            Data::Struct(data) => {
                match &data.fields {
                    Fields::Named(named) => Some(named),
                    Fields::Unnamed(_) => {
                        cx.error_spanned_by(&data.fields, format!("`#[derive({name})]` needs named fields: {}; write `struct Name {{ a: [f32; 2], ... }}`", what[0]));
                        None
                    }
                    Fields::Unit => {
                        cx.error_spanned_by(
                            &node.ident,
                            format!("`#[derive({name})]` needs at least one field: {}", what[1]),
                        );
                        None
                    }
                }
            }
            Data::Enum(data) => {
                cx.error_spanned_by(
                    data.enum_token,
                    format!("`#[derive({name})]` works on structs only: {}; use a `#[repr(C)]` struct", what[2]),
                );
                None
            }
            Data::Union(data) => {
                cx.error_spanned_by(
                    data.union_token,
                    format!("`#[derive({name})]` works on structs only: a union's fields overlap; use a `#[repr(C)]` struct"),
                );
                None
            }
        };
        let fields = named?
            .named
            .iter()
            .map(|field| Field {
                ident: field.ident.as_ref().expect("named field"),
                ty: &field.ty,
                shape: Shape::from_syn(cx, &field.ty, derive),
                attrs: attr::field(cx, &field.attrs, derive),
            })
            .collect();
        Some(Input { original: node, ident: &node.ident, vis: &node.vis, derive, attrs, fields })
    }

    /// The path to the runtime crate.
    pub fn krate(&self) -> Path {
        self.attrs.krate.clone().unwrap_or_else(default_krate)
    }

    /// The path to the runtime crate named by an input that is not a struct
    /// with named fields; its errors are dropped, `from_syn` has them.
    pub fn krate_of(node: &DeriveInput, derive: Derive) -> Path {
        let attrs = attr::container(&mut Ctxt::default(), &node.attrs, derive);
        attrs.krate.unwrap_or_else(default_krate)
    }

    /// Fields that get named accessors: all but those whose name starts with
    /// `_`, which by Rust convention are not meant to be used (padding),
    /// unless `#[vertex(accessor = "...")]` names theirs (wgpu's examples
    /// call their attributes `_pos`, `_color`): an option is never
    /// silently without effect.
    pub fn accessor_fields(&self) -> impl Iterator<Item = &Field<'a>> {
        self.fields.iter().filter(|field| !field.unraw().starts_with('_') || field.attrs.accessor.is_some())
    }

    /// The fields that get named accessors, with the accessors' names, minus
    /// any whose names are invalid or taken by an earlier field: `validate`
    /// reports those, and the stub emitted beside its errors must not
    /// define a method twice.
    pub fn accessor_methods(&self) -> Vec<(&Field<'a>, [Ident; 4])> {
        let mut taken = HashSet::new();
        self.accessor_fields()
            .filter_map(|field| Some((field, field.accessor_idents()?)))
            .filter(|(_, names)| {
                let names = names.each_ref().map(|name| name.unraw().to_string());
                let fresh = names.iter().all(|name| !taken.contains(name));
                taken.extend(names);
                fresh
            })
            .collect()
    }

    /// Attributes with a valid `#[vertex(location = N)]`, with `N`.
    pub fn located_attributes(&self) -> Vec<(&Field<'a>, u32)> {
        let located = self.attributes().filter_map(|field| {
            let location = field.attrs.location.as_ref()?.base10_parse::<u16>().ok()?;
            Some((field, u32::from(location)))
        });
        located.collect()
    }

    /// Fields that are shader attributes.
    pub fn attributes(&self) -> impl Iterator<Item = &Field<'a>> {
        self.fields.iter().filter(|field| field.attrs.skip.is_none())
    }
}

fn default_krate() -> Path {
    syn::parse_quote!(::gloo_runtime)
}

impl<'a> Shape<'a> {
    /// Reads a field's type, recording in `cx` a tuple of the wrong shape.
    /// Only a tuple written out in the field counts: behind an alias it is
    /// a plain type, which `AttributeField` refuses.
    fn from_syn(cx: &mut Ctxt, ty: &'a Type, derive: Derive) -> Self {
        let Some(tuple) = as_tuple(ty) else {
            return Shape::Plain;
        };
        if derive == Derive::Block {
            cx.error_spanned_by(tuple, "a block member cannot be a tuple: Rust does not promise a tuple's layout to the GPU; write an array, such as `[f32; 3]` for `(f32, f32, f32)`");
            return Shape::Refused;
        }
        let elements: Vec<&Type> = tuple.elems.iter().collect();
        let arity = match elements.len() {
            0 => Some("`()` holds no data, so it is no vertex attribute; remove the field".to_owned()),
            1 => Some("a tuple of one element is no vertex attribute: write the element's type alone; a tuple field holds 2 to 4 equal scalars, such as `(f32, f32)`".to_owned()),
            2..=4 => None,
            n => Some(format!("a tuple field holds 2 to 4 equal scalars, as a shader vector has at most 4 components; this one has {n}: split it into fields of at most 4")),
        };
        let nested: Vec<&&Type> = elements.iter().filter(|element| as_tuple(element).is_some()).collect();
        if let Some(message) = &arity {
            cx.error_spanned_by(tuple, message);
        }
        for element in &nested {
            cx.error_spanned_by(element, "tuple fields do not nest: a tuple field holds 2 to 4 equal scalars, such as `(f32, f32, f32)`; flatten it, or split it into one field per inner tuple");
        }
        if arity.is_some() || !nested.is_empty() {
            return Shape::Refused;
        }
        Shape::Tuple(elements)
    }
}

/// The tuple `ty` is, through parentheses and the invisible groups that
/// `macro_rules!` wraps around a `$ty:ty`.
fn as_tuple(ty: &Type) -> Option<&TypeTuple> {
    match ty {
        Type::Tuple(tuple) => Some(tuple),
        Type::Paren(paren) => as_tuple(&paren.elem),
        Type::Group(group) => as_tuple(&group.elem),
        _ => None,
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

    /// The four accessor names: `x`, `x_mut`, `get_x`, `get_x_mut`, or `None`
    /// if `#[vertex(accessor = "...")]` is not an identifier. The reading one
    /// keeps `r#` when the name has it (`v.r#type(i)`); the others drop it
    /// (`v.type_mut(i)`).
    pub fn accessor_idents(&self) -> Option<[Ident; 4]> {
        let (base, span) = self.accessor();
        let mut read = match &self.attrs.accessor {
            None => self.ident.clone(),
            Some(_) => syn::parse_str::<Ident>(&base).ok()?,
        };
        read.set_span(span);
        let base = read.unraw();
        Some([
            read,
            format_ident!("{}_mut", base, span = span),
            format_ident!("get_{}", base, span = span),
            format_ident!("get_{}_mut", base, span = span),
        ])
    }
}
