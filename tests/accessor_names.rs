//! The derive rejects a field whose accessor would share its name with a
//! `VertexBuffer` method, since through `Deref` the buffer's method would
//! silently win. It knows those methods from a list; this test fails when a
//! method is added to the buffer and not to the list.

/// Where `VertexBuffer`'s methods are defined (`buffer.rs` holds the ones it
/// shares with `IndexBuffer`, `vertex.rs` its own, `views.rs` the ndarray views).
const BUFFER_SOURCES: &[(&str, &str)] = &[
    ("gloo-runtime/src/containers/buffer.rs", include_str!("../gloo-runtime/src/containers/buffer.rs")),
    ("gloo-runtime/src/containers/vertex.rs", include_str!("../gloo-runtime/src/containers/vertex.rs")),
    ("gloo-runtime/src/containers/views.rs", include_str!("../gloo-runtime/src/containers/views.rs")),
];

const DERIVE_LIST: &str = include_str!("../gloo-derive/src/valid.rs");

/// The names of the `pub fn`s with a `self` receiver in `source`.
fn methods(source: &str) -> Vec<&str> {
    let mut names = Vec::new();
    for (start, _) in source.match_indices("pub fn ") {
        let rest = &source[start + "pub fn ".len()..];
        let name_end = rest.find(|c: char| !(c.is_alphanumeric() || c == '_')).unwrap_or(rest.len());
        let (name, rest) = rest.split_at(name_end);
        let Some(params) = rest.find('(').map(|open| rest[open + 1..].trim_start()) else {
            continue;
        };
        if params.starts_with("&self") || params.starts_with("&mut self") || params.starts_with("self") {
            names.push(name);
        }
    }
    names
}

/// The strings of `BUFFER_METHODS` in the derive.
fn derive_list() -> Vec<&'static str> {
    let start = DERIVE_LIST.find("BUFFER_METHODS: &[&str] = &[").expect("the derive's list");
    let list = &DERIVE_LIST[start..];
    let list = &list[..list.find("];").expect("the list's end")];
    list.split('"').skip(1).step_by(2).collect()
}

#[test]
fn every_buffer_method_is_a_rejected_accessor_name() {
    let rejected = derive_list();
    assert!(rejected.contains(&"len") && rejected.contains(&"shape"), "{rejected:?}");
    for (path, source) in BUFFER_SOURCES {
        let found = methods(source);
        assert!(!found.is_empty(), "no method found in {path}: has the parser gone stale?");
        let missing: Vec<_> = found.iter().filter(|name| !rejected.contains(name)).collect();
        assert!(
            missing.is_empty(),
            "{path} defines {missing:?}; add them to BUFFER_METHODS in gloo-derive/src/valid.rs",
        );
    }
}
