//! The core's [`GpuResource`] for a wgpu buffer: creation mapped; uploads
//! copied into the buffer's own mapping where the device maps vertex and
//! index buffers and the buffer asked for it, else one `write_buffer` per
//! planned run widened to wgpu's 4-byte alignment or, for many runs of a
//! scattered buffer, one compute dispatch (`scatter.rs`); growth copied on
//! the GPU, read-back through a staging buffer.

use core::marker::PhantomData;
use core::mem::size_of;
use core::ops::Range;

use ::wgpu::{
    Buffer, BufferAddress, BufferDescriptor, BufferSize, BufferUsages, CommandEncoder, CommandEncoderDescriptor,
    COPY_BUFFER_ALIGNMENT,
};

use super::mapped::write_runs;
use super::scatter::{widen, Scatter};
use super::WgpuContext;
use crate::backends::copy::{copy_to_write_only, STREAM_MIN_BYTES};
use crate::backends::BufferUse;
use crate::tracking::backend::{GpuContext, GpuResource, RecordRuns};
use crate::tracking::dirty::DirtyBits;
use crate::tracking::layout::FieldLayout;
use crate::tracking::stats::Trace;
use crate::tracking::storage::GpuStorage;
use crate::{Error, UploadCosts};

/// wgpu's copy alignment, in bytes: every offset and size a write or a
/// copy names is a multiple of it.
const ALIGN: usize = COPY_BUFFER_ALIGNMENT as usize;

/// A wgpu buffer as a tracked container keeps it: room for `capacity`
/// records of `E`, its size rounded up to wgpu's 4-byte alignment.
#[derive(Debug)]
pub struct WgpuBuffer<E> {
    buffer: Buffer,
    context: WgpuContext,
    capacity: usize,
    usage: BufferUsages,
    kind: Kind,
    records: PhantomData<E>,
}

/// How a buffer's uploads reach it.
#[derive(Debug)]
enum Kind {
    /// One `write_buffer` a run.
    Dynamic,
    /// Copied into the buffer's own mapping (`MAP_WRITE` usage).
    Mapped,
    /// Through a compute dispatch from the staging side (`STORAGE` usage),
    /// for many runs.
    Scatter(Scatter),
}

impl Kind {
    /// The staging side of a scattered buffer.
    fn scatter(&mut self) -> Option<&mut Scatter> {
        match self {
            Kind::Scatter(scatter) => Some(scatter),
            _ => None,
        }
    }
}

impl<E> WgpuBuffer<E> {
    /// The wgpu buffer, for `set_vertex_buffer` and `set_index_buffer`.
    pub fn buffer(&self) -> &Buffer {
        &self.buffer
    }

    /// Its first `len` records, for `set_vertex_buffer` and
    /// `set_index_buffer`.
    pub fn slice(&self, len: usize) -> ::wgpu::BufferSlice<'_> {
        self.buffer.slice(..(len * size_of::<E>()) as BufferAddress)
    }

    /// What it was created for (`VERTEX` or `INDEX`), with the copies
    /// every gloo buffer allows.
    pub fn usage(&self) -> BufferUsages {
        self.usage
    }
}

/// The size in bytes of `records` records of `E`, rounded up to wgpu's
/// alignment (at least one word: wgpu maps and binds no empty buffer).
pub(super) fn aligned_size<E>(records: usize) -> Result<BufferAddress, Error> {
    records
        .checked_mul(size_of::<E>())
        .and_then(|bytes| bytes.max(ALIGN).checked_next_multiple_of(ALIGN))
        .map(|bytes| bytes as BufferAddress)
        .ok_or_else(|| Error::BufferCreation(format!("{records} records overflow a wgpu buffer's size")))
}

/// A buffer of `size` bytes for `usage`.
fn new_buffer(context: &WgpuContext, size: BufferAddress, usage: BufferUsages, mapped: bool) -> Buffer {
    context.device().create_buffer(&BufferDescriptor { label: Some("gloo"), size, usage, mapped_at_creation: mapped })
}

