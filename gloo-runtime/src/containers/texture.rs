//! Textures: glumpy's other `GPUData`. A 2-D image of texels kept on the
//! CPU, tracked texel by texel, sent to the GPU as dirty rectangles: the
//! [`Texels`] kind of [`TrackedBuffer`], rank 2 (rows, then texels a row),
//! whose regions are rectangles.

use core::fmt;
use core::marker::PhantomData;

#[cfg(any(feature = "glium", feature = "wgpu"))]
use crate::backends::target::Binds;
#[cfg(any(feature = "glium", feature = "wgpu"))]
use crate::backends::TextureStorage;
use crate::containers::buffer::{records_of, sealed, BufferKind, TrackedBuffer};
use crate::tracking::backend::GpuResource;
use crate::tracking::plan::{plan_rects, MergePolicy, Rect, UploadCosts};
use crate::tracking::texel::{Texel, TextureExtra};
use crate::tracking::tracked::{try_zeroed_vec, Tracked};
use crate::Error;

/// What a [`Texture2d`] holds: texels `P`, in rows of `width`, with the
/// choice of mipmaps its GPU copy is made with.
pub struct Texels<P> {
    width: usize,
    mipmaps: bool,
    texel: PhantomData<P>,
}

impl<P> Clone for Texels<P> {
    fn clone(&self) -> Self {
        Texels { texel: PhantomData, ..*self }
    }
}

impl<P> fmt::Debug for Texels<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Texels")
    }
}

impl<P: Texel> sealed::Sealed for Texels<P> {}

impl<P: Texel> BufferKind for Texels<P> {
    type Record = P;
    type Region = Rect;
    type Storage = crate::backends::TextureStorage<P>;

    fn extra(&self) -> <Self::Storage as GpuResource<P>>::Extra {
        TextureExtra { width: self.width, mipmaps: self.mipmaps }
    }

    fn plan_shape(&self) -> usize {
        self.width
    }
}

/// A 2-D texture of texels `P`, kept on the CPU and uploaded lazily: only
/// the rectangles written since the last upload are sent, and only when it
/// is bound for a draw.
///
/// Texel `(x, y)` is column `x` of row `y`; row `y = 0` is the first in
/// memory, which GL samples at `t = 0`. Writes go through the tracker
/// (`texel_mut`, `row_mut`, `region_mut`, `fill`, `view_mut`), which marks
/// each texel handed out; [`upload_plan`](Self::upload_plan) turns the
/// marks into rectangles by the [`MergePolicy`].
///
/// # Examples
///
/// ```
/// use gloo_runtime::headless::HeadlessContext;
/// use gloo_runtime::{MergePolicy, Rect, Texture2d};
///
/// let context = HeadlessContext::new()?;
/// let mut t = Texture2d::<[u8; 4]>::zeros(64, 32);           // width, height; all dirty
/// assert_eq!(t.dirty_rect(), Some(Rect::new(0, 0, 64, 32)));
/// t.take_dirty();
/// assert_eq!(t.upload_plan(), vec![Rect::new(0, 0, 64, 32)]); // no GPU copy yet: all of it
/// t.upload(&context)?;
/// *t.texel_mut(3, 2) = [255, 0, 0, 255];                     // x = 3, y = 2
/// *t.texel_mut(10, 5) = [0, 255, 0, 255];
/// assert_eq!(t.dirty_rect(), Some(Rect::new(3, 2, 8, 4)));   // x 3..11, y 2..6
/// assert_eq!(t.upload_plan(), vec![Rect::new(3, 2, 8, 4)]);  // Extent: one rectangle
/// t.set_policy(MergePolicy::Coalesce { max_gap: 0 });
/// assert_eq!(t.upload_plan(), vec![Rect::new(3, 2, 1, 1), Rect::new(10, 5, 1, 1)]);
/// # Ok::<(), gloo_runtime::Error>(())
/// ```
///
/// `Texture2d<P>` is [`TrackedBuffer<Texels<P>, 2>`](TrackedBuffer) of
/// shape `[height, width]`: the methods it shares with the buffers
/// (reading, `at([y, x])`, rows, `fill`, the pending writes, policies,
/// `upload`, `read_gpu`, `stats`, `slice_mut`) are documented there.
pub type Texture2d<P> = TrackedBuffer<Texels<P>, 2>;

