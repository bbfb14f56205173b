//! Two backends in one container: a context of either, storage of either.
//! The core checks a context against the container's before it touches
//! the storage, so storage always meets a context of its own backend; a
//! context of the other backend is [`Error::ContextMismatch`].

use crate::tracking::backend::{GpuContext, GpuResource, RecordRuns};
use crate::tracking::dirty::DirtyBits;
use crate::tracking::layout::FieldLayout;
use crate::tracking::stats::Trace;
use crate::tracking::storage::GpuStorage;
use crate::{Error, UploadCosts};

/// A context of backend `A` or of backend `B`.
#[derive(Clone, Debug)]
pub enum Either<A, B> {
    /// Backend `A`'s (glium's, when both are compiled in).
    First(A),
    /// Backend `B`'s (wgpu's).
    Second(B),
}

impl<A: GpuContext, B: GpuContext> GpuContext for Either<A, B> {
    fn same(&self, other: &Self) -> bool {
        match (self, other) {
            (Either::First(a), Either::First(b)) => a.same(b),
            (Either::Second(a), Either::Second(b)) => a.same(b),
            _ => false,
        }
    }

    fn calibrate(&self) -> Result<UploadCosts, Error> {
        match self {
            Either::First(context) => context.calibrate(),
            Either::Second(context) => context.calibrate(),
        }
    }
}

/// Storage of backend `A` or of backend `B`, for records `E`.
impl<E, A, B> GpuResource<E> for Either<A, B>
where
    E: Copy,
    A: GpuResource<E>,
    B: GpuResource<E, Region = A::Region>,
{
    type Context = Either<A::Context, B::Context>;
    type Extra = (A::Extra, B::Extra);
    type Region = A::Region;

    fn create(
        context: &Self::Context,
        data: &[E],
        capacity: usize,
        (a, b): Self::Extra,
        storage: GpuStorage,
        trace: &mut Trace,
    ) -> Result<Self, Error> {
        Ok(match context {
            Either::First(context) => Either::First(A::create(context, data, capacity, a, storage, trace)?),
            Either::Second(context) => Either::Second(B::create(context, data, capacity, b, storage, trace)?),
        })
    }

    fn storage(&self) -> GpuStorage {
        match self {
            Either::First(storage) => storage.storage(),
            Either::Second(storage) => storage.storage(),
        }
    }

    fn costs(&self, context: &Self::Context) -> UploadCosts {
        match (self, context) {
            (Either::First(storage), Either::First(context)) => storage.costs(context),
            (Either::Second(storage), Either::Second(context)) => storage.costs(context),
            _ => UploadCosts::default(),
        }
    }

    fn capacity(&self) -> usize {
        match self {
            Either::First(storage) => storage.capacity(),
            Either::Second(storage) => storage.capacity(),
        }
    }

    fn align(&self) -> usize {
        match self {
            Either::First(storage) => storage.align(),
            Either::Second(storage) => storage.align(),
        }
    }

    fn write(&mut self, context: &Self::Context, regions: &[Self::Region], data: &[E], trace: &mut Trace) {
        match (self, context) {
            (Either::First(storage), Either::First(context)) => storage.write(context, regions, data, trace),
            (Either::Second(storage), Either::Second(context)) => storage.write(context, regions, data, trace),
            _ => unreachable!("the core writes storage through its own context only"),
        }
    }

    fn takes_records(&self) -> bool {
        match self {
            Either::First(storage) => storage.takes_records(),
            Either::Second(storage) => storage.takes_records(),
        }
    }

    fn write_records(
        &mut self,
        context: &Self::Context,
        pending: &mut DirtyBits,
        runs: RecordRuns,
        records: (&[E], &[FieldLayout]),
        counts: &mut [usize],
        trace: &mut Trace,
    ) -> Option<(usize, usize)> {
        match (self, context) {
            (Either::First(storage), Either::First(context)) => {
                storage.write_records(context, pending, runs, records, counts, trace)
            }
            (Either::Second(storage), Either::Second(context)) => {
                storage.write_records(context, pending, runs, records, counts, trace)
            }
            _ => unreachable!("the core writes storage through its own context only"),
        }
    }

    fn grow(
        &self,
        context: &Self::Context,
        capacity: usize,
        (a, b): Self::Extra,
        trace: &mut Trace,
    ) -> Result<(Self, bool), Error> {
        match (self, context) {
            (Either::First(storage), Either::First(context)) => {
                storage.grow(context, capacity, a, trace).map(|(storage, copied)| (Either::First(storage), copied))
            }
            (Either::Second(storage), Either::Second(context)) => {
                storage.grow(context, capacity, b, trace).map(|(storage, copied)| (Either::Second(storage), copied))
            }
            _ => Err(Error::ContextMismatch),
        }
    }

    fn read(&self, context: &Self::Context, len: usize) -> Result<Vec<E>, Error> {
        match (self, context) {
            (Either::First(storage), Either::First(context)) => storage.read(context, len),
            (Either::Second(storage), Either::Second(context)) => storage.read(context, len),
            _ => Err(Error::ContextMismatch),
        }
    }
}
