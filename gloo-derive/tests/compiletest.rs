//! Compile-time behaviour of `#[derive(Vertex)]`: every rejected input with
//! its message (`tests/ui/`), and generated code that stays warning-free
//! under `#![deny(warnings, missing_docs)]` (`tests/ui-pass/`).
//!
//! Regenerate the expected messages with
//! `TRYBUILD=overwrite cargo test --test compiletest`, then read the diff:
//! the message is the product.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
    t.pass("tests/ui-pass/*.rs");
}
