//! The wgpu side (feature `wgpu`): a vertex type's
//! `wgpu::VertexBufferLayout`, derived from its [`Layout`] at compile time;
//! [`WgpuContext`], the `Device` and `Queue` uploads go through, and the
//! core's buffer trait for wgpu buffers, which containers hold beside
//! glium's (see [`Api`](crate::backends::Api)).

use ::wgpu::{IndexFormat, VertexAttribute, VertexBufferLayout, VertexFormat, VertexStepMode};

use crate::tracking::layout::{AttributeType, FieldLayout, Layout, ScalarType, Vertex};
use crate::IndexType;

mod buffer;
mod context;
mod mapped;
mod scatter;
mod target;
mod texture;
mod uniform;

pub use buffer::WgpuBuffer;
pub use context::WgpuContext;
pub use texture::WgpuTexture;
pub use uniform::WgpuUniform;

use crate::__private::BackendIndex;
use crate::backends::Api;
use crate::tracking::block::Block;
use crate::tracking::texel::Texel;

/// wgpu's types, for the list of backends.
#[derive(Debug)]
pub struct Wgpu;

impl Api for Wgpu {
    type Context = WgpuContext;
    type VertexBuffer<T: Vertex> = WgpuBuffer<T>;
    type IndexBuffer<I: BackendIndex + bytemuck::Pod> = WgpuBuffer<I>;
    type Texture<P: Texel> = WgpuTexture;
    type BlockBuffer<T: Block> = WgpuBuffer<T>;
    type UniformBlock<T: Block> = WgpuUniform<T>;
}

side!(wgpu, Wgpu: VertexStorage<T: [Vertex]> => WgpuBuffer<T>);
side!(wgpu, Wgpu: IndexStorage<I: [BackendIndex + bytemuck::Pod]> => WgpuBuffer<I>);
side!(wgpu, Wgpu: TextureStorage<P: [Texel]> => WgpuTexture);
side!(wgpu, Wgpu: BlockStorage<T: [Block]> => WgpuBuffer<T>);
side!(wgpu, Wgpu: UniformStorage<T: [Block]> => WgpuUniform<T>);

/// The most attributes a layout maps to (wgpu's own limit, for a device
/// that allows the most, is 32).
const MAX_ATTRIBUTES: usize = 32;

/// The wgpu vertex buffer layout of `T`, for a render pipeline's `buffers`.
///
/// - `array_stride` is the record's size, the step mode `Vertex` (the
///   fields are public: `VertexBufferLayout { step_mode:
///   wgpu::VertexStepMode::Instance, ..wgpu_layout::<T>() }` for instances).
/// - Each attribute field gives its format and offset; a skipped field keeps
///   its bytes and takes no location; a matrix takes one location a column.
/// - Locations are `#[vertex(location = N)]` where given, else the next
///   free one after the previous attribute. For a packed struct that is
///   what `wgpu::vertex_attr_array!` writes by hand.
/// - `normalize` maps 8- and 16-bit integers to `Unorm`/`Snorm`; `f64` maps
///   to `Float64`, which no wgpu backend draws today (it needs the
///   `VERTEX_ATTRIBUTE_64BIT` feature).
///
/// A field wgpu has no format for (`i64`, `u64`, 3-component 8- and
/// 16-bit vectors, `normalize` on 32-bit or float data), or a stride that
/// is not a multiple of 4, is a compile error where `wgpu_layout::<T>()` is
/// used: the evaluation of the layout's constant panics, naming the field.
///
/// # Examples
///
/// ```
/// use gloo_runtime::{wgpu, wgpu_layout, Vertex};
///
/// #[derive(Clone, Copy, Vertex)]
/// #[repr(C)]
/// struct Point {
///     position: [f32; 2],
///     color: [f32; 3],
/// }
///
/// let layout = wgpu_layout::<Point>();
/// assert_eq!(layout.array_stride, 20);
/// assert_eq!(layout.attributes, &wgpu::vertex_attr_array![0 => Float32x2, 1 => Float32x3]);
/// ```
///
/// A `u64` field has no wgpu format: using the layout fails to compile,
/// with an error in the evaluation of its constant that names the field.
///
/// ```compile_fail,E0080
/// use gloo_runtime::{wgpu_layout, Vertex};
///
/// #[derive(Clone, Copy, Vertex)]
/// #[repr(C)]
/// struct Tagged {
///     position: [f32; 2],
///     id: u64,
/// }
///
/// let layout = wgpu_layout::<Tagged>();
/// ```
pub fn wgpu_layout<T: Vertex>() -> VertexBufferLayout<'static> {
    VertexBufferLayout {
        array_stride: T::LAYOUT.stride as u64,
        step_mode: VertexStepMode::Vertex,
        attributes: <T as WgpuAttributes>::ATTRIBUTES,
    }
}

