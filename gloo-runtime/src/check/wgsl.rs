//! The checks against WGSL, through naga (the compiler wgpu runs): a
//! vertex entry point's inputs and a `var<uniform>` or `var<storage>`.
//! No GPU is needed.

use ::wgpu::naga;
use ::wgpu::VertexAttribute;
use naga::common::wgsl::TypeContext;
use naga::{AddressSpace, ArraySize, Binding, Handle, Module, ScalarKind, ShaderStage, Type, TypeInner};

use super::names::{self, Kind, Path, Shape};
use super::{finish, type_names, VertexSet};
use crate::tracking::block::{Block, BlockLayout, BlockType, Rules};
use crate::tracking::layout::{AttributeType, FieldLayout, Layout};
use crate::Error;

/// Parses and validates `source` as wgpu would, every capability allowed:
/// the check is of types and layouts, not of what a device supports.
fn module(source: &str) -> Result<Module, Error> {
    let invalid = |what: &str, message: String| Error::ShaderMismatch {
        shader: format!("the WGSL source: naga could not {what} it"),
        mismatches: vec![message.trim_end().to_owned()],
    };
    let module =
        naga::front::wgsl::parse_str(source).map_err(|error| invalid("parse", error.emit_to_string(source)))?;
    let capabilities = naga::valid::Capabilities::all();
    naga::valid::Validator::new(naga::valid::ValidationFlags::all(), capabilities)
        .validate(&module)
        .map_err(|error| invalid("validate", error.emit_to_string(source)))?;
    Ok(module)
}

/// Checks the vertex type `T` (or the types of the buffers one draw
/// reads, as a tuple: see [`VertexSet`]) against the inputs of the WGSL
/// vertex entry point `entry`, by location: wgpu binds each field to the
/// location [`wgpu_layout::<T>()`](crate::wgpu_layout) gives it, and
/// every `@location` the shader reads must be one of those, holding a
/// field of its type. Names may differ (messages show both); a field the
/// shader does not read is fine. See the [module](super) for every rule.
///
/// # Errors
///
/// [`Error::ShaderMismatch`] listing every input that does not match, or
/// naming `entry` where the module has no vertex entry point of that name,
/// or carrying naga's message where it cannot parse or validate `source`.
///
/// # Examples
///
/// ```
/// use gloo_runtime::{check, Error, Vertex};
///
/// #[derive(Clone, Copy, Vertex)]
/// #[repr(C)]
/// struct Point {
///     position: [f32; 2],
///     color: [f32; 3],
/// }
///
/// const WGSL: &str = "
///     @vertex fn vs_main(@location(0) position: vec2<f32>, @location(1) color: vec3<f32>)
///         -> @builtin(position) vec4<f32> { return vec4<f32>(position, color.x, 1.0); }";
/// check::vertex_wgsl::<Point>(WGSL, "vs_main")?;
///
/// let error = check::vertex_wgsl::<Point>(&WGSL.replace("color: vec3", "color: vec4"), "vs_main").unwrap_err();
/// assert_eq!(
///     error.to_string(),
///     "shader mismatch: `Point` against the inputs of vertex entry point `vs_main`\n  \
///      - shader input color at location 1 is vec4<f32>, Point::color is [f32; 3] (Float32x3, vec3<f32>)",
/// );
/// # Ok::<(), Error>(())
/// ```
pub fn vertex_wgsl<T: VertexSet>(source: &str, entry: &str) -> Result<(), Error> {
    let module = module(source)?;
    let layouts = T::layouts();
    let shader = format!("{} against the inputs of vertex entry point `{entry}`", type_names(&layouts));
    let vertex = |point: &&naga::EntryPoint| point.stage == ShaderStage::Vertex;
    let Some(point) = module.entry_points.iter().filter(vertex).find(|point| point.name == entry) else {
        let known: Vec<&str> = module.entry_points.iter().filter(vertex).map(|point| point.name.as_str()).collect();
        let known = if known.is_empty() { "none".to_owned() } else { known.join(", ") };
        return finish(shader, vec![format!("the module has no vertex entry point named {entry} (it has: {known})")]);
    };
    let ours = attributes(&layouts, &T::wgpu_attributes());
    let mut mismatches = clashes(&ours);
    for input in inputs(&module, &point.function) {
        mismatches.extend(input_mismatch(&module, &layouts, &ours, &input));
    }
    finish(shader, mismatches)
}

