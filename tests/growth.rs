//! Beyond glumpy: index buffers, growable buffers, instancing, against a real
//! driver (Mesa through `HeadlessContext`).

use gloo_runtime::glium::index::PrimitiveType;
use gloo_runtime::glium::{self, Surface};
use gloo_runtime::headless::HeadlessContext;
use gloo_runtime::{Error, IndexBuffer, MergePolicy, Vertex, VertexBuffer};
use proptest::prelude::*;

mod common;
use common::{colour_program, context, target};

#[derive(Clone, Copy, Debug, PartialEq, Vertex)]
#[repr(C)]
struct Point {
    position: [f32; 2],
    color: [f32; 3],
}

fn point(n: usize) -> Point {
    Point { position: [n as f32, -(n as f32)], color: [0.5; 3] }
}

#[test]
fn pushing_grows_the_gl_buffer_by_doubling_and_keeps_its_content() {
    let ctx = context();
    let mut v = VertexBuffer::<Point>::zeros([0]);
    for n in 0..100 {
        v.push(point(n));
        v.bind(&ctx).unwrap();
        assert_eq!(v.read_gpu(&ctx).unwrap(), v.as_slice(), "after push {n}");
    }
    let stats = v.stats();
    assert_eq!(stats.bytes_uploaded, 100 * 20, "each record sent once: growth copies on the GPU");
    assert!(stats.reallocations <= 8, "doubling: {} reallocations for 100 pushes", stats.reallocations);
    assert_eq!(stats.buffers_created, stats.reallocations + 1);
}

#[test]
fn truncate_then_grow_draws_the_current_length() {
    let ctx = context();
    let mut v = VertexBuffer::<Point>::from_fn([10], |[i]| point(i));
    v.bind(&ctx).unwrap();
    v.truncate(4);
    assert!(v.bind(&ctx).unwrap().per_instance().is_ok());
    assert_eq!(v.read_gpu(&ctx).unwrap(), v.as_slice());
    v.resize(6, point(99));
    assert_eq!(v.dirty(), Some(80..120), "only the new records are dirty");
    v.bind(&ctx).unwrap();
    assert_eq!(v.read_gpu(&ctx).unwrap(), v.as_slice());
    assert_eq!(v.stats().reallocations, 0, "shrinking and regrowing within capacity reuses the buffer");
}

#[test]
fn push_row_checks_the_row_length() {
    let mut grid = VertexBuffer::<Point, 2>::zeros([1, 3]);
    assert!(matches!(grid.push_row(&[point(0); 2]), Err(Error::RowLength { expected: 3, actual: 2 })));
    assert_eq!(grid.shape(), [1, 3], "a refused row leaves the shape alone");
    grid.take_dirty();
    grid.push_row(&[point(1); 3]).unwrap();
    assert_eq!(grid.shape(), [2, 3]);
    assert_eq!(grid.dirty(), Some(60..120));
    assert_eq!(grid.at([1, 2]), &point(1));
}

#[test]
fn index_buffer_tracks_like_a_vertex_buffer() {
    let ctx = context();
    let mut ib = IndexBuffer::<u32>::from_vec(PrimitiveType::TrianglesList, [6], vec![0, 1, 2, 2, 1, 3]).unwrap();
    assert_eq!(ib.dirty(), Some(0..24));
    ib.bind(&ctx).unwrap();
    assert_eq!(ib.stats().bytes_uploaded, 24);
    *ib.at_mut([4]) = 7;
    ib.records_mut(0..1)[0] = 9;
    assert_eq!(ib.dirty(), Some(0..20));
    ib.set_policy(MergePolicy::Coalesce { max_gap: 0 });
    assert_eq!(ib.upload_plan(), vec![0..4, 16..20]);
    ib.bind(&ctx).unwrap();
    assert_eq!(ib.read_gpu(&ctx).unwrap(), vec![9, 1, 2, 2, 7, 3]);
    assert_eq!(ib.stats().upload_calls, 3);
    ib.push(5);
    ib.bind(&ctx).unwrap();
    assert_eq!(ib.read_gpu(&ctx).unwrap(), ib.as_slice());
    assert_eq!(ib.stats().reallocations, 1);
}

