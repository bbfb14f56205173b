//! The checks against a program glium linked: its vertex inputs and its
//! blocks, as the driver reflects them.

use std::collections::HashMap;
use std::hash::BuildHasher;

use glium::program::{Attribute, BlockLayout as Reflected, UniformBlock};
use glium::uniforms::UniformType;
use glium::vertex::AttributeType as GlType;
use glium::Program;

use super::names::{self, Kind, Path, Shape};
use super::{finish, type_names, VertexSet};
use crate::backends::glium::block::{reads_as, shape};
use crate::tracking::block::{Block, BlockLayout, BlockType, Rules};
use crate::tracking::layout::{AttributeType, FieldLayout, Layout};
use crate::Error;

/// Checks the vertex type `T` (or the types of the buffers one draw
/// reads, as a tuple: see [`VertexSet`]) against the vertex inputs of
/// `program`, as the driver linked them: every input the shader reads
/// must have a field of its name with its type, at its location where the
/// field fixes one with `#[vertex(location = N)]`. A field the shader
/// does not read is fine. See the [module](super) for every rule.
///
/// # Errors
///
/// [`Error::ShaderMismatch`] listing every input that does not match, with
/// the shader's type and the field's.
///
/// # Examples
///
/// ```
/// use gloo_runtime::glium::Program;
/// use gloo_runtime::headless::HeadlessContext;
/// use gloo_runtime::{check, Error, Vertex};
///
/// #[derive(Clone, Copy, Vertex)]
/// #[repr(C)]
/// struct Point {
///     position: [f32; 2],
///     color: [f32; 3],
/// }
///
/// let fragment = "#version 330 core\nout vec4 f;\nvoid main() { f = vec4(1.0); }";
/// let context = HeadlessContext::new()?;
/// let vertex = "#version 330 core\nin vec2 position;\nvoid main() { gl_Position = vec4(position, 0.0, 1.0); }";
/// let program = Program::from_source(&context, vertex, fragment, None).expect("shaders compile");
/// check::vertex::<Point>(&program)?; // `color` is not read: fine
///
/// let vertex = "#version 330 core\nin vec3 position;\nvoid main() { gl_Position = vec4(position, 1.0); }";
/// let program = Program::from_source(&context, vertex, fragment, None).expect("shaders compile");
/// let error = check::vertex::<Point>(&program).unwrap_err();
/// assert_eq!(
///     error.to_string(),
///     "shader mismatch: `Point` against the vertex inputs of the program\n  \
///      - shader input position is vec3, Point::position is [f32; 2] (vec2)",
/// );
/// # Ok::<(), Error>(())
/// ```
pub fn vertex<T: VertexSet>(program: &Program) -> Result<(), Error> {
    let layouts = T::layouts();
    let fields = fields(&layouts);
    let mut inputs: Vec<(&String, &Attribute)> = program.attributes().collect();
    inputs.sort_by_key(|&(name, attribute)| (attribute.location, name));
    let mismatches = inputs.into_iter().flat_map(|(name, attribute)| input(&layouts, &fields, name, attribute));
    finish(format!("{} against the vertex inputs of the program", type_names(&layouts)), mismatches.collect())
}

/// One attribute field of one of the types checked.
struct Fed<'a> {
    layout: &'a Layout,
    field: &'a FieldLayout,
    ty: AttributeType,
}

impl Fed<'_> {
    /// `Point::position`.
    fn path(&self) -> String {
        format!("{}::{}", self.layout.name, self.field.ident)
    }
}

/// Every attribute field of `layouts`, skipped ones left out.
fn fields(layouts: &[Layout]) -> Vec<Fed<'_>> {
    let all = layouts.iter().flat_map(|layout| layout.fields.iter().map(move |field| (layout, field)));
    all.filter_map(|(layout, field)| Some(Fed { layout, field, ty: field.ty? })).collect()
}

