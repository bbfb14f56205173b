//! gloo as a drop-in for glium's `VertexBuffer`: three scenes written for
//! plain glium and ported to gloo as a glium user would (the derive, the
//! constructor's path, `v.source()?` where a buffer edited between frames
//! is drawn), rendered side by side; every pixel of every frame must match.
//! Then the faults a port can meet: each a clear panic or an error.

mod common;

use gloo_runtime::glium::index::{NoIndices, PrimitiveType};
use gloo_runtime::glium::texture::Texture2d;
use gloo_runtime::glium::{self, implement_vertex, uniform, Program, Surface};
use gloo_runtime::headless::HeadlessContext;
use gloo_runtime::{Error, Vertex, VertexBuffer, VertexBufferAny};

const SIZE: u32 = 64;
const FRAMES: usize = 6;

const COLOUR_VS: &str = "#version 140
in vec2 position;
in vec3 color;
out vec3 v_color;
void main() { v_color = color; gl_Position = vec4(position, 0.0, 1.0); }";

const COLOUR_FS: &str = "#version 140
in vec3 v_color;
out vec4 frag;
void main() { frag = vec4(v_color, 1.0); }";

const INSTANCED_VS: &str = "#version 140
in vec2 position;
in vec2 offset;
in vec3 tint;
out vec3 v_color;
void main() { v_color = tint; gl_Position = vec4(position + offset, 0.0, 1.0); }";

/// What a frame shows, pixel by pixel.
type Frame = Vec<Vec<(u8, u8, u8, u8)>>;

fn render(display: &HeadlessContext, draw: impl FnOnce(&mut glium::framebuffer::SimpleFrameBuffer)) -> Frame {
    let texture = Texture2d::empty(display, SIZE, SIZE).expect("texture");
    let mut target = texture.as_surface();
    target.clear_color(0.0, 0.0, 0.0, 1.0);
    draw(&mut target);
    texture.read()
}

/// Both renderings of a scene: same frames, each showing something, and
/// each frame of an animated scene different from the one before.
fn assert_same_frames(glium: &[Frame], gloo: &[Frame], animated: bool) {
    assert_eq!(glium.len(), gloo.len());
    let black = (0, 0, 0, 255);
    for (n, (ours, theirs)) in gloo.iter().zip(glium).enumerate() {
        assert!(theirs.iter().flatten().any(|&p| p != black), "frame {n} draws nothing");
        let differing = ours.iter().flatten().zip(theirs.iter().flatten()).filter(|(a, b)| a != b).count();
        assert_eq!(differing, 0, "frame {n}: {differing} pixels differ from glium's");
        if animated && n > 0 {
            assert!(theirs != &glium[n - 1], "frame {n} is the same as the one before: the scene does not move");
        }
    }
}

// Scene 1: a static mesh, drawn every frame as it was made; its vertex
// has tuple fields, as glium's own examples write them.

mod glium_side {
    use super::*;

    #[derive(Copy, Clone)]
    pub struct Vertex {
        pub position: [f32; 2],
        pub color: [f32; 3],
    }
    implement_vertex!(Vertex, position, color);

    #[derive(Copy, Clone)]
    pub struct Instance {
        pub offset: [f32; 2],
        pub tint: [f32; 3],
    }
    implement_vertex!(Instance, offset, tint);

    #[derive(Copy, Clone)]
    pub struct MeshVertex {
        pub position: (f32, f32),
        pub color: (f32, f32, f32),
    }
    implement_vertex!(MeshVertex, position, color);
}

mod gloo_side {
    use super::*;

    #[derive(Copy, Clone, Debug, PartialEq, Vertex)]
    #[repr(C)]
    pub struct Vertex {
        pub position: [f32; 2],
        pub color: [f32; 3],
    }

    #[derive(Copy, Clone, Vertex)]
    #[repr(C)]
    pub struct Instance {
        pub offset: [f32; 2],
        pub tint: [f32; 3],
    }