#[test]
fn draws_with_an_index_buffer_edited_between_frames() {
    let ctx = context();
    let program = colour_program(&ctx);
    let texture = target(&ctx, 16);
    // Left half red, right half green: two quads of four corners.
    let (red, green) = ([1.0, 0.0, 0.0], [0.0, 1.0, 0.0]);
    let corners = [
        ([-1.0, -1.0], red),
        ([0.0, -1.0], red),
        ([-1.0, 1.0], red),
        ([0.0, 1.0], red),
        ([0.0, -1.0], green),
        ([1.0, -1.0], green),
        ([0.0, 1.0], green),
        ([1.0, 1.0], green),
    ];
    let mut vertices = VertexBuffer::<Point>::from_fn([8], |[i]| Point { position: corners[i].0, color: corners[i].1 });
    // Row 0 draws the left quad; row 1 starts out degenerate.
    let mut indices =
        IndexBuffer::<u16, 2>::from_vec(PrimitiveType::TrianglesList, [2, 6], vec![0, 1, 2, 2, 1, 3, 0, 0, 0, 0, 0, 0])
            .unwrap();
    let frame = |vertices: &mut VertexBuffer<Point>, indices: &mut IndexBuffer<u16, 2>| {
        let mut surface = texture.as_surface();
        surface.clear_color(0.0, 0.0, 0.0, 1.0);
        let (v, i) = (vertices.bind(&ctx).unwrap(), indices.bind(&ctx).unwrap());
        surface.draw(v, i, &program, &glium::uniform! {}, &Default::default()).unwrap();
        let pixels: Vec<Vec<(u8, u8, u8, u8)>> = texture.read();
        (pixels[8][3], pixels[8][12])
    };
    assert_eq!(frame(&mut vertices, &mut indices), ((255, 0, 0, 255), (0, 0, 0, 255)));

    // Swap the rows' roles through tracked index writes.
    for (k, index) in [4, 5, 6, 6, 5, 7].into_iter().enumerate() {
        *indices.at_mut([1, k]) = index;
    }
    indices.records_mut(0..6).fill(0);
    let before = indices.stats().bytes_uploaded;
    assert_eq!(frame(&mut vertices, &mut indices), ((0, 0, 0, 255), (0, 255, 0, 255)));
    assert_eq!(indices.stats().bytes_uploaded - before, 24);
}

#[test]
fn indices_past_a_truncated_vertex_buffer_are_refused_by_the_checked_bind() {
    let ctx = context();
    let program = colour_program(&ctx);
    let texture = target(&ctx, 16);
    let (red, green) = ([1.0, 0.0, 0.0], [0.0, 1.0, 0.0]);
    let quad = |x0: f32, color| [[x0, -1.0], [x0 + 1.0, -1.0], [x0, 1.0], [x0 + 1.0, 1.0]].map(|p| (p, color));
    let corners: Vec<([f32; 2], [f32; 3])> = [quad(-1.0, red), quad(0.0, green)].concat();
    let mut vertices = VertexBuffer::<Point>::from_fn([8], |[i]| Point { position: corners[i].0, color: corners[i].1 });
    let mut indices = IndexBuffer::<u16>::from_vec(PrimitiveType::TrianglesList, [6], vec![4, 5, 6, 6, 5, 7]).unwrap();
    let frame = |vertices: &mut VertexBuffer<Point>, indices: &mut IndexBuffer<u16>| -> Result<_, Error> {
        let mut surface = texture.as_surface();
        surface.clear_color(0.0, 0.0, 0.0, 1.0);
        let count = vertices.len();
        let (v, i) = (vertices.bind(&ctx)?, indices.bind_checked(&ctx, count)?);
        surface.draw(v, i, &program, &glium::uniform! {}, &Default::default()).unwrap();
        let pixels: Vec<Vec<(u8, u8, u8, u8)>> = texture.read();
        Ok((pixels[8][3], pixels[8][12]))
    };
    assert_eq!(frame(&mut vertices, &mut indices).unwrap(), ((0, 0, 0, 255), (0, 255, 0, 255)));

    // The GL buffer keeps the green quad past `len()`; unchecked, GL would draw it.
    vertices.truncate(4);
    let before = indices.stats();
    let refused = frame(&mut vertices, &mut indices).unwrap_err();
    assert!(matches!(refused, Error::IndexOutOfRange { position: 0, index: 4, vertex_count: 4 }), "{refused:?}");

    indices.records_mut(0..6).copy_from_slice(&[0, 1, 2, 2, 1, 3]);
    *indices.at_mut([4]) = u16::MAX;
    let refused = frame(&mut vertices, &mut indices).unwrap_err();
    assert!(matches!(refused, Error::IndexOutOfRange { position: 4, index: 65535, .. }), "{refused:?}");
    assert_eq!(indices.stats(), before, "a refused bind sends nothing");

    *indices.at_mut([4]) = 1;
    assert_eq!(frame(&mut vertices, &mut indices).unwrap(), ((255, 0, 0, 255), (0, 0, 0, 255)));
}

#[test]
fn push_row_past_the_largest_shape_is_an_error() {
    // The most rows of no record that a view can still take: ndarray's
    // rule counts the non-zero axes, in bytes, against `isize::MAX`.
    let rows = isize::MAX as usize / size_of::<Point>();
    let mut grid = VertexBuffer::<Point, 2>::zeros([rows, 0]);
    assert_eq!(grid.view().shape(), [rows, 0]);
    assert!(matches!(grid.push_row(&[]), Err(Error::ShapeOverflow { .. })));
    assert_eq!(grid.shape(), [rows, 0]);
}