/// A buffer of `size` bytes for `usage`, its first bytes `bytes`, mapped
/// at creation to take them.
///
/// # Errors
///
/// [`Error::BufferCreation`] if wgpu refuses the buffer or its mapping.
pub(super) fn filled_buffer(
    context: &WgpuContext,
    size: BufferAddress,
    usage: BufferUsages,
    bytes: &[u8],
) -> Result<Buffer, Error> {
    context.scoped(Error::BufferCreation, || {
        let buffer = new_buffer(context, size, usage, !bytes.is_empty());
        if !bytes.is_empty() {
            let mut mapping = buffer.get_mapped_range_mut(..).map_err(|e| Error::BufferCreation(e.to_string()))?;
            mapping.slice(..bytes.len()).copy_from_slice(bytes);
            drop(mapping);
            buffer.unmap();
        }
        Ok(buffer)
    })
}

/// The size of the pieces a large write goes in, each submitted before
/// the next is copied: 4 MiB.
const PIECE_BYTES: usize = 4 << 20;

/// Sends `bytes[at]` to the same bytes of `buffer`; the part of `at` past
/// the end of `bytes` (at most the padding to the next word) is zeros.
///
/// A small run goes through `write_buffer`; a large one is copied into the
/// queue's staging memory with streaming stores (see `copy_to_write_only`),
/// which leaves the caches to the records and their pending bits, in
/// pieces of [`PIECE_BYTES`], each submitted as soon as it is copied: the
/// device copies one piece into the buffer while the CPU copies the next
/// (on lavapipe, whose copies run on the other core, a 20 MB write takes
/// about two thirds of the time of one piece: BENCHMARKS.md).
fn write_bytes(context: &WgpuContext, buffer: &Buffer, bytes: &[u8], at: Range<usize>) {
    if at.end <= bytes.len() && at.len() < STREAM_MIN_BYTES {
        context.queue().write_buffer(buffer, at.start as BufferAddress, &bytes[at]);
        return;
    }
    let mut start = at.start;
    while start < at.end {
        // Whole words: every piece but the last ends on one.
        let end = if at.end - start < 2 * PIECE_BYTES { at.end } else { start + PIECE_BYTES };
        let Some(size) = BufferSize::new((end - start) as u64) else { return };
        // Validation failures report to the device's error handler or scope.
        let Some(mut view) = context.queue().write_buffer_with(buffer, start as BufferAddress, size) else { return };
        let have = bytes.len().clamp(start, end) - start;
        copy_to_write_only(view.slice(..have), &bytes[start..start + have]);
        view.slice(have..).fill(0);
        drop(view);
        if end < at.end {
            context.queue().submit([]);
        }
        start = end;
    }
}

/// A wgpu buffer of records `E`: a vertex buffer with `VERTEX` usage, an
/// index buffer with `INDEX`.
impl<E: bytemuck::Pod> GpuResource<E> for WgpuBuffer<E> {
    type Context = WgpuContext;
    type Extra = BufferUse;
    type Region = Range<usize>;

