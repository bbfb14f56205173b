//! Parses `#[vertex(...)]` and `#[repr(...)]`.

use proc_macro2::Span;
use quote::ToTokens;
use syn::meta::ParseNestedMeta;
use syn::{parenthesized, token, Attribute, Ident, LitInt, LitStr, Path, Token};

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
                    _ => unknown(cx, &meta, &["crate"], CONTAINER_OPTIONS),
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
        if meta.input.peek(token::Paren) {
            let _content;
            parenthesized!(_content in meta.input);
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
                return unknown(cx, &meta, FIELD_KEYS, FIELD_OPTIONS);
            };
            match key.to_string().as_str() {
                "name" => set_once(cx, &mut out.name, meta.value()?.parse()?, &key),
                "location" => set_once(cx, &mut out.location, meta.value()?.parse()?, &key),
                "accessor" => set_once(cx, &mut out.accessor, meta.value()?.parse()?, &key),
                "normalize" => set_once(cx, &mut out.normalize, key.span(), &key),
                "skip" => set_once(cx, &mut out.skip, key.span(), &key),
                _ => return unknown(cx, &meta, FIELD_KEYS, FIELD_OPTIONS),
            }
            Ok(())
        });
        result.unwrap_or_else(|error| cx.syn_error(error));
    }
    out
}

const FIELD_KEYS: &[&str] = &["name", "location", "normalize", "skip", "accessor"];
const FIELD_OPTIONS: &str = "field options are `name = \"...\"`, `location = N`, `normalize`, \
     `skip` and `accessor = \"...\"`";
const CONTAINER_OPTIONS: &str = "the only struct option is `crate = \"path\"`; field options go on the fields";

/// Reports an unknown option, with the known one it is probably a typo of,
/// and skips its value so that the options after it are still read.
fn unknown(cx: &mut Ctxt, meta: &ParseNestedMeta, known: &[&str], options: &str) -> syn::Result<()> {
    let path = &meta.path;
    let name = path.to_token_stream().to_string().replace(' ', "");
    let guess = known.iter().find(|known| is_typo(&name, known));
    let hint = guess.map_or_else(String::new, |known| format!(" (did you mean `{known}`?)"));
    cx.error_spanned_by(path, format!("unknown `#[vertex(...)]` option `{name}`{hint}; {options}"));
    if meta.input.peek(Token![=]) {
        meta.value()?.parse::<syn::Expr>()?;
    } else if meta.input.peek(token::Paren) {
        let _content;
        parenthesized!(_content in meta.input);
    }
    Ok(())
}

/// Whether `word` is at most two edits (insert, delete, substitute) from `known`.
fn is_typo(word: &str, known: &str) -> bool {
    let (word, known): (Vec<char>, Vec<char>) = (word.chars().collect(), known.chars().collect());
    let mut row: Vec<usize> = (0..=known.len()).collect();
    for (i, &w) in word.iter().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &k) in known.iter().enumerate() {
            let substitute = diagonal + usize::from(w != k);
            diagonal = row[j + 1];
            row[j + 1] = substitute.min(row[j] + 1).min(diagonal + 1);
        }
    }
    row[known.len()] <= 2
}

#[cfg(test)]
mod tests {
    use super::is_typo;

    #[test]
    fn typos_are_near_misses() {
        assert!(is_typo("normalise", "normalize"));
        assert!(is_typo("normalized", "normalize"));
        assert!(is_typo("locaton", "location"));
        assert!(is_typo("skip", "skip"));
        assert!(!is_typo("offset", "location"));
        assert!(!is_typo("x", "name"));
    }
}
