//! The glium side of [`Texture2d`](crate::Texture2d): a `glium::Texture2d`
//! as the core's storage, written a rectangle a call, read back row by row.

use core::ops::Deref;
use std::borrow::Cow;
use std::rc::Rc;

use glium::backend::Context;
use glium::texture::{ClientFormat, MipmapsOption, RawImage2d, UncompressedFloatFormat};
use glium::CapabilitiesSource;

use super::creation_error;
use crate::tracking::backend::GpuResource;
use crate::tracking::stats::Trace;
use crate::tracking::storage::GpuStorage;
use crate::tracking::texel::{Texel, TextureExtra};
use crate::{Error, Rect, ScalarType, UploadCosts};

/// Runs `$body` with `$image` bound to a `RawImage2d` of `$texels` (a
/// `&[P]`), `$width` × `$height`, in the client format of `P`: glium's
/// image type is generic over the scalar, so each scalar is an arm.
macro_rules! with_image {
    ($texels:expr, $width:expr, $height:expr, |$image:ident| $body:expr) => {{
        let (texels, width, height) = ($texels, $width as u32, $height as u32);
        let format = formats::<P>().0;
        match P::TYPE.scalar {
            ScalarType::U8 => {
                let $image =
                    RawImage2d { data: Cow::Borrowed(bytemuck::cast_slice::<P, u8>(texels)), width, height, format };
                $body
            }
            ScalarType::U16 => {
                let $image =
                    RawImage2d { data: Cow::Borrowed(bytemuck::cast_slice::<P, u16>(texels)), width, height, format };
                $body
            }
            ScalarType::F32 => {
                let $image =
                    RawImage2d { data: Cow::Borrowed(bytemuck::cast_slice::<P, f32>(texels)), width, height, format };
                $body
            }
            _ => unreachable!("Texel is sealed to u8, u16 and f32 channels"),
        }
    }};
}

/// The texel's layout in memory, and the GPU format that holds it as it
/// is: glium gives both the same name.
fn formats<P: Texel>() -> (ClientFormat, UncompressedFloatFormat) {
    macro_rules! both {
        ($($scalar:ident $rows:literal => $name:ident,)*) => {
            match (P::TYPE.scalar, P::TYPE.rows) {
                $((ScalarType::$scalar, $rows) => (ClientFormat::$name, UncompressedFloatFormat::$name),)*
                _ => unreachable!("Texel is sealed"),
            }
        };
    }
    both! {
        U8 1 => U8,
        U8 2 => U8U8,
        U8 3 => U8U8U8,
        U8 4 => U8U8U8U8,
        U16 1 => U16,
        F32 1 => F32,
        F32 2 => F32F32,
        F32 3 => F32F32F32,
        F32 4 => F32F32F32F32,
    }
}

/// Row `y` of `texture` as scalars: one `raw_read` of a single row, as
/// glium reads several rows with a pack alignment of 4 into a tightly
/// packed buffer, which rows of another multiple of bytes overflow.
fn read_row<P: Texel>(texture: &glium::Texture2d, y: u32) -> Vec<P> {
    let image = texture.main_level().first_layer().into_image(None).expect("a 2-D texture has one image");
    let rect = glium::Rect { left: 0, bottom: y, width: texture.width(), height: 1 };
    macro_rules! read {
        ($scalar:ty, $pixel:ty) => {{
            let row: RawImage2d<'_, $scalar> = image.raw_read::<RawImage2d<'_, $scalar>, $pixel>(&rect);
            bytemuck::pod_collect_to_vec(&row.data)
        }};
    }
    match (P::TYPE.scalar, P::TYPE.rows) {
        (ScalarType::U8, 1) => read!(u8, u8),
        (ScalarType::U8, 2) => read!(u8, (u8, u8)),
        (ScalarType::U8, 3) => read!(u8, (u8, u8, u8)),
        (ScalarType::U8, 4) => read!(u8, (u8, u8, u8, u8)),
        (ScalarType::U16, 1) => read!(u16, u16),
        (ScalarType::F32, 1) => read!(f32, f32),
        (ScalarType::F32, 2) => read!(f32, (f32, f32)),
        (ScalarType::F32, 3) => read!(f32, (f32, f32, f32)),
        (ScalarType::F32, 4) => read!(f32, (f32, f32, f32, f32)),
        _ => unreachable!("Texel is sealed"),
    }
}

