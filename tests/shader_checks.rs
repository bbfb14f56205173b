//! Shader contracts through glium (DESIGN.md §14): `check::vertex` and
//! `check::block` against programs the driver linked. A mutation corpus:
//! each case changes one thing in a shader that matches its Rust type, and
//! the check must fail with a message naming the culprit; the unchanged
//! shaders, and shaders that leave fields unread, must pass.

mod common;

use gloo_runtime::glium::program::ComputeShader;
use gloo_runtime::glium::Program;
use gloo_runtime::headless::HeadlessContext;
use gloo_runtime::{check, Block, Error, Vertex};

#[derive(Clone, Copy, Vertex)]
#[repr(C)]
struct Point {
    position: [f32; 2],
    color: [f32; 3],
}

/// Attributes bound by location, as `#[vertex(location)]` fixes them.
#[derive(Clone, Copy, Vertex)]
#[repr(C)]
struct Located {
    #[vertex(location = 0)]
    position: [f32; 2],
    #[vertex(location = 1)]
    color: [f32; 3],
}

/// Integer data: a normalized colour, signed and unsigned integers.
#[derive(Clone, Copy, Vertex)]
#[repr(C)]
struct Tagged {
    position: [f32; 2],
    #[vertex(normalize)]
    color: [u8; 4],
    id: [i32; 2],
    flags: u32,
}

/// A per-instance matrix, one location a column.
#[derive(Clone, Copy, Vertex)]
#[repr(C)]
struct Instance {
    #[vertex(location = 1)]
    transform: [[f32; 4]; 4],
    #[vertex(location = 5)]
    tint: [f32; 4],
}

/// A corner of a mesh drawn with `Instance`s.
#[derive(Clone, Copy, Vertex)]
#[repr(C)]
struct Corner {
    #[vertex(location = 0)]
    position: [f32; 2],
}

/// DESIGN.md §12's light.
#[derive(Clone, Copy, Block)]
#[block(std140)]
#[repr(C)]
struct Light {
    position: [f32; 3],
    intensity: f32,
    color: [f32; 4],
    view: [[f32; 4]; 4],
}

#[derive(Clone, Copy, Block)]
#[block(std140)]
#[repr(C)]
struct Item {
    p: [f32; 3],
    w: f32,
}

/// Nested structs, arrays of them, std140 `mat3` and `float[]`.
#[derive(Clone, Copy, Block)]
#[block(std140)]
#[repr(C)]
struct Scene {
    ambient: [f32; 3],
    exposure: f32,
    normal: [[f32; 4]; 3],
    weights: [[f32; 4]; 3],
    items: [Item; 2],
    count: u32,
    #[block(skip)]
    _pad: [u32; 3],
}

/// A record of std430 rules, 8 bytes.
#[derive(Clone, Copy, Block)]
#[block(std430)]
#[repr(C)]
struct Pair {
    uv: [f32; 2],
}

/// Records of a storage buffer.
#[derive(Clone, Copy, Block)]
#[block(std430)]
#[repr(C)]
struct Particle {
    position: [f32; 3],
    mass: f32,
    velocity: [f32; 3],
    age: f32,
}

const FRAGMENT: &str = "#version 410 core
out vec4 frag;
void main() { frag = vec4(1.0); }";

const POINT: &str = "in vec2 position;
in vec3 color;
void main() { gl_Position = vec4(position, color.x, 1.0); }";

const LOCATED: &str = "layout(location = 0) in vec2 position;
layout(location = 1) in vec3 color;
void main() { gl_Position = vec4(position, color.x, 1.0); }";

const TAGGED: &str = "in vec2 position;
in vec4 color;
in ivec2 id;
in uint flags;
void main() { gl_Position = vec4(position, color.x + float(id.x + id.y), float(flags)); }";

const INSTANCE: &str = "layout(location = 0) in vec2 position;
layout(location = 1) in mat4 transform;
layout(location = 5) in vec4 tint;
void main() { gl_Position = transform * vec4(position, tint.x, 1.0); }";

