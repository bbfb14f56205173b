//! `#[derive(Block)]` layouts verified against the driver, not against our
//! own arithmetic: a corpus of std140 and std430 structs, each paired with
//! the GLSL block of the same members, compiled in a compute shader on
//! Mesa (llvmpipe). For each case the driver's reflection of the block must
//! pass the derive's `glium::uniforms::UniformBlock::matches`, every basic
//! member the driver reflects must sit at the offset `offset_of!` gives the
//! Rust member (element 0 of arrays; the walk is this file's own, not the
//! matcher's), basic arrays must have our element counts, and the driver's
//! block data size must be `T::BLOCK.size` (std140), or that rounded up to
//! 16 bytes (std430: Mesa's size of any block, see `check_case`). Negative
//! cases show the check fails where the GLSL differs.
//!
//! Arrays of 2 to 4 vectors or scalars are matrices and vectors to Rust's
//! types (`[[f32; 4]; 3]` is a `mat3x4`, `[f32; 4]` a `vec4`): the driver's
//! `vec4 a[3]` (std140's `float a[3]` too, each in a vec4's slot) and
//! std430's `float a[4]` are the same bytes, which `matches` accepts
//! (`S140Vec4Short`, `S140FloatShort`, `S430Vec4Short`, `S430FloatFour`).
//! `[f32; 3]` is a 16-aligned `vec3`, so std430's `float a[3]` at an
//! offset not a multiple of 16 is written with a one-member struct
//! element, as `[Value; 3]` with `struct Value { v: f32 }`
//! (`S430FloatTriple`).

mod common;

use core::mem::offset_of;

use gloo_runtime::glium::program::{BlockLayout as Reflected, ComputeShader};
use gloo_runtime::glium::uniforms::{LayoutMismatchError, UniformBlock, UniformType};
use gloo_runtime::headless::HeadlessContext;
use gloo_runtime::{Block, BlockLayout, BlockType, Rules};

