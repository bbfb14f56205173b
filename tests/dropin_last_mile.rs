//! The drop-in's last mile (DESIGN §14): a stale draw names the line that
//! created the buffer; `IndexBuffer` takes glium's constructors and draws
//! as `&ib` or `ib.source()?`; `VertexBuffer` takes glium's other
//! constructors, `slice`, `get_size`, `map_write` and `invalidate`.

mod common;

use gloo_runtime::glium::index::{IndicesSource, NoIndices, PrimitiveType};
use gloo_runtime::glium::texture::Texture2d;
use gloo_runtime::glium::vertex::VerticesSource;
use gloo_runtime::glium::{uniform, Program, Surface};
use gloo_runtime::headless::HeadlessContext;
use gloo_runtime::{Error, GpuStorage, IndexBuffer, VertexBuffer, VertexBufferAny};
use mesh::Vertex;

const SIZE: u32 = 16;
const BLACK: (u8, u8, u8, u8) = (0, 0, 0, 255);
const WHITE: (u8, u8, u8, u8) = (255, 255, 255, 255);

mod mesh {
    /// The vertex of `common::colour_program`.
    #[derive(Clone, Copy, Debug, PartialEq, gloo_runtime::Vertex)]
    #[repr(C)]
    pub struct Vertex {
        pub position: [f32; 2],
        pub color: [f32; 3],
    }
}

fn vertex(x: f32, y: f32) -> Vertex {
    Vertex { position: [x, y], color: [1.0; 3] }
}

/// The corners of the whole target: `[0, 1, 2]` covers its lower-left
/// half, `[1, 3, 2]` its upper-right half.
fn corners() -> [Vertex; 4] {
    [vertex(-1.0, -1.0), vertex(1.0, -1.0), vertex(-1.0, 1.0), vertex(1.0, 1.0)]
}

const LOWER_LEFT: [u16; 3] = [0, 1, 2];
const UPPER_RIGHT: [u16; 3] = [1, 3, 2];

/// The message of the panic `f` raises.
fn panic_message(f: impl FnOnce()) -> String {
    let payload = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).expect_err("it panics");
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default()
}

/// How a panic names a buffer made at `line` of this file.
fn created_at(buffer: &str, line: u32) -> String {
    format!("the `{buffer}` created at {}:{line}:", file!())
}

/// The message of `&v` converted as glium's `draw` converts it.
fn stale_vertex_draw(vb: &VertexBuffer<Vertex>) -> String {
    panic_message(|| {
        let _: VerticesSource<'_> = vb.into();
    })
}

/// The message of `&ib` converted as glium's `draw` converts it.
fn stale_index_draw(ib: &IndexBuffer<u16>) -> String {
    panic_message(|| {
        let _: IndicesSource<'_> = ib.into();
    })
}

/// Draws `vertices` through `indices` into a cleared target, and returns
/// the pixels at the lower-left and upper-right corners.
fn draw<'a>(
    display: &HeadlessContext,
    vertices: impl Into<gloo_runtime::glium::vertex::VerticesSource<'a>>,
    indices: impl Into<IndicesSource<'a>>,
) -> [(u8, u8, u8, u8); 2] {
    let (program, texture) = (common::colour_program(display), common::target(display, SIZE));
    let mut surface = texture.as_surface();
    surface.clear_color(0.0, 0.0, 0.0, 1.0);
    surface.draw(vertices, indices, &program, &uniform! {}, &Default::default()).expect("draw");
    let last = SIZE as usize - 2;
    [common::pixel(&texture, 1, 1), common::pixel(&texture, last, last)]
}

// The stale draw names the buffer's creation site.

#[test]
fn a_stale_vertex_draw_names_the_line_that_created_the_buffer() {
    let display = common::context();
    let program = common::colour_program(&display);
    let texture = Texture2d::empty(&display, SIZE, SIZE).unwrap();
    let (mut vb, line) = (VertexBuffer::dynamic(&display, &corners()).unwrap(), line!());
    *vb.position_mut(0) = [-0.5, -1.0];
    let indices = NoIndices(PrimitiveType::TriangleStrip);
    let message = panic_message(|| {
        let _ = texture.as_surface().draw(&vb, indices, &program, &uniform! {}, &Default::default());
    });
    eprintln!("vertex buffer, writes pending: {message}");
    assert!(message.starts_with(&created_at("VertexBuffer<Vertex>", line)), "{message}");
    assert!(message.contains("has writes not sent: draw `v.source()?` instead of `&v`"), "{message}");
    // In a tuple, and through `VertexBufferAny`: the same site.
    let message = panic_message(|| {
        let _ = texture.as_surface().draw((&vb,), indices, &program, &uniform! {}, &Default::default());
    });
    assert!(message.starts_with(&created_at("VertexBuffer<Vertex>", line)), "{message}");
    let any = VertexBufferAny::from(vb);
    let message = panic_message(|| {
        let _ = texture.as_surface().draw(&any, indices, &program, &uniform! {}, &Default::default());
    });
    assert!(message.starts_with(&created_at("VertexBuffer<Vertex>", line)), "{message}");
}

