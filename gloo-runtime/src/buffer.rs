//! The CPU side: an N-d array of vertices whose every mutable access is tracked.

use core::fmt;
use core::ops::{Deref, DerefMut, Range};

use crate::dirty::DirtyBits;
use crate::gpu::{Gpu, UploadStats};
use crate::layout::{Field, Vertex};
use crate::plan::{self, MergePolicy, UploadCosts};
use crate::Error;

/// An N-d array (row-major) of vertices `T`, kept on the CPU, uploaded lazily.
///
/// Every way to get a `&mut` to the data goes through the dirty tracker, which
/// records the bytes handed out; [`bind`](VertexBuffer::bind) uploads only
/// those (rounded to whole records and merged by the [`MergePolicy`]), and
/// only when the buffer is bound for a draw. A buffer never bound creates no
/// GL object and uploads nothing.
///
/// The struct's named accessors (`position`, `position_mut`, and their
/// `get_*` twins) come from `#[derive(Vertex)]` through `Deref`, for ranks
/// 1 to 3 and wherever `T` and `N` are concrete; generic code uses
/// [`field_mut`](VertexBuffer::field_mut) with a handle from `T::FIELDS`.
///
/// # Examples
///
/// The glumpy example: two writes 16 bytes apart in a 3×3 buffer.
///
/// ```
/// use gloo_runtime::{Vertex, VertexBuffer};
///
/// #[derive(Clone, Copy, Vertex)]
/// #[repr(C)]
/// struct Point {
///     position: [f32; 2],
///     color: [f32; 3],
/// }
///
/// let mut v = VertexBuffer::<Point, 2>::zeros([3, 3]); // 9 records, 180 bytes, all dirty
/// assert_eq!(v.dirty(), Some(0..180));
/// v.take_dirty(); // pretend it was uploaded
/// *v.position_mut(0, 0) = [0.0, 0.0];
/// *v.position_mut(1, 1) = [0.0, 0.0];
/// assert_eq!(v.dirty(), Some(0..88)); // the bytes written, first to last
/// assert_eq!(v.upload_plan(), vec![0..100]); // sent as whole records 0 to 4
/// ```
pub struct VertexBuffer<T: Copy, const N: usize = 1> {
    pub(crate) data: Vec<T>,
    shape: [usize; N],
    pub(crate) pending: DirtyBits,
    policy: MergePolicy,
    costs: UploadCosts,
    pub(crate) gpu: Option<Gpu<T>>,
    pub(crate) stats: UploadStats,
}

/// Checks that `shape` holds a number of records and bytes that fit `usize`
/// (and an allocation, which is limited to `isize::MAX` bytes).
fn records_of<const N: usize>(shape: [usize; N], stride: usize) -> Result<usize, Error> {
    let records = shape.iter().try_fold(1usize, |acc, &axis| acc.checked_mul(axis));
    records
        .filter(|&records| records.checked_mul(stride).is_some_and(|bytes| bytes <= isize::MAX as usize))
        .ok_or_else(|| Error::ShapeOverflow { shape: shape.to_vec() })
}

impl<T: Vertex, const N: usize> VertexBuffer<T, N> {
    /// A buffer of `shape`, every record zeroed, all of it dirty.
    ///
    /// # Panics
    ///
    /// If the shape's record count or byte size overflows; [`try_zeros`](Self::try_zeros)
    /// returns the error instead.
    #[track_caller]
    pub fn zeros(shape: [usize; N]) -> Self {
        Self::try_zeros(shape).unwrap_or_else(|error| panic!("{error}"))
    }

    /// A buffer of `shape`, every record zeroed, all of it dirty.
    ///
    /// # Errors
    ///
    /// [`Error::ShapeOverflow`] if the record count or byte size overflows.
    pub fn try_zeros(shape: [usize; N]) -> Result<Self, Error> {
        let records = records_of(shape, T::LAYOUT.stride)?;
        Ok(Self::new_dirty(shape, vec![T::zeroed(); records]))
    }

