//! The glium backend: the core's [`GpuContext`] for glium's context
//! (identity, cost calibration) and [`GpuBuffer`] for its vertex and index
//! buffers (slice writes, GPU-side copies, read-back), the vertex and index
//! sources `draw` takes, the mapping of gloo's attribute types to glium's,
//! and the headless EGL context.

use core::fmt;
use core::ops::Range;
use std::rc::Rc;

use glium::backend::{Context, Facade};
use glium::buffer::{Buffer, BufferSlice};
use glium::index::{IndexBuffer, IndicesSource, PrimitiveType};
use glium::vertex::VerticesSource;
use glium::{Api, Version};

use crate::backends::copy::copy_to_mapping;
use crate::tracking::backend::{GpuBuffer, GpuContext, GpuStorage};
use crate::tracking::stats::Trace;
use crate::Error;

pub mod headless;
mod scatter;
mod texture;

use scatter::Scatter;

fn creation_error(error: impl fmt::Display) -> Error {
    Error::BufferCreation(error.to_string())
}

/// A glium vertex or index buffer as a tracked container keeps it: the
/// buffer, and its scatter kit where its storage is
/// [`Scatter`](crate::GpuStorage::Scatter) and the context has one.
pub struct GlBuffer<B> {
    buffer: B,
    scatter: Option<Scatter>,
}

impl<B> core::ops::Deref for GlBuffer<B> {
    type Target = B;

    fn deref(&self) -> &B {
        &self.buffer
    }
}

impl<B> fmt::Debug for GlBuffer<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GlBuffer").field("scatter", &self.scatter.is_some()).finish_non_exhaustive()
    }
}

/// Whether the context can map a buffer persistently (OpenGL 4.4 or
/// `GL_ARB_buffer_storage`).
fn can_map(context: &Rc<Context>) -> bool {
    let version = *context.get_opengl_version();
    version >= Version(Api::Gl, 4, 4) || glium::CapabilitiesSource::get_extensions(&**context).gl_arb_buffer_storage
}

/// Whether the context renders on the CPU (Mesa's llvmpipe and softpipe,
/// SwiftShader), where GPU memory is the CPU's: a mapped buffer then costs
/// draws nothing, and its uploads beat a scatter, whose dispatch runs on
/// the CPU too (on llvmpipe, 0.6 ms against 3.4 ms for 10k scattered
/// records of 20 bytes; `cargo bench --bench upload`).
fn software_renderer(context: &Rc<Context>) -> bool {
    let renderer = context.get_opengl_renderer_string().to_ascii_lowercase();
    ["llvmpipe", "softpipe", "swiftshader", "software"].iter().any(|name| renderer.contains(name))
}

/// The fewest runs an upload sends through a scatter: below it one call
/// per run costs less than the dispatch (about 75 µs on llvmpipe, some
/// microseconds on a GPU).
const SCATTER_MIN_RUNS: usize = 64;

