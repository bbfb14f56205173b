//! The CPU half: glumpy-exact dirty extents, record-rounded plans, and a
//! property test of every write path against a byte-level model.
//!
//! Until a buffer has a GPU copy, its plan is the whole buffer (the first
//! upload sends everything), so the buffers whose plans are checked here are
//! uploaded once first, to Mesa through `HeadlessContext`. Nothing else here
//! touches GL; the pure range logic has GL-free unit tests in `gloo-runtime`.

use std::ops::Range;
use std::panic::{catch_unwind, AssertUnwindSafe};

use gloo_runtime::headless::HeadlessContext;
use gloo_runtime::{Error, MergePolicy, UploadCosts, Vertex, VertexBuffer};
use proptest::prelude::*;

mod common;
use common::context;

#[derive(Clone, Copy, Debug, PartialEq, Vertex)]
#[repr(C)]
struct Point {
    position: [f32; 2],
    color: [f32; 3],
}

/// The seed's 3×3 buffer, uploaded once, so that only later writes are pending.
fn seed(ctx: &HeadlessContext) -> VertexBuffer<Point, 2> {
    let mut v = VertexBuffer::<Point, 2>::zeros([3, 3]);
    assert_eq!(v.dirty(), Some(0..180), "a new buffer is dirty over all its bytes");
    assert_eq!(v.upload_plan(), vec![0..180]);
    v.upload(ctx).unwrap();
    assert_eq!(v.dirty(), None);
    assert_eq!(v.upload_plan(), vec![]);
    v
}

#[test]
fn glumpy_two_positions() {
    let ctx = context();
    let mut v = seed(&ctx);
    *v.position_mut(0, 0) = [0.0, 0.0];
    *v.position_mut(1, 1) = [0.0, 0.0];
    assert_eq!(v.dirty(), Some(0..88));
    assert_eq!(v.upload_plan(), vec![0..100]);
}

#[test]
fn glumpy_one_colour() {
    let ctx = context();
    let mut v = seed(&ctx);
    *v.color_mut(1, 1) = [1.0, 0.0, 0.0];
    assert_eq!(v.dirty(), Some(88..100));
    assert_eq!(v.upload_plan(), vec![80..100]);
}

#[test]
fn glumpy_one_row_of_positions() {
    let ctx = context();
    let mut v = seed(&ctx);
    for j in 0..3 {
        *v.position_mut(1, j) = [1.0, 1.0];
    }
    assert_eq!(v.dirty(), Some(60..108));
    assert_eq!(v.upload_plan(), vec![60..120]);
}

#[test]
fn glumpy_whole_record() {
    let ctx = context();
    let mut v = seed(&ctx);
    *v.at_mut([2, 2]) = Point { position: [1.0; 2], color: [1.0; 3] };
    assert_eq!(v.dirty(), Some(160..180));
    assert_eq!(v.upload_plan(), vec![160..180]);
}

#[test]
fn writes_reach_the_data() {
    let ctx = context();
    let mut v = seed(&ctx);
    *v.position_mut(2, 1) = [3.0, 4.0];
    *v.field_mut(Point::FIELDS.color, [0, 2]) = [5.0, 6.0, 7.0];
    assert_eq!(v.position(2, 1), &[3.0, 4.0]);
    assert_eq!(v.at([2, 1]).position, [3.0, 4.0]);
    assert_eq!(v.as_slice()[2].color, [5.0, 6.0, 7.0]);
    assert_eq!(&v.as_bytes()[7 * 20..7 * 20 + 4], &3.0f32.to_ne_bytes());
}

#[test]
fn take_dirty_clears_and_returns_the_extent() {
    let ctx = context();
    let mut v = seed(&ctx);
    *v.color_mut(0, 1) = [1.0; 3];
    assert_eq!(v.take_dirty(), Some(28..40));
    assert_eq!(v.dirty(), None);
    assert_eq!(v.upload_plan(), vec![]);
}