    /// A buffer mapped at creation to take `data`. `Mapped` gets a buffer
    /// the CPU maps where the device has them
    /// (`Features::MAPPABLE_PRIMARY_BUFFERS`), `Scatter` a scattered one
    /// where the device runs compute shaders and can bind the buffer whole;
    /// `Auto` the first on a device that runs on the CPU, else the second;
    /// otherwise it is dynamic.
    fn create(
        context: &WgpuContext,
        data: &[E],
        capacity: usize,
        usage: BufferUse,
        storage: GpuStorage,
        _: &mut Trace,
    ) -> Result<Self, Error> {
        let usage = match usage {
            BufferUse::Vertex => BufferUsages::VERTEX,
            BufferUse::Index(_) => BufferUsages::INDEX,
            BufferUse::Uniform => BufferUsages::UNIFORM | BufferUsages::STORAGE,
            BufferUse::Storage => BufferUsages::STORAGE,
        };
        let size = aligned_size::<E>(capacity)?;
        let mapped = match storage {
            GpuStorage::Mapped => context.maps_buffers(),
            GpuStorage::Auto => context.maps_by_default(),
            _ => false,
        };
        let scattered = !mapped
            && matches!(storage, GpuStorage::Scatter | GpuStorage::Auto)
            && context.scatter_kit().is_some_and(|kit| kit.serves(size));
        let (kind, extra) = match (mapped, scattered) {
            (true, _) => (Kind::Mapped, BufferUsages::MAP_WRITE),
            (_, true) => (Kind::Scatter(Scatter::default()), BufferUsages::STORAGE),
            _ => (Kind::Dynamic, BufferUsages::empty()),
        };
        let usage = usage | BufferUsages::COPY_DST | BufferUsages::COPY_SRC | extra;
        let buffer = filled_buffer(context, size, usage, bytemuck::cast_slice(data))?;
        Ok(WgpuBuffer { buffer, context: context.clone(), capacity, usage, kind, records: PhantomData })
    }

    fn in_context(&self, context: &WgpuContext) -> bool {
        self.context.same(context)
    }

    fn storage(&self) -> GpuStorage {
        match self.kind {
            Kind::Dynamic => GpuStorage::Dynamic,
            Kind::Mapped => GpuStorage::Mapped,
            Kind::Scatter(_) => GpuStorage::Scatter,
        }
    }

    /// The context's costs (measured by `calibrate_uploads`, else
    /// lavapipe's) of a `write_buffer` or of a scattered record; a mapped
    /// buffer's are a copy's, as glium's mapped buffers' on llvmpipe.
    fn costs(&self) -> UploadCosts {
        let context = &self.context;
        match self.kind {
            Kind::Dynamic => context.upload_costs(),
            Kind::Mapped => UploadCosts::MAPPED,
            Kind::Scatter(_) => context.scatter_costs(),
        }
    }

    fn capacity(&self) -> usize {
        self.capacity
    }

    /// wgpu's copy alignment: runs go out widened to 4 bytes; into a
    /// mapping, as they are.
    fn align(&self) -> usize {
        match self.kind {
            Kind::Mapped => 1,
            _ => ALIGN,
        }
    }

    /// Into the mapping of a mapped buffer, mapped once; through the
    /// scatter when the buffer has one and the plan has many runs; else one
    /// `write_buffer` per run, its bytes widened to wgpu's 4-byte
    /// alignment: the neighbours' bytes come from `data` too (it holds
    /// every record), and past the last record the padding is zeros.
    fn write(&mut self, regions: &[Range<usize>], data: &[E], trace: &mut Trace) {
        let context = &self.context;
        let bytes: &[u8] = bytemuck::cast_slice(data);
        let (stride, size) = (size_of::<E>(), self.buffer.size() as usize);
        if let Kind::Mapped = self.kind {
            let runs = regions.iter().map(|records| records.start * stride..records.end * stride);
            if write_runs(context, &self.buffer, bytes, runs).is_ok() {
                return;
            }
        }
        // Only a scattered buffer asks for the kit, made when it was.
        if let Some(scatter) = self.kind.scatter().filter(|_| regions.len() >= context.scatter_min_runs()) {
            if let Some(kit) = context.scatter_kit() {
                let gpu = (context.device(), context.queue());
                if let Some(sent) = scatter.write(kit, gpu, &self.buffer, regions, bytes, stride) {
                    sent.trace(trace);
                    return;
                }
            }
        }
        for records in regions.iter().filter(|records| !records.is_empty()) {
            debug_assert!(records.end <= data.len() && records.end <= self.capacity, "{records:?} out of bounds");
            let at = widen(records.start * stride..records.end * stride, size);
            write_bytes(context, &self.buffer, bytes, at);
        }
    }