/// What glium's vertex and index buffers do the same way, on the untyped
/// buffer behind them; `$filled` and `$empty` create one, persistently
/// mapped when their last argument says so.
macro_rules! gpu_buffer {
    ($buffer:ty, $filled:expr, $empty:expr) => {
        type Context = Rc<Context>;
        type Region = Range<usize>;

        fn create(
            context: &Rc<Context>,
            data: &[E],
            capacity: usize,
            extra: Self::Extra,
            storage: GpuStorage,
            trace: &mut Trace,
        ) -> Result<Self, Error> {
            let stride = core::mem::size_of::<E>();
            let (mapped, scatter) = match storage {
                GpuStorage::Mapped => (true, None),
                GpuStorage::Scatter => (false, Scatter::new(context, stride, capacity * stride, trace)),
                GpuStorage::Auto => match Scatter::new(context, stride, capacity * stride, trace) {
                    Some(scatter) if !software_renderer(context) => (false, Some(scatter)),
                    _ => (can_map(context), None),
                },
                _ => (false, None),
            };
            let buffer: $buffer = if capacity == data.len() {
                $filled(context, data, extra, mapped).map_err(creation_error)?
            } else {
                let mut buffer = $empty(context, capacity, extra, mapped).map_err(creation_error)?;
                write_records(&mut buffer, &[0..data.len()], data);
                buffer
            };
            Ok(GlBuffer { buffer, scatter })
        }

        fn storage(&self) -> GpuStorage {
            if self.is_persistent() {
                GpuStorage::Mapped
            } else if self.scatter.is_some() {
                GpuStorage::Scatter
            } else {
                GpuStorage::Dynamic
            }
        }

        fn costs(&self, _: &Rc<Context>) -> crate::UploadCosts {
            match self.storage() {
                GpuStorage::Mapped => crate::UploadCosts::MAPPED,
                GpuStorage::Scatter => crate::UploadCosts::SCATTER,
                _ => crate::UploadCosts::default(),
            }
        }

        fn capacity(&self) -> usize {
            self.len()
        }

        /// Through the scatter when there is one and the plan has many
        /// runs, else one call per run; also when the scatter cannot have
        /// its staging buffer (the upload then goes out all the same).
        fn write(&mut self, context: &Rc<Context>, regions: &[Range<usize>], data: &[E], trace: &mut Trace) {
            if let Some(scatter) = self.scatter.as_mut().filter(|_| regions.len() >= SCATTER_MIN_RUNS) {
                let stride = core::mem::size_of::<E>();
                match scatter.write(context, self.buffer.as_slice_any(), regions, data, stride, trace) {
                    Ok(()) => return,
                    Err(error) => trace.warn(format_args!(
                        "gloo: no staging buffer for a scatter of {} runs ({error}); sending one call per run",
                        regions.len()
                    )),
                }
            }
            write_records(&mut self.buffer, regions, data);
        }

        fn grow(
            &self,
            context: &Rc<Context>,
            capacity: usize,
            extra: Self::Extra,
            trace: &mut Trace,
        ) -> Result<(Self, bool), Error> {
            let buffer: $buffer = $empty(context, capacity, extra, self.is_persistent()).map_err(creation_error)?;
            let copied = self.copy_to(buffer.slice(0..self.len()).expect("inside the new buffer"));
            let scatter = match self.scatter {
                Some(_) => {
                    Scatter::new(context, core::mem::size_of::<E>(), capacity * core::mem::size_of::<E>(), trace)
                }
                None => None,
            };
            Ok((GlBuffer { buffer, scatter }, copied.is_ok()))
        }

        fn read(&self, _: &Rc<Context>, len: usize) -> Result<Vec<E>, Error> {
            Ok(self.slice(0..len).expect("inside the buffer").read()?)
        }
    };
}

impl<E: glium::Vertex + bytemuck::Pod> GpuBuffer<E> for GlBuffer<glium::VertexBuffer<E>> {
    type Extra = ();

    gpu_buffer!(
        glium::VertexBuffer<E>,
        |context: &Rc<Context>, data: &[E], (): (), mapped| if mapped {
            glium::VertexBuffer::persistent(context, data)
        } else {
            glium::VertexBuffer::dynamic(context, data)
        },
        |context: &Rc<Context>, capacity: usize, (): (), mapped| if mapped {
            glium::VertexBuffer::empty_persistent(context, capacity)
        } else {
            glium::VertexBuffer::empty_dynamic(context, capacity)
        }
    );
}

impl<E: glium::index::Index + bytemuck::Pod> GpuBuffer<E> for GlBuffer<IndexBuffer<E>> {
    type Extra = PrimitiveType;

    gpu_buffer!(
        IndexBuffer<E>,
        |context: &Rc<Context>, data: &[E], primitive, mapped| if mapped {
            IndexBuffer::persistent(context, primitive, data)
        } else {
            IndexBuffer::dynamic(context, primitive, data)
        },
        |context: &Rc<Context>, capacity: usize, primitive, mapped| if mapped {
            IndexBuffer::empty_persistent(context, primitive, capacity)
        } else {
            IndexBuffer::empty_dynamic(context, primitive, capacity)
        }
    );
}

/// A glium context: one `Rc` is one context.
impl GpuContext for Rc<Context> {
    fn same(&self, other: &Self) -> bool {
        Rc::ptr_eq(self, other)
    }

