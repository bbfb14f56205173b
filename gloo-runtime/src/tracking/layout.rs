//! What `#[derive(Vertex)]` proves about a struct: its layout and its field handles.

use core::fmt;
use core::marker::PhantomData;

/// A `#[repr(C)]` struct whose layout is known and proven free of padding.
///
/// Do not implement this by hand: `#[derive(Vertex)]` does, after checking at
/// compile time that the struct is `#[repr(C)]`, that every field is
/// [`bytemuck::Pod`] (or a tuple of such scalars laid out like an array) and
/// that there is no padding anywhere.
///
/// # What the derive generates
///
/// - this trait, with [`LAYOUT`](Vertex::LAYOUT) usable in const context;
/// - `glium::Vertex`, so the struct also works with plain glium;
/// - `bytemuck::Pod` and `bytemuck::Zeroable`;
/// - typed handles `Point::FIELDS.position: Field<Point, [f32; 2]>` (a
///   `PointFields` struct beside yours), for [`VertexBuffer::field_mut`](crate::VertexBuffer::field_mut)
///   and the other generic accessors;
/// - named accessors on `VertexBuffer<Point, N>` for ranks 1 to 3:
///   `position(i, j)`, `position_mut(i, j)`, `get_position(i, j)`,
///   `get_position_mut(i, j)` (on a `PointAccessors<N>` beside yours, which
///   the buffer dereferences to). Fields whose names start with `_` get none.
///
/// # Field types
///
/// A field not marked `#[vertex(skip)]` is an [`AttributeField`]: a scalar
/// (`f32`, `u8`, …), an array of 2 to 4 of them, a square matrix. Or it is a
/// tuple of 2 to 4 equal scalars, as glium's examples write them:
/// `(f32, f32, f32)` is the attribute `[f32; 3]` is (a `vec3` in the
/// shader), and its accessors give tuples. The derive proves at compile
/// time, with `offset_of!` on each element, that the tuple is laid out like
/// that array; a tuple of mixed types, of 1 or more than 4 elements, a
/// nested one, or one behind a type alias is a compile error. The
/// numpy-style field views of the feature `ndarray` (`field_view` and its
/// kin) need `FieldArray`, which no tuple is: they are not available for a
/// tuple field; use an array field where you need them.
///
/// ```
/// # use gloo_runtime::{AttributeField, Vertex, VertexBuffer};
/// #[derive(Clone, Copy, Vertex)]
/// #[repr(C)]
/// struct Point {
///     position: (f32, f32, f32),
///     #[vertex(normalize)]
///     color: (u8, u8, u8, u8),
/// }
/// assert_eq!(Point::LAYOUT.fields[0].ty, Some(<[f32; 3]>::TYPE));
/// assert_eq!(Point::LAYOUT.fields[1].offset, 12);
///
/// let mut v = VertexBuffer::<Point>::zeros([4]);
/// v.take_dirty();
/// *v.position_mut(1) = (1.0, 2.0, 3.0);
/// assert_eq!(v.position(1).2, 3.0);
/// assert_eq!(v.dirty(), Some(16..28)); // record 1's `position`, no more
/// ```
///
/// # Field options
///
/// Every option goes in one `#[vertex(...)]` attribute (or several); an
/// unknown or repeated one is a compile error.
///
/// `name = "..."`: the name the shader sees, when it differs from the field's.
///
/// ```
/// # use gloo_runtime::Vertex;
/// #[derive(Clone, Copy, Vertex)]
/// #[repr(C)]
/// struct Point {
///     #[vertex(name = "a_position")]
///     position: [f32; 2],
/// }
/// assert_eq!(Point::LAYOUT.fields[0].name, "a_position");
/// assert_eq!(Point::LAYOUT.fields[0].ident, "position");
/// ```
///
/// `location = N`: binds the attribute to `layout(location = N)` in the
/// shader instead of by name. A matrix takes one location per column; two
/// attributes whose locations overlap are a compile error naming both.
///
/// ```
/// # use gloo_runtime::Vertex;
/// #[derive(Clone, Copy, Vertex)]
/// #[repr(C)]
/// struct Instance {
///     #[vertex(location = 0)]
///     transform: [[f32; 4]; 4], // locations 0 to 3
///     #[vertex(location = 4)]
///     tint: [f32; 4],
/// }
/// assert_eq!(Instance::LAYOUT.fields[1].location, Some(4));
/// ```
///
/// `normalize`: integer data reaches the shader as floats in `0.0..=1.0`
/// (unsigned) or `-1.0..=1.0` (signed): `[u8; 4]` colours as `vec4`. On a
/// float field it would do nothing, so it is a compile error there.
///
/// ```
/// # use gloo_runtime::Vertex;
/// #[derive(Clone, Copy, Vertex)]
/// #[repr(C)]
/// struct Point {
///     position: [f32; 2],
///     #[vertex(normalize)]
///     color: [u8; 4],
/// }
/// assert!(Point::LAYOUT.fields[1].normalize);
/// ```
///
/// `skip`: the field takes its bytes in the record (and is uploaded with it)
/// but is no shader attribute: explicit padding, or CPU-side data. It must
/// still be plain old data: a flag is `u8` or `u32`, not `bool`.
///
/// ```
/// # use gloo_runtime::Vertex;
/// #[derive(Clone, Copy, Vertex)]
/// #[repr(C)]
/// struct Particle {
///     position: [f32; 3],
///     #[vertex(skip)]
///     alive: u8,
///     #[vertex(skip)]
///     _pad: [u8; 3],
/// }
/// assert_eq!(Particle::LAYOUT.stride, 16);
/// assert_eq!(Particle::LAYOUT.fields[1].ty, None);
/// ```
///
/// `accessor = "..."`: another base name for the named accessors, needed
/// when the field's own would collide with a `VertexBuffer` method (`len`,
/// `shape`, …: the derive says so). A field whose name starts with `_` gets
/// no accessors of its own (by Rust's convention it is not meant to be
/// used: padding), but does get those this option names: wgpu's examples
/// name their attributes `_pos` and `_color`.
///
/// ```
/// # use gloo_runtime::{Vertex, VertexBuffer};
/// #[derive(Clone, Copy, Vertex)]
/// #[repr(C)]
/// struct Segment {
///     #[vertex(accessor = "length")]
///     len: f32,
///     #[vertex(accessor = "pos")]
///     _pos: [f32; 4],
/// }
/// let mut v = VertexBuffer::<Segment>::zeros([2]);
/// *v.length_mut(1) = 3.0;
/// *v.pos_mut(1) = [1.0, 2.0, 0.0, 1.0];
/// assert_eq!((*v.length(1), v.pos(1)[1]), (3.0, 2.0));
/// assert_eq!(Segment::LAYOUT.fields[1].name, "_pos"); // the shader's name is unchanged
/// ```
///
/// # Struct option
///
/// `#[vertex(crate = "path")]`: where the generated code finds this crate,
/// for a crate that re-exports gloo (`mygfx::gloo`) to users who do not
/// depend on it directly. It changes where names are looked up, never what
/// is proven: the `Pod` checks are written inline against the very traits
/// implemented, so a path to something other than gloo fails to compile.
///
/// ```
/// mod mygfx {
///     pub mod gloo {
///         pub use gloo_runtime::*; // what a crate re-exporting gloo offers
///     }
/// }
///
/// #[derive(Clone, Copy, mygfx::gloo::Vertex)]
/// #[vertex(crate = "mygfx::gloo")]
/// #[repr(C)]
/// struct Point {
///     position: [f32; 2],
/// }
/// let v = mygfx::gloo::VertexBuffer::<Point>::zeros([4]);
/// assert_eq!(v.nbytes(), 32);
/// ```
///
/// # Safety
///
/// - [`LAYOUT`](Vertex::LAYOUT) describes `Self` exactly: `stride` is
///   `size_of::<Self>()`, the fields are listed in memory order and tile the
///   struct with no gap, each `offset` is the field's `offset_of!`.
///
/// # Examples
///
/// ```
/// use gloo_runtime::Vertex;
///
/// #[derive(Clone, Copy, Vertex)]
/// #[repr(C)]
/// struct Point {
///     position: [f32; 2],
///     color: [f32; 3],
/// }
///
/// const STRIDE: usize = Point::LAYOUT.stride;
/// assert_eq!(STRIDE, 20);
/// assert_eq!(Point::LAYOUT.fields[1].offset, 8);
/// assert_eq!(Point::LAYOUT.fields[1].name, "color");
/// ```
pub unsafe trait Vertex: crate::__private::BackendVertex + bytemuck::Pod {
    /// The layout of `Self`, usable in const context.
    const LAYOUT: Layout;
}

