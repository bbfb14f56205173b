//! Typed blocks through glium: DESIGN.md §12's contract as written, the
//! field-granular plans of a uniform buffer, storage buffers, and a compute
//! shader reading every member back after edits.

mod common;

use gloo_runtime::glium::program::ComputeShader;
use gloo_runtime::glium::uniform;
use gloo_runtime::{Block, BlockType, Error, MergePolicy, Rules, ScalarType, StorageBuffer, UniformBuffer};

#[derive(Clone, Copy, Debug, PartialEq, Block)]
#[block(std140)] // the rules the layout is proven against: std140 or std430
#[repr(C)]
struct Light {
    position: [f32; 3],  // vec3 at 0
    intensity: f32,      // float at 12: fills the vec3's last word, as std140 allows
    color: [f32; 4],     // vec4 at 16
    view: [[f32; 4]; 4], // mat4 at 32
}
const _: () = assert!(Light::BLOCK.size == 96);

#[derive(Clone, Copy, Debug, PartialEq, Block)]
#[block(std430)]
#[repr(C)]
struct Particle {
    position: [f32; 3],
    mass: f32,
    velocity: [f32; 3],
    age: f32,
} // 32 bytes

fn light0() -> Light {
    Light { position: [1.0, 2.0, 3.0], intensity: 1.0, color: [0.5; 4], view: [[0.0; 4]; 4] }
}

fn particle(k: usize) -> Particle {
    let k = k as f32;
    Particle { position: [k, k + 0.25, k + 0.5], mass: 1.0 + k, velocity: [0.0; 3], age: 0.0 }
}

/// DESIGN.md §12, as written there.
#[test]
fn the_contract_holds_as_written() -> Result<(), Error> {
    let context = common::context();
    assert_eq!(Light::BLOCK.fields[1].offset, 12);

    let mut light = UniformBuffer::from_value(light0()); // lazy, like zeros/from_vec
    assert_eq!(light.upload_plan(), vec![0..96]); // no GPU copy yet
    let uniforms = uniform! { LightBlock: light.bind(&context)? };
    let _ = uniforms;
    *light.intensity_mut() = 2.5;
    assert_eq!(light.upload_plan(), vec![12..16]); // the field's bytes, not the block

    let data: Vec<Particle> = (0..64).map(particle).collect();
    let mut particles = StorageBuffer::<Particle>::from_vec([64], data)?; // N-d, like VertexBuffer
    *particles.velocity_mut(2) = [0.0, 1.0, 0.0]; // whole records sent
    let uniforms = uniform! { Particles: particles.bind(&context)? }; // `buffer Particles { Particle p[]; }`
    let _ = uniforms;
    Ok(())
}

#[test]
fn the_layout_lists_members_in_order_without_padding() {
    #[derive(Clone, Copy, Block)]
    #[block(std140)]
    #[repr(C)]
    struct Padded {
        a: f32,
        #[block(skip)]
        _pad: [u32; 3],
        b: [f32; 4],
    }
    let layout = Padded::BLOCK;
    assert_eq!((layout.name, layout.rules, layout.size, layout.align), ("Padded", Rules::Std140, 32, 16));
    let members: Vec<(&str, usize, usize)> = layout.fields.iter().map(|f| (f.name, f.offset, f.size)).collect();
    assert_eq!(members, [("a", 0, 4), ("b", 16, 16)]);
    assert_eq!(layout.fields[1].ty, BlockType::Vector(ScalarType::F32, 4));
    assert_eq!(Light::BLOCK.fields[3].ty, BlockType::Matrix { scalar: ScalarType::F32, columns: 4, rows: 4 });
}

