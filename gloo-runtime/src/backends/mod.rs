//! GPU APIs behind the core's `GpuResource` and `GpuContext` traits, as a
//! list: glium (feature `glium`, on by default) with the headless EGL
//! context, and wgpu (feature `wgpu`).
//!
//! Each backend is a folder and an [`Api`]: its context and the resources
//! the containers keep in it, as wgpu-hal's `Api` groups a backend's
//! types. The list at the end of this file makes, from the backends
//! compiled in, one enum of their contexts ([`Context`]) and one of their
//! resources for each kind the containers keep ([`VertexStorage`],
//! [`IndexStorage`], [`TextureStorage`], [`BlockStorage`],
//! [`UniformStorage`]), a variant a backend, each
//! dispatching the core's traits to its variant. A resource keeps the
//! context it was made in, so a backend's resource never meets another's
//! context. Adding a backend is a folder and a line in the list. A build
//! without one has empty enums: no context can be had, and containers stay
//! on the CPU.

use core::ops::Range;

use crate::__private::BackendIndex;
use crate::tracking::backend::{FieldRuns, GpuContext, GpuResource, RecordRuns};
use crate::tracking::block::Block;
use crate::tracking::dirty::DirtyBits;
use crate::tracking::layout::{FieldLayout, Vertex};
use crate::tracking::plan::Rect;
use crate::tracking::primitive::PrimitiveType;
use crate::tracking::stats::Trace;
use crate::tracking::storage::GpuStorage;
use crate::tracking::texel::{Texel, TextureExtra};
use crate::{Error, UploadCosts};

/// `$method()`: the `$variant` backend's resource in a storage enum;
/// `None` where it lives in another backend. A backend's folder invokes it
/// for what its bind targets take.
#[cfg(any(feature = "glium", feature = "wgpu"))]
macro_rules! side {
    ($method:ident, $variant:ident: $storage:ident<$t:ident: [$($bound:tt)+]> => $resource:ty) => {
        impl<$t: $($bound)+> $crate::backends::$storage<$t> {
            pub(crate) fn $method(&self) -> Option<&$resource> {
                match self {
                    $crate::backends::$storage::$variant(resource) => Some(resource),
                    #[allow(unreachable_patterns)]
                    _ => None,
                }
            }
        }
    };
}

#[cfg(any(feature = "glium", feature = "wgpu"))]
pub(crate) mod copy;
#[cfg(feature = "glium")]
pub(crate) mod glium;
pub(crate) mod target;
#[cfg(feature = "wgpu")]
pub(crate) mod wgpu;

/// A backend's types, as wgpu-hal's `Api` groups them: its context, and
/// the resources a vertex buffer, an index buffer and a texture keep in it.
#[cfg_attr(not(any(feature = "glium", feature = "wgpu")), allow(dead_code))]
pub trait Api {
    /// The context resources are made in.
    type Context: GpuContext;
    /// A vertex buffer's resource.
    type VertexBuffer<T: Vertex>: GpuResource<T, Context = Self::Context, Extra = BufferUse, Region = Range<usize>>;
    /// An index buffer's resource.
    type IndexBuffer<I: BackendIndex + bytemuck::Pod>: GpuResource<
        I,
        Context = Self::Context,
        Extra = BufferUse,
        Region = Range<usize>,
    >;
    /// A texture's resource.
    type Texture<P: Texel>: GpuResource<P, Context = Self::Context, Extra = TextureExtra, Region = Rect>;
    /// A storage buffer's resource: records of a block.
    type BlockBuffer<T: Block>: GpuResource<T, Context = Self::Context, Extra = BufferUse, Region = Range<usize>>;
    /// A uniform buffer's resource: one block, written field by field.
    type UniformBlock<T: Block>: GpuResource<T, Context = Self::Context, Extra = (), Region = FieldRuns>;
}

/// What a buffer is for, as creating its resource asks: wgpu its usage,
/// glium an index buffer's primitive type.
#[derive(Clone, Copy, Debug)]
pub enum BufferUse {
    /// Vertices.
    Vertex,
    /// Indices, assembled into these primitives.
    Index(PrimitiveType),
    /// Records of a std140 block, bound as a uniform block (an array of
    /// them) or a storage block.
    Uniform,
    /// Records of a std430 block, bound as a storage block.
    Storage,
}

