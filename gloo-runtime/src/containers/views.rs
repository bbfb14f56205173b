//! ndarray views of buffers and of their fields: glumpy's
//! `V["position"][1, :] = 0.5`, `V["color"] *= 0.5`, with the same exact
//! tracking as every other write.
//!
//! A field view has the buffer's axes, then the field's component axes, as
//! numpy gives them (`f32`: none; `[f32; K]`: `K`; `[[f32; C]; R]`: `R, C`),
//! and the scalar as element. A `_mut` view marks, when it is handed out,
//! that field (or, for record views, every field) of exactly the records it
//! covers.

use ndarray::{ArrayView, ArrayViewMut, Axis, Dim, Dimension, Ix, ShapeBuilder, SliceArg, SliceInfoElem, StrideShape};

use crate::containers::buffer::{BufferKind, FieldKind, RecordKind, TrackedBuffer};
use crate::tracking::dirty::DirtyBits;
use crate::tracking::layout::Field;

pub(crate) mod sealed {
    pub trait Sealed {}
}

/// The numbers a field is made of: `f32`, `f64`, `i8` … `u64`.
pub trait Scalar: bytemuck::Pod + sealed::Sealed {}

/// Field types that ndarray views can show as scalars: a scalar, an array
/// of 1 to 4 scalars, or a matrix (array of arrays) of 2 to 4 by 2 to 4.
///
/// `Dim<D>` is the view's dimension for a buffer whose (sliced) axes are
/// `D`: `D` itself for a scalar, one axis more for an array, two for a
/// matrix. `AXES` are the component axes' lengths, outermost first.
pub trait FieldArray: bytemuck::Pod + sealed::Sealed {
    /// The element type of the view.
    type Scalar: Scalar;
    /// The view's dimension over buffer axes `D`.
    type Dim<D: Dimension>: Dimension;
    /// The lengths of the component axes, as stored (outermost first).
    const AXES: &'static [usize];
}

macro_rules! scalars {
    ($($scalar:ty),*) => {$(
        impl sealed::Sealed for $scalar {}
        impl Scalar for $scalar {}
        impl FieldArray for $scalar {
            type Scalar = $scalar;
            type Dim<D: Dimension> = D;
            const AXES: &'static [usize] = &[];
        }
        scalars!(@array $scalar; 1 2 3 4);
        scalars!(@matrix $scalar; 2 3 4);
    )*};
    (@array $scalar:ty; $($k:literal)*) => {$(
        impl sealed::Sealed for [$scalar; $k] {}
        impl FieldArray for [$scalar; $k] {
            type Scalar = $scalar;
            type Dim<D: Dimension> = D::Larger;
            const AXES: &'static [usize] = &[$k];
        }
    )*};
    (@matrix $scalar:ty; $($r:literal)*) => {$(
        scalars!(@rows $scalar; $r; 2 3 4);
    )*};
    (@rows $scalar:ty; $r:literal; $($c:literal)*) => {$(
        impl sealed::Sealed for [[$scalar; $c]; $r] {}
        impl FieldArray for [[$scalar; $c]; $r] {
            type Scalar = $scalar;
            type Dim<D: Dimension> = <D::Larger as Dimension>::Larger;
            const AXES: &'static [usize] = &[$r, $c];
        }
    )*};
}

scalars!(i8, u8, i16, u16, i32, u32, i64, u64, f32, f64);

/// A view of field `F` over buffer axes `D`: its scalars, with the
/// component axes after `D`'s.
pub type FieldView<'a, F, D> = ArrayView<'a, <F as FieldArray>::Scalar, <F as FieldArray>::Dim<D>>;

/// A mutable view of field `F` over buffer axes `D`.
pub type FieldViewMut<'a, F, D> = ArrayViewMut<'a, <F as FieldArray>::Scalar, <F as FieldArray>::Dim<D>>;

/// The dimension of a rank-`N` buffer's views: `Ix1` … `Ix6`.
type BufferDim<const N: usize> = Dim<[Ix; N]>;

/// `shape` as an ndarray dimension.
fn dim_of<const N: usize>(shape: [usize; N]) -> BufferDim<N>
where
    BufferDim<N>: Dimension,
{
    let mut dim = BufferDim::<N>::zeros(N);
    dim.slice_mut().copy_from_slice(&shape);
    dim
}

/// Whether slicing axes of `shape` by `info` stays in bounds, by ndarray's
/// rules (negative indices count from the end; a step is never 0).
fn slice_fits(info: &[SliceInfoElem], shape: &[usize]) -> bool {
    let within = |index: isize, len: usize, inclusive: bool| {
        let at = if index < 0 { len.checked_sub(index.unsigned_abs()) } else { Some(index as usize) };
        at.is_some_and(|at| if inclusive { at <= len } else { at < len })
    };
    let mut axes = shape.iter();
    info.iter().all(|elem| match *elem {
        SliceInfoElem::Slice { start, end, step } => axes
            .next()
            .is_some_and(|&len| step != 0 && within(start, len, true) && end.is_none_or(|end| within(end, len, true))),
        SliceInfoElem::Index(index) => axes.next().is_some_and(|&len| within(index, len, false)),
        SliceInfoElem::NewAxis => true,
    })
}