/// The memory layout of a vertex struct, as `#[derive(Vertex)]` computed it.
///
/// # Examples
///
/// ```
/// use gloo_runtime::glium::vertex::AttributeType;
/// use gloo_runtime::Vertex;
///
/// #[derive(Clone, Copy, Vertex)]
/// #[repr(C)]
/// struct Point {
///     position: [f32; 2],
///     #[vertex(normalize)]
///     color: [u8; 4],
/// }
///
/// let layout = Point::LAYOUT;
/// assert_eq!((layout.name, layout.stride), ("Point", 12));
/// let color = &layout.fields[1];
/// assert_eq!((color.offset, color.size, color.bytes()), (8, 4, 8..12));
/// assert_eq!(color.ty.map(|ty| ty.glium()), Some(AttributeType::U8U8U8U8));
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Layout {
    /// The struct's name, for messages and pictures.
    pub name: &'static str,
    /// Size of one record in bytes (`size_of::<T>()`).
    pub stride: usize,
    /// Every field in memory order, skipped ones included; together they tile
    /// `0..stride` with no gap.
    pub fields: &'static [FieldLayout],
}

/// One field of a [`Layout`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FieldLayout {
    /// The name the shader sees (the field's name unless `#[vertex(name = "...")]`).
    pub name: &'static str,
    /// The Rust field's name, without `r#`.
    pub ident: &'static str,
    /// Byte offset in the record, from `core::mem::offset_of!`.
    pub offset: usize,
    /// Size in bytes.
    pub size: usize,
    /// How the shader reads it; `None` for a `#[vertex(skip)]` field, which
    /// takes space in the record but is not a shader attribute. gloo's own
    /// type: each backend maps it to its API's (`AttributeType::glium`).
    pub ty: Option<AttributeType>,
    /// Whether integer data is normalized to `0.0..=1.0` (`#[vertex(normalize)]`).
    pub normalize: bool,
    /// The shader location, if fixed with `#[vertex(location = N)]`.
    pub location: Option<u32>,
}