impl<P: Texel> Texture2d<P> {
    /// A `width` × `height` texture of zeroed texels, all dirty.
    ///
    /// # Panics
    ///
    /// If its byte size overflows `usize` or memory runs out;
    /// [`try_zeros`](Self::try_zeros) returns the error instead.
    #[track_caller]
    pub fn zeros(width: usize, height: usize) -> Self {
        Self::try_zeros(width, height).unwrap_or_else(|error| panic!("{error}"))
    }

    /// A `width` × `height` texture of zeroed texels, all dirty.
    ///
    /// # Errors
    ///
    /// [`Error::ShapeOverflow`] if its byte size overflows `usize`,
    /// [`Error::OutOfMemory`] if it does not fit in memory.
    pub fn try_zeros(width: usize, height: usize) -> Result<Self, Error> {
        let texels = records_of([width, height], size_of::<P>())?;
        Self::new_dirty(width, height, try_zeroed_vec(texels)?)
    }

    /// A `width` × `height` texture holding `texels`, row after row, all dirty.
    ///
    /// # Errors
    ///
    /// [`Error::ShapeMismatch`] if `texels.len()` is not `width * height`,
    /// [`Error::ShapeOverflow`] if that overflows.
    ///
    /// # Examples
    ///
    /// ```
    /// # use gloo_runtime::{Error, Texture2d};
    /// let t = Texture2d::from_vec(3, 2, vec![7u8; 6])?;
    /// assert_eq!((t.width(), t.height(), *t.texel(2, 1)), (3, 2, 7));
    /// assert!(matches!(Texture2d::from_vec(3, 2, vec![7u8; 5]), Err(Error::ShapeMismatch { expected: 6, actual: 5, .. })));
    /// # Ok::<(), Error>(())
    /// ```
    pub fn from_vec(width: usize, height: usize, texels: Vec<P>) -> Result<Self, Error> {
        let expected = records_of([width, height], size_of::<P>())?;
        if texels.len() != expected {
            return Err(Error::ShapeMismatch { shape: vec![width, height], expected, actual: texels.len() });
        }
        Self::new_dirty(width, height, texels)
    }

    fn new_dirty(width: usize, height: usize, texels: Vec<P>) -> Result<Self, Error> {
        let core = Tracked::new_dirty(texels, P::SLOTS, size_of::<P>())?;
        let kind = Texels { width, mipmaps: false, texel: PhantomData };
        Ok(TrackedBuffer { core, shape: [height, width], kind })
    }

    /// Texels per row.
    pub fn width(&self) -> usize {
        self.shape[1]
    }

    /// Rows.
    pub fn height(&self) -> usize {
        self.shape[0]
    }

    /// The index of texel `(x, y)`, if it is inside.
    fn index(&self, x: usize, y: usize) -> Option<usize> {
        (x < self.width() && y < self.height()).then(|| y * self.width() + x)
    }

    #[track_caller]
    fn index_or_panic(&self, x: usize, y: usize) -> usize {
        match self.index(x, y) {
            Some(index) => index,
            None => panic!("texel ({x}, {y}) out of bounds for a {}x{} texture", self.width(), self.height()),
        }
    }

    /// Texel `(x, y)`.
    ///
    /// # Panics
    ///
    /// If it is out of bounds; [`get_texel`](Self::get_texel) returns `None` instead.
    #[track_caller]
    pub fn texel(&self, x: usize, y: usize) -> &P {
        &self.core.data[self.index_or_panic(x, y)]
    }

