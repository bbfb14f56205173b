//! The wgpu side of [`Texture2d`](crate::Texture2d): a `wgpu::Texture` as
//! the core's storage, written a rectangle a `queue.write_texture`, read
//! back through a buffer.

use ::wgpu::{
    Buffer, CommandEncoder, Extent3d, Origin3d, TexelCopyBufferInfo, TexelCopyBufferLayout, TexelCopyTextureInfo,
    Texture, TextureAspect, TextureDescriptor, TextureDimension, TextureFormat, TextureUsages,
    COPY_BYTES_PER_ROW_ALIGNMENT,
};

use super::WgpuContext;
use crate::tracking::backend::{GpuContext, GpuResource};
use crate::tracking::stats::Trace;
use crate::tracking::storage::GpuStorage;
use crate::tracking::texel::{Texel, TextureExtra};
use crate::{Error, Rect, ScalarType, UploadCosts};

/// A wgpu texture as a texture container keeps it.
#[derive(Debug)]
pub struct WgpuTexture {
    texture: Texture,
    context: WgpuContext,
}

impl WgpuTexture {
    /// The wgpu texture, for a bind group (through `create_view`).
    pub fn texture(&self) -> &Texture {
        &self.texture
    }
}

/// The wgpu format that holds texels `P` as they are, if wgpu has one:
/// 8-bit channels normalized, as glium's are; `u16` as `R16Unorm` (wgpu's
/// feature `TEXTURE_FORMAT_16BIT_NORM`); no 3-channel formats.
fn format<P: Texel>() -> Result<TextureFormat, Error> {
    let format = match (P::TYPE.scalar, P::TYPE.rows) {
        (ScalarType::U8, 1) => Some(TextureFormat::R8Unorm),
        (ScalarType::U8, 2) => Some(TextureFormat::Rg8Unorm),
        (ScalarType::U8, 4) => Some(TextureFormat::Rgba8Unorm),
        (ScalarType::U16, 1) => Some(TextureFormat::R16Unorm),
        (ScalarType::F32, 1) => Some(TextureFormat::R32Float),
        (ScalarType::F32, 2) => Some(TextureFormat::Rg32Float),
        (ScalarType::F32, 4) => Some(TextureFormat::Rgba32Float),
        _ => None,
    };
    format.ok_or_else(|| {
        Error::BufferCreation(format!(
            "wgpu has no texture format for {}-channel texels; use 1, 2 or 4 channels",
            P::TYPE.rows
        ))
    })
}

/// The texels `P` of a width × height texture, all in one texture.
impl<P: Texel> GpuResource<P> for WgpuTexture {
    type Context = WgpuContext;
    type Extra = TextureExtra;
    type Region = Rect;

    fn create(
        context: &WgpuContext,
        data: &[P],
        _: usize,
        extra: TextureExtra,
        _: GpuStorage,
        trace: &mut Trace,
    ) -> Result<Self, Error> {
        let (width, height) = (extra.width, data.len().checked_div(extra.width).unwrap_or(0));
        if width == 0 || height == 0 {
            return Err(Error::BufferCreation(format!(
                "a texture needs at least one texel; this one is {width}x{height}"
            )));
        }
        if extra.mipmaps {
            return Err(Error::BufferCreation("wgpu generates no mipmaps: gloo's wgpu textures have one level".into()));
        }
        let max = context.device().limits().max_texture_dimension_2d as usize;
        if width > max || height > max {
            return Err(Error::BufferCreation(format!(
                "a {width}x{height} texture exceeds this device's largest, {max}x{max}"
            )));
        }
        let format = format::<P>()?;
        if !format.required_features().is_empty() && !context.device().features().contains(format.required_features()) {
            return Err(Error::BufferCreation(format!(
                "{format:?} textures need the device feature {:?}",
                format.required_features()
            )));
        }
        let texture = context.scoped(Error::BufferCreation, || {
            Ok(context.device().create_texture(&TextureDescriptor {
                label: Some("gloo"),
                size: Extent3d { width: width as u32, height: height as u32, depth_or_array_layers: 1 },
                mip_level_count: 1,
                sample_count: 1,
                dimension: TextureDimension::D2,
                format,
                usage: TextureUsages::TEXTURE_BINDING | TextureUsages::COPY_DST | TextureUsages::COPY_SRC,
                view_formats: &[],
            }))
        })?;
        let mut storage = WgpuTexture { texture, context: context.clone() };
        GpuResource::<P>::write(&mut storage, &[Rect::new(0, 0, width, height)], data, trace);
        Ok(storage)
    }

    fn in_context(&self, context: &WgpuContext) -> bool {
        self.context.same(context)
    }

    fn storage(&self) -> GpuStorage {
        GpuStorage::Dynamic
    }

    fn costs(&self) -> UploadCosts {
        self.context.upload_costs()
    }

    fn capacity(&self) -> usize {
        self.texture.width() as usize * self.texture.height() as usize
    }

    /// One `write_texture` per rectangle, straight from the texels: the
    /// layout's row pitch skips the texels left and right of it.
    fn write(&mut self, regions: &[Rect], data: &[P], _: &mut Trace) {
        let context = &self.context;
        let width = self.texture.width() as usize;
        let bytes: &[u8] = bytemuck::cast_slice(data);
        let texel = size_of::<P>();
        for rect in regions.iter().filter(|rect| rect.area() > 0) {
            let first = (rect.y * width + rect.x) * texel;
            let last = ((rect.bottom() - 1) * width + rect.right()) * texel;
            context.queue().write_texture(
                TexelCopyTextureInfo {
                    texture: &self.texture,
                    mip_level: 0,
                    origin: Origin3d { x: rect.x as u32, y: rect.y as u32, z: 0 },
                    aspect: TextureAspect::All,
                },
                &bytes[first..last],
                TexelCopyBufferLayout { offset: 0, bytes_per_row: Some((width * texel) as u32), rows_per_image: None },
                Extent3d { width: rect.width as u32, height: rect.height as u32, depth_or_array_layers: 1 },
            );
        }
    }

    fn grow(&self, _: usize, _: TextureExtra, _: &mut Trace) -> Result<(Self, bool), Error> {
        Err(Error::BufferCreation("a texture keeps its size".into()))
    }

    /// The texels, row after row, through a buffer whose rows are padded to
    /// wgpu's 256-byte copy pitch.
    fn read(&self, _: usize) -> Result<Vec<P>, Error> {
        let context = &self.context;
        let (width, height) = (self.texture.width(), self.texture.height());
        let row = width as usize * size_of::<P>();
        let pitch = row.next_multiple_of(COPY_BYTES_PER_ROW_ALIGNMENT as usize);
        let copy = |encoder: &mut CommandEncoder, staging: &Buffer| {
            let layout = TexelCopyBufferLayout { offset: 0, bytes_per_row: Some(pitch as u32), rows_per_image: None };
            let destination = TexelCopyBufferInfo { buffer: staging, layout };
            encoder.copy_texture_to_buffer(self.texture.as_image_copy(), destination, self.texture.size());
        };
        context.read_back("a wgpu texture", (pitch * height as usize) as u64, copy, |bytes| {
            let texels: Vec<u8> = bytes.chunks_exact(pitch).flat_map(|bytes| &bytes[..row]).copied().collect();
            bytemuck::pod_collect_to_vec(&texels)
        })
    }
}
