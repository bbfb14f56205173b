//! ndarray views: numpy's shapes, exact marking of what a view covers, and
//! slices that miss. Buffers whose marks are measured through an upload
//! live in Mesa through `HeadlessContext`.

use std::panic::{catch_unwind, AssertUnwindSafe};

use gloo_runtime::glium::index::PrimitiveType;
use gloo_runtime::headless::HeadlessContext;
use gloo_runtime::ndarray::{s, Array2, Axis, IxDyn, SliceInfo, SliceInfoElem};
use gloo_runtime::{IndexBuffer, MergePolicy, Vertex, VertexBuffer};
use proptest::prelude::*;

mod common;
use common::context;

#[derive(Clone, Copy, Debug, PartialEq, Vertex)]
#[repr(C)]
struct Point {
    position: [f32; 2],
    color: [f32; 3],
}

/// Fields of three sizes and a matrix, so marks are not record-aligned.
#[derive(Clone, Copy, Debug, PartialEq, Vertex)]
#[repr(C)]
struct Mixed {
    a: [f32; 3],
    #[vertex(normalize)]
    b: [u8; 4],
    c: [u16; 2],
    m: [[f32; 2]; 2],
}

const STRIDE: usize = Mixed::LAYOUT.stride;

fn mixed(n: usize) -> Mixed {
    let x = n as f32;
    Mixed { a: [x, x + 0.25, x + 0.5], b: [n as u8; 4], c: [n as u16, 7], m: [[x, 1.0], [2.0, x]] }
}

#[test]
fn shapes_follow_numpy_buffer_axes_then_component_axes() {
    let mut v = VertexBuffer::<Mixed, 2>::from_fn([3, 4], |[i, j]| mixed(4 * i + j));
    assert_eq!(v.view().shape(), &[3, 4]);
    assert_eq!(v.field_view(Mixed::FIELDS.a).shape(), &[3, 4, 3]);
    assert_eq!(v.field_view(Mixed::FIELDS.m).shape(), &[3, 4, 2, 2]);
    assert_eq!(v.field_view(Mixed::FIELDS.m)[[1, 2, 1, 0]], 2.0, "rows of the matrix as stored");
    assert_eq!(v.field_view(Mixed::FIELDS.m)[[1, 2, 1, 1]], 6.0);
    assert_eq!(v.field_view(Mixed::FIELDS.b)[[2, 3, 0]], 11u8);
    assert_eq!(v.slice_field_mut(Mixed::FIELDS.c, s![1, ..;2]).shape(), &[2, 2]);
    assert_eq!(v.slice_field_mut(Mixed::FIELDS.a, s![.., 3]).shape(), &[3, 3]);

    let mut line = VertexBuffer::<Point>::from_fn([5], |[i]| Point { position: [i as f32, 0.0], color: [0.0; 3] });
    assert_eq!(line.field_view(Point::FIELDS.position).column(0).to_vec(), vec![0.0, 1.0, 2.0, 3.0, 4.0]);
    let cube = VertexBuffer::<Point, 3>::zeros([2, 3, 4]);
    assert_eq!(cube.field_view(Point::FIELDS.color).shape(), &[2, 3, 4, 3]);
    line.field_view_mut(Point::FIELDS.position).column_mut(1).fill(9.0);
    assert_eq!(*line.position(4), [4.0, 9.0]);
}

#[test]
fn reversed_and_stepped_slices_write_where_they_point() {
    let mut v = VertexBuffer::<Point, 2>::zeros([4, 5]);
    v.take_dirty();
    let mut view = v.slice_field_mut(Point::FIELDS.position, s![..;-1, 1..;2]);
    assert_eq!(view.shape(), &[4, 2, 2]);
    view[[0, 0, 0]] = 1.0; // the last row, column 1
    view[[3, 1, 1]] = 2.0; // the first row, column 3
    assert_eq!(*v.position(3, 1), [1.0, 0.0]);
    assert_eq!(*v.position(0, 3), [0.0, 2.0]);
    assert_eq!(v.as_slice().iter().filter(|p| p.position != [0.0; 2]).count(), 2);
    assert_eq!(v.dirty(), Some(20..(3 * 5 + 3) * 20 + 8), "from record [0, 1] to [3, 3], positions only");
}