#[test]
fn every_vertex_constructor_keeps_its_caller_s_line() {
    let display = common::context();
    let data = corners();
    let made = vec![
        (VertexBuffer::new(&display, &data).unwrap(), line!()),
        (VertexBuffer::dynamic(&display, &data).unwrap(), line!()),
        (VertexBuffer::persistent(&display, &data).unwrap(), line!()),
        (VertexBuffer::immutable(&display, &data).unwrap(), line!()),
        (VertexBuffer::empty(&display, 4).unwrap(), line!()),
        (VertexBuffer::empty_dynamic(&display, 4).unwrap(), line!()),
        (VertexBuffer::empty_persistent(&display, 4).unwrap(), line!()),
        (VertexBuffer::empty_immutable(&display, 4).unwrap(), line!()),
        (VertexBuffer::zeros([4]), line!()),
        (VertexBuffer::try_zeros([4]).unwrap(), line!()),
        (VertexBuffer::from_vec([4], data.to_vec()).unwrap(), line!()),
        (VertexBuffer::from_fn([4], |[i]| data[i]), line!()),
    ];
    for (mut vb, line) in made {
        vb.upload(&display).unwrap(); // those made on the CPU need a GL copy first
        *vb.color_mut(3) = [0.5; 3];
        let message = stale_vertex_draw(&vb);
        assert!(message.starts_with(&created_at("VertexBuffer<Vertex>", line)), "{message}");
    }
}

#[test]
fn a_buffer_with_no_gl_copy_names_its_line_too() {
    let (vb, line) = (VertexBuffer::<Vertex>::zeros([3]), line!());
    let message = stale_vertex_draw(&vb);
    eprintln!("vertex buffer, no GL copy: {message}");
    assert!(message.starts_with(&created_at("VertexBuffer<Vertex>", line)), "{message}");
    assert!(message.contains("has no GL copy to draw: upload it first (`v.upload(&facade)?`)"), "{message}");
    let (ib, line) = (IndexBuffer::<u16>::zeros(PrimitiveType::TrianglesList, [3]), line!());
    let message = stale_index_draw(&ib);
    assert!(message.starts_with(&created_at("IndexBuffer<u16>", line)), "{message}");
    assert!(message.contains("`IndexBuffer::new(&facade, ..)`"), "{message}");
}

#[test]
fn a_clone_is_created_where_it_is_cloned() {
    let display = common::context();
    let original = VertexBuffer::new(&display, &corners()).unwrap();
    let (mut clone, line) = (original.clone(), line!());
    clone.upload(&display).unwrap();
    *clone.position_mut(1) = [0.0, 0.0];
    let message = stale_vertex_draw(&clone);
    assert!(message.starts_with(&created_at("VertexBuffer<Vertex>", line)), "{message}");
}

#[test]
fn a_stale_index_draw_names_the_line_that_created_the_buffer() {
    let display = common::context();
    let program = common::colour_program(&display);
    let texture = common::target(&display, SIZE);
    let vb = VertexBuffer::new(&display, &corners()).unwrap();
    let (mut ib, line) = (IndexBuffer::new(&display, PrimitiveType::TrianglesList, &LOWER_LEFT).unwrap(), line!());
    ib.write(&UPPER_RIGHT);
    let message = panic_message(|| {
        let _ = texture.as_surface().draw(&vb, &ib, &program, &uniform! {}, &Default::default());
    });
    eprintln!("index buffer, writes pending: {message}");
    assert!(message.starts_with(&created_at("IndexBuffer<u16>", line)), "{message}");
    assert!(message.contains("has writes not sent: draw `ib.source()?` instead of `&ib`"), "{message}");
    assert_eq!(ib.stats().upload_calls, 1, "nothing was sent by the refused draw");

    let data = LOWER_LEFT;
    let glium_type = PrimitiveType::TrianglesList;
    let made = vec![
        (IndexBuffer::new(&display, glium_type, &data).unwrap(), line!()),
        (IndexBuffer::dynamic(&display, glium_type, &data).unwrap(), line!()),
        (IndexBuffer::persistent(&display, glium_type, &data).unwrap(), line!()),
        (IndexBuffer::immutable(&display, glium_type, &data).unwrap(), line!()),
        (IndexBuffer::empty(&display, glium_type, 3).unwrap(), line!()),
        (IndexBuffer::empty_dynamic(&display, glium_type, 3).unwrap(), line!()),
        (IndexBuffer::empty_persistent(&display, glium_type, 3).unwrap(), line!()),
        (IndexBuffer::empty_immutable(&display, glium_type, 3).unwrap(), line!()),
        (IndexBuffer::zeros(glium_type, [3]), line!()),
        (IndexBuffer::try_zeros(glium_type, [3]).unwrap(), line!()),
        (IndexBuffer::from_vec(glium_type, [3], data.to_vec()).unwrap(), line!()),
    ];
    for (mut ib, line) in made {
        ib.upload(&display).unwrap();
        *ib.at_mut([2]) = 3;
        let message = stale_index_draw(&ib);
        assert!(message.starts_with(&created_at("IndexBuffer<u16>", line)), "{message}");
    }
}

