//! Checks across the whole input that parsing alone cannot make.

use std::collections::HashMap;

use syn::ext::IdentExt;
use syn::{GenericParam, Ident};

use crate::ast::Input;
use crate::ctxt::Ctxt;

/// Methods of `VertexBuffer` (its own and those of prelude traits it
/// implements). The named accessors are reached through `Deref`, so a buffer
/// method of the same name would silently win: such names are rejected.
/// Keep in sync with `gloo-runtime/src/{containers/buffer,tracking/tracked,containers/views}.rs`; `tests/accessor_names.rs`
/// fails when a method is missing here.
pub(crate) const BUFFER_METHODS: &[&str] = &[
    "active_storage",
    "as_bytes",
    "as_slice",
    "at",
    "at_mut",
    "bind",
    "capacity",
    "clear",
    "clone",
    "clone_from",
    "clone_into",
    "copy_from_slice",
    "dirty",
    "drawable",
    "dynamic",
    "empty",
    "empty_dynamic",
    "empty_immutable",
    "empty_persistent",
    "eq",
    "extend_from_slice",
    "field",
    "field_mut",
    "field_view",
    "field_view_mut",
    "fill",
    "fill_field",
    "from_fn",
    "from_vec",
    "get",
    "get_field",
    "get_field_mut",
    "get_mut",
    "get_row",
    "get_row_mut",
    "get_size",
    "gpu_storage",
    "immutable",
    "into",
    "into_vec",
    "invalidate",
    "is_dirty",
    "is_empty",
    "is_mapped",
    "len",
    "map",
    "map_write",
    "nbytes",
    "ne",
    "new",
    "per_instance",
    "persistent",
    "policy",
    "push",
    "push_row",
    "read",
    "read_gpu",
    "records",
    "records_mut",
    "reserve",
    "resize",
    "row",
    "row_mut",
    "set_gpu_storage",
    "set_policy",
    "set_upload_costs",
    "shape",
    "slice",
    "slice_field_mut",
    "slice_mut",
    "source",
    "stats",
    "take_dirty",
    "to_owned",
    "tracking_bytes",
    "truncate",
    "try_copy_from_slice",
    "try_extend_from_slice",
    "try_into",
    "try_push",
    "try_records_mut",
    "try_reserve",
    "try_resize",
    "try_slice_field_mut",
    "try_slice_mut",
    "try_write",
    "try_zeros",
    "upload",
    "upload_costs",
    "upload_plan",
    "view",
    "view_mut",
    "write",
    "zeros",
];

impl Input<'_> {
    pub fn validate(&self, cx: &mut Ctxt) {
        self.check_struct(cx);
        self.check_fields(cx);
        self.check_accessors(cx);
        self.check_unique_shader_names(cx);
        self.check_unique_locations(cx);
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
            cx.error_spanned_by(
                self.ident,
                "`#[derive(Vertex)]` needs at least one field: a vertex with no attribute has nothing to draw",
            );
        } else if self.attributes().next().is_none() {
            cx.error_spanned_by(
                self.ident,
                "every field is `#[vertex(skip)]`: a vertex needs at least one shader attribute",
            );
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
            let Some(methods) = field.accessor_idents() else {
                cx.syn_error(syn::Error::new(span, format!("`{base}` is not a valid method name; give `#[vertex(accessor = \"...\")]` an identifier (a keyword needs `r#`, as in `\"r#type\"`)")));
                continue;
            };
            let names = methods.map(|method| method.unraw().to_string());
            // A `get_` twin a method shadows is left out (a field `size`
            // has no `get_size(i)`: glium's `get_size()` is the buffer's);
            // the plain accessors must be the field's.
            let (shadowed, own): (Vec<&String>, Vec<&String>) = names
                .iter()
                .enumerate()
                .filter(|(k, name)| *k < 2 || !BUFFER_METHODS.contains(&name.as_str()))
                .map(|(_, name)| name)
                .partition(|name| BUFFER_METHODS.contains(&name.as_str()));
            if !shadowed.is_empty() {
                let (them, it) = if shadowed.len() == 1 { ("it", "a method") } else { ("them", "methods") };
                cx.syn_error(syn::Error::new(span, format!("field `{}` would get {}, which `VertexBuffer` already has as {it}; rename {them} with `#[vertex(accessor = \"...\")]`", field.unraw(), accessors(&shadowed))));
            }
            // One error per earlier field that took some of the names.
            let mut clashes: Vec<(&Ident, Vec<&String>)> = Vec::new();
            for name in own {
                let Some(other) = seen.insert(name.clone(), field.ident) else {
                    continue;
                };
                match clashes.iter_mut().find(|(earlier, _)| *earlier == other) {
                    Some((_, names)) => names.push(name),
                    None => clashes.push((other, vec![name])),
                }
            }
            for (other, names) in clashes {
                cx.syn_error(syn::Error::new(
                    span,
                    format!(
                        "fields `{}` and `{}` would both get {}; rename one with `#[vertex(accessor = \"...\")]`",
                        other.unraw(),
                        field.unraw(),
                        accessors(&names)
                    ),
                ));
            }
        }
    }

    fn check_unique_shader_names(&self, cx: &mut Ctxt) {
        let mut seen = HashMap::new();
        for field in self.attributes() {
            if let Some(other) = seen.insert(field.shader_name(), field.ident) {
                let name = field.shader_name();
                let culprit = field.attrs.name.as_ref().map_or_else(|| field.ident.span(), |lit| lit.span());
                cx.syn_error(syn::Error::new(culprit, format!("fields `{}` and `{}` both give the shader the attribute `{name}`; rename one with `#[vertex(name = \"...\")]`", other.unraw(), field.unraw())));
            }
        }
    }
}

impl Input<'_> {
    /// Two attributes at the same location: glium would panic at the first
    /// draw. Overlaps that depend on a type's width (a matrix takes one
    /// location per column) are const assertions in `expand`.
    fn check_unique_locations(&self, cx: &mut Ctxt) {
        let mut seen = HashMap::new();
        for (field, location) in self.located_attributes() {
            if let Some(other) = seen.insert(location, field) {
                let lit = field.attrs.location.as_ref().expect("a located field has a location");
                cx.error_spanned_by(lit, format!("fields `{}` and `{}` both have `#[vertex(location = {location})]`; give each attribute its own location", other.unraw(), field.unraw()));
            }
        }
    }
}

/// "the accessor `a`", "the accessors `a` and `b`", "the accessors `a`, `b` and `c`".
fn accessors(names: &[&String]) -> String {
    let quoted: Vec<String> = names.iter().map(|name| format!("`{name}`")).collect();
    match quoted.split_last() {
        Some((last, [])) => format!("the accessor {last}"),
        Some((last, rest)) => format!("the accessors {} and {last}", rest.join(", ")),
        None => String::new(),
    }
}
