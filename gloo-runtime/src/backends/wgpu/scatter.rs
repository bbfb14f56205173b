//! Scatter uploads for wgpu buffers ([`GpuStorage::Scatter`](crate::GpuStorage::Scatter)):
//! the words to send packed into one staging write, each beside the word
//! of the target buffer it goes to, and one compute dispatch that copies
//! every word to its place.
//!
//! A `queue.write_buffer` costs microseconds (a staging allocation and a
//! copy on the device each), so thousands of scattered runs cost
//! milliseconds one call each; packed, they cost one write and one
//! dispatch (DESIGN.md §13).
//!
//! The unit is the 4-byte word, wgpu's copy alignment: a run of records
//! goes out widened to whole words (its neighbours' bytes taken from the
//! records, as a `write_buffer` of the run widens them), and a record found
//! by the pass over the pending bits sends only the words of its dirty
//! fields: the others already hold the same bytes on the device. A compute
//! shader on the CPU (Mesa's lavapipe) pays per word it moves, not per
//! byte, so a scattered edit of one 8-byte field of a 20-byte record costs
//! two words' copies, not five.

use core::ops::Range;

use ::wgpu::{
    BindGroup, BindGroupDescriptor, BindGroupEntry, BindGroupLayout, BindGroupLayoutDescriptor, BindGroupLayoutEntry,
    BindingType, Buffer, BufferAddress, BufferBindingType, BufferDescriptor, BufferSize, BufferUsages,
    CommandEncoderDescriptor, ComputePassDescriptor, ComputePipeline, ComputePipelineDescriptor, Device,
    PipelineLayoutDescriptor, Queue, ShaderModuleDescriptor, ShaderSource, ShaderStages,
};

use crate::backends::copy::copy_to_write_only;
use crate::tracking::backend::align_out;
use crate::tracking::dirty::{prefetch_line, DirtyBits};
use crate::tracking::stats::Trace;

/// Invocations per work group.
const GROUP: u32 = 64;

/// Entries before the words: the word count and the words an invocation
/// copies; the invocations a row of work groups (and nothing).
const HEADER: usize = 2;

/// Words an invocation copies on a device that runs compute shaders on the
/// CPU (Mesa's lavapipe), where an invocation's own cost outweighs its
/// copy. A GPU copies one an invocation.
pub(super) const CPU_UNITS_PER_INVOCATION: u32 = 64;

/// The work groups a dispatch keeps at least, where an invocation copies
/// several words: a CPU device runs each group on one of its threads.
const SPREAD_GROUPS: u32 = 8;

