//! The GL half, against a real driver (Mesa through `HeadlessContext`): lazy
//! creation, minimal uploads, the GPU copy mirroring the CPU one, drawing.

use gloo_runtime::glium::{self, index, Surface};
use gloo_runtime::headless::HeadlessContext;
use gloo_runtime::{Error, GpuStorage, IndexBuffer, MergePolicy, UploadCosts, UploadStats, Vertex, VertexBuffer};
use proptest::prelude::*;

mod common;
use common::trace::{capture, take_lines};
use common::{colour_program, context, pixel, target};

#[derive(Clone, Copy, Debug, PartialEq, Vertex)]
#[repr(C)]
struct Point {
    position: [f32; 2],
    color: [f32; 3],
}

#[test]
fn seed_sequence_uploads_100_bytes_in_one_call() {
    let ctx = context();
    let mut v = VertexBuffer::<Point, 2>::zeros([3, 3]);
    assert_eq!(v.stats(), UploadStats::default(), "never bound: nothing created, nothing sent");
    assert!(matches!(v.read_gpu(&ctx), Err(Error::NotUploaded)));

    v.bind(&ctx).unwrap();
    let first =
        UploadStats { buffers_created: 1, upload_calls: 1, bytes_uploaded: 180, bytes_written: 180, reallocations: 0 };
    assert_eq!(v.stats(), first);
    assert_eq!(v.read_gpu(&ctx).unwrap(), v.as_slice());

    *v.position_mut(0, 0) = [0.25, 0.5];
    *v.position_mut(1, 1) = [0.75, 1.0];
    assert_eq!(v.dirty(), Some(0..88));
    assert_ne!(v.read_gpu(&ctx).unwrap(), v.as_slice(), "read_gpu does not upload pending writes");

    v.bind(&ctx).unwrap();
    let second = UploadStats { upload_calls: 2, bytes_uploaded: 280, bytes_written: 196, ..first };
    assert_eq!(v.stats(), second, "records 0 to 4: 100 bytes, one call, 16 written");
    assert_eq!(v.dirty(), None);
    assert_eq!(v.read_gpu(&ctx).unwrap(), v.as_slice());

    v.bind(&ctx).unwrap();
    assert_eq!(v.stats(), second, "a clean bind uploads nothing");
}

#[test]
fn whole_buffer_plans_use_one_full_write() {
    let ctx = context();
    let mut v = VertexBuffer::<Point>::zeros([64]);
    v.bind(&ctx).unwrap();
    v.fill(Point { position: [1.0; 2], color: [0.5; 3] });
    assert_eq!(v.upload_plan(), vec![0..v.nbytes()]);
    v.bind(&ctx).unwrap();
    assert_eq!((v.stats().upload_calls, v.stats().bytes_uploaded), (2, 2 * 64 * 20));
    assert_eq!(v.read_gpu(&ctx).unwrap(), v.as_slice());
}

#[test]
fn second_context_is_refused() {
    let (a, b) = (context(), context());
    let mut v = VertexBuffer::<Point>::zeros([4]);
    v.bind(&a).unwrap();
    *v.color_mut(1) = [1.0; 3];
    assert!(matches!(v.bind(&b), Err(Error::ContextMismatch)));
    assert!(matches!(v.upload(&b), Err(Error::ContextMismatch)));
    assert!(matches!(v.read_gpu(&b), Err(Error::ContextMismatch)));
    assert_eq!(v.dirty(), Some(28..40), "a refused bind keeps the pending writes");
    v.bind(&a).unwrap();
    assert_eq!(v.read_gpu(&a).unwrap(), v.as_slice());
}

#[test]
fn drawable_refuses_stale_data() {
    let ctx = context();
    let mut v = VertexBuffer::<Point>::zeros([4]);
    assert!(matches!(v.drawable(&ctx), Err(Error::NotUploaded)));
    v.upload(&ctx).unwrap();
    assert!(v.drawable(&ctx).is_ok());
    *v.position_mut(0) = [1.0, 1.0];
    assert!(matches!(v.drawable(&ctx), Err(Error::PendingWrites)));
    v.upload(&ctx).unwrap();
    assert!(v.drawable(&ctx).is_ok());
}

