//! Scatter uploads ([`GpuStorage::Scatter`](crate::GpuStorage::Scatter)):
//! the planned runs of records packed into one staging buffer, behind a
//! table of where each record goes, and one compute dispatch that copies
//! every packed record to its place in the target buffer.
//!
//! The staging buffer is persistently mapped where the context can map one,
//! so that packing is the only copy the CPU makes; the target stays an
//! ordinary buffer that draws read from GPU memory.

use core::ops::Range;
use std::rc::Rc;

use glium::backend::Context;
use glium::buffer::{Buffer, BufferAnySlice, BufferMode, BufferType};
use glium::program::ComputeShader;
use glium::uniforms::{UniformValue, Uniforms};
use glium::{Api, CapabilitiesSource, Version};

use crate::backends::copy::copy_to_mapping;
use crate::tracking::stats::Trace;

/// Invocations per work group.
const GROUP: u32 = 64;

/// The scatter: invocation `r` copies packed record `r`. The staging buffer
/// holds `records` target record numbers, then the packed records, each
/// `stride` words.
const SOURCE: &str = "#version 430
layout(local_size_x = 64) in;
layout(std430) readonly buffer Staging { uint staging[]; };
layout(std430) writeonly buffer Target { uint target[]; };
uniform uint records;
uniform uint stride;
uniform uint row;
void main() {
    uint r = gl_GlobalInvocationID.y * row + gl_GlobalInvocationID.x;
    if (r >= records) return;
    uint from = records + r * stride;
    uint to = staging[r] * stride;
    for (uint k = 0u; k < stride; ++k) {
        target[to + k] = staging[from + k];
    }
}";

/// The most work groups a dispatch may have along one axis (OpenGL's
/// guaranteed minimum).
const MAX_GROUPS: u32 = 65_535;

/// A scatter kit for one target buffer: the compute program, and a staging
/// buffer that grows to the largest upload.
pub(super) struct Scatter {
    program: ComputeShader,
    staging: Option<Buffer<[u32]>>,
}

impl Scatter {
    /// A kit for a target of `target_bytes` in records of `stride` bytes,
    /// or `None` where a scatter cannot serve it: the context lacks compute
    /// shaders or shader storage (OpenGL 4.3), records are not whole 4-byte
    /// words, the target has more words than a `uint` counts, or the
    /// program fails to build (a driver's fault, logged).
    pub(super) fn new(context: &Rc<Context>, stride: usize, target_bytes: usize, trace: &mut Trace) -> Option<Scatter> {
        if !supported(context) || !stride.is_multiple_of(4) || u32::try_from(target_bytes / 4).is_err() {
            return None;
        }
        match ComputeShader::from_source(context, SOURCE) {
            Ok(program) => Some(Scatter { program, staging: None }),
            Err(error) => {
                trace.warn(format_args!(
                    "gloo: the scatter program failed to build, uploads use one call per range: {error}"
                ));
                None
            }
        }
    }

    /// Copies each run of records `data[run]` into the same records of
    /// `target`: packs them into the staging buffer and dispatches the
    /// scatter. `stride` is a multiple of 4.
    ///
    /// # Errors
    ///
    /// glium's, if no staging buffer of the upload's size can be made;
    /// nothing is sent then.
    pub(super) fn write<E: bytemuck::Pod>(
        &mut self,
        context: &Rc<Context>,
        target: BufferAnySlice<'_>,
        runs: &[Range<usize>],
        data: &[E],
        stride: usize,
        trace: &mut Trace,
    ) -> Result<(), glium::buffer::BufferCreationError> {
        let records: usize = runs.iter().map(Range::len).sum();
        let needed = records + records * stride / 4;
        let staging = Self::staging(&mut self.staging, context, needed)?;
        let bytes: &[u8] = bytemuck::cast_slice(data);
        let pack = |staged: &mut [u32]| {
            let (table, body) = staged.split_at_mut(records);
            let body: &mut [u8] = bytemuck::cast_slice_mut(body);
            let (mut entries, mut packed) = (table.iter_mut(), 0);
            for run in runs {
                // The run first: `zip` takes from it before the entries, so
                // its end consumes no entry.
                for (record, entry) in run.clone().zip(entries.by_ref()) {
                    *entry = u32::try_from(record).expect("checked at creation");
                }
                let run_bytes = &bytes[run.start * stride..run.end * stride];
                copy_to_mapping(&mut body[packed..packed + run_bytes.len()], run_bytes);
                packed += run_bytes.len();
            }
        };
        if staging.is_persistent() {
            pack(&mut staging.slice_mut(0..needed).expect("staging holds the upload").map());
        } else {
            let mut staged = vec![0u32; needed];
            pack(&mut staged);
            staging.invalidate();
            staging.slice(0..needed).expect("staging holds the upload").write(&staged);
        }
        let records = u32::try_from(records).expect("checked at creation");
        let groups = records.div_ceil(GROUP);
        let (x, y) = (groups.min(MAX_GROUPS), groups.div_ceil(MAX_GROUPS));
        let uniforms = ScatterUniforms {
            staging: staging.as_slice_any(),
            target,
            records,
            stride: u32::try_from(stride / 4).expect("checked at creation"),
            row: x * GROUP,
        };
        trace.debug(format_args!(
            "GPU: Scattering {records} records in {} ranges ({} bytes staged)",
            runs.len(),
            needed * 4,
        ));
        self.program.execute(uniforms, x, y, 1);
        Ok(())
    }

    /// The staging buffer, with room for at least `words` words: mapped
    /// where the context can have one, else dynamic.
    fn staging<'s>(
        slot: &'s mut Option<Buffer<[u32]>>,
        context: &Rc<Context>,
        words: usize,
    ) -> Result<&'s mut Buffer<[u32]>, glium::buffer::BufferCreationError> {
        if slot.as_ref().is_none_or(|staging| staging.len() < words) {
            let len = words.next_power_of_two().max(1 << 12);
            let make = |mode| Buffer::empty_array(context, BufferType::ShaderStorageBuffer, len, mode);
            *slot = Some(make(BufferMode::Persistent).or_else(|_| make(BufferMode::Dynamic))?);
        }
        Ok(slot.as_mut().expect("made above"))
    }
}

/// Whether the context runs compute shaders with shader storage buffers.
fn supported(context: &Rc<Context>) -> bool {
    let version = *context.get_opengl_version();
    let storage = version >= Version(Api::Gl, 4, 3)
        || version >= Version(Api::GlEs, 3, 1)
        || context.get_extensions().gl_arb_shader_storage_buffer_object;
    storage && ComputeShader::is_supported(&**context)
}

/// The scatter's inputs as glium binds them.
struct ScatterUniforms<'a> {
    staging: BufferAnySlice<'a>,
    target: BufferAnySlice<'a>,
    records: u32,
    stride: u32,
    row: u32,
}

impl<'b> Uniforms for ScatterUniforms<'b> {
    fn visit_values<'a, F: FnMut(&str, UniformValue<'a>)>(&'a self, mut visit: F) {
        // Blocks of runtime-sized `uint` arrays: any buffer fits them.
        fn any_layout(_: &glium::program::UniformBlock) -> Result<(), glium::uniforms::LayoutMismatchError> {
            Ok(())
        }
        visit("Staging", UniformValue::Block(self.staging, any_layout));
        visit("Target", UniformValue::Block(self.target, any_layout));
        visit("records", UniformValue::UnsignedInt(self.records));
        visit("stride", UniformValue::UnsignedInt(self.stride));
        visit("row", UniformValue::UnsignedInt(self.row));
    }
}
