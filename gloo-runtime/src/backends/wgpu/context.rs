//! The wgpu context: a `Device` and its `Queue` with an identity of their
//! own, the headless one, and the core's [`GpuContext`] for it (identity,
//! cost calibration).

use core::cell::RefCell;
use core::future::Future;
use core::pin::pin;
use core::task::{Context, Poll, Waker};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{mpsc, Arc, OnceLock};
use std::task::Wake;
use std::thread::{self, Thread};
use std::time::Instant;

use ::wgpu::{
    Adapter, AdapterInfo, Backends, Buffer, BufferDescriptor, BufferUsages, CommandEncoder, CommandEncoderDescriptor,
    Device, DeviceDescriptor, DeviceType, ErrorFilter, Features, Instance, InstanceDescriptor, MapMode, PollType,
    PowerPreference, Queue, RequestAdapterOptions,
};

use super::scatter::{Scatter, ScatterKit, CPU_UNITS_PER_INVOCATION};
use crate::tracking::backend::GpuContext;
use crate::tracking::dirty::DirtyBits;
use crate::tracking::stats::TRACE_TARGET;
use crate::{Error, UploadCosts};

/// A wgpu `Device` and `Queue`, as gloo's buffers keep and write through
/// them.
///
/// A context has an identity of its own: its clones are the same context
/// (share one by cloning it, which is cheap), and two contexts made apart
/// are not, even around one device (wgpu's `Device` equality does not tell
/// two instances' devices apart).
///
/// # Examples
///
/// DESIGN.md §10's lines, in a render pass that draws a buffer of points
/// (the pass's setup hidden):
///
/// ```
/// # use gloo_runtime::{Vertex, VertexBuffer};
/// # #[derive(Clone, Copy, Vertex)]
/// # #[repr(C)]
/// # struct Point { position: [f32; 2], color: [f32; 3] }
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let mut v = VertexBuffer::<Point>::zeros([3]);
/// use gloo_runtime::{wgpu, wgpu_layout, WgpuContext};
///
/// let gpu = WgpuContext::headless()?;               // or WgpuContext::new(device, queue)
/// let layout: wgpu::VertexBufferLayout<'static> = wgpu_layout::<Point>();
/// // ... a pipeline with `buffers: &[layout]` ...
/// # let device = gpu.device();
/// # let shader = device.create_shader_module(wgpu::ShaderModuleDescriptor {
/// #     label: None,
/// #     source: wgpu::ShaderSource::Wgsl(
/// #         "@vertex fn vs(@location(0) p: vec2<f32>, @location(1) c: vec3<f32>) -> @builtin(position) vec4<f32> {
/// #              return vec4<f32>(p, c.x, 1.0);
/// #          }
/// #          @fragment fn fs() -> @location(0) vec4<f32> { return vec4<f32>(1.0); }".into(),
/// #     ),
/// # });
/// # let format = wgpu::TextureFormat::Rgba8Unorm;
/// # let pipeline = device.create_render_pipeline(&wgpu::RenderPipelineDescriptor {
/// #     label: None,
/// #     layout: None,
/// #     vertex: wgpu::VertexState {
/// #         module: &shader,
/// #         entry_point: Some("vs"),
/// #         compilation_options: Default::default(),
/// #         buffers: &[Some(layout)],
/// #     },
/// #     primitive: Default::default(),
/// #     depth_stencil: None,
/// #     multisample: Default::default(),
/// #     fragment: Some(wgpu::FragmentState {
/// #         module: &shader,
/// #         entry_point: Some("fs"),
/// #         compilation_options: Default::default(),
/// #         targets: &[Some(format.into())],
/// #     }),
/// #     multiview_mask: None,
/// #     cache: None,
/// # });
/// # let target = device.create_texture(&wgpu::TextureDescriptor {
/// #     label: None,
/// #     size: wgpu::Extent3d { width: 4, height: 4, depth_or_array_layers: 1 },
/// #     mip_level_count: 1,
/// #     sample_count: 1,
/// #     dimension: wgpu::TextureDimension::D2,
/// #     format,
/// #     usage: wgpu::TextureUsages::RENDER_ATTACHMENT,
/// #     view_formats: &[],
/// # });
/// # let view = target.create_view(&Default::default());
/// # let mut encoder = device.create_command_encoder(&Default::default());
/// # let mut pass = encoder.begin_render_pass(&wgpu::RenderPassDescriptor {
/// #     label: None,
/// #     color_attachments: &[Some(wgpu::RenderPassColorAttachment {
/// #         view: &view,
/// #         depth_slice: None,
/// #         resolve_target: None,
/// #         ops: wgpu::Operations { load: wgpu::LoadOp::Clear(wgpu::Color::BLACK), store: wgpu::StoreOp::Store },
/// #     })],
/// #     depth_stencil_attachment: None,
/// #     timestamp_writes: None,
/// #     occlusion_query_set: None,
/// #     multiview_mask: None,
/// # });
/// # pass.set_pipeline(&pipeline);
/// pass.set_vertex_buffer(0, v.bind(&gpu)?);        // first use: create and send everything
/// # pass.draw(0..3, 0..1);
/// # drop(pass);
/// # gpu.queue().submit([encoder.finish()]);
/// # assert_eq!(v.stats().buffers_created, 1);
/// # assert_eq!(v.stats().bytes_uploaded, 60);
/// # Ok(())
/// # }
/// ```
///
/// Clones are one context:
///
/// ```no_run
/// use gloo_runtime::WgpuContext;
///
/// let gpu = WgpuContext::headless()?;
/// let shared = gpu.clone();
/// assert_eq!(shared.device(), gpu.device());
/// # Ok::<(), gloo_runtime::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct WgpuContext {
    device: Device,
    queue: Queue,
    /// The adapter the device came from, and what it is, where known.
    adapter: Option<(Adapter, Arc<AdapterInfo>)>,
    /// What a `write_buffer` costs, once calibrated.
    costs: Arc<OnceLock<UploadCosts>>,
    /// The scatter's program, made at the first scattered buffer; `None`
    /// where the device cannot run it.
    scatter: Arc<OnceLock<Option<ScatterKit>>>,
    /// What a scattered record costs, once calibrated.
    scatter_costs: Arc<OnceLock<ScatterCosts>>,
    /// Whether the device runs on the CPU (Mesa's lavapipe), as the device
    /// itself says: what the scatter's dispatch and `Auto`'s storage are
    /// chosen by.
    on_cpu: bool,
    id: u64,
}

