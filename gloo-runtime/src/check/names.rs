//! How mismatches name types: our side as Rust writes it and as the
//! shader's language would (`[f32; 2] (vec2)`), the shader's side in its
//! own language (`vec3`, `vec3<f32>`).

use crate::tracking::block::BlockType;
use crate::tracking::layout::{AttributeType, FieldLayout, ScalarType};

/// What a shader reads a number as: its base type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// `float`, `f32`.
    Float,
    /// `double`, `f64`.
    Double,
    /// `int`, `i32`.
    Int,
    /// `uint`, `u32`.
    Uint,
    /// `int64_t`, `i64`.
    Int64,
    /// `uint64_t`, `u64`.
    Uint64,
}

impl Kind {
    /// What the shader reads `scalar` as, `normalized` or not.
    pub(crate) fn of(scalar: ScalarType, normalized: bool) -> Kind {
        use ScalarType as S;
        match scalar {
            S::F32 => Kind::Float,
            S::F64 => Kind::Double,
            _ if normalized => Kind::Float,
            S::I8 | S::I16 | S::I32 => Kind::Int,
            S::U8 | S::U16 | S::U32 => Kind::Uint,
            S::I64 => Kind::Int64,
            S::U64 => Kind::Uint64,
        }
    }

    /// The block scalar it is, if any (blocks hold no 64-bit integers).
    #[cfg(feature = "wgpu")]
    pub(crate) fn scalar(self) -> Option<ScalarType> {
        match self {
            Kind::Float => Some(ScalarType::F32),
            Kind::Double => Some(ScalarType::F64),
            Kind::Int => Some(ScalarType::I32),
            Kind::Uint => Some(ScalarType::U32),
            _ => None,
        }
    }

    /// Whether the shader reads it as a floating-point number.
    pub(crate) fn is_float(self) -> bool {
        matches!(self, Kind::Float | Kind::Double)
    }
}

/// A scalar, vector or matrix the shader reads: its base type, columns
/// (1 for a scalar or vector) and rows (components a column).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Shape {
    pub(crate) kind: Kind,
    pub(crate) columns: usize,
    pub(crate) rows: usize,
}

impl Shape {
    /// The shape of an attribute, as the shader reads it.
    pub(crate) fn of_attribute(ty: AttributeType, normalized: bool) -> Shape {
        Shape { kind: Kind::of(ty.scalar, normalized), columns: ty.columns.into(), rows: ty.rows.into() }
    }

    /// The shape of a block member of ours: `None` for an array or a struct.
    pub(crate) fn of_member(ty: &BlockType) -> Option<Shape> {
        let (scalar, columns, rows) = match *ty {
            BlockType::Scalar(scalar) => (scalar, 1, 1),
            BlockType::Vector(scalar, rows) => (scalar, 1, rows),
            BlockType::Matrix { scalar, columns, rows } => (scalar, columns, rows),
            _ => return None,
        };
        Some(Shape { kind: Kind::of(scalar, false), columns, rows })
    }

    /// GLSL's name: `float`, `ivec3`, `mat3x4`, `dmat4`, `u64vec2`.
    #[cfg(feature = "glium")]
    pub(crate) fn glsl(self) -> String {
        let (scalar, prefix) = match self.kind {
            Kind::Float => ("float", ""),
            Kind::Double => ("double", "d"),
            Kind::Int => ("int", "i"),
            Kind::Uint => ("uint", "u"),
            Kind::Int64 => ("int64_t", "i64"),
            Kind::Uint64 => ("uint64_t", "u64"),
        };
        match (self.columns, self.rows) {
            (1, 1) => scalar.to_owned(),
            (1, rows) => format!("{prefix}vec{rows}"),
            (columns, rows) if columns == rows => format!("{prefix}mat{columns}"),
            (columns, rows) => format!("{prefix}mat{columns}x{rows}"),
        }
    }

    /// WGSL's name: `f32`, `vec3<i32>`, `mat3x4<f32>`.
    #[cfg(feature = "wgpu")]
    pub(crate) fn wgsl(self) -> String {
        let scalar = match self.kind {
            Kind::Float => "f32",
            Kind::Double => "f64",
            Kind::Int => "i32",
            Kind::Uint => "u32",
            Kind::Int64 => "i64",
            Kind::Uint64 => "u64",
        };
        match (self.columns, self.rows) {
            (1, 1) => scalar.to_owned(),
            (1, rows) => format!("vec{rows}<{scalar}>"),
            (columns, rows) => format!("mat{columns}x{rows}<{scalar}>"),
        }
    }
}

/// Rust's name of a scalar.
pub(crate) fn scalar(scalar: ScalarType) -> &'static str {
    use ScalarType as S;
    match scalar {
        S::I8 => "i8",
        S::U8 => "u8",
        S::I16 => "i16",
        S::U16 => "u16",
        S::I32 => "i32",
        S::U32 => "u32",
        S::I64 => "i64",
        S::U64 => "u64",
        S::F32 => "f32",
        S::F64 => "f64",
    }
}

/// The Rust type of an attribute of type `ty`: `f32`, `[u8; 4]`,
/// `[[f32; 4]; 4]` (a tuple field is named as the array it reads as).
pub(crate) fn rust_attribute(ty: AttributeType) -> String {
    let scalar = scalar(ty.scalar);
    match (ty.columns, ty.rows) {
        (1, 1) => scalar.to_owned(),
        (1, rows) => format!("[{scalar}; {rows}]"),
        (columns, rows) => format!("[[{scalar}; {rows}]; {columns}]"),
    }
}