    /// Texel `(x, y)`, or `None` if it is out of bounds.
    pub fn get_texel(&self, x: usize, y: usize) -> Option<&P> {
        self.index(x, y).map(|index| &self.core.data[index])
    }

    /// Texel `(x, y)`, mutably; marks it for upload.
    ///
    /// # Panics
    ///
    /// If it is out of bounds (nothing is marked then);
    /// [`get_texel_mut`](Self::get_texel_mut) returns `None` instead.
    #[inline]
    #[track_caller]
    pub fn texel_mut(&mut self, x: usize, y: usize) -> &mut P {
        let index = self.index_or_panic(x, y);
        self.core.pending.get_mut().mark(index);
        &mut self.core.data[index]
    }

    /// Texel `(x, y)`, mutably, or `None` (marking nothing) if it is out of bounds.
    pub fn get_texel_mut(&mut self, x: usize, y: usize) -> Option<&mut P> {
        let index = self.index(x, y)?;
        self.core.pending.get_mut().mark(index);
        Some(&mut self.core.data[index])
    }

    /// The rows of `rect`, each as a `&mut [P]` of `rect.width` texels,
    /// top row first; marks every texel of `rect`.
    ///
    /// # Panics
    ///
    /// If `rect` does not fit in the texture;
    /// [`try_region_mut`](Self::try_region_mut) returns `None` instead.
    ///
    /// # Examples
    ///
    /// A 2×2 brush stroke:
    ///
    /// ```
    /// # use gloo_runtime::{Rect, Texture2d};
    /// let mut t = Texture2d::<[u8; 4]>::zeros(16, 16);
    /// t.take_dirty();
    /// for row in t.region_mut(Rect::new(4, 5, 2, 2)) {
    ///     row.fill([255, 0, 0, 255]);
    /// }
    /// assert_eq!(*t.texel(5, 6), [255, 0, 0, 255]);
    /// assert_eq!(t.dirty_rect(), Some(Rect::new(4, 5, 2, 2)));
    /// ```
    #[track_caller]
    pub fn region_mut(&mut self, rect: Rect) -> impl ExactSizeIterator<Item = &mut [P]> + '_ {
        let (width, height) = (self.width(), self.height());
        match self.try_region_mut(rect) {
            Some(rows) => rows,
            None => panic!("{rect:?} out of bounds for a {width}x{height} texture"),
        }
    }

    /// The rows of `rect`, mutably, or `None` (marking nothing) if it does
    /// not fit in the texture.
    pub fn try_region_mut(&mut self, rect: Rect) -> Option<impl ExactSizeIterator<Item = &mut [P]> + '_> {
        if !rect.fits(self.width(), self.height()) {
            return None;
        }
        let width = self.width();
        let pending = self.core.pending.get_mut();
        for y in rect.y..rect.bottom() {
            pending.mark_records(y * width + rect.x..y * width + rect.right());
        }
        // Split off row after row rather than `chunks_mut`, which cannot
        // make the empty rows of a zero-width texture.
        let mut rest = &mut self.core.data[rect.y * width..rect.bottom() * width];
        Some((0..rect.height).map(move |_| {
            let (row, tail) = core::mem::take(&mut rest).split_at_mut(width);
            rest = tail;
            &mut row[rect.x..rect.right()]
        }))
    }

    /// The exact bounding rectangle of the texels written since the last
    /// upload (or [`take_dirty`](Self::take_dirty)).
    pub fn dirty_rect(&self) -> Option<Rect> {
        let pending = self.core.pending.borrow();
        plan_rects(&pending, self.width(), size_of::<P>(), MergePolicy::Extent, &UploadCosts::default()).pop()
    }

    /// The dirty rectangle, forgetting the writes: the next upload sends
    /// nothing for them.
    pub fn take_dirty(&mut self) -> Option<Rect> {
        let dirty = self.dirty_rect();
        self.core.forget_pending();
        dirty
    }

    /// Exactly the rectangles the next upload sends: the whole texture
    /// before its GPU copy exists, then the pending texels by the
    /// [`MergePolicy`] (see [`plan_rects`](crate::plan::plan_rects)).
    pub fn upload_plan(&self) -> Vec<Rect> {
        self.core.plan(self.width())
    }

    /// Asks for mipmaps, regenerated by the GPU after each upload; takes
    /// effect when the GPU copy is created (the first upload). Off by
    /// default.
    pub fn set_mipmaps(&mut self, mipmaps: bool) {
        self.kind.mipmaps = mipmaps;
    }

    /// Whether the GPU copy has (or will have) mipmaps.
    pub fn mipmaps(&self) -> bool {
        self.kind.mipmaps
    }
}