impl WgpuContext {
    /// Wraps the application's own device and queue, as created with
    /// `adapter.request_device(..)`.
    ///
    /// # Examples
    ///
    /// ```
    /// use gloo_runtime::{wgpu, WgpuContext};
    ///
    /// fn gloo_context(device: wgpu::Device, queue: wgpu::Queue) -> WgpuContext {
    ///     WgpuContext::new(device, queue)
    /// }
    /// ```
    pub fn new(device: Device, queue: Queue) -> Self {
        let on_cpu = device.adapter_info().device_type == DeviceType::Cpu;
        WgpuContext {
            on_cpu,
            device,
            queue,
            adapter: None,
            costs: Arc::default(),
            scatter: Arc::default(),
            scatter_costs: Arc::default(),
            id: next_id(),
        }
    }

    /// A context on the first adapter wgpu finds without a window, among all
    /// its backends: a GPU where there is one, else a software renderer,
    /// Vulkan's (Mesa's lavapipe) before OpenGL's (llvmpipe). The device
    /// gets the adapter's own limits, and where the adapter has them,
    /// 16-bit normalized texture formats and vertex and index buffers the
    /// CPU maps (`Features::MAPPABLE_PRIMARY_BUFFERS`, for
    /// [`GpuStorage::Mapped`](crate::GpuStorage::Mapped); asking for the
    /// feature changes no buffer that does not use it).
    ///
    /// # Errors
    ///
    /// [`Error::NoAdapter`] if wgpu finds no adapter, or the adapter opens
    /// no device; the message names the Debian package of a software one,
    /// `mesa-vulkan-drivers`.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// let gpu = gloo_runtime::WgpuContext::headless()?;
    /// println!("drawing on {}", gpu.adapter_info().map_or("?", |info| info.name.as_str()));
    /// # Ok::<(), gloo_runtime::Error>(())
    /// ```
    pub fn headless() -> Result<Self, Error> {
        // High performance sorts GPUs first and CPU renderers last. Vulkan
        // (and Metal, DX12) first; wgpu's GL backend only where they find
        // nothing: probing EGL's platforms prints warnings on a machine
        // without a display.
        let options = RequestAdapterOptions {
            power_preference: PowerPreference::HighPerformance,
            ..RequestAdapterOptions::default()
        };
        let request = |backends| {
            let instance =
                Instance::new(InstanceDescriptor { backends, ..InstanceDescriptor::new_without_display_handle() });
            block_on(instance.request_adapter(&options))
        };
        let adapter = request(Backends::PRIMARY)
            .or_else(|_| request(Backends::GL))
            .map_err(|e| Error::NoAdapter(e.to_string()))?;
        let info = adapter.get_info();
        // 16-bit normalized textures (`Texture2d<u16>`) and mapped buffers
        // where the adapter has them.
        let descriptor = DeviceDescriptor {
            label: Some("gloo headless"),
            required_features: adapter.features()
                & (Features::TEXTURE_FORMAT_16BIT_NORM | Features::MAPPABLE_PRIMARY_BUFFERS),
            required_limits: adapter.limits(),
            ..DeviceDescriptor::default()
        };
        let (device, queue) = block_on(adapter.request_device(&descriptor))
            .map_err(|e| Error::NoAdapter(format!("{} ({:?}) opened no device: {e}", info.name, info.backend)))?;
        log::debug!(target: TRACE_TARGET, "GPU: wgpu adapter {} ({:?})", info.name, info.backend);
        Ok(WgpuContext::with_adapter(adapter, device, queue))
    }