#[test]
fn out_of_bounds_panics_like_std_and_marks_nothing() {
    let ctx = context();
    let mut v = seed(&ctx);
    let panic = catch_unwind(AssertUnwindSafe(|| {
        *v.position_mut(3, 0) = [1.0, 1.0];
    }))
    .expect_err("index out of bounds must panic");
    let message = panic.downcast_ref::<String>().expect("formatted message");
    assert_eq!(message, "index [3, 0] out of bounds for shape [3, 3]");
    assert_eq!(v.dirty(), None, "a panicking access marks nothing");

    for result in [
        catch_unwind(AssertUnwindSafe(|| {
            let _ = v.at_mut([0, 3]);
        })),
        catch_unwind(AssertUnwindSafe(|| {
            let _ = v.records_mut(8..10);
        })),
        #[allow(clippy::reversed_empty_ranges)]
        catch_unwind(AssertUnwindSafe(|| {
            let _ = v.records_mut(5..4);
        })),
        catch_unwind(AssertUnwindSafe(|| {
            let _ = v.row_mut(3);
        })),
    ] {
        assert!(result.is_err());
    }
    assert_eq!(v.dirty(), None);
}

#[test]
fn option_twins_return_none_and_mark_nothing() {
    let ctx = context();
    let mut v = seed(&ctx);
    assert!(v.get_position_mut(0, 3).is_none());
    assert!(v.get_position(3, 0).is_none());
    assert!(v.get_mut([3, 3]).is_none());
    assert!(v.get([0, 9]).is_none());
    assert!(v.get_field_mut(Point::FIELDS.color, [9, 0]).is_none());
    assert!(v.try_records_mut(0..10).is_none());
    assert!(v.get_row_mut(3).is_none());
    assert_eq!(v.dirty(), None);

    *v.get_color_mut(2, 0).expect("in bounds") = [1.0; 3];
    assert_eq!(v.dirty(), Some(128..140));
}

#[test]
fn empty_range_marks_nothing() {
    let ctx = context();
    let mut v = seed(&ctx);
    assert!(v.records_mut(4..4).is_empty());
    assert_eq!(v.dirty(), None);
}

#[test]
fn bulk_writes() {
    let ctx = context();
    let mut v = seed(&ctx);
    v.row_mut(1)[2].color = [1.0; 3];
    assert_eq!(v.dirty(), Some(60..120), "row_mut marks its whole row");
    v.take_dirty();

    v.fill_field(Point::FIELDS.position, [0.5, 0.5]);
    assert_eq!(v.dirty(), Some(0..168));
    assert!(v.as_slice().iter().all(|p| p.position == [0.5, 0.5]));
    v.take_dirty();

    v.fill(Point { position: [1.0; 2], color: [2.0; 3] });
    assert_eq!(v.take_dirty(), Some(0..180));

    let data: Vec<Point> = (0..9).map(|i| Point { position: [i as f32; 2], color: [0.0; 3] }).collect();
    v.copy_from_slice(&data);
    assert_eq!(v.take_dirty(), Some(0..180));
    assert_eq!(v.as_slice(), &data[..]);
    assert!(matches!(v.try_copy_from_slice(&data[..3]), Err(Error::ShapeMismatch { expected: 9, actual: 3, .. })));
    assert_eq!(v.dirty(), None, "a failed copy marks nothing");
}

#[test]
fn constructors_check_shapes() {
    let v = VertexBuffer::<Point, 3>::from_fn([2, 3, 4], |[i, j, k]| Point {
        position: [i as f32, j as f32],
        color: [k as f32, 0.0, 0.0],
    });
    assert_eq!((v.shape(), v.len(), v.nbytes()), ([2, 3, 4], 24, 480));
    assert_eq!(v.at([1, 2, 3]).position, [1.0, 2.0]);
    assert_eq!(v.color(1, 2, 3)[0], 3.0);
    assert_eq!(v.as_slice()[23].color[0], 3.0, "row-major: the last axis varies fastest");

    assert!(matches!(
        VertexBuffer::<Point, 2>::from_vec([2, 2], vec![v.as_slice()[0]; 3]),
        Err(Error::ShapeMismatch { expected: 4, actual: 3, .. })
    ));
    assert!(matches!(VertexBuffer::<Point, 2>::try_zeros([usize::MAX, 2]), Err(Error::ShapeOverflow { .. })));
    assert!(matches!(VertexBuffer::<Point, 1>::try_zeros([usize::MAX / 10]), Err(Error::ShapeOverflow { .. }),));
    let empty = VertexBuffer::<Point, 2>::zeros([0, 5]);
    assert!(empty.is_empty());
    assert_eq!((empty.dirty(), empty.upload_plan()), (None, vec![]));
}