#[test]
fn a_uniform_buffer_sends_the_members_written() -> Result<(), Error> {
    let context = common::context();
    let mut light = UniformBuffer::new(&context, light0())?;
    assert_eq!(light.stats().bytes_uploaded, 96);
    assert!(light.upload_plan().is_empty());
    *light.intensity_mut() = 2.5;
    light.view_mut()[3] = [1.0; 4];
    assert_eq!(light.dirty(), Some(12..96));
    assert_eq!(light.upload_plan(), vec![12..96]); // Extent: first member written to last
    light.set_policy(MergePolicy::Coalesce { max_gap: 0 });
    assert_eq!(light.upload_plan(), vec![12..16, 32..96]);
    light.upload(&context)?;
    let stats = light.stats();
    assert_eq!((stats.upload_calls, stats.bytes_uploaded), (1 + 2, 96 + 4 + 64));
    assert_eq!(light.read_gpu(&context)?, *light.get());
    assert_eq!(light.read_gpu(&context)?.intensity, 2.5);

    let mut replaced = light0();
    replaced.color = [0.0, 1.0, 0.0, 1.0];
    light.set(replaced);
    assert_eq!(light.upload_plan(), vec![0..96]);
    light.upload(&context)?;
    assert_eq!(light.read_gpu(&context)?, replaced);
    Ok(())
}

#[test]
fn a_storage_buffer_is_a_tracked_array_of_records() -> Result<(), Error> {
    let context = common::context();
    let mut particles = StorageBuffer::<Particle>::from_vec([64], (0..64).map(particle).collect())?;
    particles.upload(&context)?;
    *particles.velocity_mut(2) = [0.0, 1.0, 0.0];
    *particles.age_mut(5) = 3.0;
    assert_eq!(particles.upload_plan(), vec![64..192]);
    particles.push(particle(64));
    particles.upload(&context)?; // grows on the GPU
    let read = particles.read_gpu(&context)?;
    assert_eq!(read.len(), 65);
    assert_eq!(read, particles.as_slice());
    assert_eq!(read[2].velocity, [0.0, 1.0, 0.0]);
    Ok(())
}

/// A compute shader reads every member of the uniform block and every
/// record of the storage buffer, after edits, and writes them out: the
/// GPU sees each member where the Rust struct has it.
#[test]
fn a_compute_shader_reads_every_member_back_after_edits() -> Result<(), Error> {
    let context = common::context();
    let shader = ComputeShader::from_source(
        &context,
        "#version 430
        layout(local_size_x = 1) in;
        layout(std140) uniform LightBlock { vec3 position; float intensity; vec4 color; mat4 view; };
        struct Particle { vec3 position; float mass; vec3 velocity; float age; };
        layout(std430) buffer Particles { Particle p[]; };
        layout(std430) buffer Out { float values[]; };
        void main() {
            int k = 0;
            for (int i = 0; i < 3; i++) values[k++] = position[i];
            values[k++] = intensity;
            for (int i = 0; i < 4; i++) values[k++] = color[i];
            for (int c = 0; c < 4; c++) for (int r = 0; r < 4; r++) values[k++] = view[c][r];
            for (int n = 0; n < p.length(); n++) {
                for (int i = 0; i < 3; i++) values[k++] = p[n].position[i];
                values[k++] = p[n].mass;
                for (int i = 0; i < 3; i++) values[k++] = p[n].velocity[i];
                values[k++] = p[n].age;
            }
        }",
    )
    .expect("compute shader compiles");
    let mut light = UniformBuffer::from_value(light0());
    let mut particles = StorageBuffer::<Particle>::from_vec([8], (0..8).map(particle).collect())?;
    let mut out = StorageBuffer::<Value>::zeros([24 + 8 * 8]);
    for round in 0..3 {
        let r = round as f32;
        *light.intensity_mut() = 10.0 + r;
        light.view_mut()[2][1] = 20.0 + r;
        light.position_mut()[0] = 30.0 + r;
        *particles.velocity_mut(round + 1) = [r, r + 1.0, r + 2.0];
        *particles.age_mut(7 - round) = 40.0 + r;
        shader.execute(
            uniform! { LightBlock: light.bind(&context)?, Particles: particles.bind(&context)?, Out: out.bind(&context)? },
            1,
            1,
            1,
        );
        let values: Vec<f32> = out.read_gpu(&context)?.iter().map(|v| v.v).collect();
        let mut expected: Vec<f32> = Vec::new();
        let l = light.get();
        expected.extend(l.position);
        expected.push(l.intensity);
        expected.extend(l.color);
        expected.extend(l.view.iter().flatten());
        for p in particles.as_slice() {
            expected.extend(p.position);
            expected.push(p.mass);
            expected.extend(p.velocity);
            expected.push(p.age);
        }
        assert_eq!(values, expected, "round {round}");
    }
    Ok(())
}

