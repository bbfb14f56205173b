//! What glium's facades are to the containers' GPU methods: a
//! [`GpuTarget`], and what `bind` returns in one.

use glium::backend::Facade;

use crate::backends::glium::{Bound, BoundBlock, BoundIndices};
use crate::backends::target::{sealed, Binds, GpuTarget};
use crate::backends::{BlockStorage, Context, IndexStorage, TextureStorage, UniformStorage, VertexStorage};
use crate::tracking::block::Block;
use crate::tracking::texel::Texel;
use crate::Error;

impl<F: Facade + ?Sized> sealed::Sealed for F {}

impl<F: Facade + ?Sized> GpuTarget for F {
    fn backend_context(&self) -> Context {
        Context::Glium(self.get_context().clone())
    }
}

impl<F: Facade + ?Sized, T: crate::Vertex> Binds<VertexStorage<T>> for F {
    type Bound<'a>
        = Bound<'a, T>
    where
        T: 'a;

    fn bound(storage: &VertexStorage<T>, len: usize) -> Result<Bound<'_, T>, Error> {
        Ok(Bound::new(storage.glium().ok_or(Error::ContextMismatch)?, len))
    }
}

impl<F: Facade + ?Sized, I: crate::IndexType> Binds<IndexStorage<I>> for F {
    type Bound<'a>
        = BoundIndices<'a, I>
    where
        I: 'a;

    fn bound(storage: &IndexStorage<I>, len: usize) -> Result<BoundIndices<'_, I>, Error> {
        Ok(BoundIndices::new(storage.glium().ok_or(Error::ContextMismatch)?, len))
    }
}

/// The texture, for `uniform!` (as it is, or `.sampled()`).
impl<F: Facade + ?Sized, P: Texel> Binds<TextureStorage<P>> for F {
    type Bound<'a> = &'a glium::Texture2d;

    fn bound(storage: &TextureStorage<P>, _: usize) -> Result<&glium::Texture2d, Error> {
        storage.glium().map(|texture| &**texture).ok_or(Error::ContextMismatch)
    }
}

/// The records, for `uniform!`: a block whose one member is an array of
/// them (`buffer Particles { Particle p[]; }`, or a std140 array in a
/// uniform block).
impl<F: Facade + ?Sized, T: Block> Binds<BlockStorage<T>> for F {
    type Bound<'a> = BoundBlock<'a>;

    fn bound(storage: &BlockStorage<T>, _: usize) -> Result<BoundBlock<'_>, Error> {
        storage.glium().map(|buffer| BoundBlock::array::<T>(buffer.as_slice_any())).ok_or(Error::ContextMismatch)
    }
}

/// The block, for `uniform!`.
impl<F: Facade + ?Sized, T: Block> Binds<UniformStorage<T>> for F {
    type Bound<'a> = BoundBlock<'a>;

    fn bound(storage: &UniformStorage<T>, _: usize) -> Result<BoundBlock<'_>, Error> {
        storage.glium().map(|uniform| BoundBlock::one::<T>(uniform.slice())).ok_or(Error::ContextMismatch)
    }
}