    #[derive(Copy, Clone, Vertex)]
    #[repr(C)]
    pub struct MeshVertex {
        pub position: (f32, f32),
        pub color: (f32, f32, f32),
    }
}

fn mesh_glium(display: &HeadlessContext) -> Vec<Frame> {
    use glium_side::MeshVertex as Vertex;
    let program = Program::from_source(display, COLOUR_VS, COLOUR_FS, None).unwrap();
    let shape = vec![
        Vertex { position: (-0.8, -0.8), color: (1.0, 0.0, 0.0) },
        Vertex { position: (0.8, -0.6), color: (0.0, 1.0, 0.0) },
        Vertex { position: (0.0, 0.9), color: (0.0, 0.0, 1.0) },
    ];
    let vertex_buffer = glium::VertexBuffer::new(display, &shape).unwrap();
    let indices = NoIndices(PrimitiveType::TrianglesList);
    (0..FRAMES)
        .map(|_| {
            render(display, |target| {
                target.draw(&vertex_buffer, indices, &program, &uniform! {}, &Default::default()).unwrap();
            })
        })
        .collect()
}

fn mesh_gloo(display: &HeadlessContext) -> Vec<Frame> {
    use gloo_side::MeshVertex as Vertex;
    let program = Program::from_source(display, COLOUR_VS, COLOUR_FS, None).unwrap();
    let shape = vec![
        Vertex { position: (-0.8, -0.8), color: (1.0, 0.0, 0.0) },
        Vertex { position: (0.8, -0.6), color: (0.0, 1.0, 0.0) },
        Vertex { position: (0.0, 0.9), color: (0.0, 0.0, 1.0) },
    ];
    let vertex_buffer = gloo_runtime::VertexBuffer::new(display, &shape).unwrap();
    let indices = NoIndices(PrimitiveType::TrianglesList);
    (0..FRAMES)
        .map(|_| {
            render(display, |target| {
                target.draw(&vertex_buffer, indices, &program, &uniform! {}, &Default::default()).unwrap();
            })
        })
        .collect()
}

#[test]
fn a_static_mesh_draws_as_with_glium() {
    let display = common::context();
    assert_same_frames(&mesh_glium(&display), &mesh_gloo(&display), false);
}

// Scene 2: a sprite batch, every sprite moved every frame through `map()`.

const SPRITES: usize = 12;

/// Sprite `s`'s four corners at frame `frame`, and its colour.
fn sprite(s: usize, frame: usize) -> ([[f32; 2]; 4], [f32; 3]) {
    let t = frame as f32 * 0.37 + s as f32;
    let (x, y) = (0.7 * (t * 1.3).sin(), 0.7 * (t * 0.9).cos());
    let half = 0.06 + 0.01 * (s % 3) as f32;
    let corners = [[x - half, y - half], [x + half, y - half], [x - half, y + half], [x + half, y + half]];
    (corners, [(s % 2) as f32, ((s / 2) % 2) as f32, 0.5 + 0.5 * ((s / 4) % 2) as f32])
}

/// Two triangles per sprite over its four corners.
fn sprite_indices() -> Vec<u16> {
    (0..SPRITES as u16).flat_map(|s| [0, 1, 2, 1, 3, 2].map(|k| 4 * s + k)).collect()
}

fn sprites_glium(display: &HeadlessContext) -> Vec<Frame> {
    use glium_side::Vertex;
    let program = Program::from_source(display, COLOUR_VS, COLOUR_FS, None).unwrap();
    let mut vertex_buffer: glium::VertexBuffer<Vertex> =
        glium::VertexBuffer::empty_dynamic(display, SPRITES * 4).unwrap();
    let index_buffer = glium::IndexBuffer::new(display, PrimitiveType::TrianglesList, &sprite_indices()).unwrap();
    (0..FRAMES)
        .map(|frame| {
            {
                let mut mapping = vertex_buffer.map();
                for (s, quad) in mapping.chunks_mut(4).enumerate() {
                    let (corners, color) = sprite(s, frame);
                    for (vertex, position) in quad.iter_mut().zip(corners) {
                        *vertex = Vertex { position, color };
                    }
                }
            }
            render(display, |target| {
                target.draw(&vertex_buffer, &index_buffer, &program, &uniform! {}, &Default::default()).unwrap();
            })
        })
        .collect()
}