// IndexBuffer takes glium's constructors.

/// The eight constructors, by name, each making `data`'s indices (or as
/// many zeros, for the `empty` ones).
type Constructor = fn(&HeadlessContext, &[u16]) -> Result<IndexBuffer<u16>, Error>;

const TRIANGLES: PrimitiveType = PrimitiveType::TrianglesList;

fn index_constructors() -> [(&'static str, Constructor, bool); 8] {
    [
        ("new", |d, data| IndexBuffer::new(d, TRIANGLES, data), false),
        ("dynamic", |d, data| IndexBuffer::dynamic(d, TRIANGLES, data), false),
        ("persistent", |d, data| IndexBuffer::persistent(d, TRIANGLES, data), false),
        ("immutable", |d, data| IndexBuffer::immutable(d, TRIANGLES, data), false),
        ("empty", |d, data| IndexBuffer::empty(d, TRIANGLES, data.len()), true),
        ("empty_dynamic", |d, data| IndexBuffer::empty_dynamic(d, TRIANGLES, data.len()), true),
        ("empty_persistent", |d, data| IndexBuffer::empty_persistent(d, TRIANGLES, data.len()), true),
        ("empty_immutable", |d, data| IndexBuffer::empty_immutable(d, TRIANGLES, data.len()), true),
    ]
}

#[test]
fn every_index_buffer_constructor_creates_the_gl_buffer_at_once_and_draws() {
    let display = common::context();
    let vb = VertexBuffer::new(&display, &corners()).unwrap();
    for (name, make, empty) in index_constructors() {
        let mut ib = make(&display, &LOWER_LEFT).unwrap();
        assert_eq!(ib.stats().buffers_created, 1, "{name}: created at once");
        assert_eq!((ib.len(), ib.is_dirty()), (3, false), "{name}: sent whole");
        assert_eq!(ib.primitive(), gloo_runtime::PrimitiveType::TrianglesList, "{name}");
        if empty {
            assert_eq!(ib.read().unwrap(), [0; 3], "{name}: zeros");
            ib.write(&LOWER_LEFT);
            assert_eq!(draw(&display, &vb, ib.source().unwrap()), [WHITE, BLACK], "{name}: after `source()`");
        } else {
            assert_eq!(ib.read().unwrap(), LOWER_LEFT, "{name}: the data");
        }
        assert_eq!(draw(&display, &vb, &ib), [WHITE, BLACK], "{name}: `&ib` draws the lower-left half");
        // An edit: `&ib` refuses it, `ib.source()?` sends and draws it.
        ib.map()[0] = 1;
        assert!(stale_index_draw(&ib).contains("ib.source()?"), "{name}");
        assert_eq!(draw(&display, &vb, ib.source().unwrap()), [BLACK, BLACK], "{name}: [1, 1, 2] draws nothing");
        ib.write(&UPPER_RIGHT);
        assert_eq!(draw(&display, &vb, ib.source().unwrap()), [BLACK, WHITE], "{name}: the upper-right half");
        assert_eq!(ib.read().unwrap(), UPPER_RIGHT, "{name}");
        assert_eq!(ib.stats().buffers_created, 1, "{name}: the same GL buffer throughout");
    }
}

#[test]
fn an_index_buffer_takes_gloo_s_primitive_type_and_u32_indices() {
    let display = common::context();
    let vb = VertexBuffer::new(&display, &corners()).unwrap();
    let ib = IndexBuffer::new(&display, gloo_runtime::PrimitiveType::TriangleStrip, &[0u32, 1, 2, 3]).unwrap();
    assert_eq!(draw(&display, &vb, &ib), [WHITE, WHITE]);
    assert_eq!(ib.get_size(), 16);
}

#[test]
fn persistent_buffers_are_mapped_and_immutable_ones_ordinary() {
    let display = common::context();
    for (name, make, _) in index_constructors() {
        let ib = make(&display, &LOWER_LEFT).unwrap();
        let storage = ib.active_storage().unwrap();
        match name {
            "persistent" | "empty_persistent" => assert!(ib.is_mapped(), "{name}: {storage:?}"),
            "immutable" | "empty_immutable" => assert_eq!(storage, GpuStorage::Dynamic, "{name}"),
            _ => assert!(!ib.is_mapped(), "{name}: a small buffer is dynamic: {storage:?}"),
        }
    }
    let data = corners();
    let mut mapped = VertexBuffer::persistent(&display, &data).unwrap();
    assert!(mapped.is_mapped() && VertexBuffer::<Vertex>::empty_persistent(&display, 4).unwrap().is_mapped());
    let ordinary =
        [VertexBuffer::immutable(&display, &data).unwrap(), VertexBuffer::empty_immutable(&display, 4).unwrap()];
    assert!(ordinary.iter().all(|vb| vb.active_storage() == Some(GpuStorage::Dynamic)));
    // A mapped buffer is written through its mapping, and draws the write.
    let ib = IndexBuffer::new(&display, PrimitiveType::TrianglesList, &UPPER_RIGHT).unwrap();
    assert_eq!(draw(&display, &mapped, &ib), [BLACK, WHITE]);
    *mapped.position_mut(3) = [1.0, -1.0]; // the upper-right triangle folds to a line
    assert_eq!(draw(&display, mapped.source().unwrap(), &ib), [BLACK, BLACK]);
    assert_eq!(mapped.read().unwrap()[3].position, [1.0, -1.0]);
}

// VertexBuffer's slice and glium's other names.

/// Six vertices: a triangle over the left half of the target, then one
/// over the right half, each in its own colour.
fn halves() -> Vec<Vertex> {
    let corner = |x, y, color| Vertex { position: [x, y], color };
    let (red, green) = ([1.0, 0.0, 0.0], [0.0, 1.0, 0.0]);
    vec![
        corner(-1.0, -1.0, red),
        corner(0.0, -1.0, red),
        corner(-1.0, 1.0, red),
        corner(0.0, -1.0, green),
        corner(1.0, -1.0, green),
        corner(1.0, 1.0, green),
    ]
}

/// The pixels near the lower corners, left and right, of `vertices` drawn
/// as a triangle list.
fn lower_corners<'a>(
    display: &HeadlessContext,
    program: &Program,
    vertices: impl Into<VerticesSource<'a>>,
) -> [(u8, u8, u8, u8); 2] {
    let texture = common::target(display, SIZE);
    let mut surface = texture.as_surface();
    surface.clear_color(0.0, 0.0, 0.0, 1.0);
    let triangles = NoIndices(PrimitiveType::TrianglesList);
    surface.draw(vertices, triangles, program, &uniform! {}, &Default::default()).expect("draw");
    let last = SIZE as usize - 2;
    [common::pixel(&texture, 1, 1), common::pixel(&texture, last, 1)]
}