const LIGHT: &str = "vec3 position; float intensity; vec4 color; mat4 view;";
const LIGHT_READ: &str = "intensity";

const ITEM: &str = "struct Item { vec3 p; float w; };";
const SCENE: &str = "vec3 ambient; float exposure; mat3 normal; float weights[3]; Item items[2]; uint count;";
const SCENE_READ: &str = "exposure + normal[2][2] + weights[1] + items[1].w + float(count)";

const PARTICLE: &str = "struct Particle { vec3 position; float mass; vec3 velocity; float age; };";

/// A program of the vertex shader `body` (GLSL 4.10 core).
fn program(context: &HeadlessContext, body: &str) -> Program {
    let source = format!("#version 410 core\n{body}");
    Program::from_source(context, &source, FRAGMENT, None)
        .unwrap_or_else(|error| panic!("the shader compiles: {error}\n{source}"))
}

/// A compute shader declaring `structs` and the block `declaration`,
/// reading `read` so that the block is active.
fn compute(context: &HeadlessContext, structs: &str, declaration: &str, read: &str) -> ComputeShader {
    let source = format!(
        "#version 440
        layout(local_size_x = 1) in;
        {structs}
        {declaration}
        layout(std430) buffer Out {{ float o[]; }};
        void main() {{ o[0] = float({read}); }}"
    );
    ComputeShader::from_source(context, &source)
        .unwrap_or_else(|error| panic!("the shader compiles: {error:?}\n{source}"))
}

/// `layout(std140) uniform LightBlock { members };`, checked against `Light`.
fn light_block(context: &HeadlessContext, members: &str, read: &str) -> Result<(), Error> {
    let shader = compute(context, "", &format!("layout(std140) uniform LightBlock {{ {members} }};"), read);
    check::block::<Light>(shader.get_uniform_blocks(), "LightBlock")
}

/// `layout(std140) uniform SceneBlock { members };`, checked against `Scene`.
fn scene_block(context: &HeadlessContext, structs: &str, members: &str, read: &str) -> Result<(), Error> {
    let shader = compute(context, structs, &format!("layout(std140) uniform SceneBlock {{ {members} }};"), read);
    check::block::<Scene>(shader.get_uniform_blocks(), "SceneBlock")
}

/// `layout(std430) buffer Particles { Particle p[]; };` with `structs`,
/// checked against `Particle` records.
fn particles(context: &HeadlessContext, structs: &str, read: &str) -> Result<(), Error> {
    let shader = compute(context, structs, "layout(std430) buffer Particles { Particle p[]; };", read);
    check::block::<Particle>(shader.get_shader_storage_blocks(), "Particles")
}

/// The mismatches of a check that must fail.
fn mismatches(result: Result<(), Error>) -> Vec<String> {
    match result {
        Err(Error::ShaderMismatch { mismatches, .. }) => mismatches,
        Ok(()) => Vec::new(),
        Err(other) => panic!("expected a shader mismatch, got {other:?}"),
    }
}

/// One mutation: a check that must fail, and what its message must say.
struct Mutation {
    what: &'static str,
    result: Result<(), Error>,
    /// Texts one mismatch line must all hold: the culprit and both types.
    expect: &'static [&'static str],
}

/// `source` with each `(from, to)` replaced.
fn mutate(source: &str, edits: &[(&str, &str)]) -> String {
    edits.iter().fold(source.to_owned(), |source, (from, to)| {
        assert!(source.contains(from), "{from:?} is in {source}");
        source.replace(from, to)
    })
}

