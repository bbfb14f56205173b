//! What `#[derive(Vertex)]` generates, checked against the compiler
//! (`offset_of!`, `size_of`) and against glium's own `implement_vertex!` on
//! an identical twin struct, for every field type glium's `Attribute` covers
//! that is also plain old data, and for the tuples of 2 to 4 equal scalars
//! that glium's examples use.

use core::mem::{offset_of, size_of};

use gloo_runtime::glium::vertex::AttributeType;
use gloo_runtime::glium::Vertex as GliumVertex;
use gloo_runtime::{bytemuck, glium, Vertex, VertexBuffer};

/// A field's attribute type in glium's words: gloo's own type, mapped by
/// the glium backend.
fn glium_type(field: &gloo_runtime::FieldLayout) -> Option<AttributeType> {
    field.ty.map(gloo_runtime::AttributeType::glium)
}

/// `T`'s two descriptions agree: every attribute of `T::LAYOUT` is in
/// `build_bindings`, at the same offset, with the same type, normalization
/// and location, in the same order; the fields tile the stride.
fn assert_consistent<T: Vertex>() {
    let layout = T::LAYOUT;
    assert_eq!(layout.stride, size_of::<T>(), "{}: stride", layout.name);
    let mut end = 0;
    for field in layout.fields {
        assert_eq!(field.offset, end, "{}.{}: fields must tile the record", layout.name, field.ident);
        end = field.bytes().end;
    }
    assert_eq!(end, layout.stride, "{}: the last field must end the record", layout.name);

    let attributes: Vec<_> = layout.fields.iter().filter(|field| field.ty.is_some()).collect();
    let bindings = T::build_bindings();
    assert_eq!(attributes.len(), bindings.len(), "{}: one binding per attribute", layout.name);
    for (field, (name, offset, location, ty, normalize)) in attributes.iter().zip(bindings) {
        assert_eq!(field.name, name, "{}: shader name", layout.name);
        assert_eq!(field.offset, *offset, "{}.{}: offset", layout.name, field.ident);
        assert_eq!(glium_type(field), Some(*ty), "{}.{}: type", layout.name, field.ident);
        assert_eq!(field.normalize, *normalize, "{}.{}: normalize", layout.name, field.ident);
        let expected = field.location.map_or(-1, |location| location as i32);
        assert_eq!(expected, *location, "{}.{}: location", layout.name, field.ident);
    }
}

/// A struct deriving `Vertex` and its twin with glium's `implement_vertex!`.
macro_rules! twins {
    ($derived:ident, $twin:ident { $($field:ident: $ty:ty),+ $(,)? }) => {
        #[derive(Clone, Copy, Debug, Default, PartialEq, Vertex)]
        #[repr(C)]
        struct $derived {
            $($field: $ty),+
        }

        #[derive(Clone, Copy)]
        #[repr(C)]
        #[allow(dead_code)] // only its layout is used
        struct $twin {
            $($field: $ty),+
        }

        gloo_runtime::glium::implement_vertex!($twin, $($field),+);

        // Identical declarations, identical layouts: checked, not assumed.
        const _: () = {
            assert!(size_of::<$derived>() == size_of::<$twin>());
            $(assert!(offset_of!($derived, $field) == offset_of!($twin, $field));)+
        };
    };
}

