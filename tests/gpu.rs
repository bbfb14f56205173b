//! The GL half, against a real driver (Mesa through `HeadlessContext`): lazy
//! creation, minimal uploads, the GPU copy mirroring the CPU one, drawing.

use gloo_runtime::glium::{self, index, Surface};
use gloo_runtime::headless::HeadlessContext;
use gloo_runtime::{Error, MergePolicy, UploadCosts, UploadStats, Vertex, VertexBuffer};
use proptest::prelude::*;

mod common;
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
    assert!(matches!(v.drawable(), Err(Error::NotUploaded)));
    v.upload(&ctx).unwrap();
    assert!(v.drawable().is_ok());
    *v.position_mut(0) = [1.0, 1.0];
    assert!(matches!(v.drawable(), Err(Error::PendingWrites)));
    v.upload(&ctx).unwrap();
    assert!(v.drawable().is_ok());
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
    let sources = (positions.drawable().unwrap(), colors.drawable().unwrap().per_instance().unwrap());
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
        call_ns in 1.0..5000.0f64,
        ops in prop::collection::vec(op(), 1..60),
    ) {
        CONTEXT.with(|ctx| {
            let mut v = VertexBuffer::<Mixed, 2>::zeros([rows, cols]);
            v.set_policy(policy);
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