fn vertex_mutations(context: &HeadlessContext) -> Vec<Mutation> {
    let point = |edits: &[(&str, &str)]| check::vertex::<Point>(&program(context, &mutate(POINT, edits)));
    let located = |edits: &[(&str, &str)]| check::vertex::<Located>(&program(context, &mutate(LOCATED, edits)));
    let tagged = |edits: &[(&str, &str)]| check::vertex::<Tagged>(&program(context, &mutate(TAGGED, edits)));
    let instance =
        |edits: &[(&str, &str)]| check::vertex::<(Corner, Instance)>(&program(context, &mutate(INSTANCE, edits)));
    vec![
        Mutation {
            what: "renamed input",
            result: point(&[("position", "pos")]),
            expect: &["shader input pos (vec2, location", "no field of Point is named pos"],
        },
        Mutation {
            what: "vec2 to vec3",
            result: point(&[("in vec2 position;", "in vec3 position;"), ("vec4(position, color.x,", "vec4(position,")]),
            expect: &["shader input position is vec3, Point::position is [f32; 2] (vec2)"],
        },
        Mutation {
            what: "vec3 to vec2",
            result: point(&[("in vec3 color;", "in vec2 color;")]),
            expect: &["shader input color is vec2, Point::color is [f32; 3] (vec3)"],
        },
        Mutation {
            what: "vec3 to vec4",
            result: point(&[("in vec3 color;", "in vec4 color;")]),
            expect: &["shader input color is vec4, Point::color is [f32; 3] (vec3)"],
        },
        Mutation {
            what: "float input to int",
            result: point(&[("in vec2 position;", "in ivec2 position;"), ("vec4(position,", "vec4(vec2(position),")]),
            expect: &[
                "shader input position is ivec2, Point::position is [f32; 2] (vec2)",
                "a float field feeds an integer input",
            ],
        },
        Mutation {
            what: "float input to double",
            result: point(&[("in vec2 position;", "in dvec2 position;"), ("vec4(position,", "vec4(vec2(position),")]),
            expect: &["shader input position is dvec2, Point::position is [f32; 2] (vec2)"],
        },
        Mutation {
            what: "an input the type lacks",
            result: point(&[("in vec3 color;", "in vec3 color;\nin vec3 normal;"), ("color.x", "color.x + normal.x")]),
            expect: &["shader input normal (vec3, location", "no field of Point is named normal"],
        },
        Mutation {
            what: "locations swapped against #[vertex(location)]",
            result: located(&[
                ("location = 0) in vec2", "location = 1) in vec2"),
                ("location = 1) in vec3", "location = 0) in vec3"),
            ]),
            expect: &[
                "shader input position is at location 1, Located::position at location 0 (#[vertex(location = 0)])",
            ],
        },
        Mutation {
            what: "location shifted against #[vertex(location)]",
            result: located(&[("location = 1) in vec3", "location = 2) in vec3")]),
            expect: &["shader input color is at location 2, Located::color at location 1 (#[vertex(location = 1)])"],
        },
        Mutation {
            what: "an input named otherwise at a field's location",
            result: located(&[("position", "pos")]),
            expect: &[
                "shader input pos (vec2, location 0)",
                "Located::position at #[vertex(location = 0)] is named position",
                "#[vertex(name = \"pos\")]",
            ],
        },
        Mutation {
            what: "normalized u8 to ivec4",
            result: tagged(&[("in vec4 color;", "in ivec4 color;"), ("color.x", "float(color.x)")]),
            expect: &["shader input color is ivec4, Tagged::color is [u8; 4] normalized (vec4)", "drop the option"],
        },
        Mutation {
            what: "normalized u8 to uvec4",
            result: tagged(&[("in vec4 color;", "in uvec4 color;"), ("color.x", "float(color.x)")]),
            expect: &["shader input color is uvec4, Tagged::color is [u8; 4] normalized (vec4)"],
        },
        Mutation {
            what: "int field to a float input",
            result: tagged(&[("in ivec2 id;", "in vec2 id;")]),
            expect: &[
                "shader input id is vec2, Tagged::id is [i32; 2] (ivec2)",
                "an integer field feeds a float input",
            ],
        },
        Mutation {
            what: "uint field to an int input",
            result: tagged(&[("in uint flags;", "in int flags;")]),
            expect: &["shader input flags is int, Tagged::flags is u32 (uint)"],
        },
        Mutation {
            what: "matrix columns: mat4 to mat3x4",
            result: instance(&[
                ("in mat4 transform;", "in mat3x4 transform;"),
                ("transform * vec4(position, tint.x, 1.0)", "transform * vec3(position, tint.x)"),
            ]),
            expect: &["shader input transform is mat3x4, Instance::transform is [[f32; 4]; 4] (mat4)"],
        },
        Mutation {
            what: "matrix rows: mat4 to mat4x3",
            result: instance(&[
                ("in mat4 transform;", "in mat4x3 transform;"),
                ("transform * vec4(position, tint.x, 1.0)", "vec4(transform * vec4(position, tint.x, 1.0), 1.0)"),
            ]),
            expect: &["shader input transform is mat4x3, Instance::transform is [[f32; 4]; 4] (mat4)"],
        },
        Mutation {
            what: "matrix location shifted",
            result: instance(&[
                ("location = 1) in mat4", "location = 6) in mat4"),
                ("location = 5) in vec4", "location = 1) in vec4"),
            ]),
            expect: &["shader input transform is at location 6, Instance::transform at location 1"],
        },
        Mutation {
            what: "one input fed by two buffers",
            result: check::vertex::<(Point, Corner)>(&program(context, POINT)),
            expect: &["shader input position is fed by Point::position and Corner::position"],
        },
        Mutation {
            what: "an array input",
            result: point(&[("in vec3 color;", "in vec3 color[2];"), ("color.x", "color[1].x")]),
            expect: &["shader input color is vec3[2]"],
        },
    ]
}