    /// Times small and large writes to a 16 MiB scratch buffer.
    fn calibrate(&self) -> Result<crate::UploadCosts, Error> {
        use glium::buffer::{Buffer, BufferMode, BufferType};
        use std::time::Instant;

        const BYTES: usize = 16 << 20;
        const SMALL: usize = 16;
        const CALLS: usize = 512;
        let data = vec![0u8; BYTES];
        let buffer = Buffer::<[u8]>::new(self, &data[..], BufferType::ArrayBuffer, BufferMode::Dynamic)
            .map_err(|error| Error::BufferCreation(error.to_string()))?;
        let context = self;
        let time = |f: &dyn Fn()| {
            context.finish();
            let start = Instant::now();
            f();
            context.finish();
            start.elapsed().as_nanos() as f64
        };
        let small = || {
            for call in 0..CALLS {
                let at = call * (BYTES / CALLS);
                buffer.slice(at..at + SMALL).expect("inside").write(&data[..SMALL]);
            }
        };
        let partial = || buffer.slice(SMALL..).expect("inside").write(&data[SMALL..]);
        let whole = || buffer.write(&data[..]);
        let median = |f: &dyn Fn()| {
            f(); // warm up: first touches fault pages in
            let mut rounds: Vec<f64> = (0..5).map(|_| time(f)).collect();
            rounds.sort_by(f64::total_cmp);
            rounds[2]
        };
        let byte_ns = (median(&partial) / (BYTES - SMALL) as f64).max(1e-4);
        let call_ns = (median(&small) / CALLS as f64 - SMALL as f64 * byte_ns).max(1.0);
        let whole_factor = (median(&whole) / BYTES as f64 / byte_ns).clamp(0.5, 1.0);
        Ok(crate::UploadCosts { call_ns, byte_ns, whole_factor })
    }
}

/// Writes each run `data[records]` into the same records of `buffer`.
///
/// A persistently mapped buffer is mapped once (the whole of it: glium's
/// fence wait misses a fence whose range contains a slice's) and each run
/// copied in (see [`copy_to_mapping`]); glium flushes the mapping when it
/// drops. Otherwise one `glBufferSubData` per run, and a run covering the
/// whole buffer lets glium invalidate the old storage first.
fn write_records<E: bytemuck::Pod>(buffer: &mut Buffer<[E]>, runs: &[Range<usize>], data: &[E]) {
    if buffer.is_persistent() {
        let mut mapping = buffer.map();
        for records in runs {
            copy_to_mapping(
                bytemuck::cast_slice_mut(&mut mapping[records.clone()]),
                bytemuck::cast_slice(&data[records.clone()]),
            );
        }
        return;
    }
    for records in runs {
        if *records == (0..buffer.len()) {
            buffer.write(&data[records.clone()]);
        } else if !records.is_empty() {
            buffer.slice(records.clone()).expect("plan inside the buffer").write(&data[records.clone()]);
        }
    }
}

/// A vertex buffer ready to draw from, as returned by
/// [`VertexBuffer::bind`](crate::VertexBuffer::bind) and
/// [`VertexBuffer::drawable`](crate::VertexBuffer::drawable): pass it to
/// glium's `Surface::draw` as the vertex source, alone or in a tuple with
/// other sources. It covers the buffer's `len()` records, whatever the GL
/// buffer's capacity. An N-d buffer draws as its records in row-major
/// order: `[0, 0]`, `[0, 1]`, …, `[1, 0]`, …
///
/// # Examples
///
/// One quad drawn twice: a strip of corners, and per-instance offsets.
///
/// ```
/// use gloo_runtime::glium::index::{NoIndices, PrimitiveType};
/// use gloo_runtime::glium::texture::Texture2d;
/// use gloo_runtime::glium::{uniform, Program, Surface};
/// use gloo_runtime::headless::HeadlessContext;
/// use gloo_runtime::{Vertex, VertexBuffer};
///
/// #[derive(Clone, Copy, Vertex)]
/// #[repr(C)]
/// struct Corner { corner: [f32; 2] }
///
/// #[derive(Clone, Copy, Vertex)]
/// #[repr(C)]
/// struct Instance { offset: [f32; 2] }
///
/// let context = HeadlessContext::new()?;
/// let program = Program::from_source(
///     &context,
///     "#version 330 core
///      in vec2 corner; in vec2 offset;
///      void main() { gl_Position = vec4(corner * 0.5 + offset, 0.0, 1.0); }",
///     "#version 330 core
///      out vec4 color; void main() { color = vec4(1.0); }",
///     None,
/// )?;
/// let mut corners = VertexBuffer::<Corner>::from_vec(
///     [4],
///     vec![[-1.0, -1.0], [1.0, -1.0], [-1.0, 1.0], [1.0, 1.0]].into_iter().map(|corner| Corner { corner }).collect(),
/// )?;
/// let mut instances = VertexBuffer::<Instance>::from_vec([2], vec![Instance { offset: [-0.5, 0.0] }, Instance { offset: [0.5, 0.0] }])?;
///
/// let texture = Texture2d::empty(&context, 64, 64)?;
/// let mut surface = texture.as_surface();
/// surface.clear_color(0.0, 0.0, 0.0, 1.0);
/// let sources = (corners.bind(&context)?, instances.bind(&context)?.per_instance()?);
/// surface.draw(sources, NoIndices(PrimitiveType::TriangleStrip), &program, &uniform! {}, &Default::default())?;
/// let pixels: Vec<Vec<(u8, u8, u8, u8)>> = texture.read();
/// assert_eq!(pixels[32][16], (255, 255, 255, 255)); // the left instance
/// assert_eq!(pixels[32][48], (255, 255, 255, 255)); // the right one
/// assert_eq!(pixels[2][32], (0, 0, 0, 255));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Bound<'a, T: Copy> {
    buffer: &'a Buffer<[T]>,
    len: usize,
}