#[test]
fn index_buffers_have_views() {
    let mut quads =
        IndexBuffer::<u16, 2>::from_vec(PrimitiveType::TrianglesList, [2, 6], vec![0, 1, 2, 2, 1, 3, 4, 5, 6, 6, 5, 7])
            .unwrap();
    assert_eq!(quads.view().row(1).to_vec(), vec![4, 5, 6, 6, 5, 7]);
    quads.take_dirty();
    quads.view_mut().row_mut(0).mapv_inplace(|i| i + 8);
    assert_eq!(quads.as_slice()[..6], [8, 9, 10, 10, 9, 11]);
    assert_eq!(quads.dirty(), Some(0..24), "view_mut marks every index");
}

#[test]
fn slices_out_of_bounds_panic_like_ndarray_and_mark_nothing() {
    let ctx = context();
    let mut v = VertexBuffer::<Point, 2>::zeros([3, 3]);
    v.upload(&ctx).unwrap();
    let bad: [(&str, SliceInfo<[SliceInfoElem; 2], _, IxDyn>); 4] = [
        ("index past the end", SliceInfo::try_from([SliceInfoElem::Index(3), (..).into()]).unwrap()),
        ("negative index past the start", SliceInfo::try_from([SliceInfoElem::Index(-4), (..).into()]).unwrap()),
        ("slice end past the end", SliceInfo::try_from([(..).into(), (0..4).into()]).unwrap()),
        (
            "zero step",
            SliceInfo::try_from([(..).into(), SliceInfoElem::Slice { start: 0, end: None, step: 0 }]).unwrap(),
        ),
    ];
    for (what, info) in bad {
        assert!(v.try_slice_field_mut(Point::FIELDS.color, info).is_none(), "{what}");
        assert!(v.try_slice_mut(info).is_none(), "{what}");
        let panicked = catch_unwind(AssertUnwindSafe(|| {
            v.slice_field_mut(Point::FIELDS.color, info);
        }));
        assert!(panicked.is_err(), "{what} panics");
        let panicked = catch_unwind(AssertUnwindSafe(|| {
            v.slice_mut(info);
        }));
        assert!(panicked.is_err(), "{what} panics");
        assert_eq!(v.dirty(), None, "{what} marks nothing");
    }
    let fine: SliceInfo<[SliceInfoElem; 2], _, IxDyn> =
        SliceInfo::try_from([SliceInfoElem::Index(-3), (1..3).into()]).unwrap();
    assert_eq!(v.try_slice_field_mut(Point::FIELDS.color, fine).map(|view| view.shape().to_vec()), Some(vec![2, 3]));
    assert_eq!(v.dirty(), Some(28..60));
}

#[test]
fn whole_record_views_mark_whole_records() {
    let ctx = context();
    let mut v = VertexBuffer::<Point, 2>::zeros([3, 3]);
    v.upload(&ctx).unwrap();
    v.slice_mut(s![.., 2]).fill(Point { position: [1.0; 2], color: [1.0; 3] });
    assert_eq!(v.dirty(), Some(40..180));
    v.set_policy(MergePolicy::Coalesce { max_gap: 0 });
    assert_eq!(v.upload_plan(), vec![40..60, 100..120, 160..180]);
    v.upload(&ctx).unwrap();
    assert_eq!(v.stats().bytes_written, 180 + 60);
    v.view_mut();
    assert_eq!(v.dirty(), Some(0..180));
}

/// One axis of a random slice, as ndarray takes it.
fn axis_slice() -> impl Strategy<Value = SliceInfoElem> {
    prop_oneof![
        (-6..6isize).prop_map(SliceInfoElem::Index),
        (-6..6isize, prop::option::of(-6..7isize), prop_oneof![-3..0isize, 1..4isize])
            .prop_map(|(start, end, step)| SliceInfoElem::Slice { start, end, step }),
    ]
}

thread_local! {
    /// One context for every case: the buffers only need a GPU copy.
    static CONTEXT: HeadlessContext = context();
}

