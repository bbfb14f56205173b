//! `#[derive(Block)]` layouts verified against wgpu's shader compiler and
//! a Vulkan driver (Mesa's lavapipe), not against our own arithmetic: the
//! WGSL equivalents of corpus structs (tests/block_corpus.rs), std140 ones
//! in the `uniform` address space, std430 ones in `storage`, are parsed and
//! validated by naga (reached as `wgpu::naga`, the compiler wgpu itself
//! runs), whose layouter must give each member our offset and size and
//! each struct our size; and a compute shader reads every member of a
//! `UniformBuffer` and every record of a `StorageBuffer`, bound with
//! `bind(&gpu)`, back after edits through the named accessors.
//!
//! WGSL has no std140 of its own: its `uniform` address space requires
//! what std140 does (16-byte array strides, 16-aligned struct members) and
//! the validator rejects what breaks it, but a struct's size is its
//! members' end rounded up to its own alignment. Where std140 pads more
//! (its struct sizes are multiples of 16), the WGSL writes the padding as
//! `@size(16)` on the last member; a std140 `float a[5]` (`[[f32; 4]; 5]`)
//! is `array<vec4<f32>, 5>` and a std140 `mat2` (`[[f32; 4]; 2]`) is
//! `mat2x4<f32>`, the shader reading their first components.

use gloo_runtime::wgpu::naga;
use gloo_runtime::{
    wgpu, Block, BlockLayout, BlockType, Error, Rules, ScalarType, StorageBuffer, UniformBuffer, WgpuContext,
};

/// One case: a derived struct and the WGSL declaring its struct (and the
/// structs it holds) under the same name.
struct NagaCase {
    name: &'static str,
    block: BlockLayout,
    wgsl: &'static str,
}