fn block_mutations(context: &HeadlessContext) -> Vec<Mutation> {
    let light = |from: &str, to: &str| light_block(context, &LIGHT.replace(from, to), LIGHT_READ);
    let scene = |from: &str, to: &str| scene_block(context, ITEM, &SCENE.replace(from, to), SCENE_READ);
    vec![
        Mutation {
            what: "members swapped",
            result: light("vec3 position; float intensity;", "float intensity; vec3 position;"),
            expect: &["the members of the shader's block are in another order: the shader has intensity, position, color, view; Light has position, intensity, color, view"],
        },
        Mutation {
            what: "a uniform record's member retyped",
            result: check::block::<Item>(
                compute(
                    context,
                    &ITEM.replace("float w;", "int w;"),
                    "layout(std140) uniform Items { Item items[4]; };",
                    "items[3].w",
                )
                .get_uniform_blocks(),
                "Items",
            ),
            expect: &["member w is int at offset 12, Item::w is f32 (float) at offset 12"],
        },
        Mutation {
            what: "std430 records in a std140 array",
            result: check::block::<Pair>(
                compute(context, "struct Pair { vec2 uv; };", "layout(std140) uniform Pairs { Pair pairs[4]; };", "pairs[3].uv.x")
                    .get_uniform_blocks(),
                "Pairs",
            ),
            expect: &["block Pairs holds 4 records in 64 bytes, 4 Pair take 32: the records are 16 bytes apart in the shader, 8 in Rust"],
        },
        Mutation {
            what: "a member of another type",
            result: light("vec4 color;", "ivec4 color;"),
            expect: &["member color is ivec4 at offset 16, Light::color is [f32; 4] (vec4) at offset 16"],
        },
        Mutation {
            what: "a member at another offset",
            result: light("vec4 color;", "layout(offset = 32) vec4 color;"),
            expect: &["member color is vec4 at offset 32, Light::color is [f32; 4] (vec4) at offset 16"],
        },
        Mutation {
            what: "a vec3 widened to vec4",
            result: light("vec3 position;", "vec4 position;"),
            expect: &["member position is vec4 at offset 0, Light::position is [f32; 3] (vec3) at offset 0"],
        },
        Mutation {
            what: "a missing block",
            result: check::block::<Light>(
                compute(context, "", &format!("layout(std140) uniform LightBlock {{ {LIGHT} }};"), LIGHT_READ)
                    .get_uniform_blocks(),
                "Lights",
            ),
            expect: &["the program has no block named Lights (its blocks: LightBlock)"],
        },
        Mutation {
            what: "an extra member in the shader",
            result: light("mat4 view;", "mat4 view; float extra;"),
            expect: &["member extra (float at offset 96) has no field in Light"],
        },
        Mutation {
            what: "a member the shader lacks",
            result: light_block(context, "vec3 position; float intensity; vec4 color;", "intensity + color.x"),
            expect: &["Light::view ([[f32; 4]; 4] (mat4) at offset 32) is not in the shader's block"],
        },
        Mutation {
            what: "a member renamed",
            result: light("vec4 color;", "vec4 tint;"),
            expect: &["member tint (vec4 at offset 16) has no field in Light"],
        },
        Mutation {
            what: "mat4 to mat3",
            result: light("mat4 view;", "mat3 view;"),
            expect: &["member view is mat3 at offset 32, Light::view is [[f32; 4]; 4] (mat4) at offset 32"],
        },
        Mutation {
            what: "uint to int",
            result: scene("uint count;", "int count;"),
            expect: &["member count is int at offset", "Scene::count is u32 (uint)"],
        },
        Mutation {
            what: "a member of a nested struct",
            result: scene_block(context, &ITEM.replace("float w;", "int w;"), SCENE, "exposure + float(items[1].w)"),
            expect: &["member items[0].w is int at offset", "Scene::items[0].w is f32 (float)"],
        },
        Mutation {
            what: "a shorter float array",
            result: scene("float weights[3];", "float weights[2];"),
            expect: &["member weights is float[2] at offset 64, Scene::weights is [[f32; 4]; 3] (mat3x4) at offset 64"],
        },
        Mutation {
            what: "a storage record's member retyped",
            result: particles(context, &PARTICLE.replace("float mass;", "uint mass;"), "p[0].age + float(p[0].mass)"),
            expect: &["member mass is uint at offset 12, Particle::mass is f32 (float) at offset 12"],
        },
        Mutation {
            what: "a storage record's members swapped",
            result: particles(
                context,
                &PARTICLE.replace("vec3 position; float mass;", "float mass; vec3 position;"),
                "p[0].age + p[0].mass",
            ),
            expect: &["member position is vec3 at offset 16, Particle::position is [f32; 3] (vec3) at offset 0"],
        },
    ]
}

