//! What a [`WgpuContext`] is to the containers' GPU methods: a
//! [`GpuTarget`], and what `bind` returns in one.

use crate::__private::BackendIndex;
use crate::backends::target::{sealed, Binds, GpuTarget};
use crate::backends::{BlockStorage, Context, IndexStorage, TextureStorage, UniformStorage, VertexStorage};
use crate::tracking::block::Block;
use crate::tracking::layout::Vertex;
use crate::tracking::texel::Texel;
use crate::{Error, WgpuContext};

impl sealed::Sealed for WgpuContext {}

impl GpuTarget for WgpuContext {
    fn backend_context(&self) -> Context {
        Context::Wgpu(self.clone())
    }
}

/// A `wgpu::BufferSlice` over the first `len` records, for
/// `set_vertex_buffer`.
impl<T: Vertex> Binds<VertexStorage<T>> for WgpuContext {
    type Bound<'a>
        = wgpu::BufferSlice<'a>
    where
        T: 'a;

    fn bound(storage: &VertexStorage<T>, len: usize) -> Result<wgpu::BufferSlice<'_>, Error> {
        storage.wgpu().map(|buffer| buffer.slice(len)).ok_or(Error::ContextMismatch)
    }
}

/// A `wgpu::BufferSlice` over the first `len` indices, for
/// `set_index_buffer`.
impl<I: BackendIndex + bytemuck::Pod> Binds<IndexStorage<I>> for WgpuContext {
    type Bound<'a>
        = wgpu::BufferSlice<'a>
    where
        I: 'a;

    fn bound(storage: &IndexStorage<I>, len: usize) -> Result<wgpu::BufferSlice<'_>, Error> {
        storage.wgpu().map(|buffer| buffer.slice(len)).ok_or(Error::ContextMismatch)
    }
}

/// The `wgpu::Texture`, for a view in a bind group.
impl<P: Texel> Binds<TextureStorage<P>> for WgpuContext {
    type Bound<'a>
        = &'a wgpu::Texture
    where
        P: 'a;

    fn bound(storage: &TextureStorage<P>, _: usize) -> Result<&wgpu::Texture, Error> {
        storage.wgpu().map(|texture| texture.texture()).ok_or(Error::ContextMismatch)
    }
}

/// A `wgpu::BindingResource` over the first `len` records, for a bind
/// group entry of a storage (or, for std140 records, uniform) binding.
impl<T: Block> Binds<BlockStorage<T>> for WgpuContext {
    type Bound<'a>
        = wgpu::BindingResource<'a>
    where
        T: 'a;

    fn bound(storage: &BlockStorage<T>, len: usize) -> Result<wgpu::BindingResource<'_>, Error> {
        Ok(first_bytes(storage.wgpu().ok_or(Error::ContextMismatch)?.buffer(), len * size_of::<T>()))
    }
}

/// A `wgpu::BindingResource` over the block, for a bind group entry of a
/// uniform binding.
impl<T: Block> Binds<UniformStorage<T>> for WgpuContext {
    type Bound<'a>
        = wgpu::BindingResource<'a>
    where
        T: 'a;

    fn bound(storage: &UniformStorage<T>, _: usize) -> Result<wgpu::BindingResource<'_>, Error> {
        Ok(first_bytes(storage.wgpu().ok_or(Error::ContextMismatch)?.buffer(), size_of::<T>()))
    }
}

/// The first `bytes` of `buffer` for a bind group entry (the whole buffer
/// where that is none: wgpu binds no empty range).
fn first_bytes(buffer: &wgpu::Buffer, bytes: usize) -> wgpu::BindingResource<'_> {
    match wgpu::BufferSize::new(bytes as u64) {
        Some(size) => wgpu::BindingResource::Buffer(wgpu::BufferBinding { buffer, offset: 0, size: Some(size) }),
        None => buffer.as_entire_binding(),
    }
}
