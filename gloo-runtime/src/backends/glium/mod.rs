//! The glium backend: the core's
//! [`GpuContext`](crate::tracking::backend::GpuContext) for glium's context
//! (identity, cost calibration; `context.rs`) and
//! [`GpuResource`](crate::tracking::backend::GpuResource) for its vertex and
//! index buffers (slice writes, GPU-side copies, read-back; `buffer.rs`),
//! the vertex and index sources `draw` takes (`source.rs`), the mapping of
//! gloo's attribute types to glium's (here), and the headless EGL context.

use core::fmt;

use crate::Error;

pub(crate) mod block;
mod buffer;
mod context;
pub mod headless;
mod scatter;
mod source;
mod target;
mod texture;

pub use block::{BoundBlock, GlUniform};
pub use buffer::GlBuffer;
pub use source::{Bound, BoundIndices};
pub use texture::GlTexture;

use crate::__private::BackendIndex;
use crate::backends::Api;
use crate::tracking::block::Block;
use crate::tracking::layout::Vertex;
use crate::tracking::texel::Texel;

/// glium's types, for the list of backends.
#[derive(Debug)]
pub struct Glium;

impl Api for Glium {
    type Context = std::rc::Rc<glium::backend::Context>;
    type VertexBuffer<T: Vertex> = GlBuffer<glium::VertexBuffer<T>>;
    type IndexBuffer<I: BackendIndex + bytemuck::Pod> = GlBuffer<glium::IndexBuffer<I>>;
    type Texture<P: Texel> = GlTexture;
    type BlockBuffer<T: Block> = GlBuffer<glium::buffer::Buffer<[T]>>;
    type UniformBlock<T: Block> = GlUniform<T>;
}

side!(glium, Glium: VertexStorage<T: [Vertex]> => GlBuffer<glium::VertexBuffer<T>>);
side!(glium, Glium: IndexStorage<I: [BackendIndex + bytemuck::Pod]> => GlBuffer<glium::IndexBuffer<I>>);
side!(glium, Glium: TextureStorage<P: [Texel]> => GlTexture);
side!(glium, Glium: BlockStorage<T: [Block]> => GlBuffer<glium::buffer::Buffer<[T]>>);
side!(glium, Glium: UniformStorage<T: [Block]> => GlUniform<T>);

fn creation_error(error: impl fmt::Display) -> Error {
    Error::BufferCreation(error.to_string())
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
