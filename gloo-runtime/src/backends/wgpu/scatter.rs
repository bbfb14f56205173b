//! Scatter uploads for wgpu buffers ([`GpuStorage::Scatter`](crate::GpuStorage::Scatter)):
//! the planned runs packed into one staging write behind a table of where
//! each unit goes, and one compute dispatch that copies every unit to its
//! place in the target buffer.
//!
//! A `queue.write_buffer` costs microseconds (a staging allocation and a
//! copy on the device each), so thousands of scattered runs cost
//! milliseconds one call each; packed, they cost one write and one
//! dispatch (DESIGN.md §13).
//!
//! A unit is a record when records are whole 4-byte words, else one word
//! (2-byte indices go in pairs): runs are widened to whole words, their
//! neighbours' bytes taken from the records, as a `write_buffer` of the
//! run widens them.

use core::ops::Range;

use ::wgpu::{
    BindGroup, BindGroupDescriptor, BindGroupEntry, BindGroupLayout, BindGroupLayoutDescriptor, BindGroupLayoutEntry,
    BindingType, Buffer, BufferAddress, BufferBindingType, BufferDescriptor, BufferSize, BufferUsages,
    CommandEncoderDescriptor, ComputePassDescriptor, ComputePipeline, ComputePipelineDescriptor, Device,
    PipelineLayoutDescriptor, Queue, ShaderModuleDescriptor, ShaderSource, ShaderStages,
};

use crate::backends::copy::copy_to_write_only;
use crate::tracking::backend::align_out;

/// Invocations per work group.
const GROUP: u32 = 64;

/// Words before the table: the unit count, the words a unit, the
/// invocations a row of work groups, and one unused.
const HEADER: usize = 4;

/// Unit `r` (invocation `y * row + x`) copies its words from the packed
/// units after the table to the unit the table names.
const SOURCE: &str = "
@group(0) @binding(0) var<storage, read> staging: array<u32>;
@group(0) @binding(1) var<storage, read_write> dst: array<u32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
    let units = staging[0];
    let words = staging[1];
    let r = id.y * staging[2] + id.x;
    if (r >= units) {
        return;
    }
    let src = 4u + units + r * words;
    let at = staging[4u + r] * words;
    for (var k = 0u; k < words; k = k + 1u) {
        dst[at + k] = staging[src + k];
    }
}
";

/// The bytes `bytes` (of `size` in all) widened outward to whole words:
/// down at the start, up at the end, but not past `size`, as wgpu's
/// writes and copies need them.
pub(super) fn widen(bytes: Range<usize>, size: usize) -> Range<usize> {
    let bytes = align_out(bytes, ::wgpu::COPY_BUFFER_ALIGNMENT as usize);
    bytes.start..bytes.end.min(size)
}

/// The scatter's program for one device, shared by its buffers.
#[derive(Clone, Debug)]
pub(super) struct ScatterKit {
    pipeline: ComputePipeline,
    layout: BindGroupLayout,
    /// The largest buffer a dispatch may bind, in bytes.
    max_binding: u64,
    /// The most work groups along one axis.
    max_groups: u32,
}

impl ScatterKit {
    /// The program, or `None` where the device cannot run it: no compute
    /// shaders or storage buffers (downlevel and WebGL2 adapters). The
    /// caller catches the device's errors (a program that fails to build).
    pub(super) fn new(device: &Device) -> Option<ScatterKit> {
        let limits = device.limits();
        if limits.max_storage_buffers_per_shader_stage < 2
            || limits.max_compute_workgroups_per_dimension == 0
            || limits.max_compute_invocations_per_workgroup < GROUP
            || limits.max_compute_workgroup_size_x < GROUP
        {
            return None;
        }
        let storage = |binding, read_only| BindGroupLayoutEntry {
            binding,
            visibility: ShaderStages::COMPUTE,
            ty: BindingType::Buffer {
                ty: BufferBindingType::Storage { read_only },
                has_dynamic_offset: false,
                min_binding_size: None,
            },
            count: None,
        };
        let layout = device.create_bind_group_layout(&BindGroupLayoutDescriptor {
            label: Some("gloo scatter"),
            entries: &[storage(0, true), storage(1, false)],
        });
        let module = device.create_shader_module(ShaderModuleDescriptor {
            label: Some("gloo scatter"),
            source: ShaderSource::Wgsl(SOURCE.into()),
        });
        let pipeline_layout = device.create_pipeline_layout(&PipelineLayoutDescriptor {
            label: Some("gloo scatter"),
            bind_group_layouts: &[Some(&layout)],
            immediate_size: 0,
        });
        let pipeline = device.create_compute_pipeline(&ComputePipelineDescriptor {
            label: Some("gloo scatter"),
            layout: Some(&pipeline_layout),
            module: &module,
            entry_point: Some("main"),
            compilation_options: Default::default(),
            cache: None,
        });
        Some(ScatterKit {
            pipeline,
            layout,
            max_binding: limits.max_storage_buffer_binding_size,
            max_groups: limits.max_compute_workgroups_per_dimension,
        })
    }

