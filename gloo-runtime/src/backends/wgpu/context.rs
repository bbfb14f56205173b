//! The wgpu context: a `Device` and its `Queue` with an identity of their
//! own, the headless one, and the core's [`GpuContext`] for it (identity,
//! cost calibration).

use core::cell::RefCell;
use core::future::Future;
use core::ops::Range;
use core::pin::pin;
use core::task::{Context, Poll, Waker};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{mpsc, Arc, OnceLock};
use std::task::Wake;
use std::thread::{self, Thread};
use std::time::Instant;

use ::wgpu::{
    AdapterInfo, Backends, Buffer, BufferDescriptor, BufferUsages, CommandEncoder, CommandEncoderDescriptor, Device,
    DeviceDescriptor, ErrorFilter, Features, Instance, InstanceDescriptor, MapMode, PollType, PowerPreference, Queue,
    RequestAdapterOptions,
};

use super::scatter::{Scatter, ScatterKit};
use crate::tracking::backend::GpuContext;
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
    adapter: Option<Arc<AdapterInfo>>,
    costs: Arc<OnceLock<UploadCosts>>,
    /// The scatter's program, made at the first scattered buffer; `None`
    /// where the device cannot run it.
    scatter: Arc<OnceLock<Option<ScatterKit>>>,
    /// What a scattered run costs, calibrated at the first plan of a
    /// scattered buffer.
    scatter_costs: Arc<OnceLock<UploadCosts>>,
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
        WgpuContext {
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
    /// gets the adapter's own limits, and 16-bit normalized texture formats
    /// where it has them.
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
        // 16-bit normalized textures (`Texture2d<u16>`) where the adapter
        // has them.
        let descriptor = DeviceDescriptor {
            label: Some("gloo headless"),
            required_features: adapter.features() & Features::TEXTURE_FORMAT_16BIT_NORM,
            required_limits: adapter.limits(),
            ..DeviceDescriptor::default()
        };
        let (device, queue) = block_on(adapter.request_device(&descriptor))
            .map_err(|e| Error::NoAdapter(format!("{} ({:?}) opened no device: {e}", info.name, info.backend)))?;
        log::debug!(target: TRACE_TARGET, "GPU: wgpu adapter {} ({:?})", info.name, info.backend);
        Ok(WgpuContext { adapter: Some(Arc::new(info)), ..WgpuContext::new(device, queue) })
    }

    /// What uploads cost here, as [`MergePolicy::Auto`](crate::MergePolicy::Auto)
    /// plans with them: calibrated once per context, the first time a
    /// buffer plans with `Auto` (a probe of a few hundred `write_buffer`s
    /// and some 16 MiB writes: tens of milliseconds in a release build,
    /// about a second in a debug one), shared by its clones. If the probe
    /// fails, [`UploadCosts::WGPU`].
    ///
    /// # Examples
    ///
    /// ```no_run
    /// let gpu = gloo_runtime::WgpuContext::headless()?;
    /// let costs = gpu.upload_costs();
    /// println!("a write_buffer costs {:.1} µs", costs.call_ns / 1e3);
    /// # Ok::<(), gloo_runtime::Error>(())
    /// ```
    pub fn upload_costs(&self) -> UploadCosts {
        calibrated_once(&self.costs, "write_buffers", || self.calibrate().unwrap_or(UploadCosts::WGPU))
    }

    /// The scatter's program (`scatter.rs`), made once per context: `None`
    /// where the device has no compute shaders or storage buffers, or
    /// refused the program.
    pub(super) fn scatter_kit(&self) -> Option<&ScatterKit> {
        let kit = self
            .scatter
            .get_or_init(|| self.scoped(Error::BufferCreation, || Ok(ScatterKit::new(&self.device))).ok().flatten());
        kit.as_ref()
    }

    /// What uploads to a scattered buffer cost here, as [`MergePolicy::Auto`](crate::MergePolicy::Auto)
    /// plans with them: a run's packing, table entry and share of the
    /// dispatch, and a byte's, calibrated once per context (after
    /// [`upload_costs`](Self::upload_costs), whose whole writes they are
    /// weighed against). If the probe fails, [`UploadCosts::WGPU_SCATTER`].
    ///
    /// # Examples
    ///
    /// ```no_run
    /// let gpu = gloo_runtime::WgpuContext::headless()?;
    /// let costs = gpu.scatter_costs();
    /// println!("a scattered run costs {:.0} ns", costs.call_ns);
    /// # Ok::<(), gloo_runtime::Error>(())
    /// ```
    pub fn scatter_costs(&self) -> UploadCosts {
        let measure = || self.calibrate_scatter().unwrap_or(UploadCosts::WGPU_SCATTER);
        calibrated_once(&self.scatter_costs, "scattered runs", measure)
    }

    /// Times scatters of 4096 runs of one 16-byte record and of 64 records
    /// across a 16 MiB buffer, each with its submit and the wait for the
    /// device: the difference is the bytes' cost, the rest the runs'.
    fn calibrate_scatter(&self) -> Result<UploadCosts, Error> {
        const BYTES: usize = 16 << 20;
        const RECORD: usize = 16;
        const RUNS: usize = 4096;
        const LONG: usize = 64;
        let kit = self.scatter_kit().ok_or_else(|| Error::BufferCreation("no scatter on this device".into()))?;
        let whole = self.upload_costs();
        let target = self.scoped(Error::BufferCreation, || {
            Ok(self.device.create_buffer(&BufferDescriptor {
                label: Some("gloo calibration"),
                size: BYTES as u64,
                usage: BufferUsages::STORAGE | BufferUsages::COPY_DST,
                mapped_at_creation: false,
            }))
        })?;
        let data = vec![0u8; BYTES];
        let scatter = RefCell::new(Scatter::default());
        let spread = BYTES / RECORD / RUNS;
        let runs = |len: usize| -> Vec<Range<usize>> { (0..RUNS).map(|k| k * spread..k * spread + len).collect() };
        let (short, long) = (runs(1), runs(LONG));
        let send = |runs: &[Range<usize>]| {
            scatter.borrow_mut().write(kit, (&self.device, &self.queue), &target, runs, &data, RECORD);
        };
        let short_ns = self.median(&|| send(&short))?;
        let long_ns = self.median(&|| send(&long))?;
        let byte_ns = ((long_ns - short_ns) / (RUNS * (LONG - 1) * RECORD) as f64).max(1e-3);
        let call_ns = (short_ns / RUNS as f64 - RECORD as f64 * byte_ns).max(1.0);
        let whole_factor = (whole.byte_ns * whole.whole_factor / byte_ns).clamp(0.01, 100.0);
        Ok(UploadCosts { call_ns, byte_ns, whole_factor })
    }

    /// The device buffers are created on.
    pub fn device(&self) -> &Device {
        &self.device
    }

    /// The queue writes go through.
    pub fn queue(&self) -> &Queue {
        &self.queue
    }

    /// What [`headless`](WgpuContext::headless) chose; `None` for a context
    /// made with [`new`](WgpuContext::new).
    pub fn adapter_info(&self) -> Option<&AdapterInfo> {
        self.adapter.as_deref()
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
            let (sender, mapped) = mpsc::channel();
            staging.map_async(MapMode::Read, .., move |result| drop(sender.send(result)));
            self.finish()?;
            let failed = |e: &dyn std::fmt::Display| Error::BufferCreation(format!("reading {what} back: {e}"));
            mapped.recv().map_err(|e| failed(&e))?.map_err(|e| failed(&e))?;
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

/// The costs in `cell`, measured by `measure` the first time, when the
/// trace says what they came to (`what` costs).
///
/// Logged outside the cell's initialization: a logger that plans an upload
/// in this context would otherwise initialize it re-entrantly, which
/// deadlocks. Uploads ask for their costs before they take a buffer's GPU
/// copy, so no borrow into one is live here.
fn calibrated_once(cell: &OnceLock<UploadCosts>, what: &str, measure: impl FnOnce() -> UploadCosts) -> UploadCosts {
    let mut calibrated = false;
    let costs = *cell.get_or_init(|| {
        calibrated = true;
        measure()
    });
    if calibrated {
        log::debug!(
            target: TRACE_TARGET,
            "GPU: Calibrated wgpu {what}: {:.3} µs a call, {:.3} ns a byte, whole writes ×{:.2}",
            costs.call_ns / 1e3,
            costs.byte_ns,
            costs.whole_factor
        );
    }
    costs
}

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