/// Which field a case writes through, or whole records.
#[derive(Clone, Copy, Debug)]
enum Target {
    A,
    C,
    M,
    Records,
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// A random slice marks exactly the bytes of the records it covers (of
    /// its field, or whole records), writes only there, and never touches
    /// another field. ndarray's own slicing of an array of record numbers
    /// is the oracle.
    #[test]
    fn slices_mark_exactly_what_they_cover(
        rows in 1..6usize,
        cols in 1..6usize,
        info in [axis_slice(), axis_slice()],
        target in prop_oneof![Just(Target::A), Just(Target::C), Just(Target::M), Just(Target::Records)],
    ) {
        let shape = [rows, cols];
        let numbers = Array2::from_shape_fn((rows, cols), |(i, j)| i * cols + j);
        let info: SliceInfo<[SliceInfoElem; 2], _, IxDyn> = SliceInfo::try_from(info).unwrap();
        let oracle = catch_unwind(|| numbers.slice(info).iter().copied().collect::<Vec<usize>>());
        let mut v = VertexBuffer::<Mixed, 2>::from_fn(shape, |[i, j]| mixed(i * cols + j));
        CONTEXT.with(|ctx| v.upload(ctx)).unwrap();
        let before = v.as_slice().to_vec();

        let handed_out = match target {
            Target::A => v.try_slice_field_mut(Mixed::FIELDS.a, info).map(|mut view| view.fill(-1.0)),
            Target::C => v.try_slice_field_mut(Mixed::FIELDS.c, info).map(|mut view| view.fill(999)),
            Target::M => v.try_slice_field_mut(Mixed::FIELDS.m, info).map(|mut view| view.fill(-2.0)),
            Target::Records => v.try_slice_mut(info).map(|mut view| view.fill(mixed(77))),
        };
        let Ok(covered) = oracle else {
            prop_assert!(handed_out.is_none(), "ndarray refuses {:?}; gloo must too", info);
            prop_assert_eq!(v.dirty(), None);
            return Ok(());
        };
        prop_assert!(handed_out.is_some(), "ndarray takes {:?}", info);

        let field = match target {
            Target::A => Some(Mixed::LAYOUT.fields[0]),
            Target::C => Some(Mixed::LAYOUT.fields[2]),
            Target::M => Some(Mixed::LAYOUT.fields[3]),
            Target::Records => None,
        };
        let bytes = field.map_or(0..STRIDE, |field| field.bytes());
        let mut expected = before.clone();
        for &record in &covered {
            expected[record] = match target {
                Target::A => Mixed { a: [-1.0; 3], ..expected[record] },
                Target::C => Mixed { c: [999; 2], ..expected[record] },
                Target::M => Mixed { m: [[-2.0; 2]; 2], ..expected[record] },
                Target::Records => mixed(77),
            };
        }
        prop_assert_eq!(v.as_slice(), &expected[..], "written where the view points, nowhere else");

        let first = covered.iter().min().map(|&r| r * STRIDE + bytes.start);
        let last = covered.iter().max().map(|&r| r * STRIDE + bytes.end);
        prop_assert_eq!(v.dirty(), first.zip(last).map(|(first, last)| first..last));
        let written = v.stats().bytes_written;
        CONTEXT.with(|ctx| v.upload(ctx)).unwrap();
        prop_assert_eq!(
            v.stats().bytes_written - written,
            (covered.len() * bytes.len()) as u64,
            "exactly the covered records' {} bytes marked", bytes.len()
        );
        let gpu = CONTEXT.with(|ctx| v.read_gpu(ctx)).unwrap();
        prop_assert_eq!(gpu, expected);
    }
}

