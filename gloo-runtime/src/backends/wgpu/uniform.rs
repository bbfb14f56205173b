//! A uniform buffer's storage in wgpu: the block's bytes in a buffer made
//! for uniform bindings, written a field run a `write_buffer`.

use core::marker::PhantomData;
use core::mem::size_of;

use ::wgpu::{Buffer, BufferAddress, BufferUsages, CommandEncoder, COPY_BUFFER_ALIGNMENT};

use super::buffer::{aligned_size, filled_buffer};
use super::WgpuContext;
use crate::tracking::backend::{align_out, FieldRuns, GpuContext, GpuResource};
use crate::tracking::block::Block;
use crate::tracking::stats::Trace;
use crate::tracking::storage::GpuStorage;
use crate::{Error, UploadCosts};

/// wgpu's copy alignment: a block's fields are whole words, so their runs
/// are already aligned.
const ALIGN: usize = COPY_BUFFER_ALIGNMENT as usize;

/// A uniform block on a wgpu device.
#[derive(Debug)]
pub struct WgpuUniform<T> {
    buffer: Buffer,
    context: WgpuContext,
    block: PhantomData<T>,
}

impl<T> WgpuUniform<T> {
    /// The buffer, for a bind group entry.
    pub fn buffer(&self) -> &Buffer {
        &self.buffer
    }
}

impl<T: Block> GpuResource<T> for WgpuUniform<T> {
    type Context = WgpuContext;
    type Extra = ();
    type Region = FieldRuns;

    fn create(
        context: &WgpuContext,
        data: &[T],
        _: usize,
        (): (),
        _: GpuStorage,
        _: &mut Trace,
    ) -> Result<Self, Error> {
        let usage = BufferUsages::UNIFORM | BufferUsages::COPY_DST | BufferUsages::COPY_SRC;
        let buffer = filled_buffer(context, aligned_size::<T>(data.len())?, usage, bytemuck::cast_slice(data))?;
        Ok(WgpuUniform { buffer, context: context.clone(), block: PhantomData })
    }

    fn in_context(&self, context: &WgpuContext) -> bool {
        self.context.same(context)
    }

    fn storage(&self) -> GpuStorage {
        GpuStorage::Dynamic
    }

    fn costs(&self) -> UploadCosts {
        self.context.upload_costs()
    }

    fn capacity(&self) -> usize {
        1
    }

    fn align(&self) -> usize {
        ALIGN
    }

    fn write(&mut self, regions: &[FieldRuns], data: &[T], _: &mut Trace) {
        let bytes: &[u8] = bytemuck::cast_slice(data);
        for run in regions.iter().flat_map(|region| &region.0) {
            let run = align_out(run.clone(), ALIGN);
            let end = run.end.min(bytes.len());
            self.context.queue().write_buffer(&self.buffer, run.start as BufferAddress, &bytes[run.start..end]);
        }
    }

    fn grow(&self, _: usize, (): (), _: &mut Trace) -> Result<(Self, bool), Error> {
        Err(Error::BufferCreation("a uniform buffer holds one block and never grows".to_owned()))
    }

    fn read(&self, len: usize) -> Result<Vec<T>, Error> {
        let size = self.buffer.size();
        let copy = |encoder: &mut CommandEncoder, staging: &Buffer| {
            encoder.copy_buffer_to_buffer(&self.buffer, 0, staging, 0, size);
        };
        self.context.read_back("a wgpu uniform buffer", size, copy, |bytes| {
            bytemuck::pod_collect_to_vec(&bytes[..len * size_of::<T>()])
        })
    }
}