/// Defines each struct (`#[derive(Block)]`, `#[repr(C)]`, the rules named
/// first) and `naga_cases()`, listing them.
macro_rules! corpus {
    ($(
        $rules:ident $name:ident { $($(#[$attr:meta])* $field:ident : $ty:ty),* $(,)? }
        wgsl $wgsl:literal;
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

        fn naga_cases() -> Vec<NagaCase> {
            vec![$(NagaCase { name: stringify!($name), block: <$name as Block>::BLOCK, wgsl: $wgsl }),*]
        }
    };
}

corpus! {
    std140 S140Light { position: [f32; 3], intensity: f32, color: [f32; 4], view: [[f32; 4]; 4] }
        wgsl "struct S140Light { position: vec3<f32>, intensity: f32, color: vec4<f32>, view: mat4x4<f32> }";

    std140 S140FloatAfterVec2 {
        uv: [f32; 2],
        weight: f32,
        #[block(skip)] _pad: u32,
        tint: [f32; 3],
        alpha: f32,
    }
        wgsl "struct S140FloatAfterVec2 { uv: vec2<f32>, weight: f32, tint: vec3<f32>, alpha: f32 }";

    std140 S140FloatVec2Float {
        a: f32,
        #[block(skip)] _pad: u32,
        b: [f32; 2],
        c: f32,
        #[block(skip)] _pad2: [u32; 3],
    }
        wgsl "struct S140FloatVec2Float { a: f32, b: vec2<f32>, @size(16) c: f32 }";

    std140 S140Mat3 { m: [[f32; 4]; 3], v: [f32; 3], s: f32 }
        wgsl "struct S140Mat3 { m: mat3x3<f32>, v: vec3<f32>, s: f32 }";

    std140 S140Mat2 { m: [[f32; 4]; 2], f: f32, #[block(skip)] _pad: [u32; 3] }
        wgsl "struct S140Mat2 { m: mat2x4<f32>, @size(16) f: f32 }";

    std140 S140FloatArray { a: [[f32; 4]; 5], b: f32, #[block(skip)] _pad: [u32; 3] }
        wgsl "struct S140FloatArray { a: array<vec4<f32>, 5>, @size(16) b: f32 }";

    std140 S140Item { p: [f32; 3], w: f32 }
        wgsl "struct S140Item { p: vec3<f32>, w: f32 }";

    std140 S140Inner { x: f32, #[block(skip)] _pad: [u32; 3] }
        wgsl "struct S140Inner { @size(16) x: f32 }";

    std140 S140Nested {
        a: f32,
        #[block(skip)] _pad: [u32; 3],
        inner: S140Inner,
        b: f32,
        #[block(skip)] _pad2: [u32; 3],
    }
        wgsl "struct S140Inner { @size(16) x: f32 }
              struct S140Nested { a: f32, @align(16) inner: S140Inner, @size(16) b: f32 }";

    std140 S140Ints { a: [i32; 2], #[block(skip)] _pad: [u32; 2], b: [u32; 3], c: i32, d: [u32; 4] }
        wgsl "struct S140Ints { a: vec2<i32>, b: vec3<u32>, c: i32, d: vec4<u32> }";

    std140 S140Doubles {
        a: f64,
        #[block(skip)] _pad: [u32; 2],
        b: [f64; 2],
        c: [f64; 3],
        d: f64,
        e: [f64; 4],
        m: [[f64; 2]; 2],
    }
        wgsl "struct S140Doubles { a: f64, b: vec2<f64>, c: vec3<f64>, d: f64, e: vec4<f64>, m: mat2x2<f64> }";

    std140 S140Palette { colors: [[f32; 4]; 5], count: u32, #[block(skip)] _pad: [u32; 3] }
        wgsl "struct S140Palette { colors: array<vec4<f32>, 5>, @size(16) count: u32 }";

    std140 S140Scene { ambient: [f32; 3], exposure: f32, palette: S140Palette, lights: [S140Item; 5] }
        wgsl "struct S140Palette { colors: array<vec4<f32>, 5>, @size(16) count: u32 }
              struct S140Item { p: vec3<f32>, w: f32 }
              struct S140Scene { ambient: vec3<f32>, exposure: f32, palette: S140Palette, lights: array<S140Item, 5> }";

    std430 S430Particle { position: [f32; 3], mass: f32, velocity: [f32; 3], age: f32 }
        wgsl "struct S430Particle { position: vec3<f32>, mass: f32, velocity: vec3<f32>, age: f32 }";

    std430 S430Vec2Float { a: [f32; 2], b: f32, #[block(skip)] _pad: u32, c: [f32; 2] }
        wgsl "struct S430Vec2Float { a: vec2<f32>, b: f32, c: vec2<f32> }";

    std430 S430Vec3Vec3 { a: [f32; 3], #[block(skip)] _pad: u32, b: [f32; 3], #[block(skip)] _pad2: u32 }
        wgsl "struct S430Vec3Vec3 { a: vec3<f32>, b: vec3<f32> }";

    std430 S430FloatArray { a: [f32; 8], b: f32 }
        wgsl "struct S430FloatArray { a: array<f32, 8>, b: f32 }";

    std430 S430Vec2Array { a: [[f32; 2]; 5], b: f32, #[block(skip)] _pad: u32 }
        wgsl "struct S430Vec2Array { a: array<vec2<f32>, 5>, b: f32 }";

    std430 S430Vec3Array { a: [[f32; 4]; 5], b: f32, #[block(skip)] _pad: [u32; 3] }
        wgsl "struct S430Vec3Array { a: array<vec3<f32>, 5>, b: f32 }";

    std430 S430Mat2 { m: [[f32; 2]; 2], f: f32, #[block(skip)] _pad: u32 }
        wgsl "struct S430Mat2 { m: mat2x2<f32>, f: f32 }";

    std430 S430NonSquare {
        a: [[f32; 2]; 3],
        #[block(skip)] _pad: [u32; 2],
        b: [[f32; 4]; 2],
        c: [[f32; 2]; 4],
        d: [[f32; 4]; 4],
    }
        wgsl "struct S430NonSquare { a: mat3x2<f32>, b: mat2x3<f32>, c: mat4x2<f32>, d: mat4x3<f32> }";

    std430 S430Pair { p: [f32; 2], w: f32, #[block(skip)] _pad: u32 }
        wgsl "struct S430Pair { p: vec2<f32>, w: f32 }";

    std430 S430StructArray { items: [S430Pair; 5], t: f32, #[block(skip)] _pad: u32 }
        wgsl "struct S430Pair { p: vec2<f32>, w: f32 }
              struct S430StructArray { items: array<S430Pair, 5>, t: f32 }";

    std430 S430Inner { x: f32, y: f32 }
        wgsl "struct S430Inner { x: f32, y: f32 }";

    std430 S430Nested { a: f32, inner: S430Inner, b: f32 }
        wgsl "struct S430Inner { x: f32, y: f32 }
              struct S430Nested { a: f32, inner: S430Inner, b: f32 }";

    std430 S430IntVecArrays { a: [[i32; 4]; 5], b: [[u32; 4]; 3] }
        wgsl "struct S430IntVecArrays { a: array<vec3<i32>, 5>, b: array<vec4<u32>, 3> }";

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
        wgsl "struct S430Doubles { a: f64, b: f64, c: vec3<f64>, d: f64, e: vec2<f64>, m: mat3x3<f64> }";

    std430 S430Cell { ids: [u32; 5], weight: f32 }
        wgsl "struct S430Cell { ids: array<u32, 5>, weight: f32 }";

    std430 S430Grid {
        origin: [f32; 2],
        cells: [S430Cell; 6],
        #[block(skip)] _pad: [u32; 2],
        tail: [f32; 3],
        #[block(skip)] _pad2: u32,
    }
        wgsl "struct S430Cell { ids: array<u32, 5>, weight: f32 }
              struct S430Grid { origin: vec2<f32>, cells: array<S430Cell, 6>, tail: vec3<f32> }";
}

/// A module declaring `structs` and a global of the struct `name` in the
/// address space of `rules`, used by a compute entry point.
fn module_source(rules: Rules, name: &str, structs: &str) -> String {
    let space = match rules {
        Rules::Std140 => "uniform",
        Rules::Std430 => "storage, read",
    };
    format!(
        "{structs}
        @group(0) @binding(0) var<{space}> block: {name};
        @compute @workgroup_size(1) fn main() {{ _ = block; }}"
    )
}

/// Parses and validates `source` as wgpu would, with `f64` allowed.
fn validated(source: &str) -> Result<naga::Module, String> {
    let module = naga::front::wgsl::parse_str(source).map_err(|error| error.emit_to_string(source))?;
    let capabilities = naga::valid::Capabilities::default() | naga::valid::Capabilities::FLOAT64;
    naga::valid::Validator::new(naga::valid::ValidationFlags::all(), capabilities)
        .validate(&module)
        .map_err(|error| error.emit_to_string(source))?;
    Ok(module)
}

/// The scalar, columns and rows of naga's `ty` (a vector is one column,
/// a scalar one row too), or of an array's element.
fn naga_shape(module: &naga::Module, ty: &naga::TypeInner) -> Option<(ScalarType, usize, usize)> {
    use naga::{ScalarKind, TypeInner};
    let scalar = |scalar: naga::Scalar| match (scalar.kind, scalar.width) {
        (ScalarKind::Float, 4) => Some(ScalarType::F32),
        (ScalarKind::Float, 8) => Some(ScalarType::F64),
        (ScalarKind::Sint, 4) => Some(ScalarType::I32),
        (ScalarKind::Uint, 4) => Some(ScalarType::U32),
        _ => None,
    };
    match *ty {
        TypeInner::Scalar(s) => Some((scalar(s)?, 1, 1)),
        TypeInner::Vector { size, scalar: s } => Some((scalar(s)?, 1, size as usize)),
        TypeInner::Matrix { columns, rows, scalar: s } => Some((scalar(s)?, columns as usize, rows as usize)),
        TypeInner::Array { base, .. } => naga_shape(module, &module.types[base].inner),
        _ => None,
    }
}

/// The same for a member of ours: `None` for a struct.
fn our_shape(ty: &BlockType) -> Option<(ScalarType, usize, usize)> {
    match *ty {
        BlockType::Scalar(scalar) => Some((scalar, 1, 1)),
        BlockType::Vector(scalar, rows) => Some((scalar, 1, rows)),
        BlockType::Matrix { scalar, columns, rows } => Some((scalar, columns, rows)),
        BlockType::Array { element, .. } => our_shape(element),
        _ => None,
    }
}

/// The discrepancies between naga's layout of the struct type `ty` and
/// `ours`, recursively through nested structs and arrays of them.
fn compare(
    module: &naga::Module,
    layouter: &naga::proc::Layouter,
    ty: naga::Handle<naga::Type>,
    ours: &BlockLayout,
    failures: &mut Vec<String>,
) {
    let mut fail = |message: String| failures.push(format!("{}: {message}", ours.name));
    let naga::TypeInner::Struct { members, span } = &module.types[ty].inner else {
        fail(format!("naga's type is no struct: {:?}", module.types[ty]));
        return;
    };
    if *span as usize != ours.size {
        fail(format!("naga's size is {span}, ours {}", ours.size));
    }
    let theirs: Vec<&str> = members.iter().map(|member| member.name.as_deref().unwrap_or("")).collect();
    let names: Vec<&str> = ours.fields.iter().map(|field| field.name).collect();
    if theirs != names {
        fail(format!("naga's members are {theirs:?}, ours {names:?}"));
        return;
    }
    let mut nested = Vec::new();
    for (member, field) in members.iter().zip(ours.fields) {
        let size = layouter[member.ty].size as usize;
        if (member.offset as usize, size) != (field.offset, field.size) {
            fail(format!(
                "`{}` is at {} and {size} bytes to naga, at {} and {} bytes to us",
                field.name, member.offset, field.offset, field.size
            ));
        }
        // The same scalars, columns and no more rows than ours hold (a vec3
        // in our `[f32; 4]` slot, a std140 mat2's columns in `[f32; 4]`).
        let theirs = naga_shape(module, &module.types[member.ty].inner);
        match (theirs, our_shape(&field.ty)) {
            (Some((scalar, columns, rows)), Some((ours, our_columns, our_rows)))
                if scalar == ours && columns == our_columns && rows <= our_rows => {}
            (None, None) => {}
            (theirs, ours) => fail(format!("`{}` is {theirs:?} to naga, {ours:?} to us", field.name)),
        }
        match field.ty {
            BlockType::Struct(inner) => nested.push((member.ty, inner)),
            BlockType::Array { element, len } => {
                let naga::TypeInner::Array { base, size: naga::ArraySize::Constant(count), stride } =
                    module.types[member.ty].inner
                else {
                    fail(format!("`{}` is no sized array to naga", field.name));
                    continue;
                };
                // Rust's element stride: its array's size over its length.
                if (count.get() as usize, stride as usize) != (len, field.size / len) {
                    fail(format!(
                        "`{}` has {count} elements {stride} bytes apart to naga, {len} elements {} apart to us",
                        field.name,
                        field.size / len
                    ));
                }
                if let BlockType::Struct(inner) = *element {
                    nested.push((base, inner));
                }
            }
            _ => {}
        }
    }
    for (ty, inner) in nested {
        compare(module, layouter, ty, inner, failures);
    }
}

#[test]
fn naga_lays_out_the_wgsl_of_each_block_as_we_do() {
    let cases = naga_cases();
    let per_rules = |rules| cases.iter().filter(|case| case.block.rules == rules).count();
    assert!(per_rules(Rules::Std140) >= 5 && per_rules(Rules::Std430) >= 5, "{} cases", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        let source = module_source(case.block.rules, case.name, case.wgsl);
        let module = match validated(&source) {
            Ok(module) => module,
            Err(error) => {
                failures.push(format!("{}: naga rejects the module: {error}\n{source}", case.name));
                continue;
            }
        };
        let mut layouter = naga::proc::Layouter::default();
        layouter.update(module.to_ctx()).expect("naga lays out the types");
        let Some((ty, _)) = module.types.iter().find(|(_, ty)| ty.name.as_deref() == Some(case.name)) else {
            failures.push(format!("{}: no struct of that name in the module", case.name));
            continue;
        };
        compare(&module, &layouter, ty, &case.block, &mut failures);
    }
    assert!(failures.is_empty(), "{} discrepancies:\n{}", failures.len(), failures.join("\n"));
}

/// The `uniform` checks are live: naga rejects a std430 float array (4-byte
/// stride) and a 4-byte struct member followed by another in `uniform`,
/// and accepts both in `storage`.
#[test]
fn naga_rejects_std430_strides_in_the_uniform_address_space() {
    let array = "struct Weights { a: f32, w: array<f32, 4> }";
    let nested = "struct Inner { x: f32 } struct Outer { inner: Inner, b: f32 }";
    for (name, structs) in [("Weights", array), ("Outer", nested)] {
        let uniform = module_source(Rules::Std140, name, structs);
        assert!(validated(&uniform).is_err(), "naga accepts\n{uniform}");
        let storage = module_source(Rules::Std430, name, structs);
        validated(&storage).unwrap_or_else(|error| panic!("{error}"));
    }
}

/// The headless wgpu context; without an adapter the test fails naming
/// the package that gives one.
fn gpu() -> WgpuContext {
    WgpuContext::headless().unwrap_or_else(|error| panic!("{error}"))
}

#[derive(Clone, Copy, Debug, PartialEq, Block)]
#[block(std140)]
#[repr(C)]
struct Light {
    position: [f32; 3],     // vec3 at 0
    intensity: f32,         // f32 at 12
    color: [f32; 4],        // vec4 at 16
    view: [[f32; 4]; 4],    // mat4x4 at 32
    normal: [[f32; 4]; 3],  // mat3x3 at 96
    weights: [[f32; 4]; 5], // std140 `float weights[5]`: array<vec4<f32>, 5> at 144
    count: u32,             // u32 at 224
    #[block(skip)]
    _pad: [u32; 3],
}
const _: () = assert!(Light::BLOCK.size == 240);

#[derive(Clone, Copy, Debug, PartialEq, Block)]
#[block(std430)]
#[repr(C)]
struct Particle {
    position: [f32; 3], // vec3 at 0
    mass: f32,          // f32 at 12
    velocity: [f32; 3], // vec3 at 16
    age: f32,           // f32 at 28
    cell: [i32; 2],     // vec2<i32> at 32
    charge: f32,        // f32 at 40
    #[block(skip)]
    _pad: u32,
}
const _: () = assert!(Particle::BLOCK.size == 48);

#[derive(Clone, Copy, Debug, PartialEq, Block)]
#[block(std430)]
#[repr(C)]
struct Value {
    v: f32,
}

const SHADER: &str = "
struct Light {
    position: vec3<f32>, intensity: f32, color: vec4<f32>, view: mat4x4<f32>, normal: mat3x3<f32>,
    weights: array<vec4<f32>, 5>, @size(16) count: u32,
}
struct Particle { position: vec3<f32>, mass: f32, velocity: vec3<f32>, age: f32, cell: vec2<i32>, charge: f32 }
@group(0) @binding(0) var<uniform> light: Light;
@group(0) @binding(1) var<storage, read> particles: array<Particle>;
@group(0) @binding(2) var<storage, read_write> values: array<f32>;

var<private> k: u32 = 0u;
fn put(value: f32) { values[k] = value; k += 1u; }

@compute @workgroup_size(1) fn main() {
    for (var i = 0u; i < 3u; i++) { put(light.position[i]); }
    put(light.intensity);
    for (var i = 0u; i < 4u; i++) { put(light.color[i]); }
    for (var c = 0u; c < 4u; c++) { for (var r = 0u; r < 4u; r++) { put(light.view[c][r]); } }
    for (var c = 0u; c < 3u; c++) { for (var r = 0u; r < 3u; r++) { put(light.normal[c][r]); } }
    for (var i = 0u; i < 5u; i++) { put(light.weights[i].x); }
    put(f32(light.count));
    for (var n = 0u; n < arrayLength(&particles); n++) {
        let p = particles[n];
        for (var i = 0u; i < 3u; i++) { put(p.position[i]); }
        put(p.mass);
        for (var i = 0u; i < 3u; i++) { put(p.velocity[i]); }
        put(p.age);
        put(f32(p.cell.x));
        put(f32(p.cell.y));
        put(p.charge);
    }
}";

/// What the shader writes: every member the shader sees, in order.
fn expected(light: &Light, particles: &[Particle]) -> Vec<f32> {
    let mut values = Vec::new();
    values.extend(light.position);
    values.push(light.intensity);
    values.extend(light.color);
    values.extend(light.view.iter().flatten());
    values.extend(light.normal.iter().flat_map(|column| &column[..3]));
    values.extend(light.weights.iter().map(|slot| slot[0]));
    values.push(light.count as f32);
    for p in particles {
        values.extend(p.position);
        values.push(p.mass);
        values.extend(p.velocity);
        values.push(p.age);
        values.extend(p.cell.map(|c| c as f32));
        values.push(p.charge);
    }
    values
}

fn light0() -> Light {
    Light {
        position: [1.0, 2.0, 3.0],
        intensity: 4.0,
        color: [0.5, 0.25, 0.125, 1.0],
        view: [[5.0, 6.0, 7.0, 8.0], [9.0, 10.0, 11.0, 12.0], [13.0, 14.0, 15.0, 16.0], [17.0, 18.0, 19.0, 20.0]],
        // The 4th row is padding: the shader never reads it.
        normal: [[21.0, 22.0, 23.0, -1.0], [24.0, 25.0, 26.0, -1.0], [27.0, 28.0, 29.0, -1.0]],
        weights: [
            [30.0, -1.0, -1.0, -1.0],
            [31.0, -1.0, -1.0, -1.0],
            [32.0, -1.0, -1.0, -1.0],
            [33.0, -1.0, -1.0, -1.0],
            [34.0, -1.0, -1.0, -1.0],
        ],
        count: 35,
        _pad: [0; 3],
    }
}

fn particle(k: usize) -> Particle {
    let f = k as f32;
    Particle {
        position: [f, f + 0.25, f + 0.5],
        mass: 1.0 + f,
        velocity: [-f, 0.0, f],
        age: 2.0 * f,
        cell: [k as i32, -(k as i32)],
        charge: 0.5 - f,
        _pad: 0,
    }
}

/// A compute shader on wgpu reads every member of the uniform block and
/// every record of the storage buffer, bound with `bind`, after edits
/// through the named accessors, and writes them out: the GPU sees each
/// member where the Rust struct has it.
#[test]
fn a_compute_shader_reads_every_member_back_after_edits() -> Result<(), Error> {
    let gpu = gpu();
    let device = gpu.device();
    let module = device.create_shader_module(wgpu::ShaderModuleDescriptor {
        label: None,
        source: wgpu::ShaderSource::Wgsl(SHADER.into()),
    });
    let pipeline = device.create_compute_pipeline(&wgpu::ComputePipelineDescriptor {
        label: None,
        layout: None,
        module: &module,
        entry_point: Some("main"),
        compilation_options: Default::default(),
        cache: None,
    });
    let layout = pipeline.get_bind_group_layout(0);

    let mut light = UniformBuffer::from_value(light0());
    let mut particles = StorageBuffer::<Particle>::from_vec([8], (0..8).map(particle).collect())?;
    let mut out = StorageBuffer::<Value>::zeros([39 + 8 * 11]);
    for round in 0..3 {
        let r = round as f32;
        *light.intensity_mut() = 10.0 + r;
        light.view_mut()[2][1] = 20.0 + r;
        light.position_mut()[0] = 30.0 + r;
        light.normal_mut()[1][2] = 40.0 + r;
        light.weights_mut()[3][0] = 50.0 + r;
        *light.count_mut() = 60 + round as u32;
        *particles.velocity_mut(round + 1) = [r, r + 1.0, r + 2.0];
        *particles.age_mut(7 - round) = 70.0 + r;
        particles.cell_mut(round * 2)[1] = 80 + round as i32;
        *particles.charge_mut(3) = 90.0 + r;
        {
            let entries = [
                wgpu::BindGroupEntry { binding: 0, resource: light.bind(&gpu)? },
                wgpu::BindGroupEntry { binding: 1, resource: particles.bind(&gpu)? },
                wgpu::BindGroupEntry { binding: 2, resource: out.bind(&gpu)? },
            ];
            let bind_group = device.create_bind_group(&wgpu::BindGroupDescriptor {
                label: None,
                layout: &layout,
                entries: &entries,
            });
            let mut encoder = device.create_command_encoder(&Default::default());
            {
                let mut pass = encoder.begin_compute_pass(&Default::default());
                pass.set_pipeline(&pipeline);
                pass.set_bind_group(0, &bind_group, &[]);
                pass.dispatch_workgroups(1, 1, 1);
            }
            gpu.queue().submit([encoder.finish()]);
        }
        let values: Vec<f32> = out.read_gpu(&gpu)?.iter().map(|value| value.v).collect();
        assert_eq!(values, expected(light.get(), particles.as_slice()), "round {round}");
        assert_eq!(light.read_gpu(&gpu)?, *light.get(), "round {round}");
    }
    Ok(())
}
