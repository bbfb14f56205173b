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

    fn in_context(&self, context: &Self::Context) -> bool {
        match (self, context) {
            (Either::First(storage), Either::First(context)) => storage.in_context(context),
            (Either::Second(storage), Either::Second(context)) => storage.in_context(context),
            _ => false,
        }
    }

    fn storage(&self) -> GpuStorage {
        match self {
            Either::First(storage) => storage.storage(),
            Either::Second(storage) => storage.storage(),
        }
    }

    fn costs(&self) -> UploadCosts {
        match self {
            Either::First(storage) => storage.costs(),
            Either::Second(storage) => storage.costs(),
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

    fn write(&mut self, regions: &[Self::Region], data: &[E], trace: &mut Trace) {
        match self {
            Either::First(storage) => storage.write(regions, data, trace),
            Either::Second(storage) => storage.write(regions, data, trace),
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
        pending: &mut DirtyBits,
        runs: RecordRuns,
        records: (&[E], &[FieldLayout]),
        counts: &mut [usize],
        trace: &mut Trace,
    ) -> Option<(usize, usize)> {
        match self {
            Either::First(storage) => storage.write_records(pending, runs, records, counts, trace),
            Either::Second(storage) => storage.write_records(pending, runs, records, counts, trace),
        }
    }

    fn grow(&self, capacity: usize, (a, b): Self::Extra, trace: &mut Trace) -> Result<(Self, bool), Error> {
        match self {
            Either::First(storage) => {
                storage.grow(capacity, a, trace).map(|(storage, copied)| (Either::First(storage), copied))
            }
            Either::Second(storage) => {
                storage.grow(capacity, b, trace).map(|(storage, copied)| (Either::Second(storage), copied))
            }
        }
    }

    fn read(&self, len: usize) -> Result<Vec<E>, Error> {
        match self {
            Either::First(storage) => storage.read(len),
            Either::Second(storage) => storage.read(len),
        }
    }
}