// Ordered by alignment, so that there is no padding.
twins!(
    Scalars,
    ScalarsTwin { a: i64, b: u64, c: f64, d: f32, e: i32, f: u32, g: i16, h: u16, i: i8, j: u8, k: u16, l: f32 }
);
twins!(ArraysF32, ArraysF32Twin { a2: [f32; 2], a3: [f32; 3], a4: [f32; 4] });
twins!(ArraysF64, ArraysF64Twin { a2: [f64; 2], a3: [f64; 3], a4: [f64; 4] });
twins!(ArraysI8, ArraysI8Twin { a2: [i8; 2], a3: [i8; 3], a4: [i8; 4] });
twins!(ArraysU8, ArraysU8Twin { a2: [u8; 2], a3: [u8; 3], a4: [u8; 4] });
twins!(ArraysI16, ArraysI16Twin { a2: [i16; 2], a3: [i16; 3], a4: [i16; 4] });
twins!(ArraysU16, ArraysU16Twin { a2: [u16; 2], a3: [u16; 3], a4: [u16; 4] });
twins!(ArraysI32, ArraysI32Twin { a2: [i32; 2], a3: [i32; 3], a4: [i32; 4] });
twins!(ArraysU32, ArraysU32Twin { a2: [u32; 2], a3: [u32; 3], a4: [u32; 4] });
twins!(ArraysI64, ArraysI64Twin { a2: [i64; 2], a3: [i64; 3], a4: [i64; 4] });
twins!(ArraysU64, ArraysU64Twin { a2: [u64; 2], a3: [u64; 3], a4: [u64; 4] });
twins!(MatricesF32, MatricesF32Twin { m2: [[f32; 2]; 2], m3: [[f32; 3]; 3], m4: [[f32; 4]; 4] });
twins!(MatricesF64, MatricesF64Twin { m2: [[f64; 2]; 2], m3: [[f64; 3]; 3], m4: [[f64; 4]; 4] });
// Through `macro_rules!`, whose `$ty:ty` wraps each tuple in an invisible group.
twins!(TuplesF32, TuplesF32Twin { t2: (f32, f32), t3: (f32, f32, f32), t4: (f32, f32, f32, f32) });
twins!(TuplesF64, TuplesF64Twin { t2: (f64, f64), t3: (f64, f64, f64), t4: (f64, f64, f64, f64) });
twins!(TuplesI8, TuplesI8Twin { t2: (i8, i8), t3: (i8, i8, i8), t4: (i8, i8, i8, i8) });
twins!(TuplesU8, TuplesU8Twin { t2: (u8, u8), t3: (u8, u8, u8), t4: (u8, u8, u8, u8) });
twins!(TuplesI16, TuplesI16Twin { t2: (i16, i16), t3: (i16, i16, i16), t4: (i16, i16, i16, i16) });
twins!(TuplesU16, TuplesU16Twin { t2: (u16, u16), t3: (u16, u16, u16), t4: (u16, u16, u16, u16) });
twins!(TuplesI32, TuplesI32Twin { t2: (i32, i32), t3: (i32, i32, i32), t4: (i32, i32, i32, i32) });
twins!(TuplesU32, TuplesU32Twin { t2: (u32, u32), t3: (u32, u32, u32), t4: (u32, u32, u32, u32) });
twins!(TuplesI64, TuplesI64Twin { t2: (i64, i64), t3: (i64, i64, i64), t4: (i64, i64, i64, i64) });
twins!(TuplesU64, TuplesU64Twin { t2: (u64, u64), t3: (u64, u64, u64), t4: (u64, u64, u64, u64) });

fn assert_same_as_glium<T: Vertex, Twin: GliumVertex>() {
    assert_eq!(T::build_bindings(), Twin::build_bindings(), "{}", T::LAYOUT.name);
    assert_consistent::<T>();
}

#[test]
fn every_attribute_type_matches_implement_vertex() {
    assert_same_as_glium::<Scalars, ScalarsTwin>();
    assert_same_as_glium::<ArraysF32, ArraysF32Twin>();
    assert_same_as_glium::<ArraysF64, ArraysF64Twin>();
    assert_same_as_glium::<ArraysI8, ArraysI8Twin>();
    assert_same_as_glium::<ArraysU8, ArraysU8Twin>();
    assert_same_as_glium::<ArraysI16, ArraysI16Twin>();
    assert_same_as_glium::<ArraysU16, ArraysU16Twin>();
    assert_same_as_glium::<ArraysI32, ArraysI32Twin>();
    assert_same_as_glium::<ArraysU32, ArraysU32Twin>();
    assert_same_as_glium::<ArraysI64, ArraysI64Twin>();
    assert_same_as_glium::<ArraysU64, ArraysU64Twin>();
    assert_same_as_glium::<MatricesF32, MatricesF32Twin>();
    assert_same_as_glium::<MatricesF64, MatricesF64Twin>();
    assert_same_as_glium::<TuplesF32, TuplesF32Twin>();
    assert_same_as_glium::<TuplesF64, TuplesF64Twin>();
    assert_same_as_glium::<TuplesI8, TuplesI8Twin>();
    assert_same_as_glium::<TuplesU8, TuplesU8Twin>();
    assert_same_as_glium::<TuplesI16, TuplesI16Twin>();
    assert_same_as_glium::<TuplesU16, TuplesU16Twin>();
    assert_same_as_glium::<TuplesI32, TuplesI32Twin>();
    assert_same_as_glium::<TuplesU32, TuplesU32Twin>();
    assert_same_as_glium::<TuplesI64, TuplesI64Twin>();
    assert_same_as_glium::<TuplesU64, TuplesU64Twin>();
}