#[test]
fn take_dirty_forgets_writes_but_not_that_the_gpu_has_no_copy() {
    let mut v = VertexBuffer::<Point, 2>::zeros([3, 3]);
    v.take_dirty();
    *v.position_mut(1, 0) = [1.0, 1.0];
    assert_eq!(v.dirty(), Some(60..68));
    assert_eq!(v.upload_plan(), vec![0..180], "the first upload sends the whole buffer");
    for policy in [MergePolicy::Coalesce { max_gap: 0 }, MergePolicy::Auto] {
        v.set_policy(policy);
        assert_eq!(v.upload_plan(), vec![0..180], "{policy:?}");
    }
}

#[test]
fn policies_change_the_plan_not_the_extent() {
    let ctx = context();
    let mut v = VertexBuffer::<Point>::zeros([1000]);
    v.upload(&ctx).unwrap();
    for i in [10, 11, 40, 700] {
        *v.color_mut(i) = [1.0; 3];
    }
    assert_eq!(v.dirty(), Some(208..14020));
    assert_eq!(v.upload_plan(), vec![200..14020]);
    v.set_policy(MergePolicy::Coalesce { max_gap: 0 });
    assert_eq!(v.upload_plan(), vec![200..240, 800..820, 14000..14020]);
    v.set_policy(MergePolicy::Coalesce { max_gap: 560 });
    assert_eq!(v.upload_plan(), vec![200..820, 14000..14020]);
    v.set_policy(MergePolicy::Auto);
    // Default costs: gaps under 6000 bytes merge; 13180 bytes do not.
    assert_eq!(v.upload_plan(), vec![200..820, 14000..14020]);
    v.set_upload_costs(UploadCosts { call_ns: 10_000.0, ..UploadCosts::default() });
    assert_eq!(v.upload_plan(), vec![200..14020]);
    assert_eq!(v.dirty(), Some(208..14020));
}

/// A struct with fields of three sizes, so byte extents are not record-aligned.
#[derive(Clone, Copy, Debug, PartialEq, Vertex)]
#[repr(C)]
struct Mixed {
    a: [f32; 3],
    #[vertex(normalize)]
    b: [u8; 4],
    c: [u16; 2],
}

const STRIDE: usize = Mixed::LAYOUT.stride;

#[derive(Clone, Debug)]
enum Op {
    A(usize, usize),
    B(usize, usize),
    C(usize, usize),
    Record(usize, usize),
    Records(usize, usize),
    Row(usize),
    FillB,
    Fill,
    Copy,
    Take,
    /// A twin accessor with any index, perhaps out of bounds.
    GetA(usize, usize),
}

fn op() -> impl Strategy<Value = Op> {
    let i = 0..8usize;
    prop_oneof![
        4 => (i.clone(), i.clone()).prop_map(|(i, j)| Op::A(i, j)),
        4 => (i.clone(), i.clone()).prop_map(|(i, j)| Op::B(i, j)),
        4 => (i.clone(), i.clone()).prop_map(|(i, j)| Op::C(i, j)),
        2 => (i.clone(), i.clone()).prop_map(|(i, j)| Op::Record(i, j)),
        1 => (0..70usize, 0..70usize).prop_map(|(a, b)| Op::Records(a.min(b), a.max(b))),
        1 => i.clone().prop_map(Op::Row),
        1 => Just(Op::FillB),
        1 => Just(Op::Fill),
        1 => Just(Op::Copy),
        1 => Just(Op::Take),
        2 => (0..10usize, 0..10usize).prop_map(|(i, j)| Op::GetA(i, j)),
    ]
}

