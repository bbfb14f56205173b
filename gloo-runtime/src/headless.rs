//! An off-screen OpenGL context (placeholder: being written).