/// A tuple of `n` scalars is the attribute that `[S; n]` is: the shader
/// reads `vec3` from `(f32, f32, f32)`.
#[test]
fn tuples_read_as_arrays_do() {
    fn types<T: Vertex>() -> Vec<Option<gloo_runtime::AttributeType>> {
        T::LAYOUT.fields.iter().map(|field| field.ty).collect()
    }
    assert_eq!(types::<TuplesF32>(), types::<ArraysF32>());
    assert_eq!(types::<TuplesF64>(), types::<ArraysF64>());
    assert_eq!(types::<TuplesI8>(), types::<ArraysI8>());
    assert_eq!(types::<TuplesU8>(), types::<ArraysU8>());
    assert_eq!(types::<TuplesI16>(), types::<ArraysI16>());
    assert_eq!(types::<TuplesU16>(), types::<ArraysU16>());
    assert_eq!(types::<TuplesI32>(), types::<ArraysI32>());
    assert_eq!(types::<TuplesU32>(), types::<ArraysU32>());
    assert_eq!(types::<TuplesI64>(), types::<ArraysI64>());
    assert_eq!(types::<TuplesU64>(), types::<ArraysU64>());
    let glium: Vec<_> = TuplesF32::build_bindings().iter().map(|binding| binding.3).collect();
    assert_eq!(glium, [AttributeType::F32F32, AttributeType::F32F32F32, AttributeType::F32F32F32F32]);
}

#[test]
fn attribute_types_are_glium_s() {
    use AttributeType::*;
    let types = |fields: &[gloo_runtime::FieldLayout]| fields.iter().map(glium_type).collect::<Vec<_>>();
    assert_eq!(types(Scalars::LAYOUT.fields), [I64, U64, F64, F32, I32, U32, I16, U16, I8, U8, U16, F32].map(Some),);
    assert_eq!(types(ArraysU8::LAYOUT.fields), [U8U8, U8U8U8, U8U8U8U8].map(Some));
    assert_eq!(types(MatricesF32::LAYOUT.fields), [F32x2x2, F32x3x3, F32x4x4].map(Some));
    assert_eq!(types(MatricesF64::LAYOUT.fields), [F64x2x2, F64x3x3, F64x4x4].map(Some));
}

#[derive(Clone, Copy, Vertex)]
#[repr(C)]
struct Point {
    position: [f32; 2],
    color: [f32; 3],
}

// The layout is usable in const context and is the compiler's.
const STRIDE: usize = Point::LAYOUT.stride;
const COLOR_OFFSET: usize = Point::LAYOUT.fields[1].offset;
const _: () = assert!(STRIDE == size_of::<Point>() && STRIDE == 20);
const _: () = assert!(COLOR_OFFSET == offset_of!(Point, color) && COLOR_OFFSET == 8);
const _: () = assert!(Point::FIELDS.color.offset() == COLOR_OFFSET);
const _: () = assert!(Point::FIELDS.color.index() == 1);
const _: () = assert!(Point::LAYOUT.fields[1].size == size_of::<[f32; 3]>());

#[test]
fn point_layout() {
    let color = Point::LAYOUT.fields[1];
    assert_eq!(Point::LAYOUT.name, "Point");
    assert_eq!((color.name, color.ident, color.bytes()), ("color", "color", 8..20));
    assert_eq!((glium_type(&color), color.normalize, color.location), (Some(AttributeType::F32F32F32), false, None));
    assert_eq!(format!("{:?}", Point::FIELDS.color), "Field(Point.color @ 8)");
    assert_consistent::<Point>();
}