/// Marks, in `pending`, the bit of `slot` (or, with `None`, every slot) of
/// each record a view covers: the view's first record is `first` records
/// from the start of the data, and its axes are `(length, stride in
/// records)`.
fn mark_view(pending: &mut DirtyBits, first: usize, shape: &[usize], strides: &[isize], slot: Option<usize>) {
    if shape.contains(&0) {
        return;
    }
    let slots = pending.slots();
    let mut axes: Vec<(usize, isize)> =
        shape.iter().zip(strides).map(|(&len, &stride)| (len, stride * slots as isize)).collect();
    let origin = first * slots;
    match slot {
        Some(slot) => pending.mark_grid(origin + slot, &mut axes),
        None => {
            axes.push((slots, 1));
            pending.mark_grid(origin, &mut axes);
        }
    }
}

/// The row-major record view of `data` in `shape`.
fn records_mut<T, const N: usize>(data: &mut [T], shape: [usize; N]) -> ArrayViewMut<'_, T, BufferDim<N>>
where
    BufferDim<N>: Dimension,
{
    // Every shape a buffer has passed `records_of`: ndarray's rule holds.
    ArrayViewMut::from_shape(dim_of(shape), data).expect("the shape's product is the record count")
}

/// The shape and strides (in scalars) of field `F` seen through records
/// of `shape` and non-negative `strides` (in records): the record axes,
/// then the component axes, row-major within the field.
///
/// A view with no element gets row-major strides instead: its records'
/// strides may be 0 on an axis longer than 1 (`[3, 0]`), which ndarray's
/// debug checks take for elements that overlap, though none exist.
fn field_layout<T, F: FieldArray, D: Dimension>(shape: &[usize], strides: &[isize]) -> StrideShape<F::Dim<D>> {
    // At compile time, for each record and field type viewed: a record
    // whose size is no multiple of the field's scalar (a struct of an `f64`
    // and a `u32` where `f64` aligns to 4) has no view in whole scalars.
    const {
        assert!(
            size_of::<T>().is_multiple_of(size_of::<F::Scalar>()),
            "a field view needs records whose size is a whole multiple of the scalar's"
        )
    };
    let scalar = size_of::<F::Scalar>();
    debug_assert_eq!(F::AXES.iter().product::<usize>() * scalar, size_of::<F>(), "the component axes tile the field");
    let ndim = shape.len() + F::AXES.len();
    let (mut out_shape, mut out_strides) = (F::Dim::<D>::zeros(ndim), F::Dim::<D>::zeros(ndim));
    let per_record = size_of::<T>() / scalar;
    for (axis, (&len, &stride)) in shape.iter().zip(strides).enumerate() {
        debug_assert!(stride >= 0);
        out_shape[axis] = len;
        out_strides[axis] = stride as usize * per_record;
    }
    let mut inner = 1;
    for (k, &len) in F::AXES.iter().enumerate().rev() {
        out_shape[shape.len() + k] = len;
        out_strides[shape.len() + k] = inner;
        inner *= len;
    }
    if out_shape.size() == 0 {
        return out_shape.into();
    }
    out_shape.strides(out_strides)
}

/// The first scalar of field `field` of the record at `record`.
fn field_ptr<T, F: FieldArray>(record: *const T, field: Field<T, F>) -> *const F::Scalar {
    record.cast::<u8>().wrapping_add(field.offset()).cast()
}

// SAFETY (both projections below): the records view borrows its records
// for `'a` (uniquely for `project`; it came from slicing a unique view, so
// it covers each record once), its strides are non-negative, and its
// pointer is its lowest record. Every element of the field view is a
// scalar inside field `field` of one of those records: the component axes
// stay within the field's `size_of::<F>()` bytes (row-major over `AXES`,
// whose product times the scalar's size is that size), and the record axes
// step by whole records. Two elements never share an address, and none
// lies in another field. The pointer is aligned: the field's offset is
// aligned for `F`, whose alignment is its scalar's, and the strides are
// whole scalars (`field_layout` checks the record size). A view with no
// element reaches no memory, whatever its strides. The view keeps the
// records view's lifetime, so the buffer stays borrowed as long as it lives.