#[derive(Clone, Copy, Debug, PartialEq, Block)]
#[block(std430)]
#[repr(C)]
struct Value {
    v: f32,
}

#[test]
fn glium_checks_a_block_against_the_program() {
    let context = common::context();
    let shader = ComputeShader::from_source(
        &context,
        "#version 430
        layout(local_size_x = 1) in;
        layout(std140) uniform LightBlock { vec3 position; float brightness; vec4 color; mat4 view; };
        layout(std430) buffer Out { float values[]; };
        void main() { values[0] = brightness + position.x + color.x + view[0][0]; }",
    )
    .expect("compute shader compiles");
    let block = &shader.get_uniform_blocks()["LightBlock"];
    let error = <Light as gloo_runtime::glium::uniforms::UniformBlock>::matches(&block.layout, 0).unwrap_err();
    assert!(format!("{error:?}").contains("brightness"), "{error:?}");
}

#[test]
fn the_trace_shows_each_member_run_sent() -> Result<(), Error> {
    use common::trace::{capture, take_lines};
    let context = common::context();
    capture();
    let mut light = UniformBuffer::from_value(light0());
    light.set_policy(MergePolicy::Coalesce { max_gap: 0 });
    light.upload(&context)?;
    *light.intensity_mut() = 2.5;
    light.view_mut()[0][0] = 1.0; // `color`, between them, is left alone
    let _ = light.bind(&context)?;
    let lines = take_lines();
    let id = lines[0].split("id=").nth(1).and_then(|rest| rest.split(')').next()).expect("an id");
    assert_eq!(
        lines,
        [
            format!("GPU: Creating uniform buffer (id={id})"),
            format!("GPU: Updating uniform buffer (id={id}): 0..96, 96 bytes (96 written)"),
            format!("GPU: Updating uniform buffer (id={id}): [12..16, 32..96], 68 bytes (68 written)"),
            format!("GPU: Activating uniform buffer (id={id})"),
        ]
    );
    Ok(())
}

#[test]
fn blocks_stay_with_their_context() -> Result<(), Error> {
    let (context, other) = (common::context(), common::context());
    let mut light = UniformBuffer::new(&context, light0())?;
    *light.intensity_mut() = 2.0;
    assert!(matches!(light.bind(&other), Err(Error::ContextMismatch)));
    assert!(matches!(light.read_gpu(&other), Err(Error::ContextMismatch)));
    assert!(light.is_dirty(), "the write waits for its own context");
    assert!(matches!(light.drawable(&context), Err(Error::PendingWrites)));
    light.upload(&context)?;
    assert!(light.drawable(&context).is_ok());

    let mut particles = StorageBuffer::<Particle>::from_vec([2], vec![particle(0), particle(1)])?;
    assert!(matches!(particles.read_gpu(&context), Err(Error::NotUploaded)));
    particles.upload(&context)?;
    assert!(matches!(particles.bind(&other), Err(Error::ContextMismatch)));
    Ok(())
}

#[test]
fn storage_buffer_fields_have_ndarray_views() -> Result<(), Error> {
    use gloo_runtime::ndarray::s;
    let mut particles = StorageBuffer::<Particle, 2>::from_vec([4, 8], (0..32).map(particle).collect())?;
    particles.take_dirty();
    particles.slice_field_mut(Particle::BLOCK_FIELDS.age, s![1, ..]).fill(7.0);
    assert_eq!(particles.dirty(), Some((8 * 32 + 28)..(16 * 32)));
    let masses = particles.field_view(Particle::BLOCK_FIELDS.mass);
    assert_eq!(masses[[3, 7]], 32.0);
    assert_eq!(*particles.age(1, 5), 7.0);
    Ok(())
}