    /// A buffer holding `data` in row-major order, all of it dirty.
    ///
    /// # Errors
    ///
    /// [`Error::ShapeMismatch`] if `data.len()` is not the product of `shape`,
    /// [`Error::ShapeOverflow`] if that product overflows.
    ///
    /// # Examples
    ///
    /// ```
    /// # use gloo_runtime::{Error, Vertex, VertexBuffer};
    /// # #[derive(Clone, Copy, Vertex)] #[repr(C)] struct P { x: f32 }
    /// let v = VertexBuffer::<P, 2>::from_vec([2, 3], vec![P { x: 1.0 }; 6])?;
    /// assert_eq!(v.shape(), [2, 3]);
    /// assert!(matches!(
    ///     VertexBuffer::<P, 2>::from_vec([2, 3], vec![P { x: 1.0 }; 5]),
    ///     Err(Error::ShapeMismatch { expected: 6, actual: 5, .. })
    /// ));
    /// # Ok::<(), Error>(())
    /// ```
    pub fn from_vec(shape: [usize; N], data: Vec<T>) -> Result<Self, Error> {
        let expected = records_of(shape, T::LAYOUT.stride)?;
        if data.len() != expected {
            return Err(Error::ShapeMismatch { shape: shape.to_vec(), expected, actual: data.len() });
        }
        Ok(Self::new_dirty(shape, data))
    }

    /// A buffer whose record at each index is `f(index)`, all of it dirty.
    ///
    /// # Panics
    ///
    /// If the shape's record count or byte size overflows.
    ///
    /// # Examples
    ///
    /// ```
    /// # use gloo_runtime::{Vertex, VertexBuffer};
    /// # #[derive(Clone, Copy, Vertex)] #[repr(C)] struct P { x: f32 }
    /// let v = VertexBuffer::<P, 2>::from_fn([2, 3], |[i, j]| P { x: (10 * i + j) as f32 });
    /// assert_eq!(v.at([1, 2]).x, 12.0);
    /// ```
    #[track_caller]
    pub fn from_fn(shape: [usize; N], mut f: impl FnMut([usize; N]) -> T) -> Self {
        let records = records_of(shape, T::LAYOUT.stride).unwrap_or_else(|error| panic!("{error}"));
        let data = (0..records).map(|flat| f(unravel(flat, shape))).collect();
        Self::new_dirty(shape, data)
    }

    fn new_dirty(shape: [usize; N], data: Vec<T>) -> Self {
        let mut pending = DirtyBits::new(data.len(), T::LAYOUT.fields.len());
        pending.mark_all();
        VertexBuffer {
            data,
            shape,
            pending,
            policy: MergePolicy::default(),
            costs: UploadCosts::default(),
            gpu: None,
            stats: UploadStats::default(),
        }
    }

    /// The shape, one length per axis.
    pub fn shape(&self) -> [usize; N] {
        self.shape
    }

    /// The number of records.
    pub fn len(&self) -> usize {
        self.data.len()
    }

    /// Whether the buffer holds no record.
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    /// The size of the data in bytes.
    pub fn nbytes(&self) -> usize {
        self.data.len() * T::LAYOUT.stride
    }

    /// The records in row-major order.
    pub fn as_slice(&self) -> &[T] {
        &self.data
    }

    /// The records as bytes, exactly as they are uploaded.
    pub fn as_bytes(&self) -> &[u8] {
        bytemuck::cast_slice(&self.data)
    }

    /// The row-major position of `index`, or `None` if it is out of bounds.
    #[inline(always)]
    fn flat(&self, index: [usize; N]) -> Option<usize> {
        let mut flat = 0usize;
        for (&i, &len) in index.iter().zip(&self.shape) {
            if i >= len {
                return None;
            }
            flat = flat * len + i;
        }
        Some(flat)
    }

    #[inline(always)]
    #[track_caller]
    fn flat_or_panic(&self, index: [usize; N]) -> usize {
        match self.flat(index) {
            Some(flat) => flat,
            None => out_of_bounds(&index, &self.shape),
        }
    }

    /// The record at `index`, or `None` if it is out of bounds.
    pub fn get(&self, index: [usize; N]) -> Option<&T> {
        self.flat(index).map(|flat| &self.data[flat])
    }

    /// The record at `index`.
    ///
    /// # Panics
    ///
    /// If `index` is out of bounds: `index [3, 0] out of bounds for shape [3, 3]`.
    #[track_caller]
    pub fn at(&self, index: [usize; N]) -> &T {
        &self.data[self.flat_or_panic(index)]
    }

    /// The record at `index`, mutably, or `None` (marking nothing) if it is out of bounds.
    pub fn get_mut(&mut self, index: [usize; N]) -> Option<&mut T> {
        let flat = self.flat(index)?;
        self.pending.mark_records(flat..flat + 1);
        Some(&mut self.data[flat])
    }