impl<T: Copy> Clone for Bound<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Copy> Copy for Bound<'_, T> {}

impl<T: Copy> fmt::Debug for Bound<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Bound").field("len", &self.len).finish()
    }
}

impl<'a, T: glium::Vertex> Bound<'a, T> {
    pub(crate) fn new(storage: &'a glium::VertexBuffer<T>, len: usize) -> Self {
        Bound { buffer: storage, len }
    }

    fn source(self, per_instance: bool) -> VerticesSource<'a> {
        let slice: BufferSlice<'a, [T]> = self.buffer.slice(0..self.len).expect("len within capacity");
        VerticesSource::VertexBuffer(slice.as_slice_any(), T::build_bindings(), per_instance)
    }

    /// Draws the buffer once per instance instead of once per vertex: each
    /// record feeds one instance.
    ///
    /// # Errors
    ///
    /// [`Error::InstancingNotSupported`] if the context cannot draw instanced
    /// (it needs OpenGL 3.3, OpenGL ES 3.0 or `GL_ARB_instanced_arrays`).
    pub fn per_instance(self) -> Result<VerticesSource<'a>, Error> {
        let context = self.buffer.get_context();
        let version = *context.get_opengl_version();
        let supported = version >= Version(Api::Gl, 3, 3)
            || version >= Version(Api::GlEs, 3, 0)
            || glium::CapabilitiesSource::get_extensions(&**context).gl_arb_instanced_arrays;
        if !supported {
            return Err(Error::InstancingNotSupported);
        }
        Ok(self.source(true))
    }
}

impl<'a, T: glium::Vertex> From<Bound<'a, T>> for VerticesSource<'a> {
    fn from(bound: Bound<'a, T>) -> VerticesSource<'a> {
        bound.source(false)
    }
}

/// An index buffer ready to draw from, as returned by
/// [`IndexBuffer::bind`](crate::IndexBuffer::bind): pass it to glium's
/// `Surface::draw` as the index source. It covers the buffer's `len()`
/// indices, whatever the GL buffer's capacity.
pub struct BoundIndices<'a, I: glium::index::Index> {
    slice: glium::index::IndexBufferSlice<'a, I>,
}

impl<'a, I: glium::index::Index> BoundIndices<'a, I> {
    pub(crate) fn new(storage: &'a IndexBuffer<I>, len: usize) -> Self {
        BoundIndices { slice: storage.slice(0..len).expect("len within capacity") }
    }
}

impl<I: glium::index::Index> fmt::Debug for BoundIndices<'_, I> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BoundIndices").field("len", &self.slice.len()).finish()
    }
}

impl<'a, I: glium::index::Index> From<BoundIndices<'a, I>> for IndicesSource<'a> {
    fn from(bound: BoundIndices<'a, I>) -> IndicesSource<'a> {
        bound.slice.into()
    }
}