/// A vertex field's type as Rust has it and as GLSL reads it:
/// `[f32; 2] (vec2)`, `[u8; 4] normalized (vec4)`.
#[cfg(feature = "glium")]
pub(crate) fn field_glsl(field: &FieldLayout, ty: AttributeType) -> String {
    let normalized = if field.normalize { " normalized" } else { "" };
    let shape = Shape::of_attribute(ty, field.normalize);
    format!("{}{normalized} ({})", rust_attribute(ty), shape.glsl())
}

/// A block member's type as Rust has it: `[f32; 3]`, `[Light; 4]`, `Light`.
pub(crate) fn rust_member(ty: &BlockType) -> String {
    match *ty {
        BlockType::Scalar(s) => scalar(s).to_owned(),
        BlockType::Vector(s, rows) => format!("[{}; {rows}]", scalar(s)),
        BlockType::Matrix { scalar: s, columns, rows } => format!("[[{}; {rows}]; {columns}]", scalar(s)),
        BlockType::Array { element, len } => format!("[{}; {len}]", rust_member(element)),
        BlockType::Struct(layout) => layout.name.to_owned(),
    }
}

/// A block member's type in GLSL: `vec3`, `mat3x4`, `vec4[5]`, `Light[4]`.
#[cfg(feature = "glium")]
pub(crate) fn glsl_member(ty: &BlockType) -> String {
    match (Shape::of_member(ty), ty) {
        (Some(shape), _) => shape.glsl(),
        (None, BlockType::Array { element, len }) => format!("{}[{len}]", glsl_member(element)),
        (None, _) => rust_member(ty),
    }
}

/// A block member's type in WGSL: `vec3<f32>`, `array<vec4<f32>, 5>`.
#[cfg(feature = "wgpu")]
pub(crate) fn wgsl_member(ty: &BlockType) -> String {
    match (Shape::of_member(ty), ty) {
        (Some(shape), _) => shape.wgsl(),
        (None, BlockType::Array { element, len }) => format!("array<{}, {len}>", wgsl_member(element)),
        (None, _) => rust_member(ty),
    }
}

/// Why a field of shape `ours` does not feed an input of shape `theirs`,
/// where the base types differ in kind: `"; an integer field feeds a
/// float input: ..."`. Types are named by `name` (GLSL's or WGSL's).
pub(crate) fn hint(field: &FieldLayout, ours: Shape, theirs: Shape, name: fn(Shape) -> String) -> String {
    let same_count = Shape { kind: theirs.kind, ..ours } == theirs;
    match (ours.kind.is_float(), theirs.kind.is_float()) {
        (false, true) => {
            let normalize = if same_count { "mark it #[vertex(normalize)] or " } else { "" };
            format!("; an integer field feeds a float input: {normalize}read it as {}", name(ours))
        }
        (true, false) if field.normalize => {
            format!("; a #[vertex(normalize)] field reads as floats: drop the option, or read it as {}", name(ours))
        }
        (true, false) => format!("; a float field feeds an integer input: read it as {}", name(ours)),
        _ => String::new(),
    }
}

/// Where a block member is: its path in the shader's names and in ours
/// (`items[0].w`), empty at the top.
#[derive(Clone, Debug, Default)]
pub(crate) struct Path {
    shader: String,
    ours: String,
}

impl Path {
    /// The path to member `name` (field `ident`) of the struct here.
    pub(crate) fn member(&self, name: &str, ident: &str) -> Path {
        let join = |path: &str, name: &str| if path.is_empty() { name.to_owned() } else { format!("{path}.{name}") };
        Path { shader: join(&self.shader, name), ours: join(&self.ours, ident) }
    }

    /// The path to field `ident` of our struct standing for the shader's
    /// member here.
    pub(crate) fn ours_member(&self, ident: &str) -> Path {
        Path { shader: self.shader.clone(), ours: format!("{}.{ident}", self.ours) }
    }

    /// The path to an array's first element.
    pub(crate) fn element(&self) -> Path {
        Path { shader: format!("{}[0]", self.shader), ours: format!("{}[0]", self.ours) }
    }

    /// The shader's side: `member items[0].w`, or `the shader's {top}`.
    pub(crate) fn shader(&self, top: &str) -> String {
        if self.shader.is_empty() {
            format!("the shader's {top}")
        } else {
            format!("member {}", self.shader)
        }
    }

    /// The shader's struct here: `the shader's items[0]`, or `the
    /// shader's {top}`.
    pub(crate) fn scope(&self, top: &str) -> String {
        let here = if self.shader.is_empty() { top } else { &self.shader };
        format!("the shader's {here}")
    }

    /// Our side: `Scene::items[0].w`, or `Scene` at the top.
    pub(crate) fn ours(&self, root: &str) -> String {
        if self.ours.is_empty() {
            root.to_owned()
        } else {
            format!("{root}::{}", self.ours)
        }
    }
}

/// `A`, `A or B`, `A, B or C`.
pub(crate) fn alternatives(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

/// The members both sides have, when they are in another order on each:
/// the mismatch naming both orders, in `scope` (the shader's struct).
pub(crate) fn order(ours: &crate::BlockLayout, theirs: &[&str], scope: &str) -> Option<String> {
    let common: Vec<&str> = theirs.iter().copied().filter(|name| ours.fields.iter().any(|f| f.name == *name)).collect();
    let ours_common: Vec<&str> =
        ours.fields.iter().map(|field| field.name).filter(|name| theirs.contains(name)).collect();
    (common != ours_common).then(|| {
        format!(
            "the members of {scope} are in another order: the shader has {}; {} has {}",
            common.join(", "),
            ours.name,
            ours_common.join(", ")
        )
    })
}
