//! The GPU copy of a buffer in a build without a backend: there is none,
//! and there can be none.

use core::convert::Infallible;
use core::marker::PhantomData;

/// Never made: a build without a backend has no way to upload.
pub(crate) struct NoGpu<T>(#[allow(dead_code)] Infallible, PhantomData<T>);
