//! The backend of a build without one: no context can be had, so no
//! storage is ever made, and every container stays on the CPU.

use core::convert::Infallible;
use core::marker::PhantomData;
use core::ops::Range;

use crate::tracking::backend::{GpuBuffer, GpuContext};
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

/// Never made: creating one needs a [`NoContext`].
#[derive(Debug)]
pub struct NoGpu<E>(Infallible, PhantomData<E>);

impl<E: Copy> GpuBuffer<E> for NoGpu<E> {
    type Context = NoContext;
    type Extra = ();
    type Region = Range<usize>;

    fn create(context: &NoContext, _: &[E], _: usize, (): (), _: bool) -> Result<Self, Error> {
        match *context {}
    }

    fn is_mapped(&self) -> bool {
        match self.0 {}
    }

    fn costs(&self, _: &NoContext) -> UploadCosts {
        match self.0 {}
    }

    fn capacity(&self) -> usize {
        match self.0 {}
    }

    fn write(&mut self, _: &NoContext, _: &[Range<usize>], _: &[E]) {
        match self.0 {}
    }

    fn grow(&self, _: &NoContext, _: usize, (): ()) -> Result<(Self, bool), Error> {
        match self.0 {}
    }

    fn read(&self, _: &NoContext, _: usize) -> Result<Vec<E>, Error> {
        match self.0 {}
    }
}