/// Projects a view of records onto field `field`, as a view of its scalars
/// with the component axes appended.
fn project<'a, T, F: FieldArray, D: Dimension>(
    mut records: ArrayViewMut<'a, T, D>,
    field: Field<T, F>,
) -> FieldViewMut<'a, F, D> {
    // `from_shape_ptr` takes non-negative strides: undo the reversals of
    // `s![..;-1]` on the records, and redo them on the field view.
    let reversed: Vec<usize> = (0..records.ndim()).filter(|&axis| records.strides()[axis] < 0).collect();
    for &axis in &reversed {
        records.invert_axis(Axis(axis));
    }
    let shape = field_layout::<T, F, D>(records.shape(), records.strides());
    let base = field_ptr(records.as_mut_ptr(), field).cast_mut();
    // SAFETY: see above.
    let mut view = unsafe { ArrayViewMut::from_shape_ptr(shape, base) };
    for axis in reversed {
        view.invert_axis(Axis(axis));
    }
    view
}

/// The read-only twin of `project`, for views of whole buffers.
fn project_ref<'a, T, F: FieldArray, D: Dimension>(
    records: ArrayView<'a, T, D>,
    field: Field<T, F>,
) -> FieldView<'a, F, D> {
    let shape = field_layout::<T, F, D>(records.shape(), records.strides());
    // SAFETY: see above; a row-major view of a slice has non-negative strides.
    unsafe { ArrayView::from_shape_ptr(shape, field_ptr(records.as_ptr(), field)) }
}

/// Field views (feature `ndarray`, on by default): one field as an array of
/// its scalars, for ranks 1 to 6. (Views of whole records,
/// [`view`](TrackedBuffer::view) and [`slice_mut`](TrackedBuffer::slice_mut),
/// are shared with index buffers.)
///
/// # Examples
///
/// glumpy's `V["position"][1, :] = 0.5`, `V["color"] *= 0.5` and
/// `V["position"][:, 1] = P`:
///
/// ```
/// use gloo_runtime::headless::HeadlessContext;
/// use gloo_runtime::ndarray::{array, s};
/// use gloo_runtime::{MergePolicy, Vertex, VertexBuffer};
///
/// #[derive(Clone, Copy, Vertex)]
/// #[repr(C)]
/// struct Point {
///     position: [f32; 2],
///     color: [f32; 3],
/// }
///
/// let context = HeadlessContext::new()?;
/// let mut v = VertexBuffer::<Point, 2>::zeros([3, 3]);      // Point as in §3: stride 20
/// v.upload(&context)?;                                      // on the GPU, nothing pending
///
/// // glumpy: V["position"][1, :] = 0.5
/// let mut row = v.slice_field_mut(Point::FIELDS.position, s![1, ..]);
/// assert_eq!(row.shape(), &[3, 2]);                         // buffer axes left, then the field's
/// row.fill(0.5);
/// assert_eq!(v.take_dirty(), Some(60..108));                // records 3..6, their positions only
///
/// // glumpy: V["color"] *= 0.5
/// let mut color = v.field_view_mut(Point::FIELDS.color);    // ArrayViewMut3<'_, f32>
/// assert_eq!(color.shape(), &[3, 3, 3]);
/// color *= 0.5;
/// assert_eq!(v.take_dirty(), Some(8..180));
///
/// // glumpy: V["position"][:, 1] = P   (a column: records 1, 4 and 7)
/// v.slice_field_mut(Point::FIELDS.position, s![.., 1])
///     .assign(&array![[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]);
/// assert_eq!(*v.position(2, 1), [5.0, 6.0]);
/// assert_eq!(v.dirty(), Some(20..148));
/// v.set_policy(MergePolicy::Coalesce { max_gap: 0 });
/// assert_eq!(v.upload_plan(), vec![20..40, 80..100, 140..160]);
/// assert_eq!(v.field_view(Point::FIELDS.position)[[2, 1, 0]], 5.0);
/// # Ok::<(), gloo_runtime::Error>(())
/// ```
impl<K: FieldKind, const N: usize> TrackedBuffer<K, N>
where
    BufferDim<N>: Dimension,
{
    /// Field `field` of every record, as an array of its scalars: the
    /// buffer's axes, then the field's (`[f32; 2]` on a rank-2 buffer gives
    /// an `ArrayView3<f32>`).
    pub fn field_view<F: FieldArray>(&self, field: Field<K::Record, F>) -> FieldView<'_, F, BufferDim<N>> {
        project_ref(self.view(), field)
    }

    /// Field `field` of every record, mutably; marks that field of every
    /// record, and nothing else.
    pub fn field_view_mut<F: FieldArray>(&mut self, field: Field<K::Record, F>) -> FieldViewMut<'_, F, BufferDim<N>> {
        let data = self.core.data.as_ptr();
        let records = records_mut(&mut self.core.data, self.shape);
        mark_records(self.core.pending.get_mut(), data, &records, Some(field.index()));
        project(records, field)
    }

    /// Field `field` of the records that `info` selects, mutably: `info`
    /// (`s![...]`) names the buffer's axes only, as glumpy's index does;
    /// the field's component axes stay whole. Marks that field of exactly
    /// those records.
    ///
    /// # Panics
    ///
    /// If the slice is out of bounds or has a zero step, as ndarray's
    /// slicing does (nothing is marked then); [`try_slice_field_mut`](Self::try_slice_field_mut)
    /// returns `None` instead.
    #[track_caller]
    pub fn slice_field_mut<F: FieldArray, I: SliceArg<BufferDim<N>>>(
        &mut self,
        field: Field<K::Record, F>,
        info: I,
    ) -> FieldViewMut<'_, F, I::OutDim> {
        let data = self.core.data.as_ptr();
        let records = records_mut(&mut self.core.data, self.shape).slice_move(info);
        mark_records(self.core.pending.get_mut(), data, &records, Some(field.index()));
        project(records, field)
    }

    /// As [`slice_field_mut`](Self::slice_field_mut), or `None` (marking
    /// nothing) if the slice is out of bounds or has a zero step.
    pub fn try_slice_field_mut<F: FieldArray, I: SliceArg<BufferDim<N>>>(
        &mut self,
        field: Field<K::Record, F>,
        info: I,
    ) -> Option<FieldViewMut<'_, F, I::OutDim>> {
        slice_fits(info.as_ref(), &self.shape).then(|| self.slice_field_mut(field, info))
    }
}