    /// The record at `index`, mutably; marks the whole record for upload.
    ///
    /// # Panics
    ///
    /// If `index` is out of bounds (nothing is marked then).
    ///
    /// # Examples
    ///
    /// ```
    /// # use gloo_runtime::{Vertex, VertexBuffer};
    /// # #[derive(Clone, Copy, Vertex)] #[repr(C)] struct Point { position: [f32; 2], color: [f32; 3] }
    /// let mut v = VertexBuffer::<Point, 2>::zeros([3, 3]);
    /// v.take_dirty();
    /// v.at_mut([2, 2]).color = [1.0, 0.0, 0.0];
    /// assert_eq!(v.dirty(), Some(160..180));
    /// ```
    #[track_caller]
    pub fn at_mut(&mut self, index: [usize; N]) -> &mut T {
        let flat = self.flat_or_panic(index);
        self.pending.mark_records(flat..flat + 1);
        &mut self.data[flat]
    }

    /// Field `field` of the record at `index`.
    ///
    /// # Panics
    ///
    /// If `index` is out of bounds.
    #[inline]
    #[track_caller]
    pub fn field<F>(&self, field: Field<T, F>, index: [usize; N]) -> &F {
        field.get(&self.data[self.flat_or_panic(index)])
    }

    /// Field `field` of the record at `index`, or `None` if it is out of bounds.
    #[inline]
    pub fn get_field<F>(&self, field: Field<T, F>, index: [usize; N]) -> Option<&F> {
        self.flat(index).map(|flat| field.get(&self.data[flat]))
    }

    /// Field `field` of the record at `index`, mutably; marks the field's bytes
    /// for upload. This is what the named `*_mut` accessors call, and the hot
    /// path: one bounds check per axis and one bit set.
    ///
    /// # Panics
    ///
    /// If `index` is out of bounds (nothing is marked then).
    ///
    /// # Examples
    ///
    /// ```
    /// # use gloo_runtime::{Vertex, VertexBuffer};
    /// # #[derive(Clone, Copy, Vertex)] #[repr(C)] struct Point { position: [f32; 2], color: [f32; 3] }
    /// let mut v = VertexBuffer::<Point, 2>::zeros([3, 3]);
    /// v.take_dirty();
    /// *v.field_mut(Point::FIELDS.color, [1, 1]) = [1.0, 1.0, 0.0];
    /// assert_eq!(v.dirty(), Some(88..100));
    /// ```
    #[inline]
    #[track_caller]
    pub fn field_mut<F>(&mut self, field: Field<T, F>, index: [usize; N]) -> &mut F {
        let flat = self.flat_or_panic(index);
        self.mark_field(flat, field.index(), size_of::<F>());
        field.get_mut(&mut self.data[flat])
    }

    /// Field `field` of the record at `index`, mutably, or `None` (marking
    /// nothing) if it is out of bounds.
    #[inline]
    pub fn get_field_mut<F>(&mut self, field: Field<T, F>, index: [usize; N]) -> Option<&mut F> {
        let flat = self.flat(index)?;
        self.mark_field(flat, field.index(), size_of::<F>());
        Some(field.get_mut(&mut self.data[flat]))
    }

    #[inline(always)]
    fn mark_field(&mut self, flat: usize, field: usize, size: usize) {
        // A zero-sized field has no bytes to send.
        if size != 0 {
            self.pending.mark(flat * T::LAYOUT.fields.len() + field);
        }
    }

    /// Sets every record to `value`; marks everything.
    pub fn fill(&mut self, value: T) {
        self.data.fill(value);
        self.pending.mark_all();
    }

    /// Sets field `field` of every record to `value`; marks that field of every record.
    ///
    /// # Examples
    ///
    /// ```
    /// # use gloo_runtime::{Vertex, VertexBuffer};
    /// # #[derive(Clone, Copy, Vertex)] #[repr(C)] struct Point { position: [f32; 2], color: [f32; 3] }
    /// let mut v = VertexBuffer::<Point>::zeros([4]);
    /// v.take_dirty();
    /// v.fill_field(Point::FIELDS.color, [1.0, 1.0, 0.0]);
    /// assert_eq!(v.dirty(), Some(8..80)); // from the first colour to the last
    /// ```
    pub fn fill_field<F: Copy>(&mut self, field: Field<T, F>, value: F) {
        for flat in 0..self.data.len() {
            self.mark_field(flat, field.index(), size_of::<F>());
            *field.get_mut(&mut self.data[flat]) = value;
        }
    }