    /// A scattered buffer does. (A mapped one copying each record as the
    /// pass over the pending bits finds it measured no faster than its
    /// plan's copies, and slower for clustered edits, as glium's.)
    fn takes_records(&self) -> bool {
        matches!(self.kind, Kind::Scatter(_))
    }

    /// Through the scatter, each dirty record packed as the pass over the
    /// pending set finds it, when the buffer has one, the upload has many
    /// runs and the records are whole words; the whole buffer where the
    /// records found cost more (see [`RecordRuns::over`]).
    fn write_records(
        &mut self,
        pending: &mut DirtyBits,
        planned: RecordRuns,
        (data, slots): (&[E], &[FieldLayout]),
        counts: &mut [usize],
        trace: &mut Trace,
    ) -> Option<(usize, usize)> {
        let context = &self.context;
        let scatter = self.kind.scatter().filter(|_| planned.runs >= context.scatter_min_runs())?;
        let kit = context.scatter_kit()?;
        let gpu = (context.device(), context.queue());
        let stride = size_of::<E>();
        let bytes: &[u8] = bytemuck::cast_slice(data);
        let taken = (pending, planned.gap, counts);
        // Whether the records cost more than the whole buffer is known only
        // once they are found: the count was projected.
        let over = |runs, records| planned.over(runs, records);
        let slots = slots.iter().map(FieldLayout::bytes);
        let Some(sent) = scatter.write_records(kit, gpu, &self.buffer, taken, (bytes, stride, slots), over)? else {
            // The plan's whole region: every record, widened to a word.
            let at = widen(0..bytes.len(), self.buffer.size() as usize);
            write_bytes(context, &self.buffer, bytes, at.clone());
            return Some((1, at.len()));
        };
        sent.trace(trace);
        Some((sent.runs, sent.sent))
    }

    /// A new buffer, and one copy of the old one's bytes into it on the GPU;
    /// `false` with it where wgpu refused the copy.
    fn grow(&self, capacity: usize, usage: BufferUse, trace: &mut Trace) -> Result<(Self, bool), Error> {
        let context = &self.context;
        let grown = Self::create(context, &[], capacity, usage, self.storage(), trace)?;
        let size = self.buffer.size().min(grown.buffer.size());
        let copied = context.scoped(Error::BufferCreation, || {
            let mut encoder = context.device().create_command_encoder(&CommandEncoderDescriptor::default());
            encoder.copy_buffer_to_buffer(&self.buffer, 0, &grown.buffer, 0, size);
            context.queue().submit([encoder.finish()]);
            Ok(())
        });
        Ok((grown, copied.is_ok()))
    }