    /// Wraps the application's own device and queue, as [`new`](Self::new)
    /// does, with the adapter they came from: [`adapter`](Self::adapter)
    /// and [`adapter_info`](Self::adapter_info) answer. (What gloo itself
    /// needs to know of the device, [`new`](Self::new) asks the device.)
    ///
    /// # Examples
    ///
    /// ```
    /// use gloo_runtime::{wgpu, WgpuContext};
    ///
    /// fn gloo_context(adapter: wgpu::Adapter, device: wgpu::Device, queue: wgpu::Queue) -> WgpuContext {
    ///     WgpuContext::with_adapter(adapter, device, queue)
    /// }
    /// ```
    pub fn with_adapter(adapter: Adapter, device: Device, queue: Queue) -> Self {
        let info = Arc::new(adapter.get_info());
        WgpuContext { adapter: Some((adapter, info)), ..WgpuContext::new(device, queue) }
    }

    /// The adapter the device came from: the one [`headless`](Self::headless)
    /// chose, or given to [`with_adapter`](Self::with_adapter); `None` for
    /// a context made with [`new`](Self::new).
    ///
    /// # Examples
    ///
    /// ```no_run
    /// let gpu = gloo_runtime::WgpuContext::headless()?;
    /// let adapter = gpu.adapter().expect("headless() keeps its adapter");
    /// println!("{:?}", adapter.limits().max_storage_buffer_binding_size);
    /// # Ok::<(), gloo_runtime::Error>(())
    /// ```
    pub fn adapter(&self) -> Option<&Adapter> {
        self.adapter.as_ref().map(|(adapter, _)| adapter)
    }