    /// Overwrites every record from `src`; marks everything.
    ///
    /// # Panics
    ///
    /// If `src.len() != self.len()`, like [`slice::copy_from_slice`];
    /// [`try_copy_from_slice`](Self::try_copy_from_slice) returns an error instead.
    #[track_caller]
    pub fn copy_from_slice(&mut self, src: &[T]) {
        self.try_copy_from_slice(src).unwrap_or_else(|error| panic!("{error}"));
    }

    /// Overwrites every record from `src`; marks everything.
    ///
    /// # Errors
    ///
    /// [`Error::ShapeMismatch`] (nothing written or marked) if `src.len() != self.len()`.
    pub fn try_copy_from_slice(&mut self, src: &[T]) -> Result<(), Error> {
        if src.len() != self.data.len() {
            let (expected, actual) = (self.data.len(), src.len());
            return Err(Error::ShapeMismatch { shape: self.shape.to_vec(), expected, actual });
        }
        self.data.copy_from_slice(src);
        self.pending.mark_all();
        Ok(())
    }

    /// The records in `range` of the row-major order, mutably; marks them all
    /// (an empty range marks nothing).
    ///
    /// # Panics
    ///
    /// If the range is out of bounds or decreasing, like slice indexing.
    ///
    /// # Examples
    ///
    /// ```
    /// # use gloo_runtime::{Vertex, VertexBuffer};
    /// # #[derive(Clone, Copy, Vertex)] #[repr(C)] struct Point { position: [f32; 2], color: [f32; 3] }
    /// let mut v = VertexBuffer::<Point, 2>::zeros([3, 3]);
    /// v.take_dirty();
    /// for p in v.records_mut(3..6) {
    ///     p.position[1] = 1.0;
    /// }
    /// assert_eq!(v.dirty(), Some(60..120));
    /// ```
    #[track_caller]
    pub fn records_mut(&mut self, range: Range<usize>) -> &mut [T] {
        if range.start > range.end || range.end > self.data.len() {
            range_out_of_bounds(&range, self.data.len());
        }
        self.pending.mark_records(range.clone());
        &mut self.data[range]
    }

    /// The records in `range`, mutably, or `None` (marking nothing) if the
    /// range is out of bounds or decreasing.
    pub fn try_records_mut(&mut self, range: Range<usize>) -> Option<&mut [T]> {
        if range.start > range.end || range.end > self.data.len() {
            return None;
        }
        self.pending.mark_records(range.clone());
        Some(&mut self.data[range])
    }

    /// The byte extent of the pending writes: from the first byte written to
    /// the last, whatever the policy. `None` when nothing is pending.
    pub fn dirty(&self) -> Option<Range<usize>> {
        let first = self.pending.next_one(0)?;
        let last = self.pending.last_one()?;
        Some(self.slot_bytes(first).start..self.slot_bytes(last).end)
    }

    /// The byte range of one bit of the pending set.
    fn slot_bytes(&self, bit: usize) -> Range<usize> {
        let fields = T::LAYOUT.fields;
        let (record, field) = (bit / fields.len(), &fields[bit % fields.len()]);
        let start = record * T::LAYOUT.stride + field.offset;
        start..start + field.size
    }

    /// Returns [`dirty`](Self::dirty) and forgets the pending writes, as an
    /// upload would.
    pub fn take_dirty(&mut self) -> Option<Range<usize>> {
        let dirty = self.dirty();
        self.pending.clear();
        dirty
    }

    /// Exactly the byte ranges the next [`bind`](Self::bind) would send, one
    /// upload call each: the pending writes rounded out to whole records and
    /// merged by the [`MergePolicy`]. Sorted, disjoint, record-aligned.
    pub fn upload_plan(&self) -> Vec<Range<usize>> {
        let runs = self.pending.record_runs();
        plan::plan(runs, T::LAYOUT.stride, self.data.len(), self.policy, &self.costs)
    }

    /// The distinct bytes made dirty since the last upload.
    pub(crate) fn bytes_pending(&self) -> usize {
        let fields = T::LAYOUT.fields;
        if fields.iter().all(|field| field.size == fields[0].size) {
            return self.pending.count() * fields[0].size;
        }
        self.pending.ones().map(|bit| fields[bit % fields.len()].size).sum()
    }

    /// Sets how pending writes become upload calls.
    pub fn set_policy(&mut self, policy: MergePolicy) {
        self.policy = policy;
    }

    /// The current merge policy.
    pub fn policy(&self) -> MergePolicy {
        self.policy
    }