/// Views, numpy-style: `(height, width)` for one channel, `(height, width,
/// channels)` for more (feature `ndarray`).
#[cfg(feature = "ndarray")]
impl<P: Texel> Texture2d<P> {
    /// The texels as an array, `(height, width)` or `(height, width, channels)`.
    ///
    /// # Examples
    ///
    /// ```
    /// # use gloo_runtime::Texture2d;
    /// let t = Texture2d::<[u8; 3]>::zeros(4, 2);
    /// assert_eq!(t.view().shape(), [2, 4, 3]);
    /// ```
    pub fn view(&self) -> ndarray::ArrayView<'_, P::Scalar, P::Dim> {
        let scalars: &[P::Scalar] = bytemuck::cast_slice(&self.core.data);
        ndarray::ArrayView::from_shape(P::view_dim(self.width(), self.height()), scalars)
            .expect("texels fill the shape")
    }

    /// The texels as a mutable array, `(height, width)` or `(height, width,
    /// channels)`; marks every texel.
    ///
    /// # Examples
    ///
    /// ```
    /// # use gloo_runtime::Texture2d;
    /// use gloo_runtime::ndarray::s;
    /// let mut t = Texture2d::<f32>::zeros(8, 4);
    /// t.view_mut().slice_mut(s![1, ..]).fill(0.5);
    /// assert_eq!(*t.texel(7, 1), 0.5);
    /// ```
    pub fn view_mut(&mut self) -> ndarray::ArrayViewMut<'_, P::Scalar, P::Dim> {
        self.core.pending.get_mut().mark_all();
        let dim = P::view_dim(self.width(), self.height());
        let scalars: &mut [P::Scalar] = bytemuck::cast_slice_mut(&mut self.core.data);
        ndarray::ArrayViewMut::from_shape(dim, scalars).expect("texels fill the shape")
    }
}

/// The GPU side, through glium or wgpu.
#[cfg(any(feature = "glium", feature = "wgpu"))]
impl<P: Texel> Texture2d<P> {
    /// Brings the GPU copy up to date and returns it: through glium the
    /// `glium::Texture2d`, for `uniform!` (as it is, or `.sampled()` with a
    /// filter); through a [`WgpuContext`](crate::WgpuContext) the
    /// `wgpu::Texture`, for a view in a bind group.
    ///
    /// The first call creates the texture (no mipmaps unless
    /// [`set_mipmaps`](Self::set_mipmaps) asked; wgpu generates none, so
    /// there it is an error) and sends every texel; later calls send the
    /// rectangles of [`upload_plan`](Self::upload_plan), one call each.
    ///
    /// # Errors
    ///
    /// [`Error::ContextMismatch`] if the texture lives in another context,
    /// of either backend, [`Error::BufferCreation`] if the backend cannot
    /// create it (no texel; a texel wgpu has no format for).
    pub fn bind<C: Binds<TextureStorage<P>> + ?Sized>(&mut self, target: &C) -> Result<C::Bound<'_>, Error> {
        self.bind_in(target)
    }
}

impl<P: Texel> fmt::Debug for Texture2d<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Texture2d")
            .field("width", &self.width())
            .field("height", &self.height())
            .field("dirty", &self.dirty_rect())
            .field("policy", &self.core.policy)
            .field("uploaded", &self.core.gpu.get().is_some())
            .finish()
    }
}