    /// Measures what uploads cost in this context, for
    /// [`MergePolicy::Auto`](crate::MergePolicy::Auto): a probe of a few
    /// hundred `write_buffer`s and some 16 MiB writes, and of two scatters
    /// where the device has them, each submitted to the queue and waited
    /// for (tens of milliseconds in a release build, about a second in a
    /// debug one). Call it once, where a stall does not matter (after
    /// creating the context, before the first frame); its clones share
    /// the costs. Until then, and if it fails, `Auto` plans with costs
    /// measured on Mesa's lavapipe ([`UploadCosts::WGPU`],
    /// [`UploadCosts::WGPU_SCATTER`]), which send the whole buffer only
    /// where it costs less there, so no upload blocks a frame to measure.
    /// Measured once: a second call keeps the first costs.
    ///
    /// # Errors
    ///
    /// [`Error::BufferCreation`] if the device refused the probe's buffers
    /// or writes; the costs stay lavapipe's.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// let gpu = gloo_runtime::WgpuContext::headless()?;
    /// gpu.calibrate_uploads()?;
    /// let costs = gpu.upload_costs();
    /// println!("a write_buffer costs {:.1} µs", costs.call_ns / 1e3);
    /// # Ok::<(), gloo_runtime::Error>(())
    /// ```
    pub fn calibrate_uploads(&self) -> Result<(), Error> {
        let whole = match self.costs.get() {
            Some(&costs) => costs,
            None => {
                let costs = self.calibrate()?;
                set_once(&self.costs, "write_buffers", costs, costs)
            }
        };
        if self.scatter_costs.get().is_none() && self.scatter_kit().is_some() {
            let calibrated = self.calibrate_scatter(whole)?;
            set_once(&self.scatter_costs, "scattered records", calibrated.costs, calibrated);
        }
        Ok(())
    }

    /// What uploads through `write_buffer` cost here, as
    /// [`MergePolicy::Auto`](crate::MergePolicy::Auto) plans with them:
    /// measured by [`calibrate_uploads`](Self::calibrate_uploads), else
    /// [`UploadCosts::WGPU`]. Never measures: planning a frame's upload
    /// never waits for a probe.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// let gpu = gloo_runtime::WgpuContext::headless()?;
    /// assert_eq!(gpu.upload_costs(), gloo_runtime::UploadCosts::WGPU);
    /// # Ok::<(), gloo_runtime::Error>(())
    /// ```
    pub fn upload_costs(&self) -> UploadCosts {
        self.costs.get().copied().unwrap_or(UploadCosts::WGPU)
    }

    /// The scatter's program (`scatter.rs`), made once per context: `None`
    /// where the device has no compute shaders or storage buffers, or
    /// refused the program.
    pub(super) fn scatter_kit(&self) -> Option<&ScatterKit> {
        // On the CPU an invocation's own cost outweighs its copy.
        let per = if self.on_cpu { CPU_UNITS_PER_INVOCATION } else { 1 };
        let kit = self.scatter.get_or_init(|| {
            self.scoped(Error::BufferCreation, || Ok(ScatterKit::new(&self.device, per))).ok().flatten()
        });
        kit.as_ref()
    }

    /// What uploads to a scattered buffer cost here, as [`MergePolicy::Auto`](crate::MergePolicy::Auto)
    /// plans with them: a record's packing (each word beside its place)
    /// and share of the dispatch, as `byte_ns` per byte of a 16-byte record
    /// sent whole (a record with only some fields dirty costs less: their
    /// words go), and no cost a run (a scatter copies words, wherever their
    /// runs end, so merging never pays), against whole writes at
    /// [`upload_costs`](Self::upload_costs)' rate. Measured by
    /// [`calibrate_uploads`](Self::calibrate_uploads), else
    /// [`UploadCosts::WGPU_SCATTER`]; never measured here.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// let gpu = gloo_runtime::WgpuContext::headless()?;
    /// gpu.calibrate_uploads()?;
    /// let costs = gpu.scatter_costs();
    /// println!("a scattered 20-byte record costs {:.0} ns", 20.0 * costs.byte_ns);
    /// # Ok::<(), gloo_runtime::Error>(())
    /// ```
    pub fn scatter_costs(&self) -> UploadCosts {
        self.scatter_costs.get().map_or(UploadCosts::WGPU_SCATTER, |calibrated| calibrated.costs)
    }

