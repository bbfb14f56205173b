//! The one error type of gloo.

use thiserror::Error;

/// Everything that can go wrong in gloo, as something the caller can act on.
///
/// Out-of-bounds indices are not errors: like `std`, the indexing accessors
/// panic and each has a `get_*` twin that returns `Option` instead.
///
/// # Examples
///
/// Each variant says what to do; match the ones your program can act on:
///
/// ```
/// use gloo_runtime::{Error, Vertex, VertexBuffer};
///
/// #[derive(Clone, Copy, Vertex)]
/// #[repr(C)]
/// struct P { x: f32 }
///
/// match VertexBuffer::<P, 2>::from_vec([2, 3], vec![P { x: 0.0 }; 5]) {
///     Err(Error::ShapeMismatch { expected, actual, .. }) => assert_eq!((expected, actual), (6, 5)),
///     other => panic!("expected a shape mismatch, got {other:?}"),
/// }
/// let too_big = VertexBuffer::<P>::try_zeros([isize::MAX as usize / 8]); // fits usize, not memory
/// assert!(matches!(too_big, Err(Error::OutOfMemory { .. })));
/// assert_eq!(
///     Error::RowLength { expected: 3, actual: 2 }.to_string(),
///     "row of 2 records does not fit a buffer whose rows hold 3",
/// );
/// ```
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum Error {
    /// `from_vec` (or a similar constructor) got a number of records that is
    /// not the product of the shape.
    #[error("shape {shape:?} holds {expected} records, but {actual} were given")]
    ShapeMismatch {
        /// The requested shape, one entry per axis.
        shape: Vec<usize>,
        /// The number of records the shape holds.
        expected: usize,
        /// The number of records given.
        actual: usize,
    },

    /// The shape's byte size, counting only its non-zero axes, exceeds
    /// `isize::MAX`: no allocation, and no ndarray view, can have it. A
    /// shape with a zero axis holds no record, but its other axes count.
    #[error("shape {shape:?} is too large: the product of its non-zero axes, in bytes, exceeds isize::MAX")]
    ShapeOverflow {
        /// The requested shape, one entry per axis.
        shape: Vec<usize>,
    },

    /// The memory for the records (or their dirty bits) could not be
    /// allocated: the shape fits `usize`, but not this machine. Nothing was
    /// changed.
    #[error("could not allocate {bytes} bytes for the buffer: the shape fits, but not in this machine's memory")]
    OutOfMemory {
        /// The size of the allocation that failed, in bytes (saturated at `usize::MAX`).
        bytes: usize,
    },

    /// An index buffer names a vertex past the end of the vertices it is
    /// drawn with: a draw would read records that are not there (or, after
    /// a `truncate`, stale ones left in the GL buffer's spare capacity).
    /// Nothing was uploaded.
    #[error("index {index} at position {position} is out of range for {vertex_count} vertices")]
    IndexOutOfRange {
        /// Where the index sits in the buffer's row-major order.
        position: usize,
        /// The index found there.
        index: u32,
        /// The number of vertices it was checked against.
        vertex_count: usize,
    },

    /// A row given to a rank-2 buffer does not have the buffer's row length.
    #[error("row of {actual} records does not fit a buffer whose rows hold {expected}")]
    RowLength {
        /// The buffer's row length (its last axis).
        expected: usize,
        /// The length of the row given.
        actual: usize,
    },

    /// The buffer's GPU copy already lives in another context: another
    /// OpenGL context, another `WgpuContext`, or the other backend. GPU
    /// objects are not shared between them; make a second buffer for the
    /// second context (for example with
    /// `VertexBuffer::from_vec(shape, v.as_slice().to_vec())`).
    #[error("this buffer's GPU copy belongs to another context (another OpenGL context or `WgpuContext`, or the other backend); create a separate buffer for each context")]
    ContextMismatch,

    /// The buffer has no GPU copy yet: call `upload` (or `bind`) first.
    #[error(
        "the buffer has no GPU copy yet: call `upload(&facade)` (glium) or `upload(&gpu)` (wgpu), or `bind`, first"
    )]
    NotUploaded,

    /// The buffer has writes the GPU has not seen; drawing it through a shared
    /// borrow would show stale data. Call `upload` first.
    #[error("the buffer has writes not uploaded yet: call `upload(&facade)` (glium) or `upload(&gpu)` (wgpu) before drawing it through a shared borrow, or draw `v.source()?` (glium)")]
    PendingWrites,

    /// The context does not support instanced drawing.
    #[error("instanced drawing is not supported by this OpenGL context")]
    InstancingNotSupported,

    /// Creating, growing or writing the GPU buffer failed: the driver's or
    /// wgpu's message.
    #[error("could not create or write the GPU buffer: {0}")]
    BufferCreation(String),

    /// Reading the GL buffer back failed.
    #[cfg(feature = "glium")]
    #[error("could not read the GL buffer back: {0}")]
    Read(#[from] glium::buffer::ReadError),

    /// No EGL driver could be loaded, or it offers no usable device.
    #[error(
        "no usable EGL driver ({reason}); on Debian or Ubuntu install it with \
         `apt-get install libegl1 libegl-mesa0 libgl1-mesa-dri`"
    )]
    NoEgl {
        /// What failed, as reported by the driver loader.
        reason: String,
    },

    /// wgpu found no adapter without a window, or the adapter opened no
    /// device. Mesa's Vulkan software renderer, lavapipe, is one that needs
    /// no GPU.
    #[cfg(feature = "wgpu")]
    #[error(
        "no usable wgpu adapter ({0}); on Debian or Ubuntu install Mesa's software \
         Vulkan driver (lavapipe) with `apt-get install mesa-vulkan-drivers`"
    )]
    NoAdapter(String),

    /// A vertex type or block does not match what a shader declares (see
    /// [`check`](crate::check)): every difference found, one a line, each
    /// naming the shader's side and ours with their types. Fix the shader
    /// or the Rust type so that they agree. A WGSL source naga cannot
    /// parse or validate is one too, with naga's message.
    #[error("shader mismatch: {shader}{}", lines(mismatches))]
    ShaderMismatch {
        /// What was checked against what: ``"`Point` against the vertex
        /// inputs of the program"``, ``"`Light` against block `LightBlock`"``.
        shader: String,
        /// Every mismatch found, in the shader's order: ``"shader input
        /// position is vec3, Point::position is [f32; 2] (vec2)"``.
        mismatches: Vec<String>,
    },

    /// The EGL driver loaded, but creating or activating an OpenGL context failed.
    #[error("could not create a headless OpenGL context: {0}")]
    Context(String),
}

/// The mismatches of [`Error::ShaderMismatch`], one a line below the
/// error's first.
fn lines(mismatches: &[String]) -> String {
    mismatches.iter().map(|mismatch| format!("\n  - {mismatch}")).collect()
}
