//! The backend of a build without one: no context can be had, so no
//! storage is ever made, and every container stays on the CPU.

use core::convert::Infallible;
use core::marker::PhantomData;
use core::ops::Range;

use crate::tracking::backend::{GpuBuffer, GpuContext, GpuStorage, Region};
use crate::{Error, UploadCosts};

/// Never made: there is no GPU API to have a context of.
#[derive(Clone, Debug)]
pub enum NoContext {}

impl GpuContext for NoContext {
    fn same(&self, _: &Self) -> bool {
        match *self {}
    }

    fn calibrate(&self) -> Result<UploadCosts, Error> {
        match *self {}
    }
}

/// Never made. Stands for a buffer of records `T` (regions
/// `Range<usize>`) or a texture of any texel (`NoGpu<(), Rect,
/// TextureExtra>`) of a backend that has none: the stand-in's, whose
/// context `C` is [`NoContext`], or one that lacks the kind (wgpu's
/// textures, for now), where creating one is an error.
#[derive(Debug)]
pub struct NoGpu<T, R = Range<usize>, X = (), C = NoContext>(Infallible, PhantomData<(T, R, X, C)>);

impl<E: Copy, T, R: Region, X: Copy, C: GpuContext> GpuBuffer<E> for NoGpu<T, R, X, C> {
    type Context = C;
    type Extra = X;
    type Region = R;
    const KIND: &'static str = "storage";

    /// An error: with [`NoContext`] unreachable, and the one real context
    /// that can get here is wgpu's, for a texture.
    fn create(_: &C, _: &[E], _: usize, _: X, _: GpuStorage) -> Result<Self, Error> {
        Err(Error::BufferCreation("gloo has no wgpu textures yet: upload the texture through glium".to_owned()))
    }

    fn storage(&self) -> GpuStorage {
        match self.0 {}
    }

    fn costs(&self, _: &C) -> UploadCosts {
        match self.0 {}
    }

    fn capacity(&self) -> usize {
        match self.0 {}
    }

    fn write(&mut self, _: &C, _: &[R], _: &[E]) {
        match self.0 {}
    }

    fn grow(&self, _: &C, _: usize, _: X) -> Result<(Self, bool), Error> {
        match self.0 {}
    }

    fn read(&self, _: &C, _: usize) -> Result<Vec<E>, Error> {
        match self.0 {}
    }
}