    /// The fewest runs an upload to a scattered buffer sends through the
    /// dispatch: below it, one `write_buffer` a run costs less than the
    /// dispatch's own cost beyond them (its staging write and the device's
    /// copy). Measured by [`calibrate_uploads`](Self::calibrate_uploads);
    /// until then 32, about what it comes to on lavapipe.
    pub fn scatter_min_runs(&self) -> usize {
        self.scatter_costs.get().map_or(SCATTER_MIN_RUNS, |calibrated| calibrated.min_runs)
    }

    /// Times scatters of 256 and of 8192 records of 16 bytes, spread over
    /// a 16 MiB buffer, each with its submit and the wait for the device:
    /// the difference is the records' cost, the rest the dispatch's, less
    /// what an empty submit and wait cost (ranges pay that too).
    fn calibrate_scatter(&self, whole: UploadCosts) -> Result<ScatterCosts, Error> {
        const BYTES: usize = 16 << 20;
        const RECORD: usize = 16;
        const FEW: usize = 256;
        const MANY: usize = 8192;
        let kit = self.scatter_kit().ok_or_else(|| Error::BufferCreation("no scatter on this device".into()))?;
        let target = self.scoped(Error::BufferCreation, || {
            Ok(self.device.create_buffer(&BufferDescriptor {
                label: Some("gloo calibration"),
                size: BYTES as u64,
                usage: BufferUsages::STORAGE | BufferUsages::COPY_DST,
                mapped_at_creation: false,
            }))
        })?;
        let data = vec![0u8; BYTES];
        let records = BYTES / RECORD;
        let state = RefCell::new((Scatter::default(), DirtyBits::new(records, 1)));
        let send = |count: usize| {
            let (scatter, pending) = &mut *state.borrow_mut();
            (0..count).for_each(|k| pending.mark(k * (records / count)));
            let gpu = (&self.device, &self.queue);
            scatter
                .write_records(kit, gpu, &target, (pending, 0, &mut [0]), (&data, RECORD, [0..RECORD]), |_, _| false);
        };
        // What every upload pays for its submit and the wait, ranges too.
        let submit_ns = self.median(&|| ())?;
        let few_ns = self.median(&|| send(FEW))?;
        let many_ns = self.median(&|| send(MANY))?;
        let record_ns = ((many_ns - few_ns) / (MANY - FEW) as f64).max(1.0);
        let fixed_ns = (few_ns - submit_ns - FEW as f64 * record_ns).max(0.0);
        let byte_ns = record_ns / RECORD as f64;
        let whole_factor = (whole.byte_ns * whole.whole_factor / byte_ns).clamp(0.001, 100.0);
        // Ranges cost a `write_buffer` each: the dispatch pays from where
        // its fixed cost is that of as many calls.
        let min_runs = (fixed_ns / whole.call_ns).ceil().clamp(1.0, 4096.0) as usize;
        Ok(ScatterCosts { costs: UploadCosts { call_ns: 0.0, byte_ns, whole_factor }, min_runs })
    }

    /// Whether a buffer of `GpuStorage::Auto` is mapped here: on a device
    /// that runs on the CPU (Mesa's lavapipe), where the device's memory is
    /// the process's and a copy into it is all an upload needs, as glium's
    /// mapped buffers on llvmpipe; where the device maps vertex and index
    /// buffers (`Features::MAPPABLE_PRIMARY_BUFFERS`).
    pub(super) fn maps_by_default(&self) -> bool {
        self.on_cpu && self.maps_buffers()
    }

    /// Whether the device maps vertex and index buffers
    /// (`Features::MAPPABLE_PRIMARY_BUFFERS`), as mapped storage needs.
    pub(super) fn maps_buffers(&self) -> bool {
        self.device.features().contains(Features::MAPPABLE_PRIMARY_BUFFERS)
    }

    /// Maps `buffer` (of `MAP_WRITE` usage) for writing, whole, waiting for
    /// the device to finish the work queued before that reads it (its
    /// draws, and its pending writes, which wgpu submits first).
    pub(super) fn map_for_write(&self, buffer: &Buffer) -> Result<(), Error> {
        self.map_whole(buffer, MapMode::Write, "mapping a wgpu buffer")
    }

