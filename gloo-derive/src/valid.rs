//! Checks across the whole input that parsing alone cannot make.

use std::collections::HashMap;

use syn::{GenericParam, Ident};

use crate::ast::Input;
use crate::ctxt::Ctxt;

/// Methods of `VertexBuffer` (its own and those of prelude traits it
/// implements). The named accessors are reached through `Deref`, so a buffer
/// method of the same name would silently win: such names are rejected.
/// Keep in sync with `gloo-runtime/src/buffer.rs`.
const BUFFER_METHODS: &[&str] = &[
    "as_bytes", "as_slice", "at", "at_mut", "bind", "capacity", "clear", "clone", "clone_from",
    "clone_into", "copy_from_slice", "dirty", "drawable", "eq", "extend_from_slice", "field",
    "field_mut", "fill", "fill_field", "from_fn", "from_vec", "get", "get_field", "get_field_mut",
    "get_mut", "get_row", "get_row_mut", "into", "into_vec", "is_empty", "len", "ne", "nbytes",
    "policy", "push", "push_row", "read_gpu", "records", "records_mut", "reserve", "resize", "row",
    "row_mut", "set_policy", "set_upload_costs", "shape", "stats", "take_dirty", "to_owned",
    "truncate", "try_into", "try_records_mut", "upload", "upload_costs", "upload_plan", "zeros",
];

impl Input<'_> {
    pub fn validate(&self, cx: &mut Ctxt) {
        self.check_struct(cx);
        self.check_fields(cx);
        self.check_accessors(cx);
        self.check_unique_shader_names(cx);
    }

    fn check_struct(&self, cx: &mut Ctxt) {
        let generics = &self.original.generics;
        if let Some(param) = generics.params.first() {
            let what = match param {
                GenericParam::Lifetime(_) => "lifetime parameters",
                GenericParam::Type(_) => "type parameters",
                GenericParam::Const(_) => "const parameters",
            };
            cx.error_spanned_by(generics, format!("`#[derive(Vertex)]` does not support {what}: the layout must be known when the derive runs; write a concrete struct (one per instantiation)"));
        }
        if !self.attrs.repr_c {
            cx.error_spanned_by(self.ident, "`#[derive(Vertex)]` needs `#[repr(C)]` on the struct: without it Rust may reorder the fields and the GPU would read the wrong bytes");
        }
        if self.fields.is_empty() {
            cx.error_spanned_by(self.ident, "`#[derive(Vertex)]` needs at least one field: a vertex with no attribute has nothing to draw");
        } else if self.attributes().next().is_none() {
            cx.error_spanned_by(self.ident, "every field is `#[vertex(skip)]`: a vertex needs at least one shader attribute");
        }
    }

    fn check_fields(&self, cx: &mut Ctxt) {
        for field in &self.fields {
            let attrs = &field.attrs;
            if let Some(skip) = attrs.skip {
                let attribute_only = [
                    attrs.name.as_ref().map(|_| "name"),
                    attrs.location.as_ref().map(|_| "location"),
                    attrs.normalize.map(|_| "normalize"),
                ];
                for option in attribute_only.into_iter().flatten() {
                    cx.syn_error(syn::Error::new(skip, format!("`skip` and `{option}` contradict: a skipped field is not a shader attribute; remove one of them")));
                }
            }
            if let Some(location) = &attrs.location {
                if let Err(error) = location.base10_parse::<u16>() {
                    cx.error_spanned_by(location, format!("`location` must be a small non-negative integer: {error}"));
                }
            }
            if let Some(name) = &attrs.name {
                if name.value().is_empty() {
                    cx.error_spanned_by(name, "`name` must not be empty: the shader finds the attribute by it");
                }
            }
        }
    }

    fn check_accessors(&self, cx: &mut Ctxt) {
        let mut seen: HashMap<String, &Ident> = HashMap::new();
        for field in self.accessor_fields() {
            let (base, span) = field.accessor();
            let user_given = field.attrs.accessor.is_some();
            if user_given && syn::parse_str::<Ident>(&base).is_err() {
                cx.syn_error(syn::Error::new(span, format!("`{base}` is not a valid method name; give `#[vertex(accessor = \"...\")]` an identifier that is not a keyword")));
                continue;
            }
            for method in field.accessor_idents() {
                let name = method.to_string();
                let name = name.trim_start_matches("r#");
                if BUFFER_METHODS.contains(&name) {
                    cx.syn_error(syn::Error::new(span, format!("field `{}` would get the accessor `{name}`, which `VertexBuffer` already has as a method; rename it with `#[vertex(accessor = \"...\")]`", field.unraw())));
                } else if let Some(other) = seen.insert(name.to_owned(), field.ident) {
                    cx.syn_error(syn::Error::new(span, format!("fields `{other}` and `{}` would both get the accessor `{name}`; rename one with `#[vertex(accessor = \"...\")]`", field.unraw())));
                }
            }
        }
    }

    fn check_unique_shader_names(&self, cx: &mut Ctxt) {
        let mut seen = HashMap::new();
        for field in self.attributes() {
            if let Some(other) = seen.insert(field.shader_name(), field.ident) {
                let name = field.shader_name();
                let culprit = field.attrs.name.as_ref().map_or_else(|| field.ident.span(), |lit| lit.span());
                cx.syn_error(syn::Error::new(culprit, format!("fields `{other}` and `{}` both give the shader the attribute `{name}`; rename one with `#[vertex(name = \"...\")]`", field.unraw())));
            }
        }
    }
}
