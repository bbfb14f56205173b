//! The storage of glium's vertex and index buffers, the core's
//! [`GpuResource`]: created dynamic, persistently mapped or with a scatter
//! kit as the context allows, written a slice or a mapped copy a run (or
//! one compute dispatch for many runs), grown by a GPU-side copy, read
//! back.

use core::fmt;
use core::ops::Range;
use std::rc::Rc;

use glium::backend::Context;
use glium::buffer::Buffer;
use glium::index::{IndexBuffer, PrimitiveType};

use crate::backends::BufferUse;
use glium::{Api, Version};

use super::creation_error;
use super::scatter::Scatter;
use crate::backends::copy::copy_to_mapping;
use crate::tracking::backend::GpuResource;
use crate::tracking::stats::Trace;
use crate::tracking::storage::GpuStorage;
use crate::Error;

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
/// the CPU too (`cargo bench --bench upload`, "Auto" against "Auto
/// scatter" in BENCHMARKS.md).
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

        fn in_context(&self, context: &Rc<Context>) -> bool {
            Rc::ptr_eq(self.get_context(), context)
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

        fn costs(&self) -> crate::UploadCosts {
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
        fn write(&mut self, regions: &[Range<usize>], data: &[E], trace: &mut Trace) {
            if let Some(scatter) = self.scatter.as_mut().filter(|_| regions.len() >= SCATTER_MIN_RUNS) {
                let stride = core::mem::size_of::<E>();
                let context = self.buffer.get_context();
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

        fn grow(&self, capacity: usize, extra: Self::Extra, trace: &mut Trace) -> Result<(Self, bool), Error> {
            let context = self.get_context();
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

        fn read(&self, len: usize) -> Result<Vec<E>, Error> {
            Ok(self.slice(0..len).expect("inside the buffer").read()?)
        }
    };
}

impl<E: glium::Vertex + bytemuck::Pod> GpuResource<E> for GlBuffer<glium::VertexBuffer<E>> {
    type Extra = BufferUse;

    gpu_buffer!(
        glium::VertexBuffer<E>,
        |context: &Rc<Context>, data: &[E], _: BufferUse, mapped| if mapped {
            glium::VertexBuffer::persistent(context, data)
        } else {
            glium::VertexBuffer::dynamic(context, data)
        },
        |context: &Rc<Context>, capacity: usize, _: BufferUse, mapped| if mapped {
            glium::VertexBuffer::empty_persistent(context, capacity)
        } else {
            glium::VertexBuffer::empty_dynamic(context, capacity)
        }
    );
}

impl<E: glium::index::Index + bytemuck::Pod> GpuResource<E> for GlBuffer<IndexBuffer<E>> {
    type Extra = BufferUse;

    gpu_buffer!(
        IndexBuffer<E>,
        |context: &Rc<Context>, data: &[E], extra, mapped| if mapped {
            IndexBuffer::persistent(context, primitive(extra), data)
        } else {
            IndexBuffer::dynamic(context, primitive(extra), data)
        },
        |context: &Rc<Context>, capacity: usize, extra, mapped| if mapped {
            IndexBuffer::empty_persistent(context, primitive(extra), capacity)
        } else {
            IndexBuffer::empty_dynamic(context, primitive(extra), capacity)
        }
    );
}

/// The records of a block (`StorageBuffer`), in an untyped glium buffer
/// made for uniform blocks (std140) or shader storage (std430).
impl<E: crate::Block> GpuResource<E> for GlBuffer<Buffer<[E]>> {
    type Extra = BufferUse;

    gpu_buffer!(
        Buffer<[E]>,
        |context: &Rc<Context>, data: &[E], extra, mapped| Buffer::new(context, data, block_type(extra), mode(mapped)),
        |context: &Rc<Context>, capacity: usize, extra, mapped| {
            Buffer::empty_array(context, block_type(extra), capacity, mode(mapped))
        }
    );
}

/// glium's buffer type for records of a block.
fn block_type(extra: BufferUse) -> glium::buffer::BufferType {
    match extra {
        BufferUse::Storage => glium::buffer::BufferType::ShaderStorageBuffer,
        _ => glium::buffer::BufferType::UniformBuffer,
    }
}

/// A persistently mapped buffer, or a dynamic one.
fn mode(mapped: bool) -> glium::buffer::BufferMode {
    if mapped {
        glium::buffer::BufferMode::Persistent
    } else {
        glium::buffer::BufferMode::Dynamic
    }
}

/// glium's primitive type of an index buffer's use.
fn primitive(extra: BufferUse) -> PrimitiveType {
    match extra {
        BufferUse::Index(primitive) => primitive.into(),
        _ => unreachable!("index buffers are made for indices"),
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