fn sprites_gloo(display: &HeadlessContext) -> Vec<Frame> {
    use gloo_side::Vertex;
    let program = Program::from_source(display, COLOUR_VS, COLOUR_FS, None).unwrap();
    let mut vertex_buffer: gloo_runtime::VertexBuffer<Vertex> =
        gloo_runtime::VertexBuffer::empty_dynamic(display, SPRITES * 4).unwrap();
    let index_buffer = glium::IndexBuffer::new(display, PrimitiveType::TrianglesList, &sprite_indices()).unwrap();
    (0..FRAMES)
        .map(|frame| {
            {
                let mapping = vertex_buffer.map();
                for (s, quad) in mapping.chunks_mut(4).enumerate() {
                    let (corners, color) = sprite(s, frame);
                    for (vertex, position) in quad.iter_mut().zip(corners) {
                        *vertex = Vertex { position, color };
                    }
                }
            }
            render(display, |target| {
                target
                    .draw(vertex_buffer.source().unwrap(), &index_buffer, &program, &uniform! {}, &Default::default())
                    .unwrap();
            })
        })
        .collect()
}

#[test]
fn a_sprite_batch_rewritten_through_map_draws_as_with_glium() {
    let display = common::context();
    assert_same_frames(&sprites_glium(&display), &sprites_gloo(&display), true);
}

// Scene 3: one triangle drawn per instance, two instances moved a frame.

const INSTANCES: usize = 16;

/// Instance `i` as frame `frame` places it, and its tint.
fn instance_at(i: usize, frame: usize) -> ([f32; 2], [f32; 3]) {
    let offset = [-0.75 + 0.5 * (i % 4) as f32 + 0.04 * frame as f32, -0.75 + 0.5 * (i / 4) as f32];
    (offset, [1.0 - i as f32 / INSTANCES as f32, i as f32 / INSTANCES as f32, 0.5])
}

/// The two instances frame `frame` moves.
fn moved(frame: usize) -> [usize; 2] {
    [frame % INSTANCES, (frame + 5) % INSTANCES]
}

fn triangle() -> [[f32; 2]; 3] {
    [[-0.1, -0.1], [0.1, -0.1], [0.0, 0.1]]
}

fn instances_glium(display: &HeadlessContext) -> Vec<Frame> {
    use glium_side::{Instance, Vertex};
    let program = Program::from_source(display, INSTANCED_VS, COLOUR_FS, None).unwrap();
    let shape: Vec<Vertex> = triangle().map(|position| Vertex { position, color: [0.0; 3] }).to_vec();
    let mesh = glium::VertexBuffer::new(display, &shape).unwrap();
    let data: Vec<Instance> = (0..INSTANCES)
        .map(|i| {
            let (offset, tint) = instance_at(i, 0);
            Instance { offset, tint }
        })
        .collect();
    let mut instances = glium::VertexBuffer::dynamic(display, &data).unwrap();
    let indices = NoIndices(PrimitiveType::TrianglesList);
    (0..FRAMES)
        .map(|frame| {
            {
                let mut mapping = instances.map();
                for i in moved(frame) {
                    mapping[i].offset = instance_at(i, frame).0;
                }
            }
            render(display, |target| {
                let sources = (&mesh, instances.per_instance().unwrap());
                target.draw(sources, indices, &program, &uniform! {}, &Default::default()).unwrap();
            })
        })
        .collect()
}