/// One corpus case: a derived struct and the GLSL of its members.
struct Case {
    name: &'static str,
    block: BlockLayout,
    /// `(ident, offset_of!)` of every Rust field, padding included.
    offsets: Vec<(&'static str, usize)>,
    matches: fn(&Reflected, usize) -> Result<(), LayoutMismatchError>,
    /// GLSL struct declarations the members use.
    structs: &'static str,
    /// The GLSL block's members.
    members: &'static str,
    /// A GLSL expression reading a member, so that the block is used.
    read: &'static str,
}

/// Defines each struct (`#[derive(Block)]`, `#[repr(C)]`, the rules
/// named first) and a function listing the cases.
macro_rules! corpus {
    ($vis:vis fn $list:ident; $(
        $rules:ident $name:ident { $($(#[$attr:meta])* $field:ident : $ty:ty),* $(,)? }
        $(structs $structs:literal)?
        glsl $glsl:literal
        read $read:literal;
    )*) => {
        $(
            #[derive(Clone, Copy, Block)]
            #[block($rules)]
            #[repr(C)]
            #[allow(dead_code)] // never built: only its layout is checked
            struct $name {
                $($(#[$attr])* $field: $ty,)*
            }
        )*

        $vis fn $list() -> Vec<Case> {
            vec![$(Case {
                name: stringify!($name),
                block: <$name as Block>::BLOCK,
                offsets: vec![$((stringify!($field), offset_of!($name, $field))),*],
                matches: <$name as UniformBlock>::matches,
                structs: concat!($($structs)?),
                members: $glsl,
                read: $read,
            }),*]
        }
    };
}

corpus! {
    fn std140_cases;

    std140 S140Vec3Float { position: [f32; 3], intensity: f32 }
        glsl "vec3 position; float intensity;"
        read "position.x + intensity";

    std140 S140Light { position: [f32; 3], intensity: f32, color: [f32; 4], view: [[f32; 4]; 4] }
        glsl "vec3 position; float intensity; vec4 color; mat4 view;"
        read "intensity + view[3][3]";

    std140 S140Vec2Pairs { a: [f32; 2], b: [f32; 2], c: [f32; 2], d: f32, #[block(skip)] _pad: u32 }
        glsl "vec2 a; vec2 b; vec2 c; float d;"
        read "c.y + d";

    std140 S140FloatAfterVec2 {
        uv: [f32; 2],
        weight: f32,
        #[block(skip)] _pad: u32,
        tint: [f32; 3],
        alpha: f32,
    }
        glsl "vec2 uv; float weight; vec3 tint; float alpha;"
        read "weight + alpha";

    std140 S140FloatVec2Float {
        a: f32,
        #[block(skip)] _pad: u32,
        b: [f32; 2],
        c: f32,
        #[block(skip)] _pad2: [u32; 3],
    }
        glsl "float a; vec2 b; float c;"
        read "b.x + c";

    std140 S140Vec3Vec3 { a: [f32; 3], #[block(skip)] _pad: u32, b: [f32; 3], #[block(skip)] _pad2: u32 }
        glsl "vec3 a; vec3 b;"
        read "a.z + b.z";

    std140 S140Mat3 { m: [[f32; 4]; 3], v: [f32; 3], s: f32 }
        glsl "mat3 m; vec3 v; float s;"
        read "m[2][2] + s";

    std140 S140Mat2 { m: [[f32; 4]; 2], f: f32, #[block(skip)] _pad: [u32; 3] }
        glsl "mat2 m; float f;"
        read "m[1][1] + f";

    std140 S140NonSquare { a: [[f32; 4]; 2], b: [[f32; 4]; 3], c: [[f32; 4]; 4], d: [[f32; 4]; 2] }
        glsl "mat2x3 a; mat3x2 b; mat4x3 c; mat2x4 d;"
        read "a[1][2] + b[2][1] + c[3][2] + d[1][3]";

    std140 S140FloatArray { a: [[f32; 4]; 5], b: f32, #[block(skip)] _pad: [u32; 3] }
        glsl "float a[5]; float b;"
        read "a[4] + b";

    std140 S140Vec4Array { a: [[f32; 4]; 6], n: u32, #[block(skip)] _pad: [u32; 3] }
        glsl "vec4 a[6]; uint n;"
        read "a[5].w + float(n)";

    std140 S140Vec4Short { a: [[f32; 4]; 3], b: f32, #[block(skip)] _pad: [u32; 3] }
        glsl "vec4 a[3]; float b;"
        read "a[2].w + b";

    std140 S140FloatShort { a: [[f32; 4]; 3], b: [f32; 2], #[block(skip)] _pad: [u32; 2] }
        glsl "float a[3]; vec2 b;"
        read "a[2] + b.y";

    std140 S140Vec3Array { a: [[f32; 4]; 5], b: [f32; 3], c: f32 }
        glsl "vec3 a[5]; vec3 b; float c;"
        read "a[4].z + b.z + c";

    std140 S140Vec2Array { a: [[f32; 4]; 5], b: [f32; 2], #[block(skip)] _pad: [u32; 2] }
        glsl "vec2 a[5]; vec2 b;"
        read "a[4].y + b.y";

    std140 S140Item { p: [f32; 3], w: f32 }
        glsl "vec3 p; float w;"
        read "p.x + w";

    std140 S140StructArray { items: [S140Item; 5], total: f32, #[block(skip)] _pad: [u32; 3] }
        structs "struct S140Item { vec3 p; float w; };"
        glsl "S140Item items[5]; float total;"
        read "items[4].w + total";

    std140 S140Inner { x: f32, #[block(skip)] _pad: [u32; 3] }
        glsl "float x;"
        read "x";

    std140 S140Nested {
        a: f32,
        #[block(skip)] _pad: [u32; 3],
        inner: S140Inner,
        b: f32,
        #[block(skip)] _pad2: [u32; 3],
    }
        structs "struct S140Inner { float x; };"
        glsl "float a; S140Inner inner; float b;"
        read "a + inner.x + b";

    std140 S140Ints { a: [i32; 2], #[block(skip)] _pad: [u32; 2], b: [u32; 3], c: i32, d: [u32; 4] }
        glsl "ivec2 a; uvec3 b; int c; uvec4 d;"
        read "float(a.y) + float(b.z) + float(c) + float(d.w)";

    std140 S140Doubles {
        a: f64,
        #[block(skip)] _pad: [u32; 2],
        b: [f64; 2],
        c: [f64; 3],
        d: f64,
        e: [f64; 4],
        m: [[f64; 2]; 2],
    }
        glsl "double a; dvec2 b; dvec3 c; double d; dvec4 e; dmat2 m;"
        read "a + b.y + c.z + d + e.w + m[1][1]";

    std140 S140DoubleMats { m3: [[f64; 4]; 3], m23: [[f64; 4]; 2] }
        glsl "dmat3 m3; dmat2x3 m23;"
        read "m3[2][2] + m23[1][2]";

    std140 S140Palette { colors: [[f32; 4]; 5], count: u32, #[block(skip)] _pad: [u32; 3] }
        glsl "vec4 colors[5]; uint count;"
        read "colors[4].x + float(count)";

    std140 S140Scene { ambient: [f32; 3], exposure: f32, palette: S140Palette, lights: [S140Item; 5] }
        structs "struct S140Palette { vec4 colors[5]; uint count; }; struct S140Item { vec3 p; float w; };"
        glsl "vec3 ambient; float exposure; S140Palette palette; S140Item lights[5];"
        read "exposure + palette.colors[4].x + float(palette.count) + lights[4].w";

    std140 S140V4 { v: [f32; 4] }
        glsl "vec4 v;"
        read "v.w";

    std140 S140Vec4Triple { a: [S140V4; 3], s: f32, #[block(skip)] _pad: [u32; 3] }
        glsl "vec4 a[3]; float s;"
        read "a[2].w + s";
}

corpus! {
    fn std430_cases;

    std430 S430Vec3Float { position: [f32; 3], intensity: f32 }
        glsl "vec3 position; float intensity;"
        read "position.x + intensity";

    std430 S430Vec4Short { a: [[f32; 4]; 2], b: [f32; 4] }
        glsl "vec4 a[2]; vec4 b;"
        read "a[1].w + b.w";

    std430 S430FloatFour { a: [f32; 4], b: f32, #[block(skip)] _pad: [u32; 3] }
        glsl "float a[4]; float b;"
        read "a[3] + b";

    std430 S430Particle { position: [f32; 3], mass: f32, velocity: [f32; 3], age: f32 }
        glsl "vec3 position; float mass; vec3 velocity; float age;"
        read "mass + velocity.z + age";

    std430 S430Vec2Float { a: [f32; 2], b: f32, #[block(skip)] _pad: u32, c: [f32; 2] }
        glsl "vec2 a; float b; vec2 c;"
        read "a.y + b + c.y";

    std430 S430Vec3Vec3 { a: [f32; 3], #[block(skip)] _pad: u32, b: [f32; 3], #[block(skip)] _pad2: u32 }
        glsl "vec3 a; vec3 b;"
        read "a.z + b.z";

    std430 S430FloatArray { a: [f32; 8], b: f32 }
        glsl "float a[8]; float b;"
        read "a[7] + b";

    std430 S430Vec2Array { a: [[f32; 2]; 5], b: f32, #[block(skip)] _pad: u32 }
        glsl "vec2 a[5]; float b;"
        read "a[4].y + b";

    std430 S430Vec3Array { a: [[f32; 4]; 5], b: f32, #[block(skip)] _pad: [u32; 3] }
        glsl "vec3 a[5]; float b;"
        read "a[4].z + b";

    std430 S430Vec4Array { a: [[f32; 4]; 7], b: [f32; 2], #[block(skip)] _pad: [u32; 2] }
        glsl "vec4 a[7]; vec2 b;"
        read "a[6].w + b.y";

    std430 S430Mat2 { m: [[f32; 2]; 2], f: f32, #[block(skip)] _pad: u32 }
        glsl "mat2 m; float f;"
        read "m[1][1] + f";

    std430 S430Mat3 { m: [[f32; 4]; 3], v: [f32; 3], s: f32 }
        glsl "mat3 m; vec3 v; float s;"
        read "m[2][2] + v.z + s";

    std430 S430NonSquare {
        a: [[f32; 2]; 3],
        #[block(skip)] _pad: [u32; 2],
        b: [[f32; 4]; 2],
        c: [[f32; 2]; 4],
        d: [[f32; 4]; 4],
    }
        glsl "mat3x2 a; mat2x3 b; mat4x2 c; mat4x3 d;"
        read "a[2][1] + b[1][2] + c[3][1] + d[3][2]";

    std430 S430Pair { p: [f32; 2], w: f32, #[block(skip)] _pad: u32 }
        glsl "vec2 p; float w;"
        read "p.y + w";

    std430 S430StructArray { items: [S430Pair; 5], t: f32, #[block(skip)] _pad: u32 }
        structs "struct S430Pair { vec2 p; float w; };"
        glsl "S430Pair items[5]; float t;"
        read "items[4].w + t";

    std430 S430Inner { x: f32, y: f32 }
        glsl "float x; float y;"
        read "x + y";

    std430 S430Nested { a: f32, inner: S430Inner, b: f32 }
        structs "struct S430Inner { float x; float y; };"
        glsl "float a; S430Inner inner; float b;"
        read "a + inner.y + b";

    std430 S430Ints { a: [i32; 2], #[block(skip)] _pad: [u32; 2], b: [u32; 3], c: u32, d: [i32; 4] }
        glsl "ivec2 a; uvec3 b; uint c; ivec4 d;"
        read "float(a.y) + float(b.z) + float(c) + float(d.w)";

    std430 S430UintArray { a: [u32; 7], #[block(skip)] _pad: u32, b: [i32; 2] }
        glsl "uint a[7]; ivec2 b;"
        read "float(a[6]) + float(b.y)";

    std430 S430IntVecArrays { a: [[i32; 4]; 5], b: [[u32; 4]; 3] }
        glsl "ivec3 a[5]; uvec4 b[3];"
        read "float(a[4].z) + float(b[2].w)";

    std430 S430Doubles {
        a: f64,
        b: f64,
        #[block(skip)] _pad: [u32; 4],
        c: [f64; 3],
        d: f64,
        e: [f64; 2],
        #[block(skip)] _pad2: [u32; 4],
        m: [[f64; 4]; 3],
    }
        glsl "double a; double b; dvec3 c; double d; dvec2 e; dmat3 m;"
        read "a + b + c.z + d + e.y + m[2][2]";

    std430 S430DoubleArrays { a: [f64; 5], #[block(skip)] _pad: [u32; 2], b: [[f64; 2]; 5] }
        glsl "double a[5]; dvec2 b[5];"
        read "a[4] + b[4].y";

    std430 S430Cell { ids: [u32; 5], weight: f32 }
        glsl "uint ids[5]; float weight;"
        read "float(ids[4]) + weight";

    std430 S430Grid {
        origin: [f32; 2],
        cells: [S430Cell; 6],
        #[block(skip)] _pad: [u32; 2],
        tail: [f32; 3],
        #[block(skip)] _pad2: u32,
    }
        structs "struct S430Cell { uint ids[5]; float weight; };"
        glsl "vec2 origin; S430Cell cells[6]; vec3 tail;"
        read "origin.y + float(cells[5].ids[4]) + cells[5].weight + tail.z";

    std430 S430Value { v: f32 }
        glsl "float v;"
        read "v";

    std430 S430FloatTriple { x: f32, a: [S430Value; 3], y: f32 }
        glsl "float x; float a[3]; float y;"
        read "x + a[2] + y";
}

#[cfg(feature = "glam")]
mod glam_cases {
    use gloo_runtime::glam::{IVec2, IVec3, Mat2, Mat3A, Mat4, UVec2, UVec3, UVec4, Vec2, Vec3, Vec3A, Vec4};

    use super::*;

    corpus! {
        pub(super) fn std140_cases;

        std140 G140Light { position: Vec3, intensity: f32, color: Vec4, view: Mat4 }
            glsl "vec3 position; float intensity; vec4 color; mat4 view;"
            read "intensity + view[3][3]";

        std140 G140Mixed { a: Vec3A, b: Mat3A, c: Vec2, d: IVec2, e: UVec4, f: UVec3, g: u32 }
            glsl "vec3 a; mat3 b; vec2 c; ivec2 d; uvec4 e; uvec3 f; uint g;"
            read "a.z + b[2][2] + c.y + float(d.y) + float(e.w) + float(f.z) + float(g)";
    }

    corpus! {
        pub(super) fn std430_cases;

        std430 G430Mixed {
            transform: Mat4,
            normal: Mat3A,
            tint: Vec4,
            position: Vec3,
            id: u32,
            uv: Vec2,
            scale: Vec2,
            m2: Mat2,
            flags: IVec3,
            #[block(skip)] _pad: u32,
        }
            glsl "mat4 transform; mat3 normal; vec4 tint; vec3 position; uint id; vec2 uv; vec2 scale; mat2 m2; \
                  ivec3 flags;"
            read "transform[3][3] + normal[2][2] + float(id) + scale.y + m2[1][1] + float(flags.z)";

        std430 G430Arrays { a: [Vec2; 5], #[block(skip)] _pad: [u32; 2], b: [Vec3A; 5], c: [UVec2; 6] }
            glsl "vec2 a[5]; vec3 b[5]; uvec2 c[6];"
            read "a[4].y + b[4].z + float(c[5].y)";
    }
}

/// All cases of `rules`, glam's with the `glam` feature.
fn cases(rules: Rules) -> Vec<Case> {
    let mut cases = match rules {
        Rules::Std140 => std140_cases(),
        Rules::Std430 => std430_cases(),
    };
    cases.extend(glam_cases_for(rules));
    cases
}

#[cfg(feature = "glam")]
fn glam_cases_for(rules: Rules) -> Vec<Case> {
    match rules {
        Rules::Std140 => glam_cases::std140_cases(),
        Rules::Std430 => glam_cases::std430_cases(),
    }
}

#[cfg(not(feature = "glam"))]
fn glam_cases_for(_: Rules) -> Vec<Case> {
    Vec::new()
}

/// A compute shader declaring `members` as block `B` under `rules`
/// (a uniform block for std140, a storage block for std430), reading
/// `read` into an output storage block so that `B` is used.
fn shader_source(rules: Rules, structs: &str, members: &str, read: &str) -> String {
    let declaration = match rules {
        Rules::Std140 => "layout(std140) uniform",
        Rules::Std430 => "layout(std430) buffer",
    };
    format!(
        "#version 430
        layout(local_size_x = 1) in;
        {structs}
        {declaration} B {{ {members} }};
        layout(std430) buffer Out {{ float o[]; }};
        void main() {{ o[0] = float({read}); }}"
    )
}

/// The driver's reflection of block `B`: its layout and data size.
fn reflect(context: &HeadlessContext, rules: Rules, structs: &str, members: &str, read: &str) -> (Reflected, usize) {
    let source = shader_source(rules, structs, members, read);
    let shader = ComputeShader::from_source(context, &source)
        .unwrap_or_else(|error| panic!("the shader compiles: {error:?}\n{source}"));
    let blocks = match rules {
        Rules::Std140 => shader.get_uniform_blocks(),
        Rules::Std430 => shader.get_shader_storage_blocks(),
    };
    let block = blocks.get("B").unwrap_or_else(|| panic!("block B is active in\n{source}"));
    (block.layout.clone(), block.size)
}

/// A basic member the driver reflects: its path from the block (`[0]`
/// for an array's first element), offset, type and, for an array of a
/// basic type, its length.
#[derive(Debug)]
struct Leaf {
    path: String,
    offset: usize,
    ty: UniformType,
    len: Option<usize>,
}

/// Every basic member of the driver's `reflected` tree, under `path`.
fn leaves(reflected: &Reflected, path: &str, out: &mut Vec<Leaf>) {
    match reflected {
        Reflected::Struct { members } => {
            for (name, member) in members {
                let path = if path.is_empty() { name.clone() } else { format!("{path}.{name}") };
                leaves(member, &path, out);
            }
        }
        Reflected::BasicType { ty, offset_in_buffer } => {
            out.push(Leaf { path: path.to_owned(), offset: *offset_in_buffer, ty: *ty, len: None });
        }
        Reflected::Array { content, length } => match **content {
            Reflected::BasicType { ty, offset_in_buffer } => {
                let path = format!("{path}[0]");
                out.push(Leaf { path, offset: offset_in_buffer, ty, len: Some(*length) });
            }
            _ => leaves(content, &format!("{path}[0]"), out),
        },
        Reflected::DynamicSizedArray { content } => leaves(content, &format!("{path}[0]"), out),
    }
}

/// Where our layout puts the member at `path` (`a.b[0].c`: element 0 of
/// each array on the way), with the element count if the path ends in an
/// array. Offsets are `BlockField::offset`s, which `check_case` compares
/// with `offset_of!` at the top level.
fn our_member(block: &BlockLayout, path: &str) -> Result<(usize, Option<usize>), String> {
    let mut fields = block.fields;
    let mut offset = 0;
    let mut current: Option<BlockType> = None;
    let mut len = None;
    for component in path.split('.') {
        match current {
            None => {}
            Some(BlockType::Struct(inner)) => fields = inner.fields,
            Some(other) => return Err(format!("`{path}`: the driver has a struct where ours is {other:?}")),
        }
        let (name, indexed) = match component.strip_suffix("[0]") {
            Some(name) => (name, true),
            None => (component, false),
        };
        let field = fields
            .iter()
            .find(|field| field.name == name)
            .ok_or_else(|| format!("`{path}`: we have no member `{name}`"))?;
        offset += field.offset;
        let mut ty = field.ty;
        len = None;
        if indexed {
            (ty, len) = match ty {
                BlockType::Array { element, len } => (*element, Some(len)),
                // Short arrays of vectors and scalars, as Rust's types read.
                BlockType::Matrix { scalar, columns, rows } => (BlockType::Vector(scalar, rows), Some(columns)),
                BlockType::Vector(scalar, n) => (BlockType::Scalar(scalar), Some(n)),
                _ => return Err(format!("`{path}`: the driver has an array where ours is {ty:?}")),
            };
        }
        current = Some(ty);
    }
    // A one-member struct at offset 0 stands for its member (`struct V4
    // { v: vec4 }` for a `vec4` element).
    while let Some(BlockType::Struct(inner)) = current {
        match inner.fields {
            [only] if only.offset == 0 => current = Some(only.ty),
            _ => return Err(format!("`{path}`: a basic type to the driver, the struct `{}` to us", inner.name)),
        }
    }
    Ok((offset, len))
}

/// The discrepancies between `case` and the driver, if any.
fn check_case(context: &HeadlessContext, rules: Rules, case: &Case) -> Vec<String> {
    let mut failures = Vec::new();
    let mut fail = |message: String| failures.push(format!("{}: {message}", case.name));
    assert_eq!(case.block.rules, rules, "{} is in the wrong list", case.name);

    // Our fields are where Rust put them.
    for field in case.block.fields {
        match case.offsets.iter().find(|(ident, _)| *ident == field.ident) {
            Some(&(_, offset)) if offset == field.offset => {}
            found => fail(format!("BLOCK says `{}` is at {}, offset_of! says {found:?}", field.ident, field.offset)),
        }
    }

    let (reflected, size) = reflect(context, rules, case.structs, case.members, case.read);

    if let Err(error) = (case.matches)(&reflected, 0) {
        fail(format!("UniformBlock::matches: {error:?}\nthe driver reflects {reflected:#?}"));
    }

    // The same members by name at the top level.
    let Reflected::Struct { members } = &reflected else {
        fail(format!("the driver reflects no struct: {reflected:?}"));
        return failures;
    };
    let mut theirs: Vec<&str> = members.iter().map(|(name, _)| name.as_str()).collect();
    let mut ours: Vec<&str> = case.block.fields.iter().map(|field| field.name).collect();
    theirs.sort_unstable();
    ours.sort_unstable();
    if theirs != ours {
        fail(format!("the driver's members are {theirs:?}, ours {ours:?}"));
    }

    // Every basic member at our offset, every basic array of our length.
    let mut basic = Vec::new();
    leaves(&reflected, "", &mut basic);
    if basic.len() < case.block.fields.len() {
        fail(format!("the driver reflects {} basic members for {} fields", basic.len(), case.block.fields.len()));
    }
    for leaf in &basic {
        match our_member(&case.block, &leaf.path) {
            Ok((offset, len)) => {
                if offset != leaf.offset {
                    fail(format!(
                        "`{}` ({:?}) is at {} to the driver, {offset} to us",
                        leaf.path, leaf.ty, leaf.offset
                    ));
                }
                if leaf.len.is_some() && leaf.len != len {
                    fail(format!("`{}` has {:?} elements to the driver, {len:?} to us", leaf.path, leaf.len));
                }
            }
            Err(message) => fail(message),
        }
    }

    // The block's data size. std140 makes it the members' end rounded up to
    // 16 bytes (ARB_uniform_buffer_object's rule for UNIFORM_BLOCK_DATA_SIZE),
    // which `T::BLOCK.size` is. std430's `T::BLOCK.size` is the members' end
    // rounded up to the struct's alignment, which may be 4 or 8; but GL
    // leaves a storage block's BUFFER_DATA_SIZE to the implementation (a
    // minimum size), and Mesa reports the std140 rounding for every packing:
    // its `fill_individual_variable` (src/compiler/glsl/
    // gl_nir_link_uniform_blocks.c) sets `*buffer_size = align(*offset, 16)`
    // for std430 too, so `float v;` is 16 bytes, `float a[8]; float b;` 48
    // (36 to std430). So a std430 block's is ours rounded up to 16.
    let expected = match rules {
        Rules::Std140 => case.block.size,
        Rules::Std430 => case.block.size.next_multiple_of(16),
    };
    if size != expected {
        fail(format!("the driver's block data size is {size}, {expected} expected (BLOCK.size {})", case.block.size));
    }
    failures
}

fn check_all(rules: Rules) -> usize {
    let context = common::context();
    let cases = cases(rules);
    let failures: Vec<String> = cases.iter().flat_map(|case| check_case(&context, rules, case)).collect();
    assert!(failures.is_empty(), "{} {} discrepancies:\n{}", failures.len(), rules.name(), failures.join("\n"));
    cases.len()
}

#[test]
fn std140_uniform_blocks_match_the_driver() {
    let count = check_all(Rules::Std140);
    assert!(count >= 12, "{count} std140 cases");
}

#[test]
fn std430_storage_blocks_match_the_driver() {
    let count = check_all(Rules::Std430);
    assert!(count >= 12, "{count} std430 cases");
}

/// The check can fail: where the GLSL names, types or places a member
/// otherwise, `matches` says so, naming the member.
#[test]
fn blocks_that_differ_from_the_glsl_do_not_match() {
    let context = common::context();
    #[derive(Clone, Copy, Block)]
    #[block(std140)]
    #[repr(C)]
    struct Renamed {
        position: [f32; 3],
        brightness: f32,
    }
    #[derive(Clone, Copy, Block)]
    #[block(std140)]
    #[repr(C)]
    struct Vec3NotVec4 {
        a: [f32; 3],
        b: f32,
        c: [f32; 4],
    }
    #[derive(Clone, Copy, Block)]
    #[block(std430)]
    #[repr(C)]
    struct Signed {
        n: i32,
    }

    type Matcher = fn(&Reflected, usize) -> Result<(), LayoutMismatchError>;
    let cases: [(&str, Rules, Matcher, &str, &str, &str); 7] = [
        // Another name: the driver's member is missing from ours.
        (
            "renamed",
            Rules::Std140,
            <Renamed as UniformBlock>::matches,
            "vec3 position; float intensity;",
            "intensity",
            "intensity",
        ),
        // vec3 where the shader has a vec4, and so `b` at 12, not 16.
        ("vec3 for vec4", Rules::Std140, <Vec3NotVec4 as UniformBlock>::matches, "vec4 a; float b; vec4 c;", "b", "a"),
        // An int for a uint.
        ("int for uint", Rules::Std430, <Signed as UniformBlock>::matches, "uint n;", "float(n)", "n"),
        // The std140 struct for the std430 block: `b` at 80, not 20.
        (
            "std140 struct for a std430 block",
            Rules::Std430,
            <S140FloatArray as UniformBlock>::matches,
            "float a[5]; float b;",
            "b",
            "b",
        ),
        // std430's mat2 for std140's: `f` at 16, not 32.
        ("std430 mat2 for std140", Rules::Std140, <S430Mat2 as UniformBlock>::matches, "mat2 m; float f;", "f", "f"),
        // Another array length.
        (
            "8 floats for 6",
            Rules::Std430,
            <S430FloatArray as UniformBlock>::matches,
            "float a[6]; float b;",
            "a[0] + b",
            "a",
        ),
        // A member the Rust struct lacks.
        (
            "one member more",
            Rules::Std430,
            <S430Vec3Float as UniformBlock>::matches,
            "vec3 position; float intensity; float extra;",
            "extra",
            "extra",
        ),
    ];
    for (case, rules, matches, members, read, named) in cases {
        let (reflected, _) = reflect(&context, rules, "", members, read);
        let error = matches(&reflected, 0).expect_err(case);
        assert!(format!("{error:?}").contains(named), "{case}: {error:?}");
    }
}