/// One `@location` input of the entry point.
struct Input<'a> {
    name: &'a str,
    location: u32,
    ty: Handle<Type>,
}

/// The entry point's `@location` inputs, arguments and struct members
/// alike, by location.
fn inputs<'a>(module: &'a Module, function: &'a naga::Function) -> Vec<Input<'a>> {
    let mut inputs = Vec::new();
    for argument in &function.arguments {
        let name = argument.name.as_deref().unwrap_or("");
        match (&argument.binding, &module.types[argument.ty].inner) {
            (Some(Binding::Location { location, .. }), _) => {
                inputs.push(Input { name, location: *location, ty: argument.ty });
            }
            (None, TypeInner::Struct { members, .. }) => {
                for member in members {
                    if let Some(Binding::Location { location, .. }) = member.binding {
                        inputs.push(Input { name: member.name.as_deref().unwrap_or(""), location, ty: member.ty });
                    }
                }
            }
            _ => {}
        }
    }
    inputs.sort_by_key(|input| input.location);
    inputs
}

/// One column of a field of ours, at the location wgpu binds it.
struct Attribute<'a> {
    layout: &'a Layout,
    field: &'a FieldLayout,
    ty: AttributeType,
    /// The column, for a matrix.
    column: Option<usize>,
    location: u32,
    format: ::wgpu::VertexFormat,
}

impl Attribute<'_> {
    /// `Point::position`, `Instance::transform's column 1`.
    fn path(&self) -> String {
        let path = format!("{}::{}", self.layout.name, self.field.ident);
        match self.column {
            Some(column) => format!("{path}'s column {column}"),
            None => path,
        }
    }

    /// The type of the column as Rust, wgpu and WGSL name it:
    /// `[f32; 2] (Float32x2, vec2<f32>)`.
    fn type_name(&self) -> String {
        let column = AttributeType::vector(self.ty.scalar, self.ty.rows);
        let normalized = if self.field.normalize { " normalized" } else { "" };
        let rust = names::rust_attribute(column);
        format!("{rust}{normalized} ({:?}, {})", self.format, self.shape().wgsl())
    }

    /// What the shader reads the column as.
    fn shape(&self) -> Shape {
        Shape::of_attribute(AttributeType::vector(self.ty.scalar, self.ty.rows), self.field.normalize)
    }
}

/// Every column of every field `layouts` bind, from `wgpu_layout`'s
/// attributes (one list a layout).
fn attributes<'a>(layouts: &'a [Layout], wgpu: &[&[VertexAttribute]]) -> Vec<Attribute<'a>> {
    let mut all = Vec::new();
    for (layout, attributes) in layouts.iter().zip(wgpu) {
        for attribute in attributes.iter() {
            let offset = attribute.offset as usize;
            let owner = layout.fields.iter().find(|field| field.bytes().contains(&offset));
            let Some((field, ty)) = owner.and_then(|field| Some((field, field.ty?))) else { continue };
            let column_bytes = ty.scalar.size() * usize::from(ty.rows);
            let column = (ty.columns > 1).then(|| (offset - field.offset) / column_bytes);
            let (location, format) = (attribute.shader_location, attribute.format);
            all.push(Attribute { layout, field, ty, column, location, format });
        }
    }
    all
}