#[test]
fn a_slice_draws_only_its_records_and_is_none_past_the_end() {
    const RED: (u8, u8, u8, u8) = (255, 0, 0, 255);
    const GREEN: (u8, u8, u8, u8) = (0, 255, 0, 255);
    let display = common::context();
    let program = common::colour_program(&display);
    let (mut vb, line) = (VertexBuffer::new(&display, &halves()).unwrap(), line!());
    assert_eq!(lower_corners(&display, &program, &vb), [RED, GREEN]);
    assert_eq!(lower_corners(&display, &program, vb.slice(3..).unwrap()), [BLACK, GREEN]);
    assert_eq!(lower_corners(&display, &program, vb.slice(..3).unwrap()), [RED, BLACK]);
    assert_eq!(lower_corners(&display, &program, vb.slice(0..=2).unwrap()), [RED, BLACK]);
    assert_eq!(lower_corners(&display, &program, vb.slice(..).unwrap()), [RED, GREEN]);
    assert!(vb.slice(4..7).is_none() && vb.slice(7..).is_none() && vb.slice(..=6).is_none());
    let (start, end) = (4, 3);
    assert!(vb.slice(start..end).is_none(), "a decreasing range");
    assert!(vb.slice(6..).is_some(), "empty, at the end: as glium's");

    // With a write pending, a slice would draw stale records: it panics,
    // naming the buffer's line, and says how to send them.
    vb.records_mut(3..).iter_mut().for_each(|v| v.color = [1.0; 3]);
    let message = panic_message(|| {
        let _ = vb.slice(3..);
    });
    eprintln!("slice, writes pending: {message}");
    assert!(message.starts_with(&created_at("VertexBuffer<Vertex>", line)), "{message}");
    assert!(message.contains("send them before taking `v.slice(..)` (`v.source()?;`"), "{message}");
    assert!(vb.slice(9..).is_none(), "past the end is `None` all the same");
    vb.source().unwrap();
    assert_eq!(lower_corners(&display, &program, vb.slice(3..).unwrap()), [BLACK, WHITE]);
    // Per instance too: a slice of one record feeds every instance.
    let _: VerticesSource<'_> = vb.slice(5..).unwrap().per_instance().unwrap();
}

