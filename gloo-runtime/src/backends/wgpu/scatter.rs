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

use crate::backends::copy::{copy_to_mapping, copy_to_write_only};
use crate::tracking::backend::align_out;
use crate::tracking::dirty::{prefetch_line, DirtyBits};

/// Invocations per work group.
const GROUP: u32 = 64;

/// Words before the table: the unit count, the words a unit, the
/// invocations a row of work groups, and the units an invocation copies.
const HEADER: usize = 4;

/// Units an invocation copies on a device that runs compute shaders on the
/// CPU (Mesa's lavapipe), where an invocation's own cost outweighs its
/// copy: 10k scattered records of 20 bytes took 0.47-0.62 ms a dispatch
/// sixteen to an invocation against 0.54-0.81 ms one to an invocation
/// (three runs, in turns). A GPU copies one an invocation.
pub(super) const CPU_UNITS_PER_INVOCATION: u32 = 16;

/// The work groups a dispatch keeps at least, where an invocation copies
/// several units: a CPU device runs each group on one of its threads.
const SPREAD_GROUPS: u32 = 8;

/// Invocation `i` (`y * row + x`) copies units `i * per ..` up to the
/// next invocation's, each from the packed units after the table to the
/// unit the table names.
const SOURCE: &str = "
@group(0) @binding(0) var<storage, read> staging: array<u32>;
@group(0) @binding(1) var<storage, read_write> dst: array<u32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
    let units = staging[0];
    let words = staging[1];
    let per = staging[3];
    let first = (id.y * staging[2] + id.x) * per;
    let last = min(first + per, units);
    for (var r = first; r < last; r = r + 1u) {
        let src = 4u + units + r * words;
        let at = staging[4u + r] * words;
        for (var k = 0u; k < words; k = k + 1u) {
            dst[at + k] = staging[src + k];
        }
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

/// How many records ahead the packing asks for a record's lines.
const PREFETCH_RECORDS: usize = 8;

/// Asks for the line of `bytes[at]` and the next (a record may straddle
/// two), if in bounds.
#[inline(always)]
fn prefetch(bytes: &[u8], at: usize) {
    if at < bytes.len() {
        let line = bytes.as_ptr().wrapping_add(at);
        prefetch_line(line);
        prefetch_line(line.wrapping_add(63));
    }
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
    /// The units an invocation copies.
    per: u32,
}

impl ScatterKit {
    /// The program, its invocations copying `per` units each, or `None`
    /// where the device cannot run it: no compute shaders or storage
    /// buffers (downlevel and WebGL2 adapters). The caller catches the
    /// device's errors (a program that fails to build).
    pub(super) fn new(device: &Device, per: u32) -> Option<ScatterKit> {
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
            per: per.max(1),
        })
    }

    /// Whether `units` units of `unit` bytes fit one dispatch's staging
    /// binding, behind the header and their table.
    fn stages(&self, units: usize, unit: usize) -> bool {
        let words = units.checked_mul(unit / 4 + 1).and_then(|words| words.checked_add(HEADER));
        units > 0 && u32::try_from(units).is_ok() && words.is_some_and(|words| (words as u64) * 4 <= self.max_binding)
    }

    /// Whether a target of `bytes` can be scattered into: bound whole, its
    /// words counted by a `u32`.
    pub(super) fn serves(&self, bytes: u64) -> bool {
        bytes <= self.max_binding && bytes / 4 <= u64::from(u32::MAX)
    }
}

/// A target buffer's staging buffer, which grows to the largest upload,
/// its bind group, and the upload packed in memory of our own.
#[derive(Debug, Default)]
pub(super) struct Scatter {
    staging: Option<(Buffer, BindGroup)>,
    /// Where each unit goes, in units.
    table: Vec<u32>,
    /// The units, one after the other.
    units: Vec<u32>,
}

/// What a scatter sent: records, in how many runs, and bytes staged.
pub(super) struct Scattered {
    pub(super) records: usize,
    pub(super) runs: usize,
    pub(super) staged: usize,
}

