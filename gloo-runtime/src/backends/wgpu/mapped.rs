//! Mapped uploads for wgpu buffers ([`GpuStorage::Mapped`](crate::GpuStorage::Mapped)):
//! the buffer itself mapped for writing (`MAP_WRITE` usage, which a vertex
//! or index buffer may have where the device has
//! `Features::MAPPABLE_PRIMARY_BUFFERS`), the upload's bytes copied in, and
//! unmapped.
//!
//! On a device that runs on the CPU (Mesa's lavapipe) the device's memory
//! is the process's: mapping costs nothing per byte, and an upload is the
//! copy of its bytes, with no staging write, no copy on the device and no
//! dispatch, as glium's mapped buffers on llvmpipe. A mapping waits for
//! the device to finish the work queued before it that reads the buffer.

use core::ops::Range;

use ::wgpu::Buffer;

use super::WgpuContext;
use crate::backends::copy::copy_to_write_only;
use crate::Error;

/// Copies each of `runs` of `bytes` into the same bytes of `buffer`, mapped
/// once for them all. Past the end of `bytes` the buffer keeps its bytes
/// (the padding of a buffer rounded up to whole words, never written). An
/// error, with nothing written, if wgpu did not map it.
pub(super) fn write_runs(
    context: &WgpuContext,
    buffer: &Buffer,
    bytes: &[u8],
    runs: impl Iterator<Item = Range<usize>>,
) -> Result<(), Error> {
    context.scoped(Error::BufferCreation, || context.map_for_write(buffer))?;
    let written = match buffer.get_mapped_range_mut(..) {
        Ok(mut view) => {
            for run in runs.filter(|run| !run.is_empty()) {
                copy_to_write_only(view.slice(run.clone()), &bytes[run]);
            }
            Ok(())
        }
        Err(e) => Err(Error::BufferCreation(format!("mapping a wgpu buffer: {e}"))),
    };
    buffer.unmap();
    written
}