fn instances_gloo(display: &HeadlessContext) -> (Vec<Frame>, gloo_runtime::UploadStats) {
    use gloo_side::{Instance, Vertex};
    let program = Program::from_source(display, INSTANCED_VS, COLOUR_FS, None).unwrap();
    let shape: Vec<Vertex> = triangle().map(|position| Vertex { position, color: [0.0; 3] }).to_vec();
    let mesh = gloo_runtime::VertexBuffer::new(display, &shape).unwrap();
    let data: Vec<Instance> = (0..INSTANCES)
        .map(|i| {
            let (offset, tint) = instance_at(i, 0);
            Instance { offset, tint }
        })
        .collect();
    let mut instances = gloo_runtime::VertexBuffer::dynamic(display, &data).unwrap();
    let indices = NoIndices(PrimitiveType::TrianglesList);
    let frames = (0..FRAMES)
        .map(|frame| {
            {
                for i in moved(frame) {
                    *instances.offset_mut(i) = instance_at(i, frame).0;
                }
            }
            render(display, |target| {
                let sources = (&mesh, instances.per_instance().unwrap());
                target.draw(sources, indices, &program, &uniform! {}, &Default::default()).unwrap();
            })
        })
        .collect();
    (frames, instances.stats())
}

#[test]
fn instancing_with_per_instance_updates_draws_as_with_glium_and_sends_only_the_moved() {
    let display = common::context();
    let (frames, stats) = instances_gloo(&display);
    assert_same_frames(&instances_glium(&display), &frames, true);
    // Created with all 16 instances (320 bytes); then each frame sends the
    // extent of its two moved instances, 5 apart: 6 records, 120 bytes.
    assert_eq!((stats.upload_calls, stats.bytes_uploaded), (1 + FRAMES as u64, 320 + 120 * FRAMES as u64));
}

// Meshes of two vertex types kept together, glium's `VertexBufferAny`.

fn meshes_glium(display: &HeadlessContext) -> Vec<Frame> {
    use glium_side::{Instance, Vertex};
    let program = Program::from_source(display, COLOUR_VS, COLOUR_FS, None).unwrap();
    let other = Program::from_source(display, INSTANCED_VS, COLOUR_FS, None).unwrap();
    let left: Vec<Vertex> =
        triangle().map(|[x, y]| Vertex { position: [x * 4.0 - 0.5, y * 4.0], color: [1.0, 0.5, 0.0] }).to_vec();
    let right: Vec<Vertex> = triangle().map(|[x, y]| Vertex { position: [x * 4.0, y * 4.0], color: [0.0; 3] }).to_vec();
    let meshes: Vec<glium::vertex::VertexBufferAny> = vec![
        glium::VertexBuffer::new(display, &left).unwrap().into(),
        glium::VertexBuffer::new(display, &right).unwrap().into(),
    ];
    let offset = glium::VertexBuffer::new(display, &[Instance { offset: [0.5, 0.0], tint: [0.2, 0.4, 1.0] }]).unwrap();
    let indices = NoIndices(PrimitiveType::TrianglesList);
    vec![render(display, |target| {
        target.draw(&meshes[0], indices, &program, &uniform! {}, &Default::default()).unwrap();
        let sources = (&meshes[1], offset.per_instance().unwrap());
        target.draw(sources, indices, &other, &uniform! {}, &Default::default()).unwrap();
    })]
}

fn meshes_gloo(display: &HeadlessContext) -> Vec<Frame> {
    use gloo_side::{Instance, Vertex};
    let program = Program::from_source(display, COLOUR_VS, COLOUR_FS, None).unwrap();
    let other = Program::from_source(display, INSTANCED_VS, COLOUR_FS, None).unwrap();
    let left: Vec<Vertex> =
        triangle().map(|[x, y]| Vertex { position: [x * 4.0 - 0.5, y * 4.0], color: [1.0, 0.5, 0.0] }).to_vec();
    let right: Vec<Vertex> = triangle().map(|[x, y]| Vertex { position: [x * 4.0, y * 4.0], color: [0.0; 3] }).to_vec();
    let meshes: Vec<VertexBufferAny> =
        vec![VertexBuffer::new(display, &left).unwrap().into(), VertexBuffer::new(display, &right).unwrap().into()];
    let offset = VertexBuffer::new(display, &[Instance { offset: [0.5, 0.0], tint: [0.2, 0.4, 1.0] }]).unwrap();
    let indices = NoIndices(PrimitiveType::TrianglesList);
    vec![render(display, |target| {
        target.draw(&meshes[0], indices, &program, &uniform! {}, &Default::default()).unwrap();
        let sources = (&meshes[1], offset.per_instance().unwrap());
        target.draw(sources, indices, &other, &uniform! {}, &Default::default()).unwrap();
    })]
}