/// A `glium::Texture2d` and the context it lives in (glium keeps a
/// texture's context to itself).
pub struct GlTexture {
    texture: glium::Texture2d,
    context: Rc<Context>,
}

impl Deref for GlTexture {
    type Target = glium::Texture2d;

    fn deref(&self) -> &glium::Texture2d {
        &self.texture
    }
}

impl core::fmt::Debug for GlTexture {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        self.texture.fmt(f)
    }
}

impl<P: Texel> GpuResource<P> for GlTexture {
    type Context = Rc<Context>;
    type Extra = TextureExtra;
    type Region = Rect;

    fn create(
        context: &Rc<Context>,
        data: &[P],
        _: usize,
        extra: TextureExtra,
        _: GpuStorage,
        _: &mut Trace,
    ) -> Result<Self, Error> {
        let (width, height) = (extra.width, data.len().checked_div(extra.width).unwrap_or(0));
        if width == 0 || height == 0 {
            return Err(Error::BufferCreation(format!(
                "a texture needs at least one texel; this one is {width}x{height}"
            )));
        }
        // glium does not check: GL would refuse the storage, and glium would
        // hand back a texture without it.
        let max = usize::try_from(context.get_capabilities().max_texture_size).unwrap_or(0);
        if width > max || height > max {
            return Err(Error::BufferCreation(format!(
                "a {width}x{height} texture exceeds this context's largest, {max}x{max}"
            )));
        }
        let mipmaps = if extra.mipmaps { MipmapsOption::AutoGeneratedMipmaps } else { MipmapsOption::NoMipmap };
        let texture = with_image!(data, width, height, |image| glium::Texture2d::with_format(
            context,
            image,
            formats::<P>().1,
            mipmaps
        ))
        .map_err(creation_error)?;
        Ok(GlTexture { texture, context: context.clone() })
    }

    fn in_context(&self, context: &Rc<Context>) -> bool {
        Rc::ptr_eq(&self.context, context)
    }

    fn storage(&self) -> GpuStorage {
        GpuStorage::Dynamic
    }

    fn costs(&self) -> UploadCosts {
        UploadCosts::default()
    }

    fn capacity(&self) -> usize {
        self.width() as usize * self.height() as usize
    }

    fn write(&mut self, regions: &[Rect], data: &[P], _: &mut Trace) {
        let width = self.width() as usize;
        for rect in regions {
            let rows = &data[rect.y * width..rect.bottom() * width];
            // Full rows are one block already; a narrower rectangle's rows
            // are gathered into one.
            let texels: Cow<'_, [P]> = if rect.width == width {
                Cow::Borrowed(rows)
            } else {
                rows.chunks(width).flat_map(|row| &row[rect.x..rect.right()]).copied().collect()
            };
            let at = glium::Rect {
                left: rect.x as u32,
                bottom: rect.y as u32,
                width: rect.width as u32,
                height: rect.height as u32,
            };
            with_image!(&*texels, rect.width, rect.height, |image| glium::Texture2d::write(&self.texture, at, image));
        }
    }

    fn grow(&self, _: usize, _: TextureExtra, _: &mut Trace) -> Result<(Self, bool), Error> {
        Err(Error::BufferCreation("a texture keeps its size".into()))
    }

    fn read(&self, _: usize) -> Result<Vec<P>, Error> {
        Ok((0..self.height()).flat_map(|y| read_row::<P>(self, y)).collect())
    }
}