    /// Maps `buffer` whole in `mode` and waits for the device to finish what
    /// it queued before. Errors say they were `doing` it.
    ///
    /// The wait runs the mapping callbacks of every buffer of the device,
    /// the application's too: the caller holds nothing they could reach.
    fn map_whole(&self, buffer: &Buffer, mode: MapMode, doing: &str) -> Result<(), Error> {
        let (sender, mapped) = mpsc::channel();
        buffer.map_async(mode, .., move |result| drop(sender.send(result)));
        self.device
            .poll(PollType::wait_indefinitely())
            .map_err(|e| Error::BufferCreation(format!("waiting for the wgpu device failed: {e}")))?;
        let failed = |e: &dyn std::fmt::Display| Error::BufferCreation(format!("{doing}: {e}"));
        mapped.recv().map_err(|e| failed(&e))?.map_err(|e| failed(&e))
    }

    /// The device buffers are created on.
    pub fn device(&self) -> &Device {
        &self.device
    }

    /// The queue writes go through.
    pub fn queue(&self) -> &Queue {
        &self.queue
    }

    /// What the adapter is ([`adapter`](Self::adapter)'s `get_info()`);
    /// `None` for a context made with [`new`](WgpuContext::new).
    pub fn adapter_info(&self) -> Option<&AdapterInfo> {
        self.adapter.as_ref().map(|(_, info)| &**info)
    }

    /// Runs `f` inside validation and out-of-memory error scopes: wgpu
    /// panics on an error no scope catches. The first error caught is
    /// `failed(message)`, over what `f` returned.
    pub(crate) fn scoped<T>(
        &self,
        failed: impl FnOnce(String) -> Error,
        f: impl FnOnce() -> Result<T, Error>,
    ) -> Result<T, Error> {
        let memory = self.device.push_error_scope(ErrorFilter::OutOfMemory);
        let validation = self.device.push_error_scope(ErrorFilter::Validation);
        let result = f();
        let invalid = block_on(validation.pop());
        match invalid.or(block_on(memory.pop())) {
            Some(error) => Err(failed(error.to_string())),
            None => result,
        }
    }

    /// Submits what the queue holds (its pending `write_buffer`s) and waits
    /// for the GPU to finish it, and for mapping callbacks to run.
    pub(crate) fn finish(&self) -> Result<(), Error> {
        self.queue.submit([]);
        self.device
            .poll(PollType::wait_indefinitely())
            .map(drop)
            .map_err(|e| Error::BufferCreation(format!("waiting for the wgpu device failed: {e}")))
    }

    /// Reads `size` bytes back from the GPU: `copy` records, into a fresh
    /// mappable buffer of that size, the copy of what to read; the buffer
    /// is submitted, mapped and waited for, and `f` gets its bytes. Errors
    /// say they were reading `what`.
    pub(crate) fn read_back<T>(
        &self,
        what: &str,
        size: u64,
        copy: impl FnOnce(&mut CommandEncoder, &Buffer),
        f: impl FnOnce(&[u8]) -> T,
    ) -> Result<T, Error> {
        self.scoped(Error::BufferCreation, || {
            let staging = self.device.create_buffer(&BufferDescriptor {
                label: Some("gloo read-back"),
                size,
                usage: BufferUsages::COPY_DST | BufferUsages::MAP_READ,
                mapped_at_creation: false,
            });
            let mut encoder = self.device.create_command_encoder(&CommandEncoderDescriptor::default());
            copy(&mut encoder, &staging);
            self.queue.submit([encoder.finish()]);
            self.map_whole(&staging, MapMode::Read, &format!("reading {what} back"))?;
            let failed = |e: &dyn std::fmt::Display| Error::BufferCreation(format!("reading {what} back: {e}"));
            let view = staging.get_mapped_range(..).map_err(|e| failed(&e))?;
            Ok(f(&view))
        })
    }

    /// How long `f` and the GPU work it queues take, in nanoseconds.
    fn time(&self, f: &dyn Fn()) -> Result<f64, Error> {
        self.finish()?;
        let start = Instant::now();
        f();
        self.finish()?;
        Ok(start.elapsed().as_nanos() as f64)
    }