/// The column of a 1000×1000 buffer and a field of all of its 1M records,
/// updated in parallel through rayon, then sent: the GPU copy equals the
/// CPU copy.
#[cfg(feature = "rayon")]
#[test]
fn parallel_updates_of_a_million_records_reach_the_gpu() {
    use gloo_runtime::ndarray::Zip;

    let ctx = context();
    let mut v = VertexBuffer::<Point, 2>::from_fn([1000, 1000], |[i, j]| Point {
        position: [i as f32, j as f32],
        color: [0.0; 3],
    });
    v.upload(&ctx).unwrap();
    v.field_view_mut(Point::FIELDS.position).par_mapv_inplace(|x| x * 0.5);
    let mut column = v.slice_field_mut(Point::FIELDS.color, s![.., 7]);
    Zip::from(column.lanes_mut(Axis(1))).par_for_each(|mut color| color.fill(1.0));
    v.set_policy(MergePolicy::Auto);
    v.upload(&ctx).unwrap();
    assert_eq!(*v.position(999, 998), [499.5, 499.0]);
    assert_eq!(*v.color(500, 7), [1.0; 3]);
    assert_eq!(*v.color(500, 8), [0.0; 3]);
    assert_eq!(v.stats().bytes_written - v.nbytes() as u64, 8 * 1_000_000 + 12 * 1000);
    assert!(v.read_gpu(&ctx).unwrap() == v.as_slice(), "the GPU copy equals the CPU copy");
}

/// A shape with a zero axis holds no record, but ndarray refuses to view it
/// when the product of its other axes exceeds `isize::MAX` bytes. gloo
/// refuses such shapes where they are made, so that every view of every
/// buffer it made works, and the `try_` views keep their promise.
#[test]
fn shapes_no_view_can_take_are_refused_where_they_are_made() {
    use gloo_runtime::{Error, Texture2d};
    let refused = |result: Result<(), Error>| matches!(result, Err(Error::ShapeOverflow { .. }));
    assert!(refused(VertexBuffer::<Point, 2>::try_zeros([usize::MAX, 0]).map(drop)));
    assert!(refused(VertexBuffer::<Point, 3>::from_vec([0, 1 << 40, 1 << 40], vec![]).map(drop)));
    assert!(refused(IndexBuffer::<u16, 2>::try_zeros(PrimitiveType::Points, [0, usize::MAX]).map(drop)));
    assert!(refused(Texture2d::<u8>::try_zeros(0, usize::MAX).map(drop)));
    assert!(refused(Texture2d::<[f32; 4]>::from_vec(isize::MAX as usize / 8, 0, vec![]).map(drop)));
    let panic = catch_unwind(|| VertexBuffer::<Point, 2>::zeros([usize::MAX, 0])).expect_err("zeros panics");
    assert!(panic.downcast_ref::<String>().is_some_and(|message| message.contains("too large")));

    // An empty buffer's records have stride 0 on an axis longer than 1,
    // which ndarray's debug checks took for overlapping elements.
    let mut small = VertexBuffer::<Point, 2>::zeros([3, 0]);
    assert_eq!(small.field_view_mut(Point::FIELDS.position).shape(), [3, 0, 2]);
    assert_eq!(small.field_view(Point::FIELDS.color).shape(), [3, 0, 3]);

    // The largest that are made: every view works.
    let rows = isize::MAX as usize / size_of::<Point>();
    let mut v = VertexBuffer::<Point, 2>::zeros([rows, 0]);
    assert_eq!(v.view().shape(), [rows, 0]);
    assert_eq!(v.field_view(Point::FIELDS.color).shape(), [rows, 0, 3]);
    assert_eq!(v.view_mut().shape(), [rows, 0]);
    assert_eq!(v.field_view_mut(Point::FIELDS.position).shape(), [rows, 0, 2]);
    assert_eq!(v.try_slice_mut(s![1.., ..]).map(|view| view.shape().to_vec()), Some(vec![rows - 1, 0]));
    let field = v.try_slice_field_mut(Point::FIELDS.position, s![.., ..]).map(|view| view.shape().to_vec());
    assert_eq!(field, Some(vec![rows, 0, 2]));
    assert_eq!((v.len(), v.dirty()), (0, None));
    let mut texture = Texture2d::<[f32; 4]>::zeros(0, isize::MAX as usize / 16);
    assert_eq!(texture.view_mut().shape(), [isize::MAX as usize / 16, 0, 4]);
    assert_eq!(texture.view().len(), 0);
}