/// Applies `op` to the buffer and the model of written bytes.
fn apply(v: &mut VertexBuffer<Mixed, 2>, written: &mut [bool], op: &Op) {
    let [rows, cols] = v.shape();
    let fields = Mixed::LAYOUT.fields;
    let mut mark = |record: usize, bytes: Range<usize>| {
        written[record * STRIDE + bytes.start..record * STRIDE + bytes.end].fill(true);
    };
    match *op {
        Op::A(i, j) | Op::B(i, j) | Op::C(i, j) if i >= rows || j >= cols => {}
        Op::A(i, j) => {
            *v.a_mut(i, j) = [1.0; 3];
            mark(i * cols + j, fields[0].bytes());
        }
        Op::B(i, j) => {
            v.b_mut(i, j)[1] = 7;
            mark(i * cols + j, fields[1].bytes());
        }
        Op::C(i, j) => {
            *v.field_mut(Mixed::FIELDS.c, [i, j]) = [3, 4];
            mark(i * cols + j, fields[2].bytes());
        }
        Op::Record(i, j) if i < rows && j < cols => {
            v.at_mut([i, j]).c[0] = 9;
            mark(i * cols + j, 0..STRIDE);
        }
        Op::Record(..) => {}
        Op::Records(start, end) => {
            if let Some(records) = v.try_records_mut(start..end) {
                records.iter_mut().for_each(|r| r.a[0] += 1.0);
                (start..end).for_each(|r| mark(r, 0..STRIDE));
            } else {
                assert!(end > v.len());
            }
        }
        Op::Row(i) if i < rows => {
            v.row_mut(i).iter_mut().for_each(|r| r.b[0] = 1);
            (i * cols..(i + 1) * cols).for_each(|r| mark(r, 0..STRIDE));
        }
        Op::Row(_) => assert!(v.get_row_mut(rows).is_none()),
        Op::FillB => {
            v.fill_field(Mixed::FIELDS.b, [1, 2, 3, 4]);
            (0..v.len()).for_each(|r| mark(r, fields[1].bytes()));
        }
        Op::Fill => {
            v.fill(Mixed { a: [2.0; 3], b: [2; 4], c: [2; 2] });
            written.fill(true);
        }
        Op::Copy => {
            let data = v.as_slice().to_vec();
            v.copy_from_slice(&data);
            written.fill(true);
        }
        Op::Take => {
            v.take_dirty();
            written.fill(false);
        }
        Op::GetA(i, j) => {
            if let Some(a) = v.get_a_mut(i, j) {
                a[2] = 5.0;
                mark(i * cols + j, fields[0].bytes());
            }
        }
    }
}

/// Maximal runs of `true` in `bytes`.
fn runs(bytes: &[bool]) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = Vec::new();
    for (at, _) in bytes.iter().enumerate().filter(|(_, &b)| b) {
        match out.last_mut() {
            Some(last) if last.end == at => last.end += 1,
            _ => out.push(at..at + 1),
        }
    }
    out
}

fn round_out(range: &Range<usize>) -> Range<usize> {
    range.start / STRIDE * STRIDE..range.end.div_ceil(STRIDE) * STRIDE
}

/// Merges sorted ranges that touch or overlap.
fn union(ranges: impl IntoIterator<Item = Range<usize>>) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = Vec::new();
    for range in ranges {
        match out.last_mut() {
            Some(last) if range.start <= last.end => last.end = last.end.max(range.end),
            _ => out.push(range),
        }
    }
    out
}

fn check_plan(plan: &[Range<usize>], written: &[bool], nbytes: usize) {
    for pair in plan.windows(2) {
        assert!(pair[0].end < pair[1].start, "plan sorted and disjoint, not touching: {plan:?}");
    }
    for range in plan {
        assert!(range.start < range.end && range.end <= nbytes, "{range:?} inside 0..{nbytes}");
        assert_eq!((range.start % STRIDE, range.end % STRIDE), (0, 0), "record-aligned: {range:?}");
    }
    for (at, _) in written.iter().enumerate().filter(|(_, &w)| w) {
        assert!(plan.iter().any(|r| r.contains(&at)), "written byte {at} missing from {plan:?}");
    }
}