#[derive(Clone, Copy, Vertex)]
#[repr(C)]
struct Options {
    #[vertex(name = "a_position", location = 0)]
    position: [f32; 3],
    #[vertex(normalize, location = 2)]
    color: [u8; 4],
    #[vertex(normalize)]
    normal: [i16; 2],
    #[vertex(name = "a_weight")]
    weight: f32,
}

#[derive(Clone, Copy)]
#[repr(C)]
#[allow(dead_code)] // only its layout is used
struct OptionsTwin {
    a_position: [f32; 3],
    color: [u8; 4],
    normal: [i16; 2],
    a_weight: f32,
}

// glium's macro sets the location of all fields or of none: the twin takes
// the normalization, the locations are checked by hand.
glium::implement_vertex!(
    OptionsTwin,
    a_position normalize(false),
    color normalize(true),
    normal normalize(true),
    a_weight normalize(false)
);

#[test]
fn name_location_and_normalize() {
    let derived = Options::build_bindings();
    let locations: Vec<i32> = derived.iter().map(|binding| binding.2).collect();
    assert_eq!(locations, [0, 2, -1, -1]);
    let without_locations: Vec<_> =
        derived.iter().map(|(name, offset, _, ty, normalize)| (name.clone(), *offset, *ty, *normalize)).collect();
    let twin: Vec<_> = OptionsTwin::build_bindings()
        .iter()
        .map(|(name, offset, _, ty, normalize)| (name.clone(), *offset, *ty, *normalize))
        .collect();
    assert_eq!(without_locations, twin);

    let fields = Options::LAYOUT.fields;
    assert_eq!((fields[0].name, fields[0].ident, fields[0].location), ("a_position", "position", Some(0)));
    assert_eq!((fields[1].normalize, fields[1].location), (true, Some(2)));
    assert_consistent::<Options>();
}

#[derive(Clone, Copy)]
#[repr(C)]
#[allow(dead_code)] // only its layout is used
struct LocatedTwin {
    a_position: [f32; 3],
    color: [u8; 4],
}

glium::implement_vertex!(LocatedTwin, a_position location(0), color location(2));

#[derive(Clone, Copy, Vertex)]
#[repr(C)]
struct Located {
    #[vertex(name = "a_position", location = 0)]
    position: [f32; 3],
    #[vertex(location = 2)]
    color: [u8; 4],
}

#[test]
fn location_matches_implement_vertex() {
    assert_same_as_glium::<Located, LocatedTwin>();
}

/// Skipped fields take space in the record but are no attribute; one that
/// does not start with `_` keeps its accessors (CPU-only data).
#[derive(Clone, Copy, Debug, Default, PartialEq, Vertex)]
#[repr(C)]
struct Skipping {
    position: [f32; 3],
    kind: u8,
    #[vertex(skip)]
    _pad: [u8; 3],
    #[vertex(skip)]
    cpu_id: u32,
}

#[test]
fn skipped_fields() {
    let fields = Skipping::LAYOUT.fields;
    let described: Vec<_> =
        fields.iter().map(|field| (field.ident, field.offset, field.size, glium_type(field))).collect();
    assert_eq!(
        described,
        [
            ("position", 0, 12, Some(AttributeType::F32F32F32)),
            ("kind", 12, 1, Some(AttributeType::U8)),
            ("_pad", 13, 3, None),
            ("cpu_id", 16, 4, None),
        ],
    );
    let names: Vec<_> = Skipping::build_bindings().iter().map(|binding| binding.0.clone()).collect();
    assert_eq!(names, ["position", "kind"]);
    assert_consistent::<Skipping>();

    let mut v = VertexBuffer::<Skipping>::zeros([2]);
    *v.cpu_id_mut(1) = 7;
    assert_eq!(v.at([1]).cpu_id, 7);
    assert_eq!(Skipping::FIELDS._pad.offset(), 13);
}

#[derive(Clone, Copy, Vertex)]
#[repr(C)]
struct Raw {
    r#type: u32,
    r#loop: f32,
    #[vertex(accessor = "r#match")]
    matched: f32,
}