impl FieldLayout {
    /// The byte range of this field inside a record.
    pub const fn bytes(&self) -> core::ops::Range<usize> {
        self.offset..self.offset + self.size
    }
}

/// A typed handle to field `F` of vertex `T`: `Point::FIELDS.position`.
///
/// Handles are made by `#[derive(Vertex)]` and passed to generic accessors
/// such as [`VertexBuffer::field_mut`](crate::VertexBuffer::field_mut) and
/// [`VertexBuffer::fill_field`](crate::VertexBuffer::fill_field).
///
/// `FIELDS` is an associated const of the struct itself, not of the
/// [`Vertex`] trait: `T::FIELDS` does not resolve on a type parameter, and
/// could not name a field if it did. Generic code takes the handle as an
/// argument, and the caller, who knows the type, passes it in.
///
/// # Examples
///
/// ```
/// use gloo_runtime::{Field, Vertex, VertexBuffer};
///
/// #[derive(Clone, Copy, Vertex)]
/// #[repr(C)]
/// struct Point {
///     position: [f32; 2],
///     color: [f32; 3],
/// }
///
/// /// Moves one vertex of a buffer of any vertex type and rank by `delta`.
/// fn nudge<T: Vertex, const N: usize>(
///     v: &mut VertexBuffer<T, N>,
///     position: Field<T, [f32; 2]>,
///     at: [usize; N],
///     delta: [f32; 2],
/// ) {
///     let p = v.field_mut(position, at); // marks that field of that record
///     *p = [p[0] + delta[0], p[1] + delta[1]];
/// }
///
/// let mut v = VertexBuffer::<Point, 2>::zeros([2, 2]);
/// v.take_dirty();
/// nudge(&mut v, Point::FIELDS.position, [1, 1], [1.0, 0.5]);
/// assert_eq!(*v.position(1, 1), [1.0, 0.5]);
/// assert_eq!(v.dirty(), Some(60..68));
///
/// let color = Point::FIELDS.color;
/// assert_eq!((color.index(), color.offset(), color.size(), color.bytes()), (1, 8, 12, 8..20));
/// ```
pub struct Field<T, F> {
    index: usize,
    offset: usize,
    _types: PhantomData<fn(T) -> F>,
}

impl<T, F> Field<T, F> {
    /// Makes a handle for the field at position `index` of `T::LAYOUT.fields`.
    ///
    /// # Safety
    ///
    /// `T` must be a [`Vertex`] whose field number `index` has type `F` and
    /// starts at byte `offset`. `#[derive(Vertex)]` guarantees this; do not
    /// call it by hand.
    #[doc(hidden)]
    pub const unsafe fn new_unchecked(index: usize, offset: usize) -> Self {
        Field { index, offset, _types: PhantomData }
    }

    /// The position of the field in `T::LAYOUT.fields`.
    pub const fn index(self) -> usize {
        self.index
    }

    /// The byte offset of the field in the record.
    pub const fn offset(self) -> usize {
        self.offset
    }