#[test]
fn drawable_refuses_a_draw_in_another_context() {
    let (a, b) = (context(), context());
    let mut v = VertexBuffer::<Point>::zeros([4]);
    let mut ib = IndexBuffer::<u16>::from_vec(index::PrimitiveType::TrianglesList, [3], vec![0, 1, 2]).unwrap();
    v.upload(&a).unwrap();
    ib.upload(&a).unwrap();
    // GL would draw nothing (GL_INVALID_OPERATION) and glium would return Ok.
    assert!(matches!(v.drawable(&b), Err(Error::ContextMismatch)));
    assert!(matches!(ib.drawable(&b), Err(Error::ContextMismatch)));
    assert!(v.drawable(&a).is_ok() && ib.drawable(&a).is_ok());
}

/// Binds `v` and checks that exactly its `upload_plan()` of a moment before
/// went out: as many calls as ranges, as many bytes as they hold.
fn assert_bind_sends_the_plan<const N: usize>(ctx: &HeadlessContext, v: &mut VertexBuffer<Point, N>, what: &str) {
    let (plan, before) = (v.upload_plan(), v.stats());
    v.bind(ctx).unwrap();
    let after = v.stats();
    let bytes: usize = plan.iter().map(|range| range.len()).sum();
    assert_eq!(after.upload_calls - before.upload_calls, plan.len() as u64, "{what}: calls of {plan:?}");
    assert_eq!(after.bytes_uploaded - before.bytes_uploaded, bytes as u64, "{what}: bytes of {plan:?}");
    assert_eq!(v.read_gpu(ctx).unwrap(), v.as_slice(), "{what}: the GPU copy");
    assert_eq!(v.upload_plan(), vec![], "{what}: nothing left to send");
}

#[test]
fn upload_plan_is_what_the_next_bind_sends_in_every_state() {
    let ctx = context();
    let mut v = VertexBuffer::<Point, 2>::zeros([3, 3]);
    v.take_dirty();
    *v.position_mut(1, 0) = [0.5, 0.5];
    assert_eq!(v.dirty(), Some(60..68), "dirty() speaks of the writes");
    assert_eq!(v.upload_plan(), vec![0..180], "no GPU copy yet: the first bind sends everything");
    assert_bind_sends_the_plan(&ctx, &mut v, "first bind");

    *v.color_mut(2, 2) = [1.0; 3];
    assert_eq!(v.upload_plan(), vec![160..180]);
    assert_bind_sends_the_plan(&ctx, &mut v, "an edit");

    // Growth past the GL buffer's capacity: the old content is copied on
    // the GPU, then the plan of the pending writes is sent.
    let mut g = VertexBuffer::<Point>::zeros([4]);
    assert_bind_sends_the_plan(&ctx, &mut g, "creation");
    g.extend_from_slice(&[Point { position: [1.0; 2], color: [0.25; 3] }; 3]);
    *g.position_mut(0) = [2.0, 2.0];
    g.set_policy(MergePolicy::Coalesce { max_gap: 0 });
    assert_eq!(g.upload_plan(), vec![0..20, 80..140]);
    assert_bind_sends_the_plan(&ctx, &mut g, "reallocation");
    assert_eq!(g.stats().reallocations, 1);

    let mut empty = VertexBuffer::<Point>::zeros([0]);
    assert_eq!(empty.upload_plan(), vec![], "nothing to send for no records");
    assert_bind_sends_the_plan(&ctx, &mut empty, "an empty buffer");
}

#[test]
fn index_upload_plan_is_the_whole_buffer_before_the_first_bind() {
    let ctx = context();
    let mut ib =
        IndexBuffer::<u32>::from_vec(index::PrimitiveType::TrianglesList, [6], vec![0, 1, 2, 2, 1, 3]).unwrap();
    ib.take_dirty();
    *ib.at_mut([5]) = 0;
    assert_eq!(ib.dirty(), Some(20..24));
    assert_eq!(ib.upload_plan(), vec![0..24]);
    ib.bind(&ctx).unwrap();
    assert_eq!((ib.stats().upload_calls, ib.stats().bytes_uploaded), (1, 24));
    assert_eq!(ib.read_gpu(&ctx).unwrap(), vec![0, 1, 2, 2, 1, 0]);
}

