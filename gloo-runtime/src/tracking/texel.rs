//! What a texel is to the core and to every backend: its scalar and
//! channels ([`Texel`], sealed to the formats every backend uploads and
//! reads back as they are), and what creating a texture's GPU copy needs
//! besides its texels (`TextureExtra`). The container, `Texture2d`, is
//! built on them in `containers`.

use crate::tracking::layout::{AttributeType, FieldLayout, ScalarType};

mod sealed {
    pub trait Sealed {}
}

/// A texel type a [`Texture2d`](crate::Texture2d) holds: `u8`, `[u8; 2]`, `[u8; 3]`,
/// `[u8; 4]`, `u16`, `f32`, `[f32; 2]`, `[f32; 3]` or `[f32; 4]`. Sealed:
/// these are the formats every backend can upload and read back as they
/// are.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a texel type",
    note = "texels are u8, [u8; 2], [u8; 3], [u8; 4], u16, f32, [f32; 2], [f32; 3] and [f32; 4]"
)]
pub trait Texel: sealed::Sealed + bytemuck::Pod {
    /// Its scalar and channel count, as an attribute type (a scalar or a
    /// vector of 2 to 4).
    const TYPE: AttributeType;
    /// Its channels as an ndarray element: the texel itself for one
    /// channel, its scalar for more.
    #[cfg(feature = "ndarray")]
    type Scalar: bytemuck::Pod;
    /// A view's dimension: `(height, width)` for one channel, `(height,
    /// width, channels)` for more.
    #[cfg(feature = "ndarray")]
    type Dim: ndarray::Dimension;
    /// The view shape of a `width` × `height` image.
    #[cfg(feature = "ndarray")]
    fn view_dim(width: usize, height: usize) -> Self::Dim;
    #[doc(hidden)]
    const SLOTS: &'static [FieldLayout];
}

macro_rules! texels {
    ($($texel:ty => $scalar:ty, $kind:ident, $channels:tt;)*) => {$(
        impl sealed::Sealed for $texel {}
        impl Texel for $texel {
            const TYPE: AttributeType = if $channels == 1 {
                AttributeType::scalar(ScalarType::$kind)
            } else {
                AttributeType::vector(ScalarType::$kind, $channels)
            };
            #[cfg(feature = "ndarray")]
            type Scalar = $scalar;
            #[cfg(feature = "ndarray")]
            type Dim = texels!(@dim $channels);
            #[cfg(feature = "ndarray")]
            fn view_dim(width: usize, height: usize) -> Self::Dim {
                texels!(@shape $channels, width, height)
            }
            const SLOTS: &'static [FieldLayout] = &[FieldLayout {
                name: "texel",
                ident: "texel",
                offset: 0,
                size: size_of::<$texel>(),
                ty: Some(<$texel as Texel>::TYPE),
                normalize: false,
                location: None,
            }];
        }
    )*};
    (@dim 1) => { ndarray::Ix2 };
    (@dim $channels:literal) => { ndarray::Ix3 };
    (@shape 1, $width:ident, $height:ident) => { ndarray::Dim([$height, $width]) };
    (@shape $channels:literal, $width:ident, $height:ident) => { ndarray::Dim([$height, $width, $channels]) };
}

texels! {
    u8 => u8, U8, 1;
    [u8; 2] => u8, U8, 2;
    [u8; 3] => u8, U8, 3;
    [u8; 4] => u8, U8, 4;
    u16 => u16, U16, 1;
    f32 => f32, F32, 1;
    [f32; 2] => f32, F32, 2;
    [f32; 3] => f32, F32, 3;
    [f32; 4] => f32, F32, 4;
}

/// What creating a texture's GPU copy needs besides its texels.
#[doc(hidden)]
#[derive(Clone, Copy, Debug)]
#[cfg_attr(not(feature = "glium"), allow(dead_code))]
pub struct TextureExtra {
    /// Texels per row.
    pub width: usize,
    /// Whether the GPU copy has mipmaps, regenerated after each upload.
    pub mipmaps: bool,
}