    /// The median of five timings of `f`, after one to warm up (the first
    /// writes fault staging pages in).
    fn median(&self, f: &dyn Fn()) -> Result<f64, Error> {
        self.time(f)?;
        let mut rounds = (0..5).map(|_| self.time(f)).collect::<Result<Vec<_>, _>>()?;
        rounds.sort_by(f64::total_cmp);
        Ok(rounds[2])
    }
}

/// A wgpu context: one identity, shared by its clones.
impl GpuContext for WgpuContext {
    fn same(&self, other: &Self) -> bool {
        self.id == other.id
    }

    /// Times small and large `write_buffer`s to a 16 MiB scratch buffer,
    /// each batch with its submit and the wait for the GPU.
    fn calibrate(&self) -> Result<UploadCosts, Error> {
        const BYTES: usize = 16 << 20;
        const SMALL: usize = 16;
        const CALLS: usize = 512;
        let data = vec![0u8; BYTES];
        let buffer = self.scoped(Error::BufferCreation, || {
            Ok(self.device.create_buffer(&BufferDescriptor {
                label: Some("gloo calibration"),
                size: BYTES as u64,
                usage: BufferUsages::COPY_DST,
                mapped_at_creation: false,
            }))
        })?;
        let write = |at: usize, bytes: &[u8]| self.queue.write_buffer(&buffer, at as u64, bytes);
        let small = || (0..CALLS).for_each(|call| write(call * (BYTES / CALLS), &data[..SMALL]));
        let partial = || write(SMALL, &data[SMALL..]);
        let whole = || write(0, &data);
        let byte_ns = (self.median(&partial)? / (BYTES - SMALL) as f64).max(1e-4);
        let call_ns = (self.median(&small)? / CALLS as f64 - SMALL as f64 * byte_ns).max(1.0);
        let whole_factor = (self.median(&whole)? / BYTES as f64 / byte_ns).clamp(0.5, 1.0);
        Ok(UploadCosts { call_ns, byte_ns, whole_factor })
    }
}

/// Keeps `kept` in `cell` unless it holds costs already, and traces the
/// costs it keeps (`what` costs). The costs kept.
///
/// Logged outside the cell: a logger that plans an upload in this context
/// then finds them there.
fn set_once<T: Copy>(cell: &OnceLock<T>, what: &str, costs: UploadCosts, kept: T) -> T {
    if cell.set(kept).is_ok() {
        log::debug!(
            target: TRACE_TARGET,
            "GPU: Calibrated wgpu {what}: {:.3} µs a call, {:.3} ns a byte, whole writes ×{:.2}",
            costs.call_ns / 1e3,
            costs.byte_ns,
            costs.whole_factor
        );
    }
    *cell.get().expect("set above or before")
}

/// What a scattered buffer's uploads cost in a context: the plan's costs,
/// and the fewest runs worth a dispatch.
#[derive(Clone, Copy, Debug)]
struct ScatterCosts {
    costs: UploadCosts,
    min_runs: usize,
}

/// The fewest runs sent through a scatter before its calibration: below
/// it one `write_buffer` per run (about 2 µs each on lavapipe) costs less
/// than the dispatch, its submit and its staging write.
const SCATTER_MIN_RUNS: usize = 32;

/// A process-wide context id: what tells contexts apart.
fn next_id() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// Runs `future` to completion on this thread, parking it while the future
/// waits. wgpu's native futures (adapter and device requests, error scope
/// pops) are ready at once or woken by wgpu itself, so this is all the
/// executor they need, without a dependency for one.
fn block_on<F: Future>(future: F) -> F::Output {
    struct Unpark(Thread);

    impl Wake for Unpark {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
    }

    let waker = Waker::from(Arc::new(Unpark(thread::current())));
    let mut context = Context::from_waker(&waker);
    let mut future = pin!(future);
    loop {
        match future.as_mut().poll(&mut context) {
            Poll::Ready(output) => return output,
            Poll::Pending => thread::park(),
        }
    }
}