#[test]
fn raw_identifiers() {
    let mut v = VertexBuffer::<Raw>::zeros([3]);
    *v.type_mut(1) = 5;
    *v.loop_mut(2) = 0.5;
    *v.match_mut(0) = 1.5;
    assert_eq!(*v.r#type(1), 5);
    assert_eq!(*v.r#loop(2), 0.5);
    assert_eq!(*v.r#match(0), 1.5);
    assert_eq!(v.get_type(3), None);
    assert_eq!(v.get_loop_mut(3), None);
    assert_eq!(v.field(Raw::FIELDS.r#type, [1]), &5);

    let fields = Raw::LAYOUT.fields;
    assert_eq!((fields[0].name, fields[0].ident), ("type", "type"));
    assert_eq!((fields[1].name, fields[1].ident), ("loop", "loop"));
    let names: Vec<_> = Raw::build_bindings().iter().map(|binding| binding.0.clone()).collect();
    assert_eq!(names, ["type", "loop", "matched"]);
    assert_consistent::<Raw>();
}

#[derive(Clone, Copy, Vertex)]
#[repr(C)]
struct Renamed {
    #[vertex(accessor = "pos")]
    position: [f32; 2],
    #[vertex(accessor = "previous")]
    previous_position: [f32; 2],
}

#[test]
fn renamed_accessors() {
    let mut v = VertexBuffer::<Renamed, 2>::zeros([2, 2]);
    *v.pos_mut(1, 0) = [1.0, 2.0];
    *v.previous_mut(1, 1) = [3.0, 4.0];
    assert_eq!(v.pos(1, 0), &[1.0, 2.0]);
    assert_eq!(v.get_previous(1, 1), Some(&[3.0, 4.0]));
    assert_eq!(v.get_pos_mut(2, 0), None);
    // The shader and the handles keep the field's own name.
    assert_eq!(Renamed::LAYOUT.fields[0].name, "position");
    assert_eq!(v.field(Renamed::FIELDS.previous_position, [1, 1]), &[3.0, 4.0]);
}

/// `crate = "..."` names the runtime by another path.
mod renamed_crate {
    pub use gloo_runtime as my_gloo;

    #[derive(Clone, Copy, my_gloo::Vertex)]
    #[repr(C)]
    #[vertex(crate = "my_gloo")]
    pub struct Point {
        pub position: [f32; 2],
    }

    /// Tuple fields find their helpers through the same path.
    #[derive(Clone, Copy, my_gloo::Vertex)]
    #[repr(C)]
    #[vertex(crate = "my_gloo")]
    pub struct Textured {
        pub uv: (f32, f32),
    }

    pub mod deeper {
        #[derive(Clone, Copy, gloo_runtime::Vertex)]
        #[repr(C)]
        #[vertex(crate = "crate::renamed_crate::my_gloo")]
        pub struct Point {
            pub position: [f32; 2],
        }
    }
}

#[test]
fn crate_path() {
    let mut v = VertexBuffer::<renamed_crate::Point>::zeros([2]);
    *v.position_mut(1) = [1.0, 1.0];
    assert_eq!(<renamed_crate::Point as Vertex>::LAYOUT.stride, 8);
    let mut w = VertexBuffer::<renamed_crate::deeper::Point, 3>::zeros([1, 1, 2]);
    *w.position_mut(0, 0, 1) = [2.0, 2.0];
    assert_eq!(w.as_slice()[1].position, [2.0, 2.0]);
    let mut t = VertexBuffer::<renamed_crate::Textured>::zeros([2]);
    *t.uv_mut(1) = (0.5, 1.0);
    assert_eq!(t.as_slice()[1].uv, (0.5, 1.0));
}

#[test]
fn bytemuck_casts() {
    let p = Point { position: [1.0, 2.0], color: [3.0, 4.0, 5.0] };
    let bytes = bytemuck::bytes_of(&p);
    assert_eq!(bytes.len(), STRIDE);
    assert_eq!(&bytes[COLOR_OFFSET..COLOR_OFFSET + 4], &3.0f32.to_ne_bytes());
    let back: Point = bytemuck::pod_read_unaligned(bytes);
    assert_eq!(back.color, p.color);
    let zero: Scalars = bytemuck::Zeroable::zeroed();
    assert_eq!(zero, Scalars::default());
    let floats: &[f32] = bytemuck::cast_slice(core::slice::from_ref(&p));
    assert_eq!(floats, [1.0, 2.0, 3.0, 4.0, 5.0]);
}

/// The accessors reach the bytes of the record they name, in row-major
/// order, for each rank.
#[test]
fn accessors_address_the_right_bytes() {
    fn color_at(bytes: &[u8], record: usize) -> [f32; 3] {
        let start = record * STRIDE + COLOR_OFFSET;
        bytemuck::pod_read_unaligned(&bytes[start..start + 12])
    }
    let mut line = VertexBuffer::<Point>::zeros([4]);
    *line.color_mut(2) = [1.0, 2.0, 3.0];
    assert_eq!(color_at(line.as_bytes(), 2), [1.0, 2.0, 3.0]);

    let mut grid = VertexBuffer::<Point, 2>::zeros([3, 4]);
    *grid.color_mut(2, 1) = [4.0, 5.0, 6.0];
    assert_eq!(color_at(grid.as_bytes(), 2 * 4 + 1), [4.0, 5.0, 6.0]);
    grid.take_dirty();
    *grid.color_mut(1, 3) = [0.0; 3];
    let record = 4 + 3;
    let start = record * STRIDE + COLOR_OFFSET;
    assert_eq!(grid.dirty(), Some(start..start + 12), "only the field's bytes are marked");

    let mut cube = VertexBuffer::<Point, 3>::zeros([2, 3, 4]);
    *cube.color_mut(1, 2, 3) = [7.0, 8.0, 9.0];
    assert_eq!(color_at(cube.as_bytes(), 3 * 4 + 2 * 4 + 3), [7.0, 8.0, 9.0]);
    assert_eq!(cube.color(1, 2, 3), &[7.0, 8.0, 9.0]);
    assert_eq!(cube.get_color(2, 0, 0), None);
}

/// The named accessors need no import: this module sees only the struct.
mod elsewhere {
    use super::Point;

    pub fn move_to(v: &mut gloo_runtime::VertexBuffer<Point, 2>, x: f32) {
        *v.position_mut(1, 1) = [x, x];
    }
}

#[test]
fn accessors_need_no_import() {
    let mut v = VertexBuffer::<Point, 2>::zeros([2, 2]);
    elsewhere::move_to(&mut v, 3.0);
    assert_eq!(v.position(1, 1), &[3.0, 3.0]);
}

/// Tuple fields as glium's examples write them, with the options.
#[derive(Clone, Copy, Debug, PartialEq, Vertex)]
#[repr(C)]
struct Mesh {
    position: (f32, f32, f32),
    #[vertex(normalize, location = 3)]
    color: (u8, u8, u8, u8),
    #[vertex(name = "a_uv")]
    uv: (f32, f32),
    #[vertex(skip)]
    cpu: (u16, u16),
}

const _: () = {
    assert!(Mesh::LAYOUT.stride == 28 && size_of::<Mesh>() == 28);
    assert!(Mesh::LAYOUT.fields[1].offset == offset_of!(Mesh, color));
    assert!(Mesh::FIELDS.uv.offset() == 16 && Mesh::FIELDS.uv.size() == 8);
};

#[test]
fn tuple_fields_layout() {
    use gloo_runtime::{AttributeType as Gloo, ScalarType};
    let described: Vec<_> = Mesh::LAYOUT
        .fields
        .iter()
        .map(|field| (field.name, field.offset, field.size, field.ty, field.normalize, field.location))
        .collect();
    assert_eq!(
        described,
        [
            ("position", 0, 12, Some(Gloo::vector(ScalarType::F32, 3)), false, None),
            ("color", 12, 4, Some(Gloo::vector(ScalarType::U8, 4)), true, Some(3)),
            ("a_uv", 16, 8, Some(Gloo::vector(ScalarType::F32, 2)), false, None),
            ("cpu", 24, 4, None, false, None),
        ],
    );
    let bindings: Vec<_> = Mesh::build_bindings()
        .iter()
        .map(|(name, offset, location, ty, normalize)| (name.to_string(), *offset, *location, *ty, *normalize))
        .collect();
    assert_eq!(
        bindings,
        [
            ("position".to_owned(), 0, -1, AttributeType::F32F32F32, false),
            ("color".to_owned(), 12, 3, AttributeType::U8U8U8U8, true),
            ("a_uv".to_owned(), 16, -1, AttributeType::F32F32, false),
        ],
    );
    assert_consistent::<Mesh>();

    // The elements lie in order, like an array's.
    let mesh = Mesh { position: (1.0, 2.0, 3.0), color: (4, 5, 6, 7), uv: (8.0, 9.0), cpu: (10, 11) };
    let bytes = bytemuck::bytes_of(&mesh);
    let floats: [f32; 3] = bytemuck::pod_read_unaligned(&bytes[0..12]);
    assert_eq!(floats, [1.0, 2.0, 3.0]);
    assert_eq!(&bytes[12..16], [4, 5, 6, 7]);
    assert_eq!(bytemuck::pod_read_unaligned::<[f32; 2]>(&bytes[16..24]), [8.0, 9.0]);
    assert_eq!(bytemuck::pod_read_unaligned::<[u16; 2]>(&bytes[24..28]), [10, 11]);
    assert_eq!(bytemuck::pod_read_unaligned::<Mesh>(bytes), mesh);
}

#[test]
fn tuple_accessors_mark_the_field_s_bytes() {
    let mut v = VertexBuffer::<Mesh>::zeros([3]);
    v.take_dirty();
    *v.position_mut(1) = (1.0, 2.0, 3.0);
    assert_eq!(v.dirty(), Some(28..40), "exactly the bytes of record 1's position");
    let position: &(f32, f32, f32) = v.position(1);
    assert_eq!(*position, (1.0, 2.0, 3.0));

    v.take_dirty();
    v.uv_mut(2).1 = 0.5;
    assert_eq!(v.dirty(), Some(2 * 28 + 16..2 * 28 + 24));
    assert_eq!(v.get_uv(2), Some(&(0.0, 0.5)));
    assert_eq!(v.get_color_mut(3), None);

    let mut grid = VertexBuffer::<Mesh, 2>::zeros([2, 2]);
    grid.take_dirty();
    *grid.color_mut(1, 0) = (255, 0, 0, 255);
    let start = 2 * 28 + 12;
    assert_eq!(grid.dirty(), Some(start..start + 4));
    assert_eq!(grid.field(Mesh::FIELDS.color, [1, 0]), &(255, 0, 0, 255));
    grid.fill_field(Mesh::FIELDS.uv, (0.25, 0.75));
    assert!(grid.as_slice().iter().all(|mesh| mesh.uv == (0.25, 0.75)));
}

mod common;

/// A tuple-field buffer draws with a shader reading `vec2` and `vec3`, and
/// reads back as written.
#[test]
fn tuple_fields_draw_and_read_back() {
    use gloo_runtime::glium::{index, Surface};

    #[derive(Clone, Copy, Debug, PartialEq, Vertex)]
    #[repr(C)]
    struct Coloured {
        position: (f32, f32),
        color: (f32, f32, f32),
    }

    let ctx = common::context();
    let program = common::colour_program(&ctx);
    let texture = common::target(&ctx, 16);
    let corners = [(-0.5, -0.5), (0.5, -0.5), (-0.5, 0.5), (0.5, 0.5)];
    let mut quad =
        VertexBuffer::<Coloured>::from_fn([4], |[i]| Coloured { position: corners[i], color: (1.0, 1.0, 0.0) });
    quad.upload(&ctx).unwrap();
    assert_eq!(quad.read_gpu(&ctx).unwrap(), quad.as_slice());

    *quad.color_mut(3) = (0.0, 0.0, 1.0);
    let strip = index::NoIndices(index::PrimitiveType::TriangleStrip);
    let mut surface = texture.as_surface();
    surface.clear_color(0.0, 0.0, 0.0, 1.0);
    surface.draw(quad.bind(&ctx).unwrap(), strip, &program, &glium::uniform! {}, &Default::default()).unwrap();
    assert_eq!(quad.read_gpu(&ctx).unwrap(), quad.as_slice());
    assert_eq!(common::pixel(&texture, 5, 5), (255, 255, 0, 255), "yellow near the first corner");
    assert_eq!(common::pixel(&texture, 0, 0), (0, 0, 0, 255), "black outside the quad");
}