#[test]
fn vertex_buffer_any_draws_as_glium_s() {
    let display = common::context();
    assert_same_frames(&meshes_glium(&display), &meshes_gloo(&display), false);
}

#[test]
fn vertex_buffer_any_turns_back_into_its_own_type_only() {
    use gloo_side::{Instance, Vertex};
    let display = common::context();
    let mut any: VertexBufferAny =
        VertexBuffer::new(&display, &[Instance { offset: [0.0; 2], tint: [1.0; 3] }; 3]).unwrap().into();
    assert_eq!((any.len(), any.vertex_name()), (3, "Instance"));
    assert!(any.downcast_ref::<Vertex>().is_none());
    assert!(any.downcast_mut::<Vertex>().is_none());
    *any.downcast_mut::<Instance>().expect("its own type").offset_mut(2) = [0.5, 0.5];
    any.source().expect("sends record 2");
    assert_eq!(any.stats().bytes_uploaded, 60 + 20);
    assert_eq!(any.downcast_ref::<Instance>().expect("its own type").read().unwrap()[2].offset, [0.5, 0.5]);
}

// The faults of a port.

/// The message of the panic `f` raises.
fn panic_message(f: impl FnOnce()) -> String {
    let payload = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).expect_err("it panics");
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default()
}

#[test]
fn drawing_a_buffer_with_pending_writes_as_a_reference_panics_naming_source() {
    use gloo_side::Vertex;
    let display = common::context();
    let program = Program::from_source(&display, COLOUR_VS, COLOUR_FS, None).unwrap();
    let texture = Texture2d::empty(&display, SIZE, SIZE).unwrap();
    let shape: Vec<Vertex> = triangle().map(|position| Vertex { position, color: [1.0; 3] }).to_vec();
    let mut vb = VertexBuffer::dynamic(&display, &shape).unwrap();
    *vb.position_mut(0) = [-1.0, -1.0];
    let indices = NoIndices(PrimitiveType::TrianglesList);
    let message = panic_message(|| {
        let _ = texture.as_surface().draw(&vb, indices, &program, &uniform! {}, &Default::default());
    });
    assert!(message.contains("v.source()?"), "{message}");
    assert_eq!(vb.stats().upload_calls, 1, "nothing was sent by the refused draw");
    // In a tuple, too; and the same buffer through `VertexBufferAny`.
    let message = panic_message(|| {
        let _ = texture.as_surface().draw((&vb,), indices, &program, &uniform! {}, &Default::default());
    });
    assert!(message.contains("v.source()?"), "{message}");
    let any: VertexBufferAny = vb.into();
    let message = panic_message(|| {
        let _ = texture.as_surface().draw(&any, indices, &program, &uniform! {}, &Default::default());
    });
    assert!(message.contains("v.source()?"), "{message}");
    // `source()` sends the write, and the draw shows it.
    texture.as_surface().clear_color(0.0, 0.0, 0.0, 1.0);
    texture.as_surface().draw(any.source().unwrap(), indices, &program, &uniform! {}, &Default::default()).unwrap();
    assert_eq!(common::pixel(&texture, 1, 1), (255, 255, 255, 255), "the moved corner is drawn");
}

#[test]
fn a_buffer_never_uploaded_has_no_context_to_send_through() {
    use gloo_side::Vertex;
    let vb = VertexBuffer::<Vertex>::zeros([3]);
    let error = vb.source().expect_err("no context");
    assert!(matches!(error, Error::NotUploaded));
    assert!(error.to_string().contains("upload(&facade)"), "{error}");
    assert!(matches!(vb.read(), Err(Error::NotUploaded)));
    assert!(matches!(vb.per_instance(), Err(Error::NotUploaded)));
    let message = panic_message(|| {
        let _: glium::vertex::VerticesSource<'_> = (&vb).into();
    });
    assert!(message.contains("upload"), "{message}");
}