/// Two columns of ours at one location (of two buffers: within one
/// buffer, the derive refuses it).
fn clashes(ours: &[Attribute<'_>]) -> Vec<String> {
    let mut clashes = Vec::new();
    for (i, one) in ours.iter().enumerate() {
        if let Some(other) = ours[i + 1..].iter().find(|other| other.location == one.location) {
            clashes.push(format!(
                "{} and {} both take location {}: give one #[vertex(location = N)] of a free location",
                one.path(),
                other.path(),
                one.location
            ));
        }
    }
    clashes
}

/// What is wrong with `input`, if anything.
fn input_mismatch(module: &Module, layouts: &[Layout], ours: &[Attribute<'_>], input: &Input<'_>) -> Option<String> {
    let theirs = module.to_ctx().type_to_string(input.ty);
    let (name, location) = (input.name, input.location);
    let Some(fed) = ours.iter().find(|attribute| attribute.location == location) else {
        return Some(unfed(layouts, ours, input, &theirs));
    };
    if naga_shape(&module.types[input.ty].inner) == Some(fed.shape()) {
        return None;
    }
    let hint = match naga_shape(&module.types[input.ty].inner) {
        Some(shape) => names::hint(fed.field, fed.shape(), shape, Shape::wgsl),
        None => String::new(),
    };
    Some(format!("shader input {name} at location {location} is {theirs}, {} is {}{hint}", fed.path(), fed.type_name()))
}

/// The message for an input at a location no field of ours takes.
fn unfed(layouts: &[Layout], ours: &[Attribute<'_>], input: &Input<'_>, theirs: &str) -> String {
    let types: Vec<&str> = layouts.iter().map(|layout| layout.name).collect();
    let taken: Vec<String> = ours.iter().map(|attribute| attribute.location.to_string()).collect();
    let taken = if taken.is_empty() { "none".to_owned() } else { taken.join(", ") };
    let missing = format!(
        "shader input {} at location {} ({theirs}) is fed by no field: those of {} take locations {taken}",
        input.name,
        input.location,
        names::alternatives(&types)
    );
    match ours.iter().find(|attribute| attribute.field.name == input.name) {
        Some(named) => format!("{missing}, and {} is at location {}", named.path(), named.location),
        None => missing,
    }
}

/// The shape the shader reads as naga's `ty`: `None` for what no field
/// of ours is (a bool, a struct, an array).
fn naga_shape(ty: &TypeInner) -> Option<Shape> {
    let (scalar, columns, rows) = match *ty {
        TypeInner::Scalar(scalar) | TypeInner::Atomic(scalar) => (scalar, 1, 1),
        TypeInner::Vector { size, scalar } => (scalar, 1, size as usize),
        TypeInner::Matrix { columns, rows, scalar } => (scalar, columns as usize, rows as usize),
        _ => return None,
    };
    let kind = match (scalar.kind, scalar.width) {
        (ScalarKind::Float, 4) => Kind::Float,
        (ScalarKind::Float, 8) => Kind::Double,
        (ScalarKind::Sint, 4) => Kind::Int,
        (ScalarKind::Uint, 4) => Kind::Uint,
        (ScalarKind::Sint, 8) => Kind::Int64,
        (ScalarKind::Uint, 8) => Kind::Uint64,
        _ => return None,
    };
    Some(Shape { kind, columns, rows })
}

/// Checks the block `T` against the WGSL global `var` of the uniform or
/// storage address space: its struct's members must match `T`'s in name,
/// order, type and offset, nested structs and arrays of them member by
/// member. A `var` that is an array of structs (`var<storage> particles:
/// array<Particle>`), or a struct whose only member is one, holds
/// records of `T`, a [`StorageBuffer<T>`](crate::StorageBuffer)'s: `T` is
/// then checked against the element, and the array's stride must be `T`'s
/// size. See the [module](super) for every rule.
///
/// # Errors
///
/// [`Error::ShaderMismatch`] listing every member that differs, with the
/// shader's type and offset and ours, or naming `var` where the module has
/// no such global, or carrying naga's message where it cannot parse or
/// validate `source`.
///
/// # Examples
///
/// ```
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
/// const WGSL: &str = "
///     struct Light { position: vec3<f32>, intensity: f32, color: vec4<f32> }
///     @group(0) @binding(0) var<uniform> light: Light;
///     @fragment fn fs_main() -> @location(0) vec4<f32> { return light.color * light.intensity; }";
/// check::block_wgsl::<Light>(WGSL, "light")?;
///
/// let swapped = WGSL.replace("position: vec3<f32>, intensity: f32", "intensity: f32, position: vec3<f32>");
/// let message = check::block_wgsl::<Light>(&swapped, "light").unwrap_err().to_string();
/// assert!(message.contains("member position is vec3<f32> at offset 16, Light::position is [f32; 3] (vec3<f32>) at offset 0"));
/// assert!(message.contains("the shader has intensity, position, color; Light has position, intensity, color"));
/// # Ok::<(), Error>(())
/// ```
pub fn block_wgsl<T: Block>(source: &str, var: &str) -> Result<(), Error> {
    let module = module(source)?;
    let ours = &T::BLOCK;
    let shader = format!("`{}` against `var {var}`", ours.name);
    let buffers = module.global_variables.iter().map(|(_, global)| global);
    let buffers: Vec<&naga::GlobalVariable> =
        buffers.filter(|global| matches!(global.space, AddressSpace::Uniform | AddressSpace::Storage { .. })).collect();
    let Some(global) = buffers.iter().find(|global| global.name.as_deref() == Some(var)) else {
        let known: Vec<&str> = buffers.iter().filter_map(|global| global.name.as_deref()).collect();
        let known = if known.is_empty() { "none".to_owned() } else { known.join(", ") };
        let missing = format!("the module has no var<uniform> or var<storage> named {var} (it has: {known})");
        return finish(shader, vec![missing]);
    };
    let mut walk = Walk { module: &module, root: ours.name, top: "struct", mismatches: Vec::new() };
    let what = match inner(&module, ours, global.ty) {
        Some(Inner::Records { path, element, stride }) => {
            if stride as usize != ours.size {
                let apart = format!("the records of {path} are {stride} bytes apart");
                walk.mismatches.push(format!("{apart}, {} is {} bytes", ours.name, ours.size));
            }
            walk.top = "record";
            walk.structure(ours, element, 0, &Path::default());
            format!("the records of `var {var}` (`{path}`)")
        }
        Some(Inner::Struct { member, ty, offset }) => {
            walk.structure(ours, ty, offset, &Path::default());
            format!("member `{member}` of `var {var}`")
        }
        None => {
            walk.structure(ours, global.ty, 0, &Path::default());
            format!("`var {var}`")
        }
    };
    finish(format!("`{}` against {what}", ours.name), walk.mismatches)
}

/// What a block type stands for inside a var's type that is not its
/// struct.
enum Inner {
    /// An array of records: the var's type, or its struct's one member.
    Records {
        /// `array<Particle>`, `particles: array<Particle>`.
        path: String,
        element: Handle<Type>,
        stride: u32,
    },
    /// The one member of the var's struct, a struct itself.
    Struct { member: String, ty: Handle<Type>, offset: usize },
}

/// What `ours` stands for in the var's type `ty`, where its struct is
/// not `ours`' own: an array of structs, or a struct whose one member is
/// a name of no field of `ours` and an array of structs or a struct.
fn inner(module: &Module, ours: &BlockLayout, ty: Handle<Type>) -> Option<Inner> {
    let is_struct = |ty: Handle<Type>| matches!(module.types[ty].inner, TypeInner::Struct { .. });
    let records = |ty: Handle<Type>, path: String| match module.types[ty].inner {
        TypeInner::Array { base, stride, .. } if is_struct(base) => {
            Some(Inner::Records { path, element: base, stride })
        }
        _ => None,
    };
    if let Some(records) = records(ty, module.to_ctx().type_to_string(ty)) {
        return Some(records);
    }
    let TypeInner::Struct { members, .. } = &module.types[ty].inner else { return None };
    let [member] = members.as_slice() else { return None };
    let name = member.name.as_deref().unwrap_or("");
    if ours.fields.iter().any(|field| field.name == name) {
        return None;
    }
    if is_struct(member.ty) {
        return Some(Inner::Struct { member: name.to_owned(), ty: member.ty, offset: member.offset as usize });
    }
    records(member.ty, format!("{name}: {}", module.to_ctx().type_to_string(member.ty)))
}

/// A walk of our block beside naga's type, gathering what differs.
/// Offsets are from the start of the var (or of one record).
struct Walk<'a> {
    module: &'a Module,
    root: &'static str,
    /// What the shader's outermost struct is: `"block"`, `"struct"` or
    /// `"record"`.
    top: &'static str,
    mismatches: Vec<String>,
}

impl Walk<'_> {
    /// Our struct `ours`, at `base`, against naga's type `ty`.
    fn structure(&mut self, ours: &BlockLayout, ty: Handle<Type>, base: usize, path: &Path) {
        let TypeInner::Struct { members, .. } = &self.module.types[ty].inner else {
            match ours.fields {
                [only] if only.offset == 0 => self.member(&only.ty, ty, base, base, &path.ours_member(only.ident)),
                _ => self.mismatches.push(format!(
                    "{} is {}, {} is the struct {}",
                    path.shader(self.top),
                    self.name(ty),
                    path.ours(self.root),
                    ours.name
                )),
            }
            return;
        };
        for member in members {
            let name = member.name.as_deref().unwrap_or("");
            let offset = base + member.offset as usize;
            match ours.fields.iter().find(|field| field.name == name) {
                Some(field) => {
                    self.member(&field.ty, member.ty, base + field.offset, offset, &path.member(name, field.ident))
                }
                None => self.mismatches.push(format!(
                    "{} ({} at offset {offset}) has no field in {}",
                    path.member(name, "").shader("struct"),
                    self.name(member.ty),
                    ours.name
                )),
            }
        }
        let theirs: Vec<&str> = members.iter().map(|member| member.name.as_deref().unwrap_or("")).collect();
        for field in ours.fields.iter().filter(|field| !theirs.contains(&field.name)) {
            self.mismatches.push(format!(
                "{} ({} ({}) at offset {}) is not in {}",
                path.member(field.name, field.ident).ours(self.root),
                names::rust_member(&field.ty),
                names::wgsl_member(&field.ty),
                base + field.offset,
                path.scope(self.top)
            ));
        }
        self.mismatches.extend(names::order(ours, &theirs, &path.scope(self.top)));
    }

    /// Our member of type `ours` at `offset` against naga's `ty` at
    /// `theirs`.
    fn member(&mut self, ours: &BlockType, ty: Handle<Type>, offset: usize, theirs: usize, path: &Path) {
        let inner = &self.module.types[ty].inner;
        match (ours, inner) {
            (BlockType::Struct(layout), _) if offset == theirs => self.structure(layout, ty, offset, path),
            (&BlockType::Array { element, len }, &TypeInner::Array { base, size, stride }) if offset == theirs => {
                self.array(ours, element, len, (ty, base, size, stride), offset, path);
            }
            // Our matrix or vector may be the shader's array of vectors or
            // scalars: the same bytes, element by element.
            (&BlockType::Matrix { scalar, columns, rows }, &TypeInner::Array { base, size, stride })
                if offset == theirs =>
            {
                let column = BlockType::Vector(scalar, rows);
                self.array(ours, &column, columns, (ty, base, size, stride), offset, path);
            }
            (&BlockType::Vector(scalar, len), &TypeInner::Array { base, size, stride }) if offset == theirs => {
                self.array(ours, &BlockType::Scalar(scalar), len, (ty, base, size, stride), offset, path);
            }
            _ => {
                // WGSL aligns a matrix's columns as std430 does.
                let reads = naga_shape(inner).is_some_and(|theirs| {
                    theirs
                        .kind
                        .scalar()
                        .is_some_and(|scalar| ours.read_as(scalar, theirs.columns, theirs.rows, Rules::Std430))
                });
                if !reads || offset != theirs {
                    self.differs(ours, ty, offset, theirs, path, "");
                }
            }
        }
    }

    /// Our array of `len` `element`s (or the matrix or vector `whole`
    /// read as one) against naga's array `base[size]`, `stride` apart.
    fn array(
        &mut self,
        whole: &BlockType,
        element: &BlockType,
        len: usize,
        (ty, base, size, stride): (Handle<Type>, Handle<Type>, ArraySize, u32),
        offset: usize,
        path: &Path,
    ) {
        let count = match size {
            ArraySize::Constant(count) => Some(count.get() as usize),
            _ => None,
        };
        if count != Some(len) {
            self.differs(whole, ty, offset, offset, path, "");
        } else if stride as usize != rust_size(element) {
            let note = format!(", the shader's elements {stride} bytes apart, ours {}", rust_size(element));
            self.differs(whole, ty, offset, offset, path, &note);
        } else {
            self.member(element, base, offset, offset, &path.element());
        }
    }

    /// Records that our member of type `ours` at `offset` is not naga's
    /// `ty` at `theirs`, with `note` after.
    fn differs(&mut self, ours: &BlockType, ty: Handle<Type>, offset: usize, theirs: usize, path: &Path, note: &str) {
        self.mismatches.push(format!(
            "{} is {} at offset {theirs}, {} is {} ({}) at offset {offset}{note}",
            path.shader(self.top),
            self.name(ty),
            path.ours(self.root),
            names::rust_member(ours),
            names::wgsl_member(ours)
        ));
    }

    /// WGSL's name of `ty`.
    fn name(&self, ty: Handle<Type>) -> String {
        self.module.to_ctx().type_to_string(ty)
    }
}

/// The size of a member of ours in Rust: an array's element stride.
fn rust_size(ty: &BlockType) -> usize {
    match *ty {
        BlockType::Scalar(scalar) => scalar.size(),
        BlockType::Vector(scalar, len) => scalar.size() * len,
        BlockType::Matrix { scalar, columns, rows } => scalar.size() * columns * rows,
        BlockType::Array { element, len } => rust_size(element) * len,
        BlockType::Struct(layout) => layout.size,
    }
}