    /// Copies the records' bytes into a staging buffer, maps it, and waits.
    fn read(&self, len: usize) -> Result<Vec<E>, Error> {
        let context = &self.context;
        if len == 0 {
            return Ok(Vec::new());
        }
        let size = aligned_size::<E>(len)?;
        let copy = |encoder: &mut CommandEncoder, staging: &Buffer| {
            encoder.copy_buffer_to_buffer(&self.buffer, 0, staging, 0, size);
        };
        context.read_back("a wgpu buffer", size, copy, |bytes| {
            bytemuck::pod_collect_to_vec(&bytes[..len * size_of::<E>()])
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tracking::backend::GpuContext;

    /// The headless context; no adapter fails the test, naming the package
    /// that brings one.
    fn context() -> WgpuContext {
        WgpuContext::headless().unwrap_or_else(|error| panic!("{error}"))
    }

    /// A dynamic buffer: these tests are of `write_buffer`'s path (`Auto`
    /// asks for a scattered one, tested through the containers).
    fn create<E: bytemuck::Pod>(context: &WgpuContext, data: &[E], capacity: usize) -> WgpuBuffer<E> {
        WgpuBuffer::create(context, data, capacity, BufferUse::Vertex, GpuStorage::Dynamic, &mut Trace::default())
            .expect("created")
    }

    /// Creates a buffer of `before`, writes `regions` of `after` into it
    /// and reads it back.
    fn write_back<E: bytemuck::Pod>(before: &[E], after: &[E], regions: &[Range<usize>]) -> Vec<E> {
        let context = context();
        let mut buffer = create(&context, before, before.len());
        buffer.write(regions, after, &mut Trace::default());
        buffer.read(after.len()).expect("read back")
    }

    #[test]
    fn create_then_read() {
        let context = context();
        let data: Vec<u16> = (0..11).collect();
        let buffer = create(&context, &data, 16);
        assert_eq!((buffer.capacity(), buffer.storage()), (16, GpuStorage::Dynamic));
        assert_eq!(buffer.buffer().size(), 32);
        assert_eq!(buffer.usage(), BufferUsages::VERTEX | BufferUsages::COPY_DST | BufferUsages::COPY_SRC);
        assert_eq!(buffer.read(11).expect("read back"), data);
        assert!(buffer.read(0).expect("read back").is_empty());
        let empty = create::<[u16; 3]>(&context, &[], 0);
        assert!(empty.read(0).expect("read back").is_empty());
    }

    #[test]
    fn scattered_writes_of_2_byte_records() {
        let before: Vec<u16> = (0..11).collect();
        let mut after = before.clone();
        // 11 records are 22 bytes: the last run ends in 2 bytes of padding.
        for i in [1, 5, 6, 7, 8, 10] {
            after[i] += 100;
        }
        assert_eq!(write_back(&before, &after, &[1..2, 5..9, 10..11]), after);
    }

    #[test]
    fn scattered_writes_of_6_byte_records() {
        let before: Vec<[u16; 3]> = (0..9).map(|i| [i, i + 1, i + 2]).collect();
        let mut after = before.clone();
        for i in [1, 5, 6, 7, 8] {
            after[i] = [1000 + i as u16; 3];
        }
        // Runs at bytes 6..12 and 30..54 widen to 4..12 and 28..56 (padded).
        assert_eq!(write_back(&before, &after, &[1..2, 5..9]), after);
    }

    #[test]
    fn widening_stays_inside_the_buffer() {
        assert_eq!(widen(6..12, 56), 4..12);
        assert_eq!(widen(30..54, 56), 28..56);
        assert_eq!(widen(2..4, 4), 0..4);
        assert_eq!(aligned_size::<[u16; 3]>(9).ok(), Some(56));
        assert_eq!(aligned_size::<u8>(0).ok(), Some(4));
        assert!(aligned_size::<u64>(usize::MAX).is_err());
    }

    /// A mapped buffer (where the device maps vertex buffers, as lavapipe
    /// does) has `MAP_WRITE` usage, takes its runs as they are, unaligned,
    /// and grows mapped.
    #[test]
    fn mapped_buffers_write_unaligned_runs_into_their_mapping() {
        let context = context();
        let before: Vec<[u8; 3]> = (0..9).map(|i| [i; 3]).collect();
        let created =
            WgpuBuffer::create(&context, &before, 9, BufferUse::Vertex, GpuStorage::Mapped, &mut Trace::default());
        let mut buffer = created.expect("created");
        if !context.maps_buffers() {
            assert_eq!(buffer.storage(), GpuStorage::Dynamic, "no mapped buffers on this device");
            return;
        }
        assert_eq!((buffer.storage(), buffer.align()), (GpuStorage::Mapped, 1));
        assert!(buffer.usage().contains(BufferUsages::MAP_WRITE | BufferUsages::VERTEX));
        let mut after = before.clone();
        for i in [1, 4, 5, 8] {
            after[i] = [100 + i as u8; 3];
        }
        // Bytes 3..6, 12..18 and 24..27: none on a word's edge.
        buffer.write(&[1..2, 4..6, 8..9], &after, &mut Trace::default());
        assert_eq!(buffer.read(9).expect("read back"), after);
        let (grown, copied) = buffer.grow(20, BufferUse::Vertex, &mut Trace::default()).expect("grown");
        assert!(copied);
        assert_eq!(grown.storage(), GpuStorage::Mapped);
        assert_eq!(grown.read(9).expect("read back"), after);
    }

    #[test]
    fn grow_keeps_contents() {
        let context = context();
        let mut data: Vec<[u16; 3]> = (0..5).map(|i| [i; 3]).collect();
        let buffer = create(&context, &data, 5);
        let (mut grown, copied) = buffer.grow(20, BufferUse::Vertex, &mut Trace::default()).expect("grown");
        assert!(copied);
        assert_eq!(grown.capacity(), 20);
        assert_eq!(grown.read(5).expect("read back"), data);
        data.extend([[7; 3], [8; 3]]);
        grown.write(&[5..7], &data, &mut Trace::default());
        assert_eq!(grown.read(7).expect("read back"), data);
    }

    #[test]
    fn contexts_have_identity() {
        let (one, two) = (context(), context());
        assert!(one.same(&one.clone()));
        assert!(!one.same(&two));
        let info = one.adapter_info().expect("headless knows its adapter");
        eprintln!("wgpu adapter: {} ({:?})", info.name, info.backend);
    }

    #[test]
    fn headless_keeps_its_adapter() {
        let context = context();
        let adapter = context.adapter().expect("headless keeps its adapter").clone();
        let name = context.adapter_info().map(|info| info.name.clone());
        assert_eq!(Some(adapter.get_info().name), name);
        let again = WgpuContext::with_adapter(adapter, context.device().clone(), context.queue().clone());
        assert!(!again.same(&context), "a context made apart is another context");
        assert_eq!(again.adapter_info().map(|info| info.name.clone()), name);
        let bare = WgpuContext::new(context.device().clone(), context.queue().clone());
        assert!(bare.adapter().is_none() && bare.adapter_info().is_none());
    }

    #[test]
    fn a_buffer_wgpu_refuses_is_an_error() {
        let context = context();
        let refused = WgpuBuffer::<u8>::create(
            &context,
            &[],
            1 << 50,
            BufferUse::Vertex,
            GpuStorage::Auto,
            &mut Trace::default(),
        );
        assert!(matches!(refused, Err(Error::BufferCreation(_))), "{refused:?}");
    }

    #[test]
    fn no_adapter_names_the_package() {
        let message = Error::NoAdapter("none found".into()).to_string();
        assert!(message.contains("mesa-vulkan-drivers"), "{message}");
    }

    /// No plan measures: the costs are lavapipe's until asked for, then
    /// the device's, kept by the context's clones.
    #[test]
    fn calibration_happens_only_when_asked() {
        let context = context();
        assert_eq!(context.upload_costs(), UploadCosts::WGPU);
        assert_eq!(context.scatter_costs(), UploadCosts::WGPU_SCATTER);
        context.calibrate_uploads().expect("calibrated");
        let (costs, scatter) = (context.upload_costs(), context.scatter_costs());
        eprintln!("wgpu costs: {costs:?}, scattered: {scatter:?}, from {} runs", context.scatter_min_runs());
        assert!(costs.call_ns > 0.0 && costs.byte_ns > 0.0, "{costs:?}");
        // A scattered run costs nothing beyond its records: Auto never
        // merges across a clean record.
        assert_eq!((scatter.call_ns, scatter.max_gap()), (0.0, 0));
        assert!(scatter.byte_ns > 0.0 && scatter.whole_factor > 0.0, "{scatter:?}");
        assert!(context.scatter_min_runs() >= 1);
        let clone = context.clone();
        clone.calibrate_uploads().expect("kept");
        assert_eq!((clone.upload_costs(), clone.scatter_costs()), (costs, scatter));
    }

    #[test]
    fn calibration_measures_positive_costs() {
        let costs = context().calibrate().expect("calibrated");
        eprintln!("wgpu costs: {costs:?}");
        assert!(costs.call_ns > 0.0 && costs.byte_ns > 0.0, "{costs:?}");
        assert!((0.5..=1.0).contains(&costs.whole_factor), "{costs:?}");
    }
}