    /// Sets the cost model [`MergePolicy::Auto`] plans with.
    pub fn set_upload_costs(&mut self, costs: UploadCosts) {
        self.costs = costs;
    }

    /// The cost model [`MergePolicy::Auto`] plans with.
    pub fn upload_costs(&self) -> UploadCosts {
        self.costs
    }
}

impl<T: Vertex> VertexBuffer<T, 2> {
    /// Row `i` (records `[i, 0]` to `[i, n - 1]`).
    ///
    /// # Panics
    ///
    /// If `i` is out of bounds; [`get_row`](Self::get_row) returns `None` instead.
    #[track_caller]
    pub fn row(&self, i: usize) -> &[T] {
        match self.get_row(i) {
            Some(row) => row,
            None => out_of_bounds(&[i, 0], &self.shape),
        }
    }

    /// Row `i`, or `None` if it is out of bounds.
    pub fn get_row(&self, i: usize) -> Option<&[T]> {
        let cols = self.shape[1];
        (i < self.shape[0]).then(|| &self.data[i * cols..(i + 1) * cols])
    }

    /// Row `i`, mutably; marks the whole row.
    ///
    /// # Panics
    ///
    /// If `i` is out of bounds (nothing is marked then); [`get_row_mut`](Self::get_row_mut)
    /// returns `None` instead.
    #[track_caller]
    pub fn row_mut(&mut self, i: usize) -> &mut [T] {
        let shape = self.shape;
        match self.get_row_mut(i) {
            Some(row) => row,
            None => out_of_bounds(&[i, 0], &shape),
        }
    }

    /// Row `i`, mutably, or `None` (marking nothing) if it is out of bounds.
    pub fn get_row_mut(&mut self, i: usize) -> Option<&mut [T]> {
        let cols = self.shape[1];
        (i < self.shape[0]).then(|| self.try_records_mut(i * cols..(i + 1) * cols).expect("row in bounds"))
    }
}

/// The index of the `flat`-th record in row-major order.
fn unravel<const N: usize>(mut flat: usize, shape: [usize; N]) -> [usize; N] {
    let mut index = [0; N];
    for axis in (0..N).rev() {
        index[axis] = flat % shape[axis];
        flat /= shape[axis];
    }
    index
}

#[cold]
#[inline(never)]
#[track_caller]
fn out_of_bounds(index: &[usize], shape: &[usize]) -> ! {
    panic!("index {index:?} out of bounds for shape {shape:?}")
}

#[cold]
#[inline(never)]
#[track_caller]
fn range_out_of_bounds(range: &Range<usize>, len: usize) -> ! {
    panic!("record range {range:?} out of bounds for {len} records")
}

impl<T: Vertex, const N: usize> Deref for VertexBuffer<T, N> {
    type Target = T::Accessors<N>;

    fn deref(&self) -> &T::Accessors<N> {
        // SAFETY: `Vertex`'s contract makes `Accessors<N>` a
        // `repr(transparent)` wrapper around `VertexBuffer<T, N>`.
        unsafe { &*(self as *const Self).cast::<T::Accessors<N>>() }
    }
}

impl<T: Vertex, const N: usize> DerefMut for VertexBuffer<T, N> {
    fn deref_mut(&mut self) -> &mut T::Accessors<N> {
        // SAFETY: as in `deref`; the exclusive borrow carries over.
        unsafe { &mut *(self as *mut Self).cast::<T::Accessors<N>>() }
    }
}

/// A copy of the CPU data, entirely dirty, with no GPU object: GL buffers
/// are not shared between gloo buffers.
impl<T: Vertex, const N: usize> Clone for VertexBuffer<T, N> {
    fn clone(&self) -> Self {
        let mut copy = Self::new_dirty(self.shape, self.data.clone());
        copy.policy = self.policy;
        copy.costs = self.costs;
        copy
    }
}

impl<T: Vertex, const N: usize> fmt::Debug for VertexBuffer<T, N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VertexBuffer")
            .field("vertex", &T::LAYOUT.name)
            .field("shape", &self.shape)
            .field("dirty", &self.dirty())
            .field("policy", &self.policy)
            .field("uploaded", &self.gpu.is_some())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::unravel;

    #[test]
    fn unravel_is_row_major() {
        assert_eq!(unravel(0, [3, 4]), [0, 0]);
        assert_eq!(unravel(5, [3, 4]), [1, 1]);
        assert_eq!(unravel(23, [2, 3, 4]), [1, 2, 3]);
    }
}