    /// Whether a target of `bytes` can be scattered into: bound whole, its
    /// words counted by a `u32`.
    pub(super) fn serves(&self, bytes: u64) -> bool {
        bytes <= self.max_binding && bytes / 4 <= u64::from(u32::MAX)
    }
}

/// A target buffer's staging buffer, which grows to the largest upload,
/// and its bind group.
#[derive(Debug, Default)]
pub(super) struct Scatter {
    staging: Option<(Buffer, BindGroup)>,
    /// The staging write, packed: header, table, units.
    packed: Vec<u32>,
}

/// What a scatter sent: units, runs and bytes staged.
pub(super) struct Scattered {
    pub(super) records: usize,
    pub(super) staged: usize,
}

impl Scatter {
    /// Copies each run of records (of `stride` bytes, `bytes` holding them
    /// all) into the same records of `target`: packs them into the staging
    /// buffer with one queue write and submits one dispatch. `None`, with
    /// nothing sent, if the upload is too large for one dispatch's staging
    /// binding.
    pub(super) fn write(
        &mut self,
        kit: &ScatterKit,
        (device, queue): (&Device, &Queue),
        target: &Buffer,
        runs: &[Range<usize>],
        bytes: &[u8],
        stride: usize,
    ) -> Option<Scattered> {
        let unit = if stride.is_multiple_of(4) { stride } else { 4 };
        let size = target.size() as usize;
        // Each run's bytes, widened to whole words within the target.
        let spans: Vec<Range<usize>> = runs
            .iter()
            .filter(|run| !run.is_empty())
            .map(|run| widen(run.start * stride..run.end * stride, size))
            .collect();
        let units: usize = spans.iter().map(|span| span.len() / unit).sum();
        let words = HEADER + units + units * unit / 4;
        let staged = (words * 4) as BufferAddress;
        if units == 0 || staged > kit.max_binding || u32::try_from(units).is_err() {
            return None;
        }
        let bind_group = self.staging(kit, device, target, staged);
        let groups = u32::try_from(units).ok()?.div_ceil(GROUP);
        let (x, y) = (groups.min(kit.max_groups), groups.div_ceil(kit.max_groups));
        // Packed in memory of our own, then copied out in one stream:
        // packing through `WriteOnly` slices cost 29 ns a run, against 17
        // (1 % of a 1M-record buffer, lavapipe), which is about what a
        // scattered record's cache miss costs.
        let packed = &mut self.packed;
        packed.clear();
        packed.resize(words, 0);
        let (table, body) = packed.split_at_mut(HEADER + units);
        table[..HEADER].copy_from_slice(&[units as u32, (unit / 4) as u32, x * GROUP, 0]);
        let mut entries = table[HEADER..].iter_mut();
        let body: &mut [u8] = bytemuck::cast_slice_mut(body);
        let mut at = 0;
        for span in &spans {
            // The span first: `zip` takes from it before the entries, so
            // its end consumes no entry.
            for (index, entry) in (span.start / unit..span.end / unit).zip(entries.by_ref()) {
                *entry = index as u32;
            }
            // Past the records' last byte the padding stays zero.
            let have = span.end.min(bytes.len()).max(span.start) - span.start;
            body[at..at + have].copy_from_slice(&bytes[span.start..span.start + have]);
            at += span.len();
        }
        let mut view = queue.write_buffer_with(&self.staging.as_ref()?.0, 0, BufferSize::new(staged)?)?;
        copy_to_write_only(view.slice(..), bytemuck::cast_slice(packed));
        drop(view);
        let mut encoder = device.create_command_encoder(&CommandEncoderDescriptor { label: Some("gloo scatter") });
        {
            let mut pass = encoder
                .begin_compute_pass(&ComputePassDescriptor { label: Some("gloo scatter"), timestamp_writes: None });
            pass.set_pipeline(&kit.pipeline);
            pass.set_bind_group(0, &bind_group, &[]);
            pass.dispatch_workgroups(x, y, 1);
        }
        queue.submit([encoder.finish()]);
        Some(Scattered { records: runs.iter().map(Range::len).sum(), staged: staged as usize })
    }

    /// The bind group of a staging buffer of at least `bytes` and `target`,
    /// made anew when the staging buffer must grow.
    fn staging(&mut self, kit: &ScatterKit, device: &Device, target: &Buffer, bytes: u64) -> BindGroup {
        if let Some((staging, bind_group)) = &self.staging {
            if staging.size() >= bytes {
                return bind_group.clone();
            }
        }
        let size = bytes.next_power_of_two().max(1 << 12).min(kit.max_binding.max(bytes) / 4 * 4);
        let staging = device.create_buffer(&BufferDescriptor {
            label: Some("gloo scatter staging"),
            size,
            usage: BufferUsages::STORAGE | BufferUsages::COPY_DST,
            mapped_at_creation: false,
        });
        let bind_group = device.create_bind_group(&BindGroupDescriptor {
            label: Some("gloo scatter"),
            layout: &kit.layout,
            entries: &[
                BindGroupEntry { binding: 0, resource: staging.as_entire_binding() },
                BindGroupEntry { binding: 1, resource: target.as_entire_binding() },
            ],
        });
        self.staging = Some((staging, bind_group.clone()));
        bind_group
    }
}