/// Invocation `i` (`y * row + x`) copies entries `i * per ..` up to the
/// next invocation's: each entry is a word's place in the target, in
/// words, and the word. One 8-byte load and one store a word: lavapipe's
/// cost is per access, so a separate table would cost a third more.
const SOURCE: &str = "
@group(0) @binding(0) var<storage, read> staging: array<vec2<u32>>;
@group(0) @binding(1) var<storage, read_write> dst: array<u32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
    let words = staging[0].x;
    let per = staging[0].y;
    let first = (id.y * staging[1].x + id.x) * per;
    let last = min(first + per, words);
    for (var w = first; w < last; w = w + 1u) {
        let entry = staging[2u + w];
        dst[entry.x] = entry.y;
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

    /// Whether `words` words fit one dispatch's staging binding, each
    /// beside its place, behind the header.
    fn stages(&self, words: usize) -> bool {
        let bytes = words.checked_add(HEADER).and_then(|entries| entries.checked_mul(8));
        words > 0 && u32::try_from(words).is_ok() && bytes.is_some_and(|bytes| bytes as u64 <= self.max_binding)
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
    /// The header, then each word to send: its place in the target, in
    /// words, and its value.
    words: Vec<[u32; 2]>,
    /// The records the pass over the pending bits found, with their
    /// dirty slots.
    found: Vec<(usize, u64)>,
    /// Each slot's words in a record, from its first.
    slot_words: Vec<Range<usize>>,
}

/// What a scatter sent: records, in how many runs, the bytes of the words
/// they sent, and the bytes staged.
pub(super) struct Scattered {
    pub(super) records: usize,
    pub(super) runs: usize,
    pub(super) sent: usize,
    pub(super) staged: usize,
}

impl Scattered {
    /// Says what was sent, in the trace.
    pub(super) fn trace(&self, trace: &mut Trace) {
        trace.debug(format_args!(
            "GPU: Scattering {} records in {} ranges ({} bytes staged)",
            self.records, self.runs, self.staged
        ));
    }
}

/// The word at `bytes[at..at + 4]`, as its bytes lie in memory; past the
/// end, zeros (the padding of a buffer rounded up to whole words).
#[inline(always)]
fn word_at(bytes: &[u8], at: usize) -> u32 {
    match bytes.get(at..at + 4) {
        Some(word) => u32::from_ne_bytes([word[0], word[1], word[2], word[3]]),
        None => {
            let mut word = [0; 4];
            let tail = bytes.get(at..).unwrap_or_default();
            word[..tail.len()].copy_from_slice(tail);
            u32::from_ne_bytes(word)
        }
    }
}

impl Scatter {
    /// Copies each run of records (of `stride` bytes, `bytes` holding them
    /// all) into the same records of `target`, widened to whole words.
    /// `None`, with nothing sent, if the upload is too large for one
    /// dispatch's staging binding.
    pub(super) fn write(
        &mut self,
        kit: &ScatterKit,
        gpu: (&Device, &Queue),
        target: &Buffer,
        runs: &[Range<usize>],
        bytes: &[u8],
        stride: usize,
    ) -> Option<Scattered> {
        let size = target.size() as usize;
        // Each run's bytes, widened to whole words within the target.
        let spans =
            runs.iter().filter(|run| !run.is_empty()).map(|run| widen(run.start * stride..run.end * stride, size));
        let count: usize = spans.clone().map(|span| span.len() / 4).sum();
        if !kit.stages(count) {
            return None;
        }
        self.start_words(count);
        for span in spans {
            self.words.extend(span.step_by(4).map(|at| [(at / 4) as u32, word_at(bytes, at)]));
        }
        let records = runs.iter().map(Range::len).sum();
        let staged = self.send(kit, gpu, target)?;
        Some(Scattered { records, runs: runs.len(), sent: count * 4, staged })
    }

    /// Copies the dirty fields of each record of `bytes` (of `stride`
    /// bytes, a whole number of words, its slots' bytes `slots`) that
    /// `pending` holds into the same record of `target`: found, cleared and
    /// counted into `counts` in one pass (see [`DirtyBits::take_records`]),
    /// then packed, each dirty slot widened to whole words, unless
    /// `over(runs, records)` of the plan's runs (records at most `gap`
    /// apart merged, as the plan merges them): then nothing is sent and the
    /// caller sends the whole buffer (`Some(None)`). `None`, with nothing
    /// sent and `pending` untouched, if the records are not whole words,
    /// the slot count no power of two, or all the records would not fit
    /// one dispatch's staging binding; `None` with the records' slots
    /// pending again if wgpu refused the staging write.
    pub(super) fn write_records(
        &mut self,
        kit: &ScatterKit,
        gpu: (&Device, &Queue),
        target: &Buffer,
        (pending, gap, counts): (&mut DirtyBits, usize, &mut [usize]),
        (bytes, stride, slots): (&[u8], usize, impl IntoIterator<Item = Range<usize>>),
        over: impl Fn(usize, usize) -> bool,
    ) -> Option<Option<Scattered>> {
        let record_words = stride / 4;
        if !stride.is_multiple_of(4) || !kit.stages(pending.records().checked_mul(record_words)?) {
            return None;
        }
        self.slot_words.clear();
        self.slot_words.extend(slots.into_iter().map(|slot| align_out(slot, 4)).map(|w| w.start / 4..w.end / 4));
        let (runs, covered) = pending.take_found(counts, gap, &mut self.found)?;
        if self.found.is_empty() {
            return None;
        }
        if over(runs, covered) {
            return Some(None);
        }
        self.pack(bytes, stride);
        let sent = (self.words.len() - HEADER) * 4;
        let Some(staged) = self.send(kit, gpu, target) else {
            // Not sent (wgpu refused the staging write): pending again.
            let slot_count = pending.slots();
            for &(record, dirty) in &self.found {
                let first = record * slot_count;
                (0..slot_count).filter(|slot| dirty >> slot & 1 == 1).for_each(|slot| pending.mark(first + slot));
            }
            return None;
        };
        Some(Some(Scattered { records: self.found.len(), runs, sent, staged }))
    }

    /// The words of each found record's dirty slots, after the header:
    /// each record's lines asked for a few records ahead, so that the
    /// misses of scattered records overlap (found one by one in the pass
    /// over the bits, each waited for its own).
    fn pack(&mut self, bytes: &[u8], stride: usize) {
        let record_words = stride / 4;
        self.start_words(self.found.len() * record_words);
        for (at, &(record, dirty)) in self.found.iter().enumerate() {
            if let Some(&(ahead, _)) = self.found.get(at + PREFETCH_RECORDS) {
                prefetch(bytes, ahead * stride);
            }
            let first = record * record_words;
            let Some(record) = bytes.get(first * 4..first * 4 + stride) else { continue };
            let mut word = |w: usize| [(first + w) as u32, word_at(record, w * 4)];
            // The dirty slots' words, in order; two slots may share one.
            let mut next = 0;
            let mut dirty = dirty;
            while dirty != 0 {
                let slot = &self.slot_words[dirty.trailing_zeros() as usize];
                self.words.extend((slot.start.max(next)..slot.end).map(&mut word));
                next = next.max(slot.end);
                dirty &= dirty - 1;
            }
        }
    }

    /// Empties `words` but for a header to fill, with room for `count`
    /// words after it.
    fn start_words(&mut self, count: usize) {
        self.words.clear();
        self.words.reserve(HEADER + count);
        self.words.resize(HEADER, [0; 2]);
    }

    /// Sends the header and the words [`write`](Self::write) or
    /// [`pack`](Self::pack) left in `words`, in one streamed write into
    /// the staging buffer, then one dispatch, submitted. The bytes staged.
    fn send(&mut self, kit: &ScatterKit, (device, queue): (&Device, &Queue), target: &Buffer) -> Option<usize> {
        let words = u32::try_from(self.words.len() - HEADER).ok()?;
        let staged = (self.words.len() * 8) as BufferAddress;
        let bind_group = self.staging(kit, device, target, staged);
        // Several words an invocation only while that leaves a few work
        // groups for each of the device's threads to take.
        let per = kit.per.min(words / (GROUP * SPREAD_GROUPS)).max(1);
        let groups = words.div_ceil(per).div_ceil(GROUP).max(1);
        let (x, y) = (groups.min(kit.max_groups), groups.div_ceil(kit.max_groups));
        self.words[0] = [words, per];
        self.words[1] = [x * GROUP, 0];
        // Packed in memory of our own, then copied out in one stream:
        // packing through `WriteOnly` slices cost 29 ns a run, against 17
        // (1 % of a 1M-record buffer, lavapipe), which is about what a
        // scattered record's cache miss costs.
        let mut view = queue.write_buffer_with(&self.staging.as_ref()?.0, 0, BufferSize::new(staged)?)?;
        copy_to_write_only(view.slice(..), bytemuck::cast_slice(&self.words));
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
