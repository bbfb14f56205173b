//! Shader contracts on WGSL (DESIGN.md §14): `check::vertex_wgsl` and
//! `check::block_wgsl`, through naga, with no GPU. A mutation corpus: each
//! case changes one thing in a shader that matches its Rust type, and the
//! check must fail with a message naming the culprit; the unchanged
//! shaders, and shaders that leave fields unread, must pass.

use gloo_runtime::{check, Block, Error, Vertex};

#[derive(Clone, Copy, Vertex)]
#[repr(C)]
struct Point {
    position: [f32; 2], // location 0
    color: [f32; 3],    // location 1
}

/// Integer data: a normalized colour, signed and unsigned integers.
#[derive(Clone, Copy, Vertex)]
#[repr(C)]
struct Tagged {
    position: [f32; 2], // location 0
    #[vertex(normalize)]
    color: [u8; 4], // location 1, Unorm8x4
    id: [i32; 2],       // location 2
    flags: u32,         // location 3
}

/// A mesh corner, drawn with `Instance`s.
#[derive(Clone, Copy, Vertex)]
#[repr(C)]
struct Corner {
    position: [f32; 2], // location 0
}

/// A per-instance matrix: one location a column.
#[derive(Clone, Copy, Vertex)]
#[repr(C)]
struct Instance {
    #[vertex(location = 1)]
    transform: [[f32; 4]; 4], // locations 1 to 4
    tint: [f32; 4], // location 5
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

/// Nested structs, arrays of them, a std140 `mat3`.
#[derive(Clone, Copy, Block)]
#[block(std140)]
#[repr(C)]
struct Scene {
    ambient: [f32; 3],
    exposure: f32,
    normal: [[f32; 4]; 3],
    items: [Item; 2],
    count: u32,
    #[block(skip)]
    _pad: [u32; 3],
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

const POINT: &str = "
struct Out { @builtin(position) clip: vec4<f32>, @location(0) color: vec3<f32> }
@vertex fn vs_main(@location(0) position: vec2<f32>, @location(1) color: vec3<f32>) -> Out {
    return Out(vec4<f32>(position, 0.0, 1.0), color);
}
@fragment fn fs_main(in: Out) -> @location(0) vec4<f32> { return vec4<f32>(in.color, 1.0); }";

/// The same inputs, as a struct.
const POINT_STRUCT: &str = "
struct In { @location(0) position: vec2<f32>, @location(1) color: vec3<f32> }
@vertex fn vs_main(in: In) -> @builtin(position) vec4<f32> { return vec4<f32>(in.position, in.color.x, 1.0); }";

const TAGGED: &str = "
@vertex fn vs_main(
    @location(0) position: vec2<f32>,
    @location(1) color: vec4<f32>,
    @location(2) id: vec2<i32>,
    @location(3) flags: u32,
) -> @builtin(position) vec4<f32> {
    return vec4<f32>(position, color.x + f32(id.x), f32(flags));
}";

const INSTANCE: &str = "
@vertex fn vs_main(
    @location(0) position: vec2<f32>,
    @location(1) t0: vec4<f32>,
    @location(2) t1: vec4<f32>,
    @location(3) t2: vec4<f32>,
    @location(4) t3: vec4<f32>,
    @location(5) tint: vec4<f32>,
) -> @builtin(position) vec4<f32> {
    return mat4x4<f32>(t0, t1, t2, t3) * vec4<f32>(position, tint.x, 1.0);
}";

const LIGHT: &str = "
struct Light { position: vec3<f32>, intensity: f32, color: vec4<f32>, view: mat4x4<f32> }
@group(0) @binding(0) var<uniform> light: Light;
@fragment fn fs_main() -> @location(0) vec4<f32> { return light.color * light.intensity; }";

const SCENE: &str = "
struct Item { p: vec3<f32>, w: f32 }
struct Scene { ambient: vec3<f32>, exposure: f32, normal: mat3x3<f32>, items: array<Item, 2>, count: u32 }
@group(0) @binding(0) var<uniform> scene: Scene;
@fragment fn fs_main() -> @location(0) vec4<f32> { return vec4<f32>(scene.ambient, scene.exposure); }";

const PARTICLES: &str = "
struct Particle { position: vec3<f32>, mass: f32, velocity: vec3<f32>, age: f32 }
@group(0) @binding(0) var<storage, read_write> particles: array<Particle>;
@compute @workgroup_size(64) fn step(@builtin(global_invocation_id) id: vec3<u32>) {
    particles[id.x].age += 1.0;
}";

/// `source` with each `(from, to)` replaced.
fn mutate(source: &str, edits: &[(&str, &str)]) -> String {
    edits.iter().fold(source.to_owned(), |source, (from, to)| {
        assert!(source.contains(from), "{from:?} is in {source}");
        source.replace(from, to)
    })
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

fn vertex_mutations() -> Vec<Mutation> {
    let point = |edits: &[(&str, &str)]| check::vertex_wgsl::<Point>(&mutate(POINT, edits), "vs_main");
    let tagged = |edits: &[(&str, &str)]| check::vertex_wgsl::<Tagged>(&mutate(TAGGED, edits), "vs_main");
    let instance =
        |edits: &[(&str, &str)]| check::vertex_wgsl::<(Corner, Instance)>(&mutate(INSTANCE, edits), "vs_main");
    vec![
        Mutation {
            what: "location shifted",
            result: point(&[("@location(1) color: vec3<f32>)", "@location(2) color: vec3<f32>)")]),
            expect: &[
                "shader input color at location 2 (vec3<f32>) is fed by no field",
                "Point take locations 0, 1, and Point::color is at location 1",
            ],
        },
        Mutation {
            what: "locations swapped",
            result: point(&[
                ("@location(0) position: vec2<f32>, @location(1) color", "@location(1) position: vec2<f32>, @location(0) color"),
            ]),
            expect: &["shader input color at location 0 is vec3<f32>, Point::position is [f32; 2] (Float32x2, vec2<f32>)"],
        },
        Mutation {
            what: "vec2 to vec3",
            result: point(&[("position: vec2<f32>", "position: vec3<f32>"), ("vec4<f32>(position, 0.0, 1.0)", "vec4<f32>(position, 1.0)")]),
            expect: &["shader input position at location 0 is vec3<f32>, Point::position is [f32; 2] (Float32x2, vec2<f32>)"],
        },
        Mutation {
            what: "vec3 to vec4",
            result: point(&[("@location(1) color: vec3<f32>)", "@location(1) color: vec4<f32>)"), ("position, 0.0, 1.0), color)", "position, 0.0, 1.0), color.xyz)")]),
            expect: &["shader input color at location 1 is vec4<f32>, Point::color is [f32; 3] (Float32x3, vec3<f32>)"],
        },
        Mutation {
            what: "f32 to i32",
            result: point(&[("position: vec2<f32>", "position: vec2<i32>"), ("vec4<f32>(position,", "vec4<f32>(vec2<f32>(position),")]),
            expect: &[
                "shader input position at location 0 is vec2<i32>, Point::position is [f32; 2] (Float32x2, vec2<f32>)",
                "a float field feeds an integer input",
            ],
        },
        Mutation {
            what: "f32 to u32",
            result: point(&[("position: vec2<f32>", "position: vec2<u32>"), ("vec4<f32>(position,", "vec4<f32>(vec2<f32>(position),")]),
            expect: &["shader input position at location 0 is vec2<u32>, Point::position is [f32; 2] (Float32x2, vec2<f32>)"],
        },
        Mutation {
            what: "a location no field takes",
            result: point(&[("@location(1) color: vec3<f32>)", "@location(1) color: vec3<f32>, @location(2) normal: vec3<f32>)")]),
            expect: &["shader input normal at location 2 (vec3<f32>) is fed by no field: those of Point take locations 0, 1"],
        },
        Mutation {
            what: "a struct input retyped",
            result: check::vertex_wgsl::<Point>(&mutate(POINT_STRUCT, &[("color: vec3<f32>", "color: vec3<u32>"), ("in.color.x", "f32(in.color.x)")]), "vs_main"),
            expect: &["shader input color at location 1 is vec3<u32>, Point::color is [f32; 3] (Float32x3, vec3<f32>)"],
        },
        Mutation {
            what: "a normalized u8 field to vec4<u32>",
            result: tagged(&[("color: vec4<f32>", "color: vec4<u32>"), ("color.x +", "f32(color.x) +")]),
            expect: &[
                "shader input color at location 1 is vec4<u32>, Tagged::color is [u8; 4] normalized (Unorm8x4, vec4<f32>)",
                "drop the option",
            ],
        },
        Mutation {
            what: "an i32 field to f32",
            result: tagged(&[("id: vec2<i32>", "id: vec2<f32>"), ("f32(id.x)", "id.x")]),
            expect: &[
                "shader input id at location 2 is vec2<f32>, Tagged::id is [i32; 2] (Sint32x2, vec2<i32>)",
                "an integer field feeds a float input",
            ],
        },
        Mutation {
            what: "a u32 field to i32",
            result: tagged(&[("flags: u32", "flags: i32")]),
            expect: &["shader input flags at location 3 is i32, Tagged::flags is u32 (Uint32, u32)"],
        },
        Mutation {
            what: "a matrix column retyped",
            result: instance(&[("t2: vec4<f32>", "t2: vec3<f32>"), ("t1, t2, t3)", "t1, vec4<f32>(t2, 0.0), t3)")]),
            expect: &["shader input t2 at location 3 is vec3<f32>, Instance::transform's column 2 is [f32; 4] (Float32x4, vec4<f32>)"],
        },
        Mutation {
            what: "two buffers at one location",
            result: check::vertex_wgsl::<(Point, Corner)>(POINT, "vs_main"),
            expect: &["Point::position and Corner::position both take location 0"],
        },
        Mutation {
            what: "no such entry point",
            result: check::vertex_wgsl::<Point>(POINT, "vs"),
            expect: &["the module has no vertex entry point named vs (it has: vs_main)"],
        },
        Mutation {
            what: "a fragment entry point",
            result: check::vertex_wgsl::<Point>(POINT, "fs_main"),
            expect: &["the module has no vertex entry point named fs_main (it has: vs_main)"],
        },
    ]
}

fn block_mutations() -> Vec<Mutation> {
    let light = |edits: &[(&str, &str)]| check::block_wgsl::<Light>(&mutate(LIGHT, edits), "light");
    let scene = |edits: &[(&str, &str)]| check::block_wgsl::<Scene>(&mutate(SCENE, edits), "scene");
    let particles = |edits: &[(&str, &str)]| check::block_wgsl::<Particle>(&mutate(PARTICLES, edits), "particles");
    vec![
        Mutation {
            what: "members swapped",
            result: light(&[("position: vec3<f32>, intensity: f32", "intensity: f32, position: vec3<f32>")]),
            expect: &[
                "the members of the shader's struct are in another order: the shader has intensity, position, color, \
                 view; Light has position, intensity, color, view",
            ],
        },
        Mutation {
            what: "a vec3 widened to vec4",
            result: light(&[("position: vec3<f32>", "position: vec4<f32>")]),
            expect: &["member position is vec4<f32> at offset 0, Light::position is [f32; 3] (vec3<f32>) at offset 0"],
        },
        Mutation {
            what: "a member retyped",
            result: light(&[
                ("color: vec4<f32>", "color: vec4<i32>"),
                ("light.color * light.intensity", "vec4<f32>(light.color) * light.intensity"),
            ]),
            expect: &["member color is vec4<i32> at offset 16, Light::color is [f32; 4] (vec4<f32>) at offset 16"],
        },
        Mutation {
            what: "a member at another offset",
            result: light(&[("color: vec4<f32>", "@align(32) color: vec4<f32>")]),
            expect: &["member color is vec4<f32> at offset 32, Light::color is [f32; 4] (vec4<f32>) at offset 16"],
        },
        Mutation {
            what: "mat4 to mat3",
            result: light(&[("view: mat4x4<f32>", "view: mat3x3<f32>")]),
            expect: &[
                "member view is mat3x3<f32> at offset 32, Light::view is [[f32; 4]; 4] (mat4x4<f32>) at offset 32",
            ],
        },
        Mutation {
            what: "an extra member",
            result: light(&[("view: mat4x4<f32> }", "view: mat4x4<f32>, extra: f32 }")]),
            expect: &["member extra (f32 at offset 96) has no field in Light"],
        },
        Mutation {
            what: "a member the shader lacks",
            result: light(&[(", view: mat4x4<f32> }", " }")]),
            expect: &["Light::view ([[f32; 4]; 4] (mat4x4<f32>) at offset 32) is not in the shader's struct"],
        },
        Mutation {
            what: "no such var",
            result: check::block_wgsl::<Light>(LIGHT, "lights"),
            expect: &["the module has no var<uniform> or var<storage> named lights (it has: light)"],
        },
        Mutation {
            what: "a private var",
            result: light(&[("var<uniform> light", "var<private> light"), ("@group(0) @binding(0) ", "")]),
            expect: &["the module has no var<uniform> or var<storage> named light (it has: none)"],
        },
        Mutation {
            what: "a nested struct's member retyped",
            result: scene(&[("w: f32", "w: u32")]),
            expect: &["member items[0].w is u32 at offset 76, Scene::items[0].w is f32 (f32) at offset 76"],
        },
        Mutation {
            what: "an array of structs lengthened",
            result: scene(&[("array<Item, 2>", "array<Item, 3>")]),
            expect: &[
                "member items is array<Item, 3> at offset 64, Scene::items is [Item; 2] (array<Item, 2>) at offset 64",
            ],
        },
        Mutation {
            what: "a std140 mat3 read as mat3x2",
            result: scene(&[("normal: mat3x3<f32>", "normal: mat3x2<f32>")]),
            expect: &[
                "member normal is mat3x2<f32> at offset 16, Scene::normal is [[f32; 4]; 3] (mat3x4<f32>) at offset 16",
            ],
        },
        Mutation {
            what: "a record's member retyped",
            result: particles(&[("mass: f32", "mass: u32")]),
            expect: &["member mass is u32 at offset 12, Particle::mass is f32 (f32) at offset 12"],
        },
        Mutation {
            what: "a record padded: another stride",
            result: particles(&[("age: f32 }", "@size(20) age: f32 }")]),
            expect: &["the records of array<Particle> are 48 bytes apart, Particle is 32 bytes"],
        },
        Mutation {
            what: "records in a struct's one member, retyped",
            result: check::block_wgsl::<Particle>(
                &mutate(
                    PARTICLES,
                    &[
                        (
                            "var<storage, read_write> particles: array<Particle>",
                            "var<storage, read_write> all: Particles",
                        ),
                        ("struct Particle", "struct Particles { list: array<Particle> }\nstruct Particle"),
                        ("particles[id.x]", "all.list[id.x]"),
                        ("velocity: vec3<f32>", "velocity: vec3<i32>"),
                    ],
                ),
                "all",
            ),
            expect: &[
                "member velocity is vec3<i32> at offset 16, Particle::velocity is [f32; 3] (vec3<f32>) at offset 16",
            ],
        },
    ]
}

#[test]
fn every_mutation_is_caught_and_named() {
    let mutations: Vec<Mutation> = vertex_mutations().into_iter().chain(block_mutations()).collect();
    assert!(mutations.len() >= 25, "{} mutations", mutations.len());
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

#[test]
fn the_unchanged_shaders_pass() -> Result<(), Error> {
    check::vertex_wgsl::<Point>(POINT, "vs_main")?;
    check::vertex_wgsl::<Point>(POINT_STRUCT, "vs_main")?;
    check::vertex_wgsl::<Tagged>(TAGGED, "vs_main")?;
    check::vertex_wgsl::<(Corner, Instance)>(INSTANCE, "vs_main")?;
    check::block_wgsl::<Light>(LIGHT, "light")?;
    check::block_wgsl::<Scene>(SCENE, "scene")?;
    check::block_wgsl::<Particle>(PARTICLES, "particles")?;
    let wrapped = "struct Light { position: vec3<f32>, intensity: f32, color: vec4<f32>, view: mat4x4<f32> }
        struct Wrapped { light: Light }
        @group(0) @binding(0) var<uniform> w: Wrapped;
        @fragment fn fs_main() -> @location(0) vec4<f32> { return w.light.color; }";
    check::block_wgsl::<Light>(wrapped, "w")?;
    let wide = "struct W { position: vec3<f32>, color: vec4<f32> }
        @group(0) @binding(0) var<uniform> w: W;
        @fragment fn fs_main() -> @location(0) vec4<f32> { return w.color; }";
    check::block_wgsl::<Wide>(wide, "w")
}

#[test]
fn fields_the_shader_does_not_read_pass() -> Result<(), Error> {
    let position_only = "@vertex fn vs(@location(0) p: vec2<f32>) -> @builtin(position) vec4<f32> {
        return vec4<f32>(p, 0.0, 1.0);
    }";
    check::vertex_wgsl::<Point>(position_only, "vs")?;
    check::vertex_wgsl::<Tagged>(position_only, "vs")?;
    let nothing = "@vertex fn vs(@builtin(vertex_index) i: u32) -> @builtin(position) vec4<f32> {
        return vec4<f32>(f32(i));
    }";
    check::vertex_wgsl::<Point>(nothing, "vs")
}

#[test]
fn one_check_lists_every_mismatch_with_both_types() {
    let shader = "@vertex fn vs_main(@location(0) position: vec3<f32>, @location(1) tint: vec3<i32>,
        @location(2) normal: vec3<f32>) -> @builtin(position) vec4<f32> {
        return vec4<f32>(position + vec3<f32>(tint) + normal, 1.0);
    }";
    let error = check::vertex_wgsl::<Point>(shader, "vs_main").unwrap_err();
    let message = error.to_string();
    let expected = "shader mismatch: `Point` against the inputs of vertex entry point `vs_main`
  - shader input position at location 0 is vec3<f32>, Point::position is [f32; 2] (Float32x2, vec2<f32>)
  - shader input tint at location 1 is vec3<i32>, Point::color is [f32; 3] (Float32x3, vec3<f32>); a float field feeds \
an integer input: read it as vec3<f32>
  - shader input normal at location 2 (vec3<f32>) is fed by no field: those of Point take locations 0, 1";
    assert_eq!(message, expected);
}

#[test]
fn a_parse_or_validation_error_is_an_error_with_nagas_message() {
    let error = check::vertex_wgsl::<Point>("@vertex fn vs_main( -> {", "vs_main").unwrap_err();
    let Error::ShaderMismatch { shader, mismatches } = &error else { panic!("{error:?}") };
    assert_eq!(shader, "the WGSL source: naga could not parse it");
    assert!(mismatches[0].contains("error: expected"), "{mismatches:?}");
    let invalid = "@vertex fn vs_main(@location(0) p: vec2<f32>) -> @builtin(position) vec4<f32> {
        return p;
    }";
    let error = check::block_wgsl::<Light>(invalid, "light").unwrap_err();
    let Error::ShaderMismatch { shader, mismatches } = &error else { panic!("{error:?}") };
    assert_eq!(shader, "the WGSL source: naga could not validate it");
    assert!(!mismatches[0].is_empty(), "{error}");
}