    /// The field's size in bytes.
    pub const fn size(self) -> usize {
        size_of::<F>()
    }

    /// The field's byte range inside a record.
    pub const fn bytes(self) -> core::ops::Range<usize> {
        self.offset..self.offset + size_of::<F>()
    }

    /// Projects a record onto this field.
    pub fn get(self, record: &T) -> &F {
        // SAFETY: `new_unchecked`'s contract: a field of type `F` lives at
        // `offset` inside every `T`, so the pointer is in bounds, aligned and
        // initialized, and it borrows from `record`.
        unsafe { &*(record as *const T).cast::<u8>().add(self.offset).cast::<F>() }
    }

    /// Projects a record onto this field, mutably.
    pub fn get_mut(self, record: &mut T) -> &mut F {
        // SAFETY: as in `get`; the exclusive borrow of `record` covers the field.
        unsafe { &mut *(record as *mut T).cast::<u8>().add(self.offset).cast::<F>() }
    }
}

impl<T, F> Clone for Field<T, F> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T, F> Copy for Field<T, F> {}

impl<T: Vertex, F> fmt::Debug for Field<T, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let field = &T::LAYOUT.fields[self.index];
        write!(f, "Field({}.{} @ {})", T::LAYOUT.name, field.ident, self.offset)
    }
}

/// The field types that are vertex attributes: those of glium's
/// `Attribute` that are also plain old data.
///
/// `f32`, `f64`, `i8`, `u8`, `i16`, `u16`, `i32`, `u32`, `i64`, `u64`, arrays
/// of 2 to 4 of them (`[f32; 2]`, `[u8; 4]`, …) and square `f32` or `f64`
/// matrices (`[[f32; 4]; 4]`, stored column by column). `#[derive(Vertex)]`
/// requires it of every field not marked `#[vertex(skip)]`, except a tuple.
///
/// A tuple of 2 to 4 equal scalars, such as `(f32, f32)`, is no
/// `AttributeField`: Rust does not fix a tuple's layout, so it is not
/// [`bytemuck::Pod`]. `#[derive(Vertex)]` accepts it as a field all the
/// same, when the tuple is written out in the field's type: it then proves
/// each element `Pod` and the elements laid out like the array `[f32; 2]`,
/// and gives the field that array's attribute type (see [`Vertex`]).
///
/// Types from elsewhere are not attributes here:
///
/// - a flag: store `u8` or `u32` (0 or 1); `bool` is not plain old data;
/// - a tuple behind a type alias, inside an array, of mixed types or of
///   more than 4 elements: use an array such as `[f32; 2]`;
/// - a math library's vector or matrix (`nalgebra::Vector3`,
///   `cgmath::Matrix4`): store the array it converts to (`[f32; 3]`,
///   `[[f32; 4]; 4]`), for example with `v.to_array()` or `.into()`. With
///   the feature `glam`, glam's vectors and matrices are attributes
///   themselves.
///
/// # Examples
///
/// ```
/// use gloo_runtime::{AttributeField, Vertex};
///
/// fn is_attribute<T: AttributeField>() {}
/// is_attribute::<[u8; 4]>();
/// is_attribute::<[[f32; 4]; 4]>();
///
/// #[derive(Clone, Copy, Vertex)]
/// #[repr(C)]
/// struct Particle {
///     position: [f32; 3], // glam's `Vec3::to_array()` gives this
///     alive: u32,         // not `bool`
/// }
/// # let _ = Particle { position: [0.0; 3], alive: 1 };
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a vertex attribute type",
    label = "this field's type has no vertex attribute type",
    note = "attributes are f32, f64, i8, u8, i16, u16, i32, u32, i64, u64, arrays of 2 to 4 of them \
            such as `[f32; 2]`, and square f32 or f64 matrices such as `[[f32; 4]; 4]`",
    note = "for a flag, use `u8` or `u32` (0 or 1): `bool` is no attribute, and not plain old data either",
    note = "a tuple of 2 to 4 equal scalars such as `(f32, f32)` is accepted only when written out in the field's \
            type, where the derive proves its layout; behind a type alias or inside an array it is not: use the \
            array `[f32; 2]`",
    note = "a math library's type such as `glam::Vec3` is no attribute here: store the array it converts \
            to, such as `[f32; 3]` (`v.to_array()`, `.into()`)",
    note = "for CPU-only data the shader must not see, mark the field `#[vertex(skip)]`; it must still be \
            plain old data"
)]
pub trait AttributeField: bytemuck::Pod {
    /// How the shader reads it.
    const TYPE: AttributeType;
}