#[test]
fn empty_buffer_binds() {
    let ctx = context();
    let mut v = VertexBuffer::<Point>::zeros([0]);
    v.bind(&ctx).unwrap();
    assert_eq!(v.read_gpu(&ctx).unwrap(), vec![]);
}

#[test]
fn contexts_on_parallel_threads() {
    let threads: Vec<_> = (0..4)
        .map(|t| {
            std::thread::spawn(move || {
                let ctx = context();
                let mut v = VertexBuffer::<Point, 2>::from_fn([8, 8], |[i, j]| Point {
                    position: [i as f32, j as f32],
                    color: [t as f32; 3],
                });
                for round in 0..20 {
                    *v.color_mut(round % 8, (round * 3) % 8) = [round as f32; 3];
                    v.bind(&ctx).unwrap();
                    assert_eq!(v.read_gpu(&ctx).unwrap(), v.as_slice());
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().expect("thread with its own context");
    }
}

#[test]
fn mapped_buffers_send_their_plan_grow_and_draw_what_was_written() {
    let ctx = context();
    let mut v = VertexBuffer::<Point, 2>::zeros([3, 3]);
    v.set_gpu_storage(GpuStorage::Mapped);
    assert!(!v.is_mapped(), "no GPU copy yet");
    assert_bind_sends_the_plan(&ctx, &mut v, "mapped creation");
    assert!(v.is_mapped(), "Mesa maps buffers persistently (GL 4.5)");
    assert_eq!(v.upload_costs(), UploadCosts::MAPPED, "a mapped copy plans with its own costs");
    v.set_policy(MergePolicy::Coalesce { max_gap: 0 });
    *v.position_mut(0, 1) = [0.25, 0.5];
    *v.color_mut(2, 2) = [1.0; 3];
    assert_eq!(v.upload_plan(), vec![20..40, 160..180]);
    assert_bind_sends_the_plan(&ctx, &mut v, "two ranges through the mapping");

    // Growth: a new mapped buffer, the old records copied on the GPU.
    let mut g = VertexBuffer::<Point>::zeros([2]);
    g.set_gpu_storage(GpuStorage::Mapped);
    assert_bind_sends_the_plan(&ctx, &mut g, "mapped creation");
    g.extend_from_slice(&[Point { position: [3.0; 2], color: [0.5; 3] }; 5]);
    assert_bind_sends_the_plan(&ctx, &mut g, "mapped reallocation");
    assert!(g.is_mapped() && g.stats().reallocations == 1, "{:?}", g.stats());

    let mut indices = IndexBuffer::<u32>::from_vec(index::PrimitiveType::Points, [4], vec![0, 1, 2, 3]).unwrap();
    indices.set_gpu_storage(GpuStorage::Mapped);
    indices.upload(&ctx).unwrap();
    *indices.at_mut([2]) = 7;
    indices.upload(&ctx).unwrap();
    assert!(indices.is_mapped());
    assert_eq!(indices.read_gpu(&ctx).unwrap(), vec![0, 1, 7, 3]);

    // A draw between two uploads: the second waits for the draw, then the
    // next draw shows what it wrote.
    let program = colour_program(&ctx);
    let texture = target(&ctx, 16);
    let corners = [[-0.5, -0.5], [0.5, -0.5], [-0.5, 0.5], [0.5, 0.5]];
    let mut quad = VertexBuffer::<Point>::from_fn([4], |[i]| Point { position: corners[i], color: [1.0, 0.0, 0.0] });
    quad.set_gpu_storage(GpuStorage::Mapped);
    let strip = index::NoIndices(index::PrimitiveType::TriangleStrip);
    for (frame, colour) in [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]].into_iter().enumerate() {
        for i in 0..4 {
            *quad.color_mut(i) = colour;
        }
        let mut surface = texture.as_surface();
        surface.clear_color(0.0, 0.0, 0.0, 1.0);
        surface.draw(quad.bind(&ctx).unwrap(), strip, &program, &glium::uniform! {}, &Default::default()).unwrap();
        let expected = colour.map(|c| (c * 255.0) as u8);
        assert_eq!(pixel(&texture, 8, 8), (expected[0], expected[1], expected[2], 255), "frame {frame}");
    }
    assert!(quad.is_mapped());
}

/// The scatter dispatches this thread's trace shows since the last call.
fn scatters() -> Vec<String> {
    take_lines().into_iter().filter(|line| line.starts_with("GPU: Scattering")).collect()
}

#[test]
fn scattered_buffers_send_many_ranges_in_one_dispatch_grow_and_draw() {
    let ctx = context();
    capture();
    // 100 scattered records of 20 bytes: one scatter of 100 runs (a
    // scatter takes 64 runs or more).
    let mut v = VertexBuffer::<Point>::from_fn([1000], |[i]| Point { position: [i as f32, 0.0], color: [0.0; 3] });
    v.set_gpu_storage(GpuStorage::Scatter);
    v.set_policy(MergePolicy::Coalesce { max_gap: 0 });
    v.upload(&ctx).unwrap();
    assert_eq!(v.active_storage(), Some(GpuStorage::Scatter), "Mesa has compute shaders (GL 4.5)");
    assert!(!v.is_mapped(), "the drawn buffer is not mapped; only its staging is");
    assert_eq!(v.upload_costs(), UploadCosts::SCATTER);
    for i in (0..1000).step_by(10) {
        *v.color_mut(i) = [i as f32, 1.0, 2.0];
    }
    *v.position_mut(999) = [-1.0, -2.0];
    assert_eq!(v.upload_plan().len(), 101);
    take_lines();
    assert_bind_sends_the_plan(&ctx, &mut v, "101 ranges scattered");
    assert_eq!(scatters(), ["GPU: Scattering 101 records in 101 ranges (2424 bytes staged)"]);
    // Again, fewer: the staging buffer is reused, and what the first
    // scatter wrote stays.
    for i in (3..1000).step_by(12) {
        *v.position_mut(i) = [0.5, i as f32];
    }
    assert_bind_sends_the_plan(&ctx, &mut v, "84 ranges scattered");
    assert_eq!(scatters().len(), 1);
    // A few ranges go as plain writes; the result is the same.
    *v.color_mut(500) = [9.0; 3];
    *v.color_mut(900) = [8.0; 3];
    assert_bind_sends_the_plan(&ctx, &mut v, "two ranges written");
    assert_eq!(scatters(), Vec::<String>::new(), "two ranges: two plain writes");

    // Growth keeps the storage; the next scatter reaches the new records.
    v.extend_from_slice(&[Point { position: [7.0; 2], color: [0.25; 3] }; 1000]);
    assert_bind_sends_the_plan(&ctx, &mut v, "scattered reallocation");
    assert_eq!(v.active_storage(), Some(GpuStorage::Scatter));
    for i in (1..2000).step_by(23) {
        *v.color_mut(i) = [0.0, 0.0, i as f32];
    }
    assert_bind_sends_the_plan(&ctx, &mut v, "scatter past the old capacity");
    assert_eq!(scatters().len(), 1);

    // Index buffers of 4-byte indices scatter; 2-byte ones fall back to
    // one call per range.
    let mut wide = IndexBuffer::<u32>::from_vec(index::PrimitiveType::Points, [256], (0..256).collect()).unwrap();
    let mut narrow = IndexBuffer::<u16>::from_vec(index::PrimitiveType::Points, [256], (0..256).collect()).unwrap();
    wide.set_gpu_storage(GpuStorage::Scatter);
    narrow.set_gpu_storage(GpuStorage::Scatter);
    wide.set_policy(MergePolicy::Coalesce { max_gap: 0 });
    narrow.set_policy(MergePolicy::Coalesce { max_gap: 0 });
    wide.upload(&ctx).unwrap();
    narrow.upload(&ctx).unwrap();
    assert_eq!(wide.active_storage(), Some(GpuStorage::Scatter));
    assert_eq!(narrow.active_storage(), Some(GpuStorage::Dynamic), "2-byte records are not whole words");
    for i in (0..256).step_by(2) {
        *wide.at_mut([i]) = 255 - i as u32;
        *narrow.at_mut([i]) = 255 - i as u16;
    }
    take_lines();
    wide.upload(&ctx).unwrap();
    narrow.upload(&ctx).unwrap();
    assert_eq!(scatters().len(), 1, "the 4-byte indices' 128 ranges");
    assert_eq!(wide.read_gpu(&ctx).unwrap(), wide.as_slice());
    assert_eq!(narrow.read_gpu(&ctx).unwrap(), narrow.as_slice());

    // A draw after a scatter shows what it wrote: every other point of a
    // 16x16 grid changes colour, frame after frame.
    let program = colour_program(&ctx);
    let texture = target(&ctx, 16);
    let mut points = VertexBuffer::<Point>::from_fn([256], |[i]| Point {
        position: [((i % 16) as f32 + 0.5) / 8.0 - 1.0, ((i / 16) as f32 + 0.5) / 8.0 - 1.0],
        color: [1.0, 0.0, 0.0],
    });
    points.set_gpu_storage(GpuStorage::Scatter);
    points.set_policy(MergePolicy::Coalesce { max_gap: 0 });
    let dots = index::NoIndices(index::PrimitiveType::Points);
    for (frame, colour) in [[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]].into_iter().enumerate() {
        for i in (0..256).step_by(2) {
            *points.color_mut(i) = colour;
        }
        let mut surface = texture.as_surface();
        surface.clear_color(0.0, 0.0, 0.0, 1.0);
        surface.draw(points.bind(&ctx).unwrap(), dots, &program, &glium::uniform! {}, &Default::default()).unwrap();
        let expected = colour.map(|c| (c * 255.0) as u8);
        assert_eq!(pixel(&texture, 0, 0), (expected[0], expected[1], expected[2], 255), "frame {frame}: point 0");
        assert_eq!(pixel(&texture, 1, 0), (255, 0, 0, 255), "frame {frame}: point 1 kept its colour");
        assert_eq!(pixel(&texture, 4, 9), (expected[0], expected[1], expected[2], 255), "frame {frame}: point 148");
    }
    assert_eq!(scatters().len(), 1, "the first frame creates the buffer; the second scatters");
}

#[test]
fn auto_storage_maps_only_buffers_of_a_mebibyte_or_more() {
    let ctx = context();
    let mut small = VertexBuffer::<Point>::zeros([100]);
    small.upload(&ctx).unwrap();
    assert_eq!(small.gpu_storage(), GpuStorage::Auto);
    assert!(!small.is_mapped(), "2 KB: a dynamic buffer");
    assert_eq!(small.upload_costs(), UploadCosts::default());

    let records = GpuStorage::MAPPED_MIN_BYTES.div_ceil(20);
    let mut large = VertexBuffer::<Point>::zeros([records]);
    large.upload(&ctx).unwrap();
    assert!(large.is_mapped(), "1 MiB: mapped, where the context can");
    *large.position_mut(10) = [1.0; 2];
    *large.position_mut(records - 1) = [2.0; 2];
    large.set_policy(MergePolicy::Auto);
    let last = (records - 1) * 20;
    assert_eq!(large.upload_plan(), vec![200..220, last..last + 20], "two copies beat a megabyte");
    large.upload(&ctx).unwrap();
    assert_eq!(large.read_gpu(&ctx).unwrap()[records - 1].position, [2.0; 2]);

    let mut dynamic = VertexBuffer::<Point>::zeros([records]);
    dynamic.set_gpu_storage(GpuStorage::Dynamic);
    dynamic.upload(&ctx).unwrap();
    assert!(!dynamic.is_mapped());
}

#[test]
fn draws_from_bind_and_redraws_after_an_accessor_write() {
    let ctx = context();
    let program = colour_program(&ctx);
    let texture = target(&ctx, 16);
    let corners = [[-0.5, -0.5], [0.5, -0.5], [-0.5, 0.5], [0.5, 0.5]];
    let mut quad = VertexBuffer::<Point>::from_fn([4], |[i]| Point { position: corners[i], color: [1.0, 1.0, 0.0] });
    let strip = index::NoIndices(index::PrimitiveType::TriangleStrip);

    let frame = |quad: &mut VertexBuffer<Point>| {
        let mut surface = texture.as_surface();
        surface.clear_color(0.0, 0.0, 0.0, 1.0);
        let source = quad.bind(&ctx).unwrap();
        surface.draw(source, strip, &program, &glium::uniform! {}, &Default::default()).unwrap();
    };
    frame(&mut quad);
    assert_eq!(pixel(&texture, 8, 8), (255, 255, 0, 255), "yellow quad in the centre");
    assert_eq!(pixel(&texture, 0, 0), (0, 0, 0, 255), "black corner");

    for i in 0..4 {
        *quad.color_mut(i) = [0.0, 0.0, 1.0];
    }
    let before = quad.stats().bytes_uploaded;
    frame(&mut quad);
    assert_eq!(pixel(&texture, 8, 8), (0, 0, 255, 255), "the next frame shows the new colour");
    assert_eq!(quad.stats().bytes_uploaded - before, 80);
}

#[test]
fn draws_two_buffers_as_one_and_per_instance() {
    #[derive(Clone, Copy, Vertex)]
    #[repr(C)]
    struct Corner {
        position: [f32; 2],
    }
    #[derive(Clone, Copy, Vertex)]
    #[repr(C)]
    struct Instance {
        color: [f32; 3],
    }
    let ctx = context();
    let program = colour_program(&ctx);
    let texture = target(&ctx, 8);
    let corners = [[-1.0, -1.0], [1.0, -1.0], [-1.0, 1.0], [1.0, 1.0]];
    let mut positions = VertexBuffer::<Corner>::from_fn([4], |[i]| Corner { position: corners[i] });
    let mut colors = VertexBuffer::<Instance>::from_vec([1], vec![Instance { color: [0.0, 1.0, 0.0] }]).unwrap();
    let strip = index::NoIndices(index::PrimitiveType::TriangleStrip);

    let mut surface = texture.as_surface();
    let sources = (positions.bind(&ctx).unwrap(), colors.bind(&ctx).unwrap().per_instance().unwrap());
    surface.draw(sources, strip, &program, &glium::uniform! {}, &Default::default()).unwrap();
    assert_eq!(pixel(&texture, 4, 4), (0, 255, 0, 255));

    // The shared-borrow path: upload, then draw while still holding `colors`.
    *colors.color_mut(0) = [1.0, 0.0, 0.0];
    colors.upload(&ctx).unwrap();
    let sources = (positions.drawable(&ctx).unwrap(), colors.drawable(&ctx).unwrap().per_instance().unwrap());
    surface.draw(sources, strip, &program, &glium::uniform! {}, &Default::default()).unwrap();
    assert_eq!(pixel(&texture, 4, 4), (255, 0, 0, 255));
    assert_eq!(colors.as_slice()[0].color, [1.0, 0.0, 0.0]);
}

#[derive(Clone, Copy, Debug, PartialEq, Vertex)]
#[repr(C)]
struct Mixed {
    a: [f32; 3],
    b: [u8; 4],
    c: [u16; 2],
}

#[derive(Clone, Debug)]
enum Op {
    Field(usize, u8, u16),
    Record(usize, u8),
    Records(usize, usize, u8),
    Fill(u8),
    Bind,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        8 => (0..64usize, 0..3u8, any::<u16>()).prop_map(|(r, f, x)| Op::Field(r, f, x)),
        2 => (0..64usize, any::<u8>()).prop_map(|(r, x)| Op::Record(r, x)),
        1 => (0..64usize, 0..64usize, any::<u8>()).prop_map(|(a, b, x)| Op::Records(a.min(b), a.max(b), x)),
        1 => any::<u8>().prop_map(Op::Fill),
        3 => Just(Op::Bind),
    ]
}

fn policy() -> impl Strategy<Value = MergePolicy> {
    prop_oneof![
        Just(MergePolicy::Extent),
        (0..256usize).prop_map(|max_gap| MergePolicy::Coalesce { max_gap }),
        Just(MergePolicy::Auto),
    ]
}

thread_local! {
    static CONTEXT: HeadlessContext = context();
}

proptest! {
    // 96 cases of up to 60 operations: thousands of writes and binds, checked
    // against the GPU after every bind, in about a second.
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn gpu_copy_mirrors_the_cpu_copy(
        rows in 1..9usize,
        cols in 1..9usize,
        policy in policy(),
        storage in prop_oneof![Just(GpuStorage::Dynamic), Just(GpuStorage::Mapped), Just(GpuStorage::Scatter)],
        call_ns in 1.0..5000.0f64,
        ops in prop::collection::vec(op(), 1..60),
    ) {
        CONTEXT.with(|ctx| {
            let mut v = VertexBuffer::<Mixed, 2>::zeros([rows, cols]);
            v.set_policy(policy);
            v.set_gpu_storage(storage);
            v.set_upload_costs(UploadCosts { call_ns, ..UploadCosts::default() });
            let len = v.len();
            for op in &ops {
                match *op {
                    Op::Field(r, f, x) => {
                        let [i, j] = [r % len / cols, r % len % cols];
                        match f {
                            0 => v.a_mut(i, j)[1] = f32::from(x),
                            1 => v.b_mut(i, j)[3] = x as u8,
                            _ => v.c_mut(i, j)[0] = x,
                        }
                    }
                    Op::Record(r, x) => *v.at_mut([r % len / cols, r % len % cols]) = Mixed { a: [f32::from(x); 3], b: [x; 4], c: [u16::from(x); 2] },
                    Op::Records(a, b, x) => v.records_mut(a.min(len)..b.min(len)).iter_mut().for_each(|m| m.b[0] = x),
                    Op::Fill(x) => v.fill_field(Mixed::FIELDS.b, [x; 4]),
                    Op::Bind => {
                        let plan = v.upload_plan();
                        let before = v.stats();
                        v.bind(ctx).unwrap();
                        let after = v.stats();
                        prop_assert_eq!(v.dirty(), None);
                        prop_assert_eq!(v.read_gpu(ctx).unwrap(), v.as_slice());
                        if before.buffers_created == 1 {
                            prop_assert_eq!(after.upload_calls - before.upload_calls, plan.len() as u64);
                            let sent: usize = plan.iter().map(|r| r.len()).sum();
                            prop_assert_eq!(after.bytes_uploaded - before.bytes_uploaded, sent as u64);
                        }
                    }
                }
            }
            v.bind(ctx).unwrap();
            prop_assert_eq!(v.read_gpu(ctx).unwrap(), v.as_slice());
            Ok(())
        })?;
    }
}

proptest! {
    // Scatters of up to a few hundred runs over buffers of up to 3000
    // records, checked against the GPU after each upload.
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn scatters_mirror_the_cpu_copy(
        len in 64..3000usize,
        frames in prop::collection::vec(prop::collection::vec((any::<usize>(), any::<u8>()), 0..400), 1..4),
        coalesce in any::<bool>(),
    ) {
        CONTEXT.with(|ctx| {
            let mut v = VertexBuffer::<Mixed>::zeros([len]);
            v.set_gpu_storage(GpuStorage::Scatter);
            v.set_policy(if coalesce { MergePolicy::Coalesce { max_gap: 0 } } else { MergePolicy::Auto });
            v.upload(ctx).unwrap();
            prop_assert_eq!(v.active_storage(), Some(GpuStorage::Scatter));
            for writes in &frames {
                for &(record, x) in writes {
                    v.c_mut(record % len)[1] = u16::from(x) + 1;
                }
                v.upload(ctx).unwrap();
                prop_assert_eq!(v.read_gpu(ctx).unwrap(), v.as_slice());
            }
            Ok(())
        })?;
    }
}