#[test]
fn allocations_that_cannot_be_had_are_errors() {
    let huge = isize::MAX as usize / 20;
    assert!(matches!(VertexBuffer::<Point>::try_zeros([huge]), Err(Error::OutOfMemory { .. })));
    assert!(matches!(
        IndexBuffer::<u32>::try_zeros(PrimitiveType::Points, [isize::MAX as usize / 4]),
        Err(Error::OutOfMemory { .. })
    ));
    let mut v = VertexBuffer::<Point>::from_fn([3], |[i]| point(i));
    v.take_dirty();
    assert!(matches!(v.try_reserve(huge), Err(Error::OutOfMemory { .. })));
    assert!(matches!(v.try_resize(huge, point(0)), Err(Error::OutOfMemory { .. })));
    assert_eq!((v.len(), v.dirty()), (3, None), "a failed growth changes nothing");
    v.try_push(point(3)).unwrap();
    v.try_extend_from_slice(&[point(4)]).unwrap();
    assert_eq!((v.len(), v.dirty()), (5, Some(60..100)));
}

#[test]
fn million_pushes_reallocate_logarithmically() {
    #[derive(Clone, Copy, Vertex)]
    #[repr(C)]
    struct Particle {
        position: [f32; 2],
    }
    let ctx = context();
    let mut v = VertexBuffer::<Particle>::zeros([0]);
    let total = 1_000_000;
    for n in 0..total {
        v.push(Particle { position: [n as f32, 0.0] });
        // A bind per push while small, then one per 1024 pushes (a frame
        // that adds many particles): every bind may have to grow.
        if n < 1024 || n % 1024 == 0 {
            v.bind(&ctx).unwrap();
        }
    }
    v.bind(&ctx).unwrap();
    let stats = v.stats();
    eprintln!(
        "1M pushes: {} reallocations, {} buffers created, {} bytes uploaded in {} calls",
        stats.reallocations, stats.buffers_created, stats.bytes_uploaded, stats.upload_calls
    );
    assert!(stats.reallocations <= 21, "O(log n): {} reallocations", stats.reallocations);
    assert_eq!(stats.bytes_uploaded, total as u64 * 8, "every record sent exactly once");
    let gpu = v.read_gpu(&ctx).unwrap();
    assert_eq!(gpu.len(), total);
    assert!(gpu.iter().enumerate().all(|(n, p)| p.position[0] == n as f32));
}

#[derive(Clone, Debug)]
enum Op {
    Write(usize, u8),
    Push(u8),
    Extend(usize),
    Truncate(usize),
    Resize(usize),
    Bind,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => (0..200usize, any::<u8>()).prop_map(|(i, x)| Op::Write(i, x)),
        3 => any::<u8>().prop_map(Op::Push),
        1 => (0..40usize).prop_map(Op::Extend),
        1 => (0..60usize).prop_map(Op::Truncate),
        1 => (0..120usize).prop_map(Op::Resize),
        3 => Just(Op::Bind),
    ]
}

thread_local! {
    static CONTEXT: HeadlessContext = context();
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn gpu_mirrors_growing_vertex_and_index_buffers(
        start in 0..20usize,
        policy in prop_oneof![Just(MergePolicy::Extent), Just(MergePolicy::Coalesce { max_gap: 0 }), Just(MergePolicy::Auto)],
        ops in prop::collection::vec(op(), 1..60),
    ) {
        CONTEXT.with(|ctx| {
            let mut v = VertexBuffer::<Point>::from_fn([start], |[i]| point(i));
            let mut ib = IndexBuffer::<u16>::try_zeros(PrimitiveType::Points, [start]).unwrap();
            v.set_policy(policy);
            ib.set_policy(policy);
            for op in &ops {
                match *op {
                    Op::Write(i, x) if !v.is_empty() => {
                        let n = v.len();
                        v.color_mut(i % n)[1] = f32::from(x);
                        *ib.at_mut([i % n]) = u16::from(x);
                    }
                    Op::Write(..) => {}
                    Op::Push(x) => {
                        v.push(point(usize::from(x)));
                        ib.push(u16::from(x));
                    }
                    Op::Extend(n) => {
                        v.extend_from_slice(&vec![point(n); n]);
                        ib.extend_from_slice(&vec![n as u16; n]);
                    }
                    Op::Truncate(n) => {
                        v.truncate(n);
                        ib.truncate(n);
                    }
                    Op::Resize(n) => {
                        v.resize(n, point(7));
                        ib.resize(n, 7);
                    }
                    Op::Bind => {
                        v.bind(ctx).unwrap();
                        ib.bind(ctx).unwrap();
                        prop_assert_eq!(v.read_gpu(ctx).unwrap(), v.as_slice());
                        prop_assert_eq!(ib.read_gpu(ctx).unwrap(), ib.as_slice());
                        prop_assert_eq!((v.dirty(), ib.dirty()), (None, None));
                    }
                }
                prop_assert_eq!(v.shape(), [v.len()]);
            }
            v.bind(ctx).unwrap();
            ib.bind(ctx).unwrap();
            prop_assert_eq!(v.read_gpu(ctx).unwrap(), v.as_slice());
            prop_assert_eq!(ib.read_gpu(ctx).unwrap(), ib.as_slice());
            Ok(())
        })?;
    }
}
