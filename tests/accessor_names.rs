//! The derive rejects a field whose accessor would share its name with a
//! `VertexBuffer` method, since through `Deref` the buffer's method would
//! silently win. It knows those methods from a list; this test fails when a
//! method is added to the buffer and not to the list.

/// Where `VertexBuffer`'s methods are defined (`buffer.rs` holds the ones it
/// shares with `IndexBuffer`, `vertex.rs` its own, `views.rs` the ndarray
/// views, `glium.rs` glium's, which `IndexBuffer` shares).
const BUFFER_SOURCES: &[(&str, &str)] = &[
    ("gloo-runtime/src/containers/buffer.rs", include_str!("../gloo-runtime/src/containers/buffer.rs")),
    ("gloo-runtime/src/containers/vertex.rs", include_str!("../gloo-runtime/src/containers/vertex.rs")),
    ("gloo-runtime/src/containers/views.rs", include_str!("../gloo-runtime/src/containers/views.rs")),
    ("gloo-runtime/src/containers/glium.rs", include_str!("../gloo-runtime/src/containers/glium.rs")),
];

const DERIVE_LIST: &str = include_str!("../gloo-derive/src/valid.rs");

/// Where `UniformBuffer`'s methods are defined (beside `StorageBuffer`'s
/// own), and the block derive's list of them.
const BLOCK_SOURCE: &str = include_str!("../gloo-runtime/src/containers/block.rs");
const BLOCK_DERIVE: &str = include_str!("../gloo-derive/src/block.rs");

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
    list_in(DERIVE_LIST, "BUFFER_METHODS: &[&str] = &[")
}

/// The strings of the list that starts at `start` in `source`.
fn list_in(source: &'static str, start: &str) -> Vec<&'static str> {
    let start = source.find(start).expect("the derive's list");
    let list = &source[start..];
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

/// A block's uniform accessors come through `UniformBuffer`'s `Deref`: the
/// block derive refuses the names of its methods, and storage accessors
/// named like a `StorageBuffer` method are left out (see the derive).
#[test]
fn every_uniform_buffer_method_is_a_rejected_block_accessor_name() {
    let uniform = list_in(BLOCK_DERIVE, "UNIFORM_METHODS: &[&str] = &[");
    let found = methods(BLOCK_SOURCE);
    assert!(found.contains(&"set") && found.contains(&"bind"), "{found:?}");
    let missing: Vec<_> = found.iter().filter(|name| !uniform.contains(name)).collect();
    assert!(
        missing.is_empty(),
        "block.rs defines {missing:?}; add them to UNIFORM_METHODS in gloo-derive/src/block.rs"
    );
}
