//! The one error type of gloo.

use thiserror::Error;

/// Everything that can go wrong in gloo, as something the caller can act on.
///
/// Out-of-bounds indices are not errors: like `std`, the indexing accessors
/// panic and each has a `get_*` twin that returns `Option` instead.
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

    /// The shape's record count or byte size does not fit in `usize`.
    #[error("shape {shape:?} is too large: its record count or size in bytes overflows usize")]
    ShapeOverflow {
        /// The requested shape, one entry per axis.
        shape: Vec<usize>,
    },

    /// A row given to a rank-2 buffer does not have the buffer's row length.
    #[error("row of {actual} records does not fit a buffer whose rows hold {expected}")]
    RowLength {
        /// The buffer's row length (its last axis).
        expected: usize,
        /// The length of the row given.
        actual: usize,
    },

    /// The buffer already lives in another OpenGL context. GL objects cannot be
    /// shared between unrelated contexts; make a second buffer for the second
    /// context (for example with `VertexBuffer::from_vec(shape, v.as_slice().to_vec())`).
    #[error("this buffer's GL object belongs to another OpenGL context; create a separate buffer for each context")]
    ContextMismatch,

    /// The buffer has no GPU copy yet: call `upload` (or `bind`) first.
    #[error("the buffer has no GPU copy yet: call `upload(&facade)` or `bind(&facade)` first")]
    NotUploaded,

    /// The buffer has writes the GPU has not seen; drawing it through a shared
    /// borrow would show stale data. Call `upload` first.
    #[error("the buffer has writes not uploaded yet: call `upload(&facade)` before drawing from a shared borrow")]
    PendingWrites,

    /// The context does not support instanced drawing.
    #[error("instanced drawing is not supported by this OpenGL context")]
    InstancingNotSupported,

    /// Creating the GL buffer failed.
    #[error("could not create the GL buffer: {0}")]
    BufferCreation(String),

    /// Reading the GL buffer back failed.
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

    /// The EGL driver loaded, but creating or activating an OpenGL context failed.
    #[error("could not create a headless OpenGL context: {0}")]
    Context(String),
}