/// Whole-record views (feature `ndarray`, on by default), for vertex and
/// index buffers alike.
///
/// # Examples
///
/// ```
/// use gloo_runtime::glium::index::PrimitiveType;
/// use gloo_runtime::ndarray::s;
/// use gloo_runtime::IndexBuffer;
///
/// let mut quads = IndexBuffer::<u16, 2>::zeros(PrimitiveType::TrianglesList, [100, 6]);
/// quads.take_dirty();
/// quads.slice_mut(s![10, ..]).assign(&gloo_runtime::ndarray::arr1(&[40, 41, 42, 42, 41, 43]));
/// assert_eq!(quads.dirty(), Some(120..132)); // row 10's six indices
/// assert_eq!(quads.view()[[10, 5]], 43);
/// ```
impl<K: RecordKind, const N: usize> TrackedBuffer<K, N>
where
    BufferDim<N>: Dimension,
{
    /// The records as an N-d array view.
    pub fn view(&self) -> ArrayView<'_, K::Record, BufferDim<N>> {
        ArrayView::from_shape(dim_of(self.shape), &self.core.data).expect("the shape's product is the record count")
    }

    /// The records as an N-d array view, mutably; marks every record.
    pub fn view_mut(&mut self) -> ArrayViewMut<'_, K::Record, BufferDim<N>> {
        self.core.pending.get_mut().mark_all();
        records_mut(&mut self.core.data, self.shape)
    }
}

/// Slices of the records, for every kind: a texture's texels too (see
/// [`Texture2d::view`](crate::Texture2d::view) for its channels).
impl<K: BufferKind, const N: usize> TrackedBuffer<K, N>
where
    BufferDim<N>: Dimension,
{
    /// The records that `info` (`s![...]` over the buffer's axes) selects,
    /// mutably; marks each of them, whole, and nothing else.
    ///
    /// # Panics
    ///
    /// If the slice is out of bounds or has a zero step, as ndarray's
    /// slicing does (nothing is marked then); [`try_slice_mut`](Self::try_slice_mut)
    /// returns `None` instead.
    #[track_caller]
    pub fn slice_mut<I: SliceArg<BufferDim<N>>>(&mut self, info: I) -> ArrayViewMut<'_, K::Record, I::OutDim> {
        let data = self.core.data.as_ptr();
        let records = records_mut(&mut self.core.data, self.shape).slice_move(info);
        mark_records(self.core.pending.get_mut(), data, &records, None);
        records
    }

    /// As [`slice_mut`](Self::slice_mut), or `None` (marking nothing) if the
    /// slice is out of bounds or has a zero step.
    pub fn try_slice_mut<I: SliceArg<BufferDim<N>>>(
        &mut self,
        info: I,
    ) -> Option<ArrayViewMut<'_, K::Record, I::OutDim>> {
        slice_fits(info.as_ref(), &self.shape).then(|| self.slice_mut(info))
    }
}

/// Marks `slot` (every slot with `None`) of the records `view` covers.
fn mark_records<T, D: Dimension>(
    pending: &mut DirtyBits,
    data: *const T,
    view: &ArrayViewMut<'_, T, D>,
    slot: Option<usize>,
) {
    if view.is_empty() {
        return;
    }
    let first = (view.as_ptr() as usize - data as usize) / size_of::<T>();
    mark_view(pending, first, view.shape(), view.strides(), slot);
}