macro_rules! attribute_fields {
    ($($scalar:ty => $kind:ident),*) => {$(
        impl AttributeField for $scalar {
            const TYPE: AttributeType = AttributeType::scalar(ScalarType::$kind);
        }
        impl AttributeField for [$scalar; 2] {
            const TYPE: AttributeType = AttributeType::vector(ScalarType::$kind, 2);
        }
        impl AttributeField for [$scalar; 3] {
            const TYPE: AttributeType = AttributeType::vector(ScalarType::$kind, 3);
        }
        impl AttributeField for [$scalar; 4] {
            const TYPE: AttributeType = AttributeType::vector(ScalarType::$kind, 4);
        }
    )*};
}

attribute_fields!(i8 => I8, u8 => U8, i16 => I16, u16 => U16, i32 => I32, u32 => U32, i64 => I64, u64 => U64, f32 => F32, f64 => F64);

macro_rules! square_matrices {
    ($($scalar:ty => $kind:ident),*) => {$(
        impl AttributeField for [[$scalar; 2]; 2] {
            const TYPE: AttributeType = AttributeType::matrix(ScalarType::$kind, 2, 2);
        }
        impl AttributeField for [[$scalar; 3]; 3] {
            const TYPE: AttributeType = AttributeType::matrix(ScalarType::$kind, 3, 3);
        }
        impl AttributeField for [[$scalar; 4]; 4] {
            const TYPE: AttributeType = AttributeType::matrix(ScalarType::$kind, 4, 4);
        }
    )*};
}

square_matrices!(f32 => F32, f64 => F64);

/// The numbers an attribute is made of.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ScalarType {
    /// `i8`.
    I8,
    /// `u8`.
    U8,
    /// `i16`.
    I16,
    /// `u16`.
    U16,
    /// `i32`.
    I32,
    /// `u32`.
    U32,
    /// `i64`.
    I64,
    /// `u64`.
    U64,
    /// `f32`.
    F32,
    /// `f64`.
    F64,
}

impl ScalarType {
    /// The size of one scalar in bytes.
    pub const fn size(self) -> usize {
        match self {
            ScalarType::I8 | ScalarType::U8 => 1,
            ScalarType::I16 | ScalarType::U16 => 2,
            ScalarType::I32 | ScalarType::U32 | ScalarType::F32 => 4,
            ScalarType::I64 | ScalarType::U64 | ScalarType::F64 => 8,
        }
    }
}

/// How a shader reads a field: a scalar, a vector of 2 to 4 scalars, or a
/// matrix of 2 to 4 columns of 2 to 4 scalars each. gloo's own description,
/// free of any GPU API; each backend maps it to its own
/// ([`glium`](AttributeType::glium) for glium). Whether integers are
/// normalized is [`FieldLayout::normalize`].
///
/// # Examples
///
/// ```
/// use gloo_runtime::{AttributeField, AttributeType, ScalarType};
///
/// assert_eq!(<[u8; 4]>::TYPE, AttributeType::vector(ScalarType::U8, 4));
/// let matrix = <[[f32; 4]; 4]>::TYPE;
/// assert_eq!((matrix.columns, matrix.rows, matrix.size()), (4, 4, 64));
/// assert_eq!(matrix.locations(), 4); // one per column
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct AttributeType {
    /// The scalar every component is.
    pub scalar: ScalarType,
    /// Components per column: 1 for a scalar, 2 to 4 for a vector or a
    /// matrix column.
    pub rows: u8,
    /// Columns: 1 for a scalar or vector, 2 to 4 for a matrix.
    pub columns: u8,
}

impl AttributeType {
    /// One scalar.
    pub const fn scalar(scalar: ScalarType) -> Self {
        AttributeType { scalar, rows: 1, columns: 1 }
    }

    /// A vector of `components` scalars (1 is a scalar).
    pub const fn vector(scalar: ScalarType, components: u8) -> Self {
        AttributeType { scalar, rows: components, columns: 1 }
    }

    /// A matrix of `columns` columns of `rows` scalars, stored column by column.
    pub const fn matrix(scalar: ScalarType, columns: u8, rows: u8) -> Self {
        AttributeType { scalar, rows, columns }
    }

    /// The size in bytes.
    pub const fn size(self) -> usize {
        self.scalar.size() * self.rows as usize * self.columns as usize
    }

    /// How many consecutive shader locations it takes: one per matrix
    /// column (a vertex shader input takes one location even as a `dvec4`).
    pub const fn locations(self) -> u32 {
        self.columns as u32
    }
}
