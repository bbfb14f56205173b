//! Parses `#[vertex(...)]`, `#[block(...)]` and `#[repr(...)]`.

use proc_macro2::Span;
use quote::ToTokens;
use syn::meta::ParseNestedMeta;
use syn::{parenthesized, token, Attribute, Ident, LitInt, LitStr, Path, Token};

use crate::ctxt::Ctxt;

/// Which derive reads the attributes: `#[derive(Vertex)]` reads
/// `#[vertex(...)]`, `#[derive(Block)]` reads `#[block(...)]`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Derive {
    Vertex,
    Block,
}

impl Derive {
    /// The helper attribute's name: `vertex` or `block`.
    pub fn attr(self) -> &'static str {
        match self {
            Derive::Vertex => "vertex",
            Derive::Block => "block",
        }
    }

    /// The derive's name: `Vertex` or `Block`.
    pub fn name(self) -> &'static str {
        match self {
            Derive::Vertex => "Vertex",
            Derive::Block => "Block",
        }
    }
}

/// Options on the struct: `#[vertex(crate = "path")]` or
/// `#[block(std140, crate = "path")]`, plus what `#[repr]` says.
#[derive(Default)]
pub struct ContainerAttrs {
    pub krate: Option<Path>,
    pub repr_c: bool,
    /// `#[block(std140)]` or `#[block(std430)]`: the rules' name.
    pub rules: Option<Ident>,
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
fn set_once<T>(cx: &mut Ctxt, slot: &mut Option<T>, value: T, key: &Ident, derive: Derive) {
    if slot.is_some() {
        cx.error_spanned_by(key, format!("duplicate `#[{}({key})]` option; give it once", derive.attr()));
    } else {
        *slot = Some(value);
    }
}

pub fn container(cx: &mut Ctxt, attrs: &[Attribute], derive: Derive) -> ContainerAttrs {
    let mut out = ContainerAttrs::default();
    let (known, options) = match derive {
        Derive::Vertex => (&["crate"][..], CONTAINER_OPTIONS),
        Derive::Block => (&["crate", "std140", "std430"][..], BLOCK_OPTIONS),
    };
    for attr in attrs {
        if attr.path().is_ident("repr") {
            parse_repr(cx, attr, &mut out, derive);
        } else if attr.path().is_ident(derive.attr()) {
            let result = attr.parse_nested_meta(|meta| {
                let key = meta.path.get_ident().cloned();
                match key {
                    Some(key) if key == "crate" => {
                        let path: Path = meta.value()?.parse::<LitStr>()?.parse()?;
                        set_once(cx, &mut out.krate, path, &key, derive);
                        Ok(())
                    }
                    Some(key) if derive == Derive::Block && (key == "std140" || key == "std430") => {
                        match &out.rules {
                            Some(rules) if *rules != key => cx.error_spanned_by(
                                &key,
                                format!("`{rules}` and `{key}` contradict: a block follows one set of layout rules; keep one"),
                            ),
                            _ => set_once(cx, &mut out.rules, key.clone(), &key, derive),
                        }
                        Ok(())
                    }
                    _ => unknown(cx, &meta, known, options, derive),
                }
            });
            result.unwrap_or_else(|error| cx.syn_error(error));
        }
    }
    out
}

fn parse_repr(cx: &mut Ctxt, attr: &Attribute, out: &mut ContainerAttrs, derive: Derive) {
    let result = attr.parse_nested_meta(|meta| {
        if meta.path.is_ident("C") {
            out.repr_c = true;
        } else if meta.path.is_ident("packed") {
            cx.error_spanned_by(
                &meta.path,
                format!(
                    "`#[repr(packed)]` would leave fields unaligned; remove it and add explicit \
                     `#[{}(skip)] _pad: [u8; N]` fields where the layout needs padding",
                    derive.attr()
                ),
            );
        }
        // Other reprs (`align`, `transparent`, integer types) are judged
        // elsewhere: `repr(C)` missing, or padding, reports them.
        if meta.input.peek(token::Paren) {
            skip_parenthesized(&meta)?;
        }
        Ok(())
    });
    result.unwrap_or_else(|error| cx.syn_error(error));
}

/// Reads past `(...)`, whatever it holds (`align(16)`, an unknown
/// option's arguments): what is inside is not ours to judge, and syn
/// refuses a group left half read.
fn skip_parenthesized(meta: &ParseNestedMeta) -> syn::Result<()> {
    let content;
    parenthesized!(content in meta.input);
    content.parse::<proc_macro2::TokenStream>()?;
    Ok(())
}

pub fn field(cx: &mut Ctxt, attrs: &[Attribute], derive: Derive) -> FieldAttrs {
    let mut out = FieldAttrs::default();
    let (known, options) = match derive {
        Derive::Vertex => (FIELD_KEYS, FIELD_OPTIONS),
        Derive::Block => (BLOCK_FIELD_KEYS, BLOCK_FIELD_OPTIONS),
    };
    for attr in attrs.iter().filter(|attr| attr.path().is_ident(derive.attr())) {
        let result = attr.parse_nested_meta(|meta| {
            let Some(key) = meta.path.get_ident().cloned().filter(|key| known.contains(&key.to_string().as_str()))
            else {
                return unknown(cx, &meta, known, options, derive);
            };
            match key.to_string().as_str() {
                "name" => set_once(cx, &mut out.name, meta.value()?.parse()?, &key, derive),
                "location" => set_once(cx, &mut out.location, meta.value()?.parse()?, &key, derive),
                "accessor" => set_once(cx, &mut out.accessor, meta.value()?.parse()?, &key, derive),
                "normalize" => set_once(cx, &mut out.normalize, key.span(), &key, derive),
                "skip" => set_once(cx, &mut out.skip, key.span(), &key, derive),
                _ => return unknown(cx, &meta, known, options, derive),
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
const BLOCK_FIELD_KEYS: &[&str] = &["name", "skip", "accessor"];
const BLOCK_FIELD_OPTIONS: &str = "field options are `name = \"...\"`, `skip` and `accessor = \"...\"`";
const BLOCK_OPTIONS: &str =
    "struct options are `std140` or `std430` (the layout rules) and `crate = \"path\"`; field options go on the fields";

/// Reports an unknown option, with the known one it is probably a typo of,
/// and skips its value so that the options after it are still read.
fn unknown(cx: &mut Ctxt, meta: &ParseNestedMeta, known: &[&str], options: &str, derive: Derive) -> syn::Result<()> {
    let path = &meta.path;
    let name = path.to_token_stream().to_string().replace(' ', "");
    let guess = known.iter().find(|known| is_typo(&name, known));
    let hint = guess.map_or_else(String::new, |known| format!(" (did you mean `{known}`?)"));
    cx.error_spanned_by(path, format!("unknown `#[{}(...)]` option `{name}`{hint}; {options}", derive.attr()));
    if meta.input.peek(Token![=]) {
        meta.value()?.parse::<syn::Expr>()?;
    } else if meta.input.peek(token::Paren) {
        skip_parenthesized(meta)?;
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