#[test]
fn source_grows_the_buffer_after_pushes_and_sends_the_new_records() {
    use gloo_side::Vertex;
    let display = common::context();
    let v = |x: f32| Vertex { position: [x, 0.0], color: [1.0; 3] };
    let mut vb = VertexBuffer::new(&display, &[v(0.0), v(1.0)]).unwrap();
    vb.push(v(2.0));
    vb.extend_from_slice(&[v(3.0), v(4.0)]);
    let source = vb.source().unwrap();
    let _ = source;
    assert_eq!(vb.read().unwrap(), vb.as_slice());
    assert_eq!(vb.stats().reallocations, 1);
    let _: glium::vertex::VerticesSource<'_> = (&vb).into(); // clean now: `&vb` draws
}

#[test]
fn write_takes_exactly_len_records() {
    use gloo_side::Vertex;
    let display = common::context();
    let v = |x: f32| Vertex { position: [x, 0.0], color: [1.0; 3] };
    let mut vb = VertexBuffer::<Vertex>::empty(&display, 2).unwrap();
    assert_eq!(vb.read().unwrap(), [Vertex { position: [0.0; 2], color: [0.0; 3] }; 2], "zeroed");
    let message = panic_message(|| vb.write(&[v(1.0)]));
    assert!(message.contains("holds 2 records, but 1 were given"), "{message}");
    assert!(matches!(vb.try_write(&[v(1.0); 3]), Err(Error::ShapeMismatch { expected: 2, actual: 3, .. })));
    assert_eq!(vb.dirty(), None, "a refused write marks nothing");
    vb.write(&[v(1.0), v(2.0)]);
    vb.source().unwrap();
    assert_eq!(vb.read().unwrap(), [v(1.0), v(2.0)]);
}

#[test]
fn records_mut_takes_any_range_expression() {
    use gloo_side::Vertex;
    let mut vb = VertexBuffer::<Vertex>::zeros([10]);
    let stride = 20;
    for (range, expected) in [
        (vb.records_mut(..).len(), 10),
        (vb.records_mut(7..).len(), 3),
        (vb.records_mut(..=2).len(), 3),
        (vb.records_mut(..4).len(), 4),
        (vb.records_mut(2..=4).len(), 3),
    ] {
        assert_eq!(range, expected);
    }
    vb.take_dirty();
    vb.records_mut(8..);
    assert_eq!(vb.dirty(), Some(8 * stride..10 * stride));
    assert!(vb.try_records_mut(..=10).is_none());
    assert!(vb.try_records_mut(11..).is_none());
    let message = panic_message(|| {
        vb.records_mut(..=10);
    });
    assert!(message.contains("out of bounds for 10 records"), "{message}");
}

/// glium's primitive types go in as they are, come out as gloo's (which
/// every build has), and convert back to the same glium value.
#[test]
fn primitive_types_convert_both_ways() {
    use gloo_runtime::glium::index::PrimitiveType as G;
    let all = [
        G::Points,
        G::LinesList,
        G::LinesListAdjacency,
        G::LineStrip,
        G::LineStripAdjacency,
        G::LineLoop,
        G::TrianglesList,
        G::TrianglesListAdjacency,
        G::TriangleStrip,
        G::TriangleStripAdjacency,
        G::TriangleFan,
        G::Patches { vertices_per_patch: 3 },
    ];
    for glium in all {
        let gloo = gloo_runtime::PrimitiveType::from(glium);
        assert_eq!(G::from(gloo), glium);
        let ib = gloo_runtime::IndexBuffer::<u16>::zeros(glium, [3]);
        assert_eq!(ib.primitive(), gloo);
    }
    assert_eq!(gloo_runtime::PrimitiveType::from(G::TriangleFan), gloo_runtime::PrimitiveType::TriangleFan);
}