impl crate::UploadCosts {
    /// Measures what an upload costs in `facade`'s context: a short probe
    /// (tens of milliseconds) that times small and large writes to a 16 MiB
    /// scratch buffer. Call it once per context and hand the result to each
    /// buffer with [`VertexBuffer::set_upload_costs`](crate::VertexBuffer::set_upload_costs).
    ///
    /// Timings are medians of a few rounds; on a busy machine they are still
    /// noisy, so treat them as an order of magnitude, which is all
    /// [`MergePolicy::Auto`](crate::MergePolicy::Auto) needs.
    ///
    /// # Errors
    ///
    /// [`Error::BufferCreation`] if the scratch buffer cannot be created.
    ///
    /// # Examples
    ///
    /// ```
    /// use gloo_runtime::headless::HeadlessContext;
    /// use gloo_runtime::{MergePolicy, UploadCosts, Vertex, VertexBuffer};
    ///
    /// #[derive(Clone, Copy, Vertex)]
    /// #[repr(C)]
    /// struct P { x: f32 }
    ///
    /// let context = HeadlessContext::new()?;
    /// let costs = UploadCosts::calibrate(&context)?;
    /// assert!(costs.call_ns > 0.0 && costs.byte_ns > 0.0);
    /// let mut v = VertexBuffer::<P>::zeros([1000]);
    /// v.set_policy(MergePolicy::Auto);
    /// v.set_upload_costs(costs);
    /// # Ok::<(), gloo_runtime::Error>(())
    /// ```
    pub fn calibrate<F: Facade + ?Sized>(facade: &F) -> Result<crate::UploadCosts, Error> {
        facade.get_context().calibrate()
    }
}

/// The glium side of gloo's attribute types.
impl crate::AttributeType {
    /// glium's name for this type.
    ///
    /// # Panics
    ///
    /// For a shape glium has no type for (a vector of more than 4, a matrix
    /// of 1 column); the derive never makes one.
    pub const fn glium(self) -> glium::vertex::AttributeType {
        use crate::ScalarType as S;
        use glium::vertex::AttributeType as G;
        macro_rules! shapes {
            ($($scalar:ident: $one:ident $two:ident $three:ident $four:ident;)*) => {
                match (self.scalar, self.rows, self.columns) {
                    $(
                        (S::$scalar, 1, 1) => G::$one,
                        (S::$scalar, 2, 1) => G::$two,
                        (S::$scalar, 3, 1) => G::$three,
                        (S::$scalar, 4, 1) => G::$four,
                    )*
                    (S::F32, 2, 2) => G::F32x2x2,
                    (S::F32, 2, 3) => G::F32x2x3,
                    (S::F32, 2, 4) => G::F32x2x4,
                    (S::F32, 3, 2) => G::F32x3x2,
                    (S::F32, 3, 3) => G::F32x3x3,
                    (S::F32, 3, 4) => G::F32x3x4,
                    (S::F32, 4, 2) => G::F32x4x2,
                    (S::F32, 4, 3) => G::F32x4x3,
                    (S::F32, 4, 4) => G::F32x4x4,
                    (S::F64, 2, 2) => G::F64x2x2,
                    (S::F64, 2, 3) => G::F64x2x3,
                    (S::F64, 2, 4) => G::F64x2x4,
                    (S::F64, 3, 2) => G::F64x3x2,
                    (S::F64, 3, 3) => G::F64x3x3,
                    (S::F64, 3, 4) => G::F64x3x4,
                    (S::F64, 4, 2) => G::F64x4x2,
                    (S::F64, 4, 3) => G::F64x4x3,
                    (S::F64, 4, 4) => G::F64x4x4,
                    _ => panic!("no glium attribute type has this shape"),
                }
            };
        }
        shapes! {
            I8: I8 I8I8 I8I8I8 I8I8I8I8;
            U8: U8 U8U8 U8U8U8 U8U8U8U8;
            I16: I16 I16I16 I16I16I16 I16I16I16I16;
            U16: U16 U16U16 U16U16U16 U16U16U16U16;
            I32: I32 I32I32 I32I32I32 I32I32I32I32;
            U32: U32 U32U32 U32U32U32 U32U32U32U32;
            I64: I64 I64I64 I64I64I64 I64I64I64I64;
            U64: U64 U64U64 U64U64U64 U64U64U64U64;
            F32: F32 F32F32 F32F32F32 F32F32F32F32;
            F64: F64 F64F64 F64F64F64 F64F64F64F64;
        }
    }
}

/// `&v` in a draw, alone or in a tuple: the buffer as it is on the GPU.
///
/// # Panics
///
/// If writes are pending (draw `v.source()?` instead, which sends them) or
/// the buffer has no GL copy: either would draw stale data.
impl<'a, T: crate::Vertex, const N: usize> From<&'a crate::VertexBuffer<T, N>> for VerticesSource<'a> {
    #[track_caller]
    fn from(buffer: &'a crate::VertexBuffer<T, N>) -> VerticesSource<'a> {
        buffer.clean_source().into()
    }
}