#[test]
fn get_size_map_write_and_invalidate_behave_as_documented() {
    let display = common::context();
    let mut vb = VertexBuffer::new(&display, &corners()).unwrap();
    assert_eq!(vb.get_size(), 4 * 20);
    let ib = IndexBuffer::new(&display, PrimitiveType::TrianglesList, &LOWER_LEFT).unwrap();
    assert_eq!(ib.get_size(), 3 * 2);

    // `map_write` is `map`: every record, all marked, sent by `source()`.
    vb.map_write()[0].position = [0.0, -1.0];
    assert_eq!(vb.dirty(), Some(0..80));
    assert_eq!(draw(&display, vb.source().unwrap(), &ib), [BLACK, BLACK], "the lower-left corner moved away");
    assert_eq!(vb.read().unwrap()[0].position, [0.0, -1.0]);
    let mut ib = ib;
    ib.map_write()[0] = 1;
    assert_eq!((ib.dirty(), ib.as_slice()), (Some(0..6), &[1, 1, 2][..]));
    ib.source().unwrap();

    // `invalidate` changes nothing: records, pending set and GPU copy stay.
    let sent = vb.stats();
    vb.invalidate();
    ib.invalidate();
    assert_eq!((vb.dirty(), vb.stats(), vb.read().unwrap()), (None, sent, vb.as_slice().to_vec()));
    let _: VerticesSource<'_> = (&vb).into(); // still clean: `&vb` draws
    assert_eq!(ib.read().unwrap(), [1, 1, 2]);
}

/// A field named `size` (a point sprite's) keeps its accessors but the
/// `get_size` twin, which is glium's `get_size()`, the buffer's bytes.
#[test]
fn a_field_named_size_leaves_get_size_to_the_buffer() {
    #[derive(Clone, Copy, gloo_runtime::Vertex)]
    #[repr(C)]
    struct Sprite {
        position: [f32; 2],
        size: f32,
    }
    let mut sprites = gloo_runtime::VertexBuffer::<Sprite>::zeros([4]);
    *sprites.size_mut(2) = 3.0;
    assert_eq!(*sprites.size(2), 3.0);
    assert_eq!(sprites.get_size_mut(3).map(|size| *size), Some(0.0));
    assert_eq!(sprites.get_size(), 4 * 12);
}

/// glium's `sprites-batching` draws `&ib.slice(..)`: the indices in the
/// range, and never stale ones.
#[test]
fn an_index_slice_draws_only_its_indices() {
    let display = common::context();
    let vb = VertexBuffer::new(&display, &corners()).expect("vertex buffer");
    let indices: Vec<u16> = LOWER_LEFT.iter().chain(&UPPER_RIGHT).copied().collect();
    let line = line!() + 1;
    let mut ib = IndexBuffer::new(&display, PrimitiveType::TrianglesList, &indices).expect("index buffer");
    let first = ib.slice(0..3).expect("inside the buffer");
    let [lower_left, upper_right] = draw(&display, &vb, &first);
    assert_ne!(lower_left, (0, 0, 0, 255), "the first triangle is drawn");
    assert_eq!(upper_right, (0, 0, 0, 255), "the second is not");
    let [lower_left, upper_right] = draw(&display, &vb, ib.slice(3..).expect("inside the buffer"));
    assert_eq!(lower_left, (0, 0, 0, 255));
    assert_ne!(upper_right, (0, 0, 0, 255));
    assert!(ib.slice(4..7).is_none());
    *ib.at_mut([0]) = 1;
    let message = panic_message(|| {
        let _ = ib.slice(0..3);
    });
    assert!(message.starts_with(&created_at("IndexBuffer<u16>", line)), "{message}");
    assert!(message.contains("`ib.slice(..)`"), "{message}");
}
