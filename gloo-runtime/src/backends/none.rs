//! The backend of a build without one: no context can be had, so no
//! storage is ever made, and every container stays on the CPU.

use core::convert::Infallible;
use core::marker::PhantomData;
use core::ops::Range;

use crate::tracking::backend::{GpuContext, GpuResource, Region};
use crate::tracking::stats::Trace;
use crate::tracking::storage::GpuStorage;
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

/// Never made: creating one needs a [`NoContext`]. Stands for a buffer
/// of records `T` (regions `Range<usize>`) or a texture of any texel
/// (`NoGpu<(), Rect, TextureExtra>`).
#[derive(Debug)]
pub struct NoGpu<T, R = Range<usize>, X = ()>(Infallible, PhantomData<(T, R, X)>);

impl<E: Copy, T, R: Region, X: Copy> GpuResource<E> for NoGpu<T, R, X> {
    type Context = NoContext;
    type Extra = X;
    type Region = R;

    fn create(context: &NoContext, _: &[E], _: usize, _: X, _: GpuStorage, _: &mut Trace) -> Result<Self, Error> {
        match *context {}
    }

    fn in_context(&self, _: &NoContext) -> bool {
        match self.0 {}
    }

    fn storage(&self) -> GpuStorage {
        match self.0 {}
    }

    fn costs(&self) -> UploadCosts {
        match self.0 {}
    }

    fn capacity(&self) -> usize {
        match self.0 {}
    }

    fn write(&mut self, _: &[R], _: &[E], _: &mut Trace) {
        match self.0 {}
    }

    fn grow(&self, _: usize, _: X, _: &mut Trace) -> Result<(Self, bool), Error> {
        match self.0 {}
    }

    fn read(&self, _: usize) -> Result<Vec<E>, Error> {
        match self.0 {}
    }
}
