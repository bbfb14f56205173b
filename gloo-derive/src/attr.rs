//! Parses `#[vertex(...)]` and `#[repr(...)]`.

use proc_macro2::Span;
use syn::{Attribute, Ident, LitInt, LitStr, Path};

use crate::ctxt::Ctxt;

/// Options on the struct: `#[vertex(crate = "path")]`, plus what `#[repr]` says.
#[derive(Default)]
pub struct ContainerAttrs {
    pub krate: Option<Path>,
    pub repr_c: bool,
}

/// Options on a field.
#[derive(Default)]
pub struct FieldAttrs {
    pub name: Option<LitStr>,
    pub location: Option<LitInt>,
    pub normalize: Option<Span>,
    pub skip: Option<Span>,
    pub accessor: Option<LitStr>,
}

/// Stores `value` in `slot`, or reports a duplicate at `span`.
fn set_once<T>(cx: &mut Ctxt, slot: &mut Option<T>, value: T, key: &Ident) {
    if slot.is_some() {
        cx.error_spanned_by(key, format!("duplicate `#[vertex({key})]` option; give it once"));
    } else {
        *slot = Some(value);
    }
}

pub fn container(cx: &mut Ctxt, attrs: &[Attribute]) -> ContainerAttrs {
    let mut out = ContainerAttrs::default();
    for attr in attrs {
        if attr.path().is_ident("repr") {
            parse_repr(cx, attr, &mut out);
        } else if attr.path().is_ident("vertex") {
            let result = attr.parse_nested_meta(|meta| {
                let key = meta.path.get_ident().cloned();
                match key {
                    Some(key) if key == "crate" => {
                        let path: Path = meta.value()?.parse::<LitStr>()?.parse()?;
                        set_once(cx, &mut out.krate, path, &key);
                        Ok(())
                    }
                    _ => Err(meta.error(
                        "unknown `#[vertex(...)]` option on a struct; the only one is `crate = \"path\"` \
                         (field options go on the fields)",
                    )),
                }
            });
            result.unwrap_or_else(|error| cx.syn_error(error));
        }
    }
    out
}

fn parse_repr(cx: &mut Ctxt, attr: &Attribute, out: &mut ContainerAttrs) {
    let result = attr.parse_nested_meta(|meta| {
        if meta.path.is_ident("C") {
            out.repr_c = true;
        } else if meta.path.is_ident("packed") {
            cx.error_spanned_by(
                &meta.path,
                "`#[repr(packed)]` would leave fields unaligned; remove it and add explicit \
                 `#[vertex(skip)] _pad: [u8; N]` fields where the layout needs padding",
            );
        }
        // Other reprs (`align`, `transparent`, integer types) are judged
        // elsewhere: `repr(C)` missing, or padding, reports them.
        if meta.input.peek(syn::token::Paren) {
            let _content;
            syn::parenthesized!(_content in meta.input);
        }
        Ok(())
    });
    result.unwrap_or_else(|error| cx.syn_error(error));
}

pub fn field(cx: &mut Ctxt, attrs: &[Attribute]) -> FieldAttrs {
    let mut out = FieldAttrs::default();
    for attr in attrs.iter().filter(|attr| attr.path().is_ident("vertex")) {
        let result = attr.parse_nested_meta(|meta| {
            let Some(key) = meta.path.get_ident().cloned() else {
                return Err(meta.error(UNKNOWN_FIELD_OPTION));
            };
            match key.to_string().as_str() {
                "name" => set_once(cx, &mut out.name, meta.value()?.parse()?, &key),
                "location" => set_once(cx, &mut out.location, meta.value()?.parse()?, &key),
                "accessor" => set_once(cx, &mut out.accessor, meta.value()?.parse()?, &key),
                "normalize" => set_once(cx, &mut out.normalize, key.span(), &key),
                "skip" => set_once(cx, &mut out.skip, key.span(), &key),
                _ => return Err(meta.error(UNKNOWN_FIELD_OPTION)),
            }
            Ok(())
        });
        result.unwrap_or_else(|error| cx.syn_error(error));
    }
    out
}

const UNKNOWN_FIELD_OPTION: &str = "unknown `#[vertex(...)]` option; field options are \
     `name = \"...\"`, `location = N`, `normalize`, `skip` and `accessor = \"...\"`";