/// The `wgpu::IndexFormat` of indices `I`: `Uint16` for `u16`, `Uint32`
/// for `u32`, for `set_index_buffer`. Naming the type the buffer holds
/// keeps the format from disagreeing with it: an `IndexBuffer<u32>` set
/// as `Uint16` draws garbage, silently.
///
/// # Examples
///
/// ```
/// use gloo_runtime::{wgpu, wgpu_index_format};
///
/// assert_eq!(wgpu_index_format::<u16>(), wgpu::IndexFormat::Uint16);
/// assert_eq!(wgpu_index_format::<u32>(), wgpu::IndexFormat::Uint32);
/// // In a render pass: pass.set_index_buffer(ib.bind(&gpu)?, wgpu_index_format::<u16>());
/// ```
pub const fn wgpu_index_format<I: IndexType>() -> IndexFormat {
    // `IndexType` is sealed: `u16` and `u32` only.
    match core::mem::size_of::<I>() {
        2 => IndexFormat::Uint16,
        _ => IndexFormat::Uint32,
    }
}

/// A vertex type's wgpu attributes, computed once per type at compile time.
trait WgpuAttributes: Vertex {
    const TABLE: ([VertexAttribute; MAX_ATTRIBUTES], usize) = attributes(&Self::LAYOUT);
    const ATTRIBUTES: &'static [VertexAttribute] = Self::TABLE.0.split_at(Self::TABLE.1).0;
}

impl<T: Vertex> WgpuAttributes for T {}

/// The attributes of `layout`, in field order, and how many there are.
const fn attributes(layout: &Layout) -> ([VertexAttribute; MAX_ATTRIBUTES], usize) {
    assert!(layout.stride.is_multiple_of(4), "wgpu needs a vertex stride that is a multiple of 4 bytes");
    let unused = VertexAttribute { format: VertexFormat::Float32, offset: 0, shader_location: 0 };
    let mut table = [unused; MAX_ATTRIBUTES];
    let (mut count, mut next_location, mut i) = (0, 0, 0);
    while i < layout.fields.len() {
        let field = &layout.fields[i];
        i += 1;
        let Some(ty) = field.ty else { continue };
        let location = match field.location {
            Some(location) => location,
            None => next_location,
        };
        let format = format(field, ty);
        let column_bytes = ty.scalar.size() * ty.rows as usize;
        let mut column = 0;
        while column < ty.columns as usize {
            assert!(count < MAX_ATTRIBUTES, "more than 32 vertex attributes");
            table[count] = VertexAttribute {
                format,
                offset: (field.offset + column * column_bytes) as u64,
                shader_location: location + column as u32,
            };
            count += 1;
            column += 1;
        }
        next_location = location + ty.columns as u32;
    }
    (table, count)
}

/// The format of one column of `field`, of type `ty`.
const fn format(field: &FieldLayout, ty: AttributeType) -> VertexFormat {
    use ScalarType as S;
    use VertexFormat as F;
    match (ty.scalar, ty.rows, field.normalize) {
        (S::F32, 1, false) => F::Float32,
        (S::F32, 2, false) => F::Float32x2,
        (S::F32, 3, false) => F::Float32x3,
        (S::F32, 4, false) => F::Float32x4,
        (S::F64, 1, false) => F::Float64,
        (S::F64, 2, false) => F::Float64x2,
        (S::F64, 3, false) => F::Float64x3,
        (S::F64, 4, false) => F::Float64x4,
        (S::U32, 1, false) => F::Uint32,
        (S::U32, 2, false) => F::Uint32x2,
        (S::U32, 3, false) => F::Uint32x3,
        (S::U32, 4, false) => F::Uint32x4,
        (S::I32, 1, false) => F::Sint32,
        (S::I32, 2, false) => F::Sint32x2,
        (S::I32, 3, false) => F::Sint32x3,
        (S::I32, 4, false) => F::Sint32x4,
        (S::U16, 1, false) => F::Uint16,
        (S::U16, 2, false) => F::Uint16x2,
        (S::U16, 4, false) => F::Uint16x4,
        (S::U16, 1, true) => F::Unorm16,
        (S::U16, 2, true) => F::Unorm16x2,
        (S::U16, 4, true) => F::Unorm16x4,
        (S::I16, 1, false) => F::Sint16,
        (S::I16, 2, false) => F::Sint16x2,
        (S::I16, 4, false) => F::Sint16x4,
        (S::I16, 1, true) => F::Snorm16,
        (S::I16, 2, true) => F::Snorm16x2,
        (S::I16, 4, true) => F::Snorm16x4,
        (S::U8, 1, false) => F::Uint8,
        (S::U8, 2, false) => F::Uint8x2,
        (S::U8, 4, false) => F::Uint8x4,
        (S::U8, 1, true) => F::Unorm8,
        (S::U8, 2, true) => F::Unorm8x2,
        (S::U8, 4, true) => F::Unorm8x4,
        (S::I8, 1, false) => F::Sint8,
        (S::I8, 2, false) => F::Sint8x2,
        (S::I8, 4, false) => F::Sint8x4,
        (S::I8, 1, true) => F::Snorm8,
        (S::I8, 2, true) => F::Snorm8x2,
        (S::I8, 4, true) => F::Snorm8x4,
        // The panics below name the field (a const panic can carry no other
        // text); the compiler shows the line, and so the reason:
        // - wgpu has no vertex format for 64-bit integers;
        (S::I64 | S::U64, _, _) => panic!("{}", field.ident),
        // - `normalize` applies to 8- and 16-bit integers only;
        (_, _, true) => panic!("{}", field.ident),
        // - nor is there a 3-component 8- or 16-bit vector format.
        _ => panic!("{}", field.ident),
    }
}