impl Scatter {
    /// Copies each run of records (of `stride` bytes, `bytes` holding them
    /// all) into the same records of `target`. `None`, with nothing sent,
    /// if the upload is too large for one dispatch's staging binding.
    pub(super) fn write(
        &mut self,
        kit: &ScatterKit,
        gpu: (&Device, &Queue),
        target: &Buffer,
        runs: &[Range<usize>],
        bytes: &[u8],
        stride: usize,
    ) -> Option<Scattered> {
        let unit = if stride.is_multiple_of(4) { stride } else { 4 };
        let size = target.size() as usize;
        // Each run's bytes, widened to whole words within the target.
        let spans =
            runs.iter().filter(|run| !run.is_empty()).map(|run| widen(run.start * stride..run.end * stride, size));
        let units: usize = spans.clone().map(|span| span.len() / unit).sum();
        if !kit.stages(units, unit) {
            return None;
        }
        let (table, body) = self.pack(units, unit);
        let mut entries = table.iter_mut();
        let mut at = 0;
        for span in spans {
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
        let records = runs.iter().map(Range::len).sum();
        self.send(kit, gpu, target, unit).map(|staged| Scattered { records, runs: runs.len(), staged })
    }

    /// Copies each record of `bytes` (of `stride` bytes, a whole number
    /// of words) that `pending` holds into the same record of `target`,
    /// with the clean ones between two of them at most `gap` apart (as the
    /// plan's runs merge them): found, cleared and counted into `counts`
    /// in one pass (see [`DirtyBits::take_records`]), then packed, unless
    /// `over(runs, records)` of what the pass found: then nothing is sent
    /// and the caller sends the whole buffer (`Some(None)`). `None`, with
    /// nothing sent and `pending` untouched, if the records are not whole
    /// words, the slot count no power of two, or all the records would not
    /// fit one dispatch's staging binding; `None` with the records pending
    /// again (every slot) if wgpu refused the staging write.
    pub(super) fn write_records(
        &mut self,
        kit: &ScatterKit,
        gpu: (&Device, &Queue),
        target: &Buffer,
        (pending, gap, counts): (&mut DirtyBits, usize, &mut [usize]),
        (bytes, stride): (&[u8], usize),
        over: impl Fn(usize, usize) -> bool,
    ) -> Option<Option<Scattered>> {
        if !stride.is_multiple_of(4) || !kit.stages(pending.records(), stride) {
            return None;
        }
        let table = &mut self.table;
        table.clear();
        // Runs counted as the records come: one further than `gap` clean
        // records from the last starts one.
        let (mut runs, mut next) = (0, None);
        let taken = pending.take_records(counts, |record| {
            match next {
                Some(next) if record - next <= gap => table.extend(next as u32..record as u32),
                _ => runs += 1,
            }
            next = Some(record + 1);
            table.push(record as u32);
        });
        if !taken || table.is_empty() {
            return None;
        }
        let records = table.len();
        if over(runs, records) {
            return Some(None);
        }
        self.units.clear();
        self.units.resize(records * stride / 4, 0);
        let body: &mut [u8] = bytemuck::cast_slice_mut(&mut self.units);
        // Then the records, in a second pass over the table: their lines
        // asked for a few records ahead, so that the misses of scattered
        // records overlap (found one by one in the pass over the bits, each
        // waited for its own).
        for (at, (unit, &record)) in body.chunks_exact_mut(stride).zip(self.table.iter()).enumerate() {
            if let Some(&ahead) = self.table.get(at + PREFETCH_RECORDS) {
                prefetch(bytes, ahead as usize * stride);
            }
            let from = record as usize * stride;
            if let Some(from) = bytes.get(from..from + stride) {
                // Inline for a short record: a `memcpy` call costs more
                // than the copy.
                copy_to_mapping(unit, from);
            }
        }
        let Some(staged) = self.send(kit, gpu, target, stride) else {
            // Not sent (wgpu refused the staging write): pending again,
            // whole records, for the plan's regions.
            self.table.iter().for_each(|&record| pending.mark_records(record as usize..record as usize + 1));
            return None;
        };
        Some(Some(Scattered { records, runs, staged }))
    }

    /// The table and the units' bytes, sized for `units` units of `unit`
    /// bytes and zeroed.
    fn pack(&mut self, units: usize, unit: usize) -> (&mut [u32], &mut [u8]) {
        self.table.clear();
        self.table.resize(units, 0);
        self.units.clear();
        self.units.resize(units * unit / 4, 0);
        (&mut self.table, bytemuck::cast_slice_mut(&mut self.units))
    }

    /// Sends what [`pack`](Self::pack) holds, units of `unit` bytes: the
    /// header, table and units in one streamed write into the staging
    /// buffer, then one dispatch, submitted. The bytes staged.
    fn send(
        &mut self,
        kit: &ScatterKit,
        (device, queue): (&Device, &Queue),
        target: &Buffer,
        unit: usize,
    ) -> Option<usize> {
        let units = u32::try_from(self.table.len()).ok()?;
        let words = HEADER + self.table.len() + self.units.len();
        let staged = (words * 4) as BufferAddress;
        let bind_group = self.staging(kit, device, target, staged);
        // Several units an invocation only while that leaves a few work
        // groups for each of the device's threads to take.
        let per = kit.per.min(units / (GROUP * SPREAD_GROUPS)).max(1);
        let groups = units.div_ceil(per).div_ceil(GROUP).max(1);
        let (x, y) = (groups.min(kit.max_groups), groups.div_ceil(kit.max_groups));
        let header = [units, (unit / 4) as u32, x * GROUP, per];
        // Packed in memory of our own, then copied out in streams: packing
        // through `WriteOnly` slices cost 29 ns a run, against 17 (1 % of a
        // 1M-record buffer, lavapipe), which is about what a scattered
        // record's cache miss costs.
        let mut view = queue.write_buffer_with(&self.staging.as_ref()?.0, 0, BufferSize::new(staged)?)?;
        let mut at = 0;
        for part in [&header[..], &self.table, &self.units] {
            let bytes: &[u8] = bytemuck::cast_slice(part);
            copy_to_write_only(view.slice(at..at + bytes.len()), bytes);
            at += bytes.len();
        }
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
        Some(staged as usize)
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