thread_local! {
    /// One context for every case: the buffers only need a GPU copy.
    static CONTEXT: HeadlessContext = context();
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn tracking_matches_a_byte_model(
        rows in 1..8usize,
        cols in 1..8usize,
        ops in prop::collection::vec(op(), 1..40),
        max_gap in 0..200usize,
    ) {
        let mut v = VertexBuffer::<Mixed, 2>::zeros([rows, cols]);
        CONTEXT.with(|ctx| v.upload(ctx)).unwrap();
        let mut written = vec![false; v.nbytes()];
        for op in &ops {
            apply(&mut v, &mut written, op);
            let hull = runs(&written);
            let expected = hull.first().map(|first| first.start..hull.last().unwrap().end);
            prop_assert_eq!(v.dirty(), expected.clone(), "dirty() is the hull after {:?}", op);

            v.set_policy(MergePolicy::Extent);
            prop_assert_eq!(v.upload_plan(), expected.iter().map(round_out).collect::<Vec<_>>());

            v.set_policy(MergePolicy::Coalesce { max_gap: 0 });
            let plan = v.upload_plan();
            prop_assert_eq!(&plan, &union(hull.iter().map(round_out)));
            check_plan(&plan, &written, v.nbytes());

            for policy in [MergePolicy::Coalesce { max_gap }, MergePolicy::Auto] {
                v.set_policy(policy);
                check_plan(&v.upload_plan(), &written, v.nbytes());
            }
        }
    }
}

#[test]
fn the_tracker_of_a_64_mib_buffer_holds_at_most_a_64th_of_it() {
    let records = (64 << 20) / Point::LAYOUT.stride;
    let mut v = VertexBuffer::<Point>::zeros([records]);
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    for _ in 0..100_000 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        *v.position_mut((state % records as u64) as usize) = [1.0, 2.0];
    }
    // Two fields of a 20-byte record: two bits, 1/80 of the record.
    assert_eq!(v.tracking_bytes(), (records * 2).div_ceil(64) * 8);
    assert!(v.tracking_bytes() * 64 <= v.nbytes(), "{} bytes of tracking for {}", v.tracking_bytes(), v.nbytes());
}

/// `DirtyBits` is public, and a bit past the end would plan an upload past
/// the buffer (`mark(40)` on 3 records of 20 bytes: `[800..820]`): the
/// check holds in every build, as slice indexing's does.
#[test]
fn marks_past_the_end_are_refused_in_every_build() {
    use gloo_runtime::dirty::DirtyBits;
    let refused = |mark: fn(&mut DirtyBits)| {
        let mut bits = DirtyBits::new(3, 1);
        let panic = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| mark(&mut bits))).expect_err("refused");
        let message = panic.downcast_ref::<String>().cloned().unwrap_or_default();
        assert!(message.contains("out of bounds: the set holds 3 bits"), "{message}");
        assert!(bits.is_empty(), "nothing marked");
    };
    refused(|bits| bits.mark(40));
    refused(|bits| bits.mark(3));
    refused(|bits| bits.mark_bits(2..4));
    refused(|bits| bits.mark_records(1..usize::MAX));
    refused(|bits| bits.mark_strided(0, 2, 3));
    refused(|bits| bits.mark_strided(1, usize::MAX, 2));

    let mut bits = DirtyBits::new(3, 1);
    assert!(!bits.try_mark(40));
    assert!(bits.try_mark(2));
    bits.mark_bits(7..7); // empty: nothing, wherever it lies
    assert_eq!(bits.merged_runs(0), vec![2..3]);
}

/// `count_per_slot` fills one count per slot: a slice of another length is
/// refused in every build, as its `# Panics` says, not half filled.
#[test]
#[should_panic(expected = "one count per slot")]
fn counts_per_slot_need_one_count_per_slot() {
    let mut bits = gloo_runtime::dirty::DirtyBits::new(4, 2);
    bits.mark(3);
    bits.count_per_slot(&mut [0; 3]);
}