/// The enums of the backends compiled in: for each listed backend
/// (`Name => api;`, its `#[cfg]` before it) a variant of [`Context`] and of
/// each storage enum, and the core's traits dispatched to the variant.
macro_rules! backends {
    ($($(#[$cfg:meta])* $name:ident => $api:ty;)*) => {
        /// A context of one of the backends compiled in.
        #[derive(Clone)]
        pub enum Context {
            $($(#[$cfg])* #[doc = concat!("A ", stringify!($name), " context.")] $name(<$api as Api>::Context),)*
        }

        /// The backend's name (glium's context has no `Debug`).
        impl core::fmt::Debug for Context {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                let _ = &f; // no backend: no context to name
                match *self {
                    $($(#[$cfg])* Context::$name(_) => f.write_str(concat!(stringify!($name), " context")),)*
                }
            }
        }

        impl GpuContext for Context {
            fn same(&self, other: &Self) -> bool {
                match (self, other) {
                    $($(#[$cfg])* (Context::$name(one), Context::$name(other)) => one.same(other),)*
                    #[allow(unreachable_patterns)]
                    _ => false,
                }
            }

            fn calibrate(&self) -> Result<UploadCosts, Error> {
                match *self {
                    $($(#[$cfg])* Context::$name(ref context) => context.calibrate(),)*
                }
            }
        }

        backends!(@storage VertexStorage, VertexBuffer, [T: Vertex], Range<usize>, BufferUse,
            "A vertex buffer's storage in one of the backends compiled in.", $($(#[$cfg])* $name => $api;)*);
        backends!(@storage IndexStorage, IndexBuffer, [T: BackendIndex + bytemuck::Pod], Range<usize>, BufferUse,
            "An index buffer's storage in one of the backends compiled in.", $($(#[$cfg])* $name => $api;)*);
        backends!(@storage TextureStorage, Texture, [T: Texel], Rect, TextureExtra,
            "A texture's storage in one of the backends compiled in.", $($(#[$cfg])* $name => $api;)*);
        backends!(@storage BlockStorage, BlockBuffer, [T: Block], Range<usize>, BufferUse,
            "A storage buffer's storage in one of the backends compiled in.", $($(#[$cfg])* $name => $api;)*);
        backends!(@storage UniformStorage, UniformBlock, [T: Block], FieldRuns, (),
            "A uniform buffer's storage in one of the backends compiled in.", $($(#[$cfg])* $name => $api;)*);
    };
    (@storage $storage:ident, $resource:ident, [$t:ident: $($bound:tt)+], $region:ty, $extra:ty, $doc:literal,
        $($(#[$cfg:meta])* $name:ident => $api:ty;)*) => {
        #[doc = $doc]
        #[derive(Debug)]
        // One a container, created once: boxing the larger would only add
        // a step to every upload.
        #[allow(clippy::large_enum_variant)]
        pub enum $storage<$t: $($bound)+> {
            $($(#[$cfg])* #[doc = concat!("In ", stringify!($name), ".")] $name(<$api as Api>::$resource<$t>),)*
            /// Never made: it holds the record type where no backend is
            /// compiled in.
            #[doc(hidden)]
            #[allow(dead_code)]
            Never(core::convert::Infallible, core::marker::PhantomData<fn() -> $t>),
        }

        // A build without backends dispatches nowhere: its arguments go unused.
        #[allow(unused_variables)]
        impl<$t: $($bound)+> GpuResource<$t> for $storage<$t> {
            type Context = Context;
            type Extra = $extra;
            type Region = $region;

            fn create(
                context: &Context,
                data: &[$t],
                capacity: usize,
                extra: $extra,
                storage: GpuStorage,
                trace: &mut Trace,
            ) -> Result<Self, Error> {
                match *context {
                    $($(#[$cfg])* Context::$name(ref context) => {
                        GpuResource::create(context, data, capacity, extra, storage, trace).map($storage::$name)
                    })*
                }
            }

            fn in_context(&self, context: &Context) -> bool {
                match (self, context) {
                    $($(#[$cfg])* ($storage::$name(resource), Context::$name(context)) => GpuResource::<$t>::in_context(resource, context),)*
                    #[allow(unreachable_patterns)]
                    _ => false,
                }
            }

            fn storage(&self) -> GpuStorage {
                match *self {
                    $($(#[$cfg])* $storage::$name(ref resource) => GpuResource::<$t>::storage(resource),)*
                    $storage::Never(never, _) => match never {},
                }
            }

            fn costs(&self) -> UploadCosts {
                match *self {
                    $($(#[$cfg])* $storage::$name(ref resource) => GpuResource::<$t>::costs(resource),)*
                    $storage::Never(never, _) => match never {},
                }
            }

            fn capacity(&self) -> usize {
                match *self {
                    $($(#[$cfg])* $storage::$name(ref resource) => GpuResource::<$t>::capacity(resource),)*
                    $storage::Never(never, _) => match never {},
                }
            }

            fn align(&self) -> usize {
                match *self {
                    $($(#[$cfg])* $storage::$name(ref resource) => GpuResource::<$t>::align(resource),)*
                    $storage::Never(never, _) => match never {},
                }
            }

            fn write(&mut self, regions: &[$region], data: &[$t], trace: &mut Trace) {
                match *self {
                    $($(#[$cfg])* $storage::$name(ref mut resource) => GpuResource::<$t>::write(resource, regions, data, trace),)*
                    $storage::Never(never, _) => match never {},
                }
            }

            fn takes_records(&self) -> bool {
                match *self {
                    $($(#[$cfg])* $storage::$name(ref resource) => GpuResource::<$t>::takes_records(resource),)*
                    $storage::Never(never, _) => match never {},
                }
            }

            fn write_records(
                &mut self,
                pending: &mut DirtyBits,
                runs: RecordRuns,
                records: (&[$t], &[FieldLayout]),
                counts: &mut [usize],
                trace: &mut Trace,
            ) -> Option<(usize, usize)> {
                match *self {
                    $($(#[$cfg])* $storage::$name(ref mut resource) => {
                        GpuResource::<$t>::write_records(resource, pending, runs, records, counts, trace)
                    })*
                    $storage::Never(never, _) => match never {},
                }
            }

            fn grow(&self, capacity: usize, extra: $extra, trace: &mut Trace) -> Result<(Self, bool), Error> {
                match *self {
                    $($(#[$cfg])* $storage::$name(ref resource) => {
                        let (grown, copied) = GpuResource::<$t>::grow(resource, capacity, extra, trace)?;
                        Ok(($storage::$name(grown), copied))
                    })*
                    $storage::Never(never, _) => match never {},
                }
            }

            fn read(&self, len: usize) -> Result<Vec<$t>, Error> {
                match *self {
                    $($(#[$cfg])* $storage::$name(ref resource) => GpuResource::<$t>::read(resource, len),)*
                    $storage::Never(never, _) => match never {},
                }
            }
        }
    };
}

// The backends compiled in: one line each.
backends! {
    #[cfg(feature = "glium")] Glium => glium::Glium;
    #[cfg(feature = "wgpu")] Wgpu => wgpu::Wgpu;
}