#[test]
fn every_mutation_is_caught_and_named() {
    let context = common::context();
    let mutations: Vec<Mutation> = vertex_mutations(&context).into_iter().chain(block_mutations(&context)).collect();
    assert!(mutations.len() >= 30, "{} mutations", mutations.len());
    let mut failures = Vec::new();
    for mutation in mutations {
        let lines = mismatches(mutation.result);
        if !lines.iter().any(|line| mutation.expect.iter().all(|needle| line.contains(needle))) {
            failures.push(format!("{}: expected a line with {:?}, got {lines:#?}", mutation.what, mutation.expect));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[derive(Clone, Copy, Block)]
#[block(std140)]
#[repr(C)]
struct Wide {
    position: [f32; 4], // the shader's vec3, and its padding
    color: [f32; 4],
}

#[derive(Clone, Copy, Block)]
#[block(std430)]
#[repr(C)]
struct Value {
    v: f32,
}

#[test]
fn the_unchanged_shaders_pass() -> Result<(), Error> {
    let context = common::context();
    check::vertex::<Point>(&program(&context, POINT))?;
    check::vertex::<Located>(&program(&context, LOCATED))?;
    check::vertex::<Tagged>(&program(&context, TAGGED))?;
    check::vertex::<(Corner, Instance)>(&program(&context, INSTANCE))?;
    // The order of the buffers does not matter.
    check::vertex::<(Instance, Corner)>(&program(&context, INSTANCE))?;
    light_block(&context, LIGHT, LIGHT_READ)?;
    scene_block(&context, ITEM, SCENE, SCENE_READ)?;
    particles(&context, PARTICLE, "p[0].age")?;
    let items = compute(&context, ITEM, "layout(std140) uniform Items { Item items[4]; };", "items[3].w");
    check::block::<Item>(items.get_uniform_blocks(), "Items")?;
    let pairs = compute(
        &context,
        "struct Pair { vec2 uv; };",
        "layout(std430) buffer Pairs { Pair pairs[]; };",
        "pairs[3].uv.x",
    );
    check::block::<Pair>(pairs.get_shader_storage_blocks(), "Pairs")
}

#[test]
fn fields_the_shader_does_not_read_pass() -> Result<(), Error> {
    let context = common::context();
    let position_only = "in vec2 position; void main() { gl_Position = vec4(position, 0.0, 1.0); }";
    check::vertex::<Point>(&program(&context, position_only))?;
    check::vertex::<Tagged>(&program(&context, position_only))?;
    let nothing = "void main() { gl_Position = vec4(float(gl_VertexID)); }";
    check::vertex::<Point>(&program(&context, nothing))?;
    // A located field whose location the shader leaves empty.
    let color_only = "layout(location = 1) in vec3 color; void main() { gl_Position = vec4(color, 1.0); }";
    check::vertex::<Located>(&program(&context, color_only))
}

#[test]
fn members_wider_than_the_shaders_and_one_member_structs_pass() -> Result<(), Error> {
    let context = common::context();
    let wide = compute(&context, "", "layout(std140) uniform W { vec3 position; vec4 color; };", "position.x");
    check::block::<Wide>(wide.get_uniform_blocks(), "W")?;
    // A block of one struct member is that struct.
    let light = "struct L { vec3 position; float intensity; vec4 color; mat4 view; };";
    let wrapped = compute(&context, light, "layout(std140) uniform Wrapped { L light; };", "light.intensity");
    check::block::<Light>(wrapped.get_uniform_blocks(), "Wrapped")?;
    // A struct of one member stands for that member: records of `float`.
    let values = compute(&context, "", "layout(std430) buffer Values { float values[]; };", "values[0]");
    check::block::<Value>(values.get_shader_storage_blocks(), "Values")
}

#[test]
fn one_check_lists_every_mismatch_with_both_types() {
    let context = common::context();
    let shader = "in vec3 position; in vec3 tint; in vec3 normal;
        void main() { gl_Position = vec4(position + tint + normal, 1.0); }";
    let error = check::vertex::<Point>(&program(&context, shader)).unwrap_err();
    let Error::ShaderMismatch { shader, mismatches } = &error else { panic!("{error:?}") };
    assert_eq!(shader, "`Point` against the vertex inputs of the program");
    assert_eq!(mismatches.len(), 3, "{mismatches:#?}");
    let message = error.to_string();
    assert!(
        message.starts_with("shader mismatch: `Point` against the vertex inputs of the program\n  - "),
        "{message}"
    );
    for needle in [
        "shader input position is vec3, Point::position is [f32; 2] (vec2)",
        "shader input tint (vec3, location",
        "shader input normal (vec3, location",
    ] {
        assert!(message.contains(needle), "{needle:?} in\n{message}");
    }
    assert_eq!(message.lines().count(), 4, "{message}");
}

#[test]
fn a_blocks_mismatches_are_all_listed_in_the_error() {
    let context = common::context();
    let members = "float intensity; ivec4 color; mat4 view; float extra;";
    let error = light_block(&context, members, "intensity").unwrap_err();
    let message = error.to_string();
    assert!(message.starts_with("shader mismatch: `Light` against block `LightBlock`\n"), "{message}");
    for needle in [
        "member intensity is float at offset 0, Light::intensity is f32 (float) at offset 12",
        "member color is ivec4 at offset 16, Light::color is [f32; 4] (vec4) at offset 16",
        "member extra (float at offset 96) has no field in Light",
        "Light::position ([f32; 3] (vec3) at offset 0) is not in the shader's block",
    ] {
        assert!(message.contains(needle), "{needle:?} in\n{message}");
    }
}
