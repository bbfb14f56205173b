//! Examples and integration tests of gloo.