/// What is wrong with the input `name`, if anything.
fn input(layouts: &[Layout], fields: &[Fed<'_>], name: &str, attribute: &Attribute) -> Vec<String> {
    let theirs = gl_name(attribute.ty);
    if attribute.size != 1 {
        let array = format!("shader input {name} is {theirs}[{}]", attribute.size);
        return vec![format!("{array}: a vertex field feeds one input, not an array")];
    }
    let named: Vec<&Fed<'_>> = fields.iter().filter(|fed| fed.field.name == name).collect();
    match named.as_slice() {
        [] => vec![unfed(layouts, fields, name, attribute)],
        [fed] => fed_mismatches(fed, name, attribute),
        many => {
            let paths: Vec<String> = many.iter().map(|fed| fed.path()).collect();
            vec![format!("shader input {name} is fed by {}: rename all but one", paths.join(" and "))]
        }
    }
}

/// The message for an input no field of its name feeds.
fn unfed(layouts: &[Layout], fields: &[Fed<'_>], name: &str, attribute: &Attribute) -> String {
    let types: Vec<&str> = layouts.iter().map(|layout| layout.name).collect();
    let (location, theirs, types) = (attribute.location, gl_name(attribute.ty), names::alternatives(&types));
    let missing = format!(
        "shader input {name} ({theirs}, location {location}) has no field: no field of {types} is named {name}"
    );
    let at_location = u32::try_from(location).ok();
    match fields.iter().find(|fed| fed.field.location.is_some() && fed.field.location == at_location) {
        Some(fed) => format!(
            "{missing}; {} at #[vertex(location = {location})] is named {}: rename one, or give the field \
             #[vertex(name = \"{name}\")]",
            fed.path(),
            fed.field.name
        ),
        None => missing,
    }
}

/// What differs between the input `name` and the field of that name.
fn fed_mismatches(fed: &Fed<'_>, name: &str, attribute: &Attribute) -> Vec<String> {
    let mut mismatches = Vec::new();
    let ours = Shape::of_attribute(fed.ty, fed.field.normalize);
    if gl_shape(attribute.ty) != Some(ours) {
        let types = format!(
            "shader input {name} is {}, {} is {}",
            gl_name(attribute.ty),
            fed.path(),
            names::field_glsl(fed.field, fed.ty)
        );
        mismatches.push(match gl_shape(attribute.ty) {
            Some(theirs) => format!("{types}{}", names::hint(fed.field, ours, theirs, Shape::glsl)),
            None => types,
        });
    }
    if let Some(location) = fed.field.location {
        if i64::from(location) != i64::from(attribute.location) {
            mismatches.push(format!(
                "shader input {name} is at location {}, {} at location {location} (#[vertex(location = {location})])",
                attribute.location,
                fed.path()
            ));
        }
    }
    mismatches
}

/// The shape the shader reads as glium's attribute type `ty`.
fn gl_shape(ty: GlType) -> Option<Shape> {
    use GlType as G;
    use Kind::{Double, Float, Int, Uint};
    let (kind, columns, rows) = match ty {
        G::F32 => (Float, 1, 1),
        G::F32F32 => (Float, 1, 2),
        G::F32F32F32 => (Float, 1, 3),
        G::F32F32F32F32 => (Float, 1, 4),
        G::I32 => (Int, 1, 1),
        G::I32I32 => (Int, 1, 2),
        G::I32I32I32 => (Int, 1, 3),
        G::I32I32I32I32 => (Int, 1, 4),
        G::U32 => (Uint, 1, 1),
        G::U32U32 => (Uint, 1, 2),
        G::U32U32U32 => (Uint, 1, 3),
        G::U32U32U32U32 => (Uint, 1, 4),
        G::F64 => (Double, 1, 1),
        G::F64F64 => (Double, 1, 2),
        G::F64F64F64 => (Double, 1, 3),
        G::F64F64F64F64 => (Double, 1, 4),
        G::F32x2x2 => (Float, 2, 2),
        G::F32x2x3 => (Float, 2, 3),
        G::F32x2x4 => (Float, 2, 4),
        G::F32x3x2 => (Float, 3, 2),
        G::F32x3x3 => (Float, 3, 3),
        G::F32x3x4 => (Float, 3, 4),
        G::F32x4x2 => (Float, 4, 2),
        G::F32x4x3 => (Float, 4, 3),
        G::F32x4x4 => (Float, 4, 4),
        G::F64x2x2 => (Double, 2, 2),
        G::F64x2x3 => (Double, 2, 3),
        G::F64x2x4 => (Double, 2, 4),
        G::F64x3x2 => (Double, 3, 2),
        G::F64x3x3 => (Double, 3, 3),
        G::F64x3x4 => (Double, 3, 4),
        G::F64x4x2 => (Double, 4, 2),
        G::F64x4x3 => (Double, 4, 3),
        G::F64x4x4 => (Double, 4, 4),
        _ => return None,
    };
    Some(Shape { kind, columns, rows })
}

/// GLSL's name of glium's attribute type `ty` (glium's own where GLSL has
/// none: drivers reflect none of those).
fn gl_name(ty: GlType) -> String {
    gl_shape(ty).map_or_else(|| format!("{ty:?}"), Shape::glsl)
}

/// Checks the block `T` against the block `name` of a program's
/// `blocks`: `program.get_uniform_blocks()` or
/// `program.get_shader_storage_blocks()` (a `ComputeShader`'s too). Every
/// member must match in name, order, type and offset, nested structs and
/// arrays of them member by member. A block whose only member is an array
/// of `T`'s struct holds records of `T`, a
/// [`StorageBuffer<T>`](crate::StorageBuffer)'s: `T` is then checked
/// against the array's element. See the [module](super) for every rule.
///
/// # Errors
///
/// [`Error::ShaderMismatch`] listing every member that differs, with the
/// shader's type and offset and ours, or naming the block `name` where
/// `blocks` has none of that name.
///
/// # Examples
///
/// ```
/// use gloo_runtime::glium::program::ComputeShader;
/// use gloo_runtime::headless::HeadlessContext;
/// use gloo_runtime::{check, Block, Error};
///
/// #[derive(Clone, Copy, Block)]
/// #[block(std140)]
/// #[repr(C)]
/// struct Light {
///     position: [f32; 3],
///     intensity: f32,
///     color: [f32; 4],
/// }
///
/// let source = |members: &str| {
///     format!(
///         "#version 430\nlayout(local_size_x = 1) in;\n\
///          layout(std140) uniform LightBlock {{ {members} }};\n\
///          layout(std430) buffer Out {{ float o[]; }};\n\
///          void main() {{ o[0] = intensity + position.x + color.x; }}"
///     )
/// };
/// let context = HeadlessContext::new()?;
/// let shader = ComputeShader::from_source(&context, &source("vec3 position; float intensity; vec4 color;"))
///     .expect("the shader compiles");
/// check::block::<Light>(shader.get_uniform_blocks(), "LightBlock")?;
///
/// let shader = ComputeShader::from_source(&context, &source("vec4 position; float intensity; vec4 color;"))
///     .expect("the shader compiles");
/// let error = check::block::<Light>(shader.get_uniform_blocks(), "LightBlock").unwrap_err();
/// let message = error.to_string();
/// assert!(message.contains("member position is vec4 at offset 0, Light::position is [f32; 3] (vec3) at offset 0"));
/// assert!(message.contains("member intensity is float at offset 16, Light::intensity is f32 (float) at offset 12"));
/// # Ok::<(), Error>(())
/// ```
pub fn block<T: Block>(blocks: &HashMap<String, UniformBlock, impl BuildHasher>, name: &str) -> Result<(), Error> {
    let ours = &T::BLOCK;
    let Some(block) = blocks.get(name) else {
        let mut known: Vec<&str> = blocks.keys().map(String::as_str).collect();
        known.sort_unstable();
        let known = if known.is_empty() { "none".to_owned() } else { known.join(", ") };
        let missing = format!("the program has no block named {name} (its blocks: {known})");
        return finish(format!("`{}` against block `{name}`", ours.name), vec![missing]);
    };
    let mut walk = Walk { root: ours.name, rules: ours.rules, top: "block", mismatches: Vec::new() };
    let what = match inner(ours, &block.layout) {
        Some((member, array @ (Reflected::Array { content, .. } | Reflected::DynamicSizedArray { content }))) => {
            walk.top = "record";
            walk.stride(ours, name, array, block.size);
            walk.structure(ours, content, 0, &Path::default());
            format!("the records of block `{name}` (`{member}[]`)")
        }
        Some((member, inner)) => {
            walk.top = "struct";
            walk.structure(ours, inner, 0, &Path::default());
            format!("member `{member}` of block `{name}`")
        }
        None => {
            walk.structure(ours, &block.layout, 0, &Path::default());
            format!("block `{name}`")
        }
    };
    finish(format!("`{}` against {what}", ours.name), walk.mismatches)
}

/// What `ours` stands for in a block whose one member is a name of no
/// field of ours: that member's name and layout, an array of records or
/// a struct (a block of one struct).
fn inner<'a>(ours: &BlockLayout, reflected: &'a Reflected) -> Option<(&'a str, &'a Reflected)> {
    let Reflected::Struct { members } = reflected else { return None };
    let [(member, inner)] = members.as_slice() else { return None };
    let ours_too = ours.fields.iter().any(|field| field.name == member);
    (!ours_too && !matches!(inner, Reflected::BasicType { .. })).then_some((member.as_str(), inner))
}

/// A walk of our block beside the driver's, gathering what differs.
struct Walk {
    root: &'static str,
    /// The rules of our block, which its nested structs follow.
    rules: Rules,
    /// What the shader's outermost struct is: `"block"`, `"struct"` or
    /// `"record"`.
    top: &'static str,
    mismatches: Vec<String>,
}

impl Walk {
    /// Whether the records of `array`, a block `size` bytes long, are
    /// `ours.size` apart. glium reflects no stride, and lists an array of
    /// structs in a storage block by its first element: only a uniform
    /// block's array of structs tells its stride, by the block's size.
    fn stride(&mut self, ours: &BlockLayout, name: &str, array: &Reflected, size: usize) {
        let Reflected::Array { content, length } = array else { return };
        if *length > 1 && matches!(**content, Reflected::Struct { .. }) && size != length * ours.size {
            self.mismatches.push(format!(
                "block {name} holds {length} records in {size} bytes, {length} {} take {}: the records are {} bytes \
                 apart in the shader, {} in Rust",
                ours.name,
                length * ours.size,
                size / length,
                ours.size
            ));
        }
    }

    /// Our struct `ours`, at `base` in the buffer, against `reflected`.
    fn structure(&mut self, ours: &BlockLayout, reflected: &Reflected, base: usize, path: &Path) {
        let Reflected::Struct { members } = reflected else {
            match ours.fields {
                [only] if only.offset == 0 => self.member(&only.ty, reflected, base, &path.ours_member(only.ident)),
                _ => self.mismatches.push(format!(
                    "{} is {}, {} is the struct {}",
                    path.shader(self.top),
                    describe(reflected),
                    path.ours(self.root),
                    ours.name
                )),
            }
            return;
        };
        let mut members: Vec<&(String, Reflected)> = members.iter().collect();
        members.sort_by_key(|(_, member)| first_offset(member));
        for (name, member) in &members {
            match ours.fields.iter().find(|field| field.name == name) {
                Some(field) => self.member(&field.ty, member, base + field.offset, &path.member(name, field.ident)),
                None => self.mismatches.push(format!(
                    "{} ({}) has no field in {}",
                    path.member(name, "").shader("block"),
                    describe(member),
                    ours.name
                )),
            }
        }
        for field in ours.fields.iter().filter(|field| !members.iter().any(|(name, _)| name == field.name)) {
            let at = path.member(field.name, field.ident);
            self.mismatches.push(format!(
                "{} ({} ({}) at offset {}) is not in {}",
                at.ours(self.root),
                names::rust_member(&field.ty),
                names::glsl_member(&field.ty),
                base + field.offset,
                path.scope(self.top)
            ));
        }
        let theirs: Vec<&str> = members.iter().map(|(name, _)| name.as_str()).collect();
        self.order(ours, &theirs, path);
    }

    /// The members both sides have, if in another order on each.
    fn order(&mut self, ours: &BlockLayout, theirs: &[&str], path: &Path) {
        self.mismatches.extend(names::order(ours, theirs, &path.scope(self.top)));
    }

    /// Our member of type `ty` at `offset` against `reflected`.
    fn member(&mut self, ty: &BlockType, reflected: &Reflected, offset: usize, path: &Path) {
        match (ty, reflected) {
            (BlockType::Struct(inner), _) => self.structure(inner, reflected, offset, path),
            (&BlockType::Array { element, len }, Reflected::Array { content, length }) => {
                // GL lists a storage block's array of structs by its first
                // element only: its length is reflected for basic types alone.
                if matches!(**content, Reflected::BasicType { .. }) && *length != len {
                    self.differs(ty, reflected, offset, path);
                } else {
                    self.member(element, content, offset, &path.element());
                }
            }
            // Our matrix or vector may be the shader's array of vectors or
            // scalars: the same bytes, element by element.
            (&BlockType::Matrix { scalar, columns, rows }, Reflected::Array { content, length })
                if *length == columns =>
            {
                self.member(&BlockType::Vector(scalar, rows), content, offset, &path.element());
            }
            (&BlockType::Vector(scalar, len), Reflected::Array { content, length }) if *length == len => {
                self.member(&BlockType::Scalar(scalar), content, offset, &path.element());
            }
            (_, &Reflected::BasicType { ty: theirs, offset_in_buffer }) => {
                if !reads_as(ty, theirs, self.rules) || offset_in_buffer != offset {
                    self.differs(ty, reflected, offset, path);
                }
            }
            _ => self.differs(ty, reflected, offset, path),
        }
    }

    /// Records that our member of type `ty` at `offset` is not `reflected`.
    fn differs(&mut self, ty: &BlockType, reflected: &Reflected, offset: usize, path: &Path) {
        self.mismatches.push(format!(
            "{} is {}, {} is {} ({}) at offset {offset}",
            path.shader(self.top),
            describe(reflected),
            path.ours(self.root),
            names::rust_member(ty),
            names::glsl_member(ty)
        ));
    }
}

/// The type and offset of a reflected member: `vec3 at offset 16`.
fn describe(reflected: &Reflected) -> String {
    match first_offset(reflected) {
        Some(offset) => format!("{} at offset {offset}", type_name(reflected)),
        None => type_name(reflected),
    }
}

/// GLSL's name of a reflected type: `vec3`, `float[4]`, `struct { a, b }`.
fn type_name(reflected: &Reflected) -> String {
    match reflected {
        Reflected::BasicType { ty, .. } => uniform_name(*ty),
        Reflected::Array { content, length } => format!("{}[{length}]", type_name(content)),
        Reflected::DynamicSizedArray { content } => format!("{}[]", type_name(content)),
        Reflected::Struct { members } => {
            let names: Vec<&str> = members.iter().map(|(name, _)| name.as_str()).collect();
            format!("struct {{ {} }}", names.join(", "))
        }
    }
}

/// GLSL's name of glium's uniform type (glium's own for a non-number).
fn uniform_name(ty: UniformType) -> String {
    match shape(ty) {
        Some((scalar, columns, rows)) => Shape { kind: Kind::of(scalar, false), columns, rows }.glsl(),
        None => format!("{ty:?}"),
    }
}

/// Where a reflected member starts: its first basic member's offset.
fn first_offset(reflected: &Reflected) -> Option<usize> {
    match reflected {
        Reflected::BasicType { offset_in_buffer, .. } => Some(*offset_in_buffer),
        Reflected::Array { content, .. } | Reflected::DynamicSizedArray { content } => first_offset(content),
        Reflected::Struct { members } => members.iter().filter_map(|(_, member)| first_offset(member)).min(),
    }
}
