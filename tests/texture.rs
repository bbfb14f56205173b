//! Textures: the rectangle planner without GL (exact plans, and plans that
//! cover every written texel), then against a real driver (Mesa through
//! `HeadlessContext`): the GPU copy mirrors the CPU one under every policy,
//! a bound texture samples the right texels, a row a frame sends a row.

use std::fmt::Debug;
use std::panic::{catch_unwind, AssertUnwindSafe};

use gloo_runtime::dirty::DirtyBits;
use gloo_runtime::glium::texture::{MipmapsOption, UncompressedFloatFormat};
use gloo_runtime::glium::uniforms::{MagnifySamplerFilter, MinifySamplerFilter};
use gloo_runtime::glium::{self, index, Program, Surface};
use gloo_runtime::headless::HeadlessContext;
use gloo_runtime::plan::plan_rects;
use gloo_runtime::{Error, MergePolicy, Rect, Texel, Texture2d, UploadCosts, Vertex, VertexBuffer};
use proptest::prelude::*;

mod common;
use common::trace::{capture, take_lines};
use common::{context, pixel};

// ---------------------------------------------------------------------------
// Exact rectangles
// ---------------------------------------------------------------------------

/// The pending set of a `width` × `height` image with the texels of `rects` marked.
fn pending(width: usize, height: usize, rects: &[Rect]) -> DirtyBits {
    let mut bits = DirtyBits::new(width * height, 1);
    for rect in rects {
        for y in rect.y..rect.bottom() {
            bits.mark_records(y * width + rect.x..y * width + rect.right());
        }
    }
    bits
}

/// The plan of `bits`, texels of `texel` bytes, with the default costs.
fn plan(bits: &DirtyBits, width: usize, texel: usize, policy: MergePolicy) -> Vec<Rect> {
    plan_rects(bits, width, texel, policy, &UploadCosts::default())
}

#[test]
fn design_example_plans_and_sends_its_rectangles() {
    let ctx = context();
    let mut t = Texture2d::<[u8; 4]>::zeros(64, 32);
    assert_eq!(t.dirty_rect(), Some(Rect::new(0, 0, 64, 32)), "a new texture is all dirty");
    assert_eq!(t.take_dirty(), Some(Rect::new(0, 0, 64, 32)));
    assert_eq!(t.dirty_rect(), None);
    assert_eq!(t.upload_plan(), vec![Rect::new(0, 0, 64, 32)], "no GPU copy yet: all of it");
    t.upload(&ctx).unwrap();
    assert_eq!(t.upload_plan(), vec![]);

    *t.texel_mut(3, 2) = [255, 0, 0, 255];
    *t.texel_mut(10, 5) = [0, 255, 0, 255];
    assert_eq!(t.dirty_rect(), Some(Rect::new(3, 2, 8, 4)), "x 3..11, y 2..6");
    assert_eq!(t.upload_plan(), vec![Rect::new(3, 2, 8, 4)], "Extent: one rectangle");
    t.set_policy(MergePolicy::Coalesce { max_gap: 0 });
    assert_eq!(t.upload_plan(), vec![Rect::new(3, 2, 1, 1), Rect::new(10, 5, 1, 1)]);
    t.set_policy(MergePolicy::Auto);
    assert_eq!(t.upload_plan(), vec![Rect::new(3, 2, 8, 4)], "a call costs more than the 30 texels between");

    t.set_policy(MergePolicy::Extent);
    let before = t.stats();
    t.upload(&ctx).unwrap();
    let after = t.stats();
    assert_eq!(after.upload_calls - before.upload_calls, 1);
    assert_eq!(after.bytes_uploaded - before.bytes_uploaded, 8 * 4 * 4, "8x4 texels of 4 bytes");
    assert_eq!(after.bytes_written - before.bytes_written, 8, "two texels written");
    assert_eq!(t.read_gpu(&ctx).unwrap(), t.as_slice());
    assert_eq!(t.read_gpu(&ctx).unwrap()[5 * 64 + 10], [0, 255, 0, 255]);
}

#[test]
fn one_row_written_is_one_full_width_rectangle() {
    for width in [1, 13, 64, 200] {
        let mut t = Texture2d::<f32>::zeros(width, 32);
        t.take_dirty();
        t.row_mut(17).fill(1.0);
        assert_eq!(t.dirty_rect(), Some(Rect::new(0, 17, width, 1)), "width {width}");
        let bits = pending(width, 32, &[Rect::new(0, 17, width, 1)]);
        for policy in [MergePolicy::Extent, MergePolicy::Coalesce { max_gap: 0 }, MergePolicy::Auto] {
            assert_eq!(plan(&bits, width, 4, policy), vec![Rect::new(0, 17, width, 1)], "width {width}, {policy:?}");
        }
    }
}

#[test]
fn a_patch_is_one_rectangle_under_extent_coalesce_and_auto() {
    let mut t = Texture2d::<[u8; 4]>::zeros(256, 256);
    t.take_dirty();
    for row in t.region_mut(Rect::new(10, 20, 64, 64)) {
        row.fill([1, 2, 3, 4]);
    }
    assert_eq!(t.dirty_rect(), Some(Rect::new(10, 20, 64, 64)));
    let bits = pending(256, 256, &[Rect::new(10, 20, 64, 64)]);
    for policy in [MergePolicy::Extent, MergePolicy::Coalesce { max_gap: 0 }, MergePolicy::Auto] {
        assert_eq!(plan(&bits, 256, 4, policy), vec![Rect::new(10, 20, 64, 64)], "{policy:?}");
    }
}

#[test]
fn coalesce_grows_runs_repeated_on_consecutive_rows_into_one_rectangle() {
    let (width, height) = (32, 16);
    let bits = pending(
        width,
        height,
        &[
            Rect::new(4, 3, 4, 3),  // x 4..8 on rows 3, 4, 5
            Rect::new(10, 3, 2, 2), // x 10..12 on rows 3, 4
            Rect::new(4, 7, 4, 1),  // x 4..8 again, after an empty row
            Rect::new(4, 8, 5, 1),  // another run on the next row: x 4..9
            Rect::new(20, 8, 3, 1), // and a second run on that row
        ],
    );
    let expected = vec![
        Rect::new(4, 3, 4, 3),
        Rect::new(10, 3, 2, 2),
        Rect::new(4, 7, 4, 1),
        Rect::new(4, 8, 5, 1),
        Rect::new(20, 8, 3, 1),
    ];
    assert_eq!(plan(&bits, width, 1, MergePolicy::Coalesce { max_gap: 0 }), expected, "sorted by (y, x)");
    assert_eq!(plan(&bits, width, 1, MergePolicy::Extent), vec![Rect::new(4, 3, 19, 6)]);

    // A 2-texel gap of 1-byte texels is 2 bytes: merged at max_gap 2, so
    // rows 3 and 4 become x 4..12 and row 5 keeps its own run.
    assert_eq!(
        plan(&bits, width, 1, MergePolicy::Coalesce { max_gap: 2 }),
        vec![
            Rect::new(4, 3, 8, 2),
            Rect::new(4, 5, 4, 1),
            Rect::new(4, 7, 4, 1),
            Rect::new(4, 8, 5, 1),
            Rect::new(20, 8, 3, 1)
        ]
    );
    // The same gap of 4-byte texels is 8 bytes: 7 keeps the runs apart, 8 merges them.
    assert_eq!(plan(&bits, width, 4, MergePolicy::Coalesce { max_gap: 7 }), expected);
    assert_eq!(plan(&bits, width, 4, MergePolicy::Coalesce { max_gap: 8 })[0], Rect::new(4, 3, 8, 2));
}

#[test]
fn coalesce_keeps_different_runs_on_consecutive_rows_apart() {
    // A staircase: each row's run is one texel longer than the row above.
    let rects: Vec<Rect> = (0..5).map(|y| Rect::new(2, y, 3 + y, 1)).collect();
    let bits = pending(16, 8, &rects);
    assert_eq!(plan(&bits, 16, 4, MergePolicy::Coalesce { max_gap: 0 }), rects);
    // Runs that touch across a row end are still cut at the row end.
    let bits = pending(8, 4, &[Rect::new(5, 1, 3, 1), Rect::new(0, 2, 2, 1)]);
    assert_eq!(
        plan(&bits, 8, 4, MergePolicy::Coalesce { max_gap: 0 }),
        vec![Rect::new(5, 1, 3, 1), Rect::new(0, 2, 2, 1)]
    );
    assert_eq!(plan(&bits, 8, 4, MergePolicy::Extent), vec![Rect::new(0, 1, 8, 2)]);
}

#[test]
fn auto_sends_full_width_rows_rather_than_gather_a_wide_patch() {
    // 1000 of 1024 texels on 100 rows: gathering the patch's rows costs its
    // 400 KB once more; the full-width band of those rows is one block.
    let bits = pending(1024, 512, &[Rect::new(10, 40, 1000, 100)]);
    assert_eq!(plan(&bits, 1024, 4, MergePolicy::Coalesce { max_gap: 0 }), vec![Rect::new(10, 40, 1000, 100)]);
    assert_eq!(plan(&bits, 1024, 4, MergePolicy::Auto), vec![Rect::new(0, 40, 1024, 100)]);
    // Nearly everything written: the whole texture in one write.
    let bits = pending(64, 32, &[Rect::new(0, 0, 64, 31), Rect::new(0, 31, 63, 1)]);
    assert_eq!(plan(&bits, 64, 4, MergePolicy::Auto), vec![Rect::new(0, 0, 64, 32)]);
}

#[test]
fn nothing_written_plans_nothing() {
    let bits = pending(13, 7, &[]);
    for policy in [MergePolicy::Extent, MergePolicy::Coalesce { max_gap: 0 }, MergePolicy::Auto] {
        assert_eq!(plan(&bits, 13, 1, policy), vec![], "{policy:?}");
    }
}

// ---------------------------------------------------------------------------
// Random writes, planned without GL
// ---------------------------------------------------------------------------

/// One write to a texture, its coordinates reduced into the texture when applied.
#[derive(Clone, Debug)]
enum Edit {
    Texel(usize, usize, u32),
    Region(usize, usize, usize, usize, u32),
    Row(usize, u32),
    Fill(u32),
    Upload,
}

fn write() -> impl Strategy<Value = Edit> {
    prop_oneof![
        6 => (any::<usize>(), any::<usize>(), any::<u32>()).prop_map(|(x, y, v)| Edit::Texel(x, y, v)),
        3 => (any::<usize>(), any::<usize>(), any::<usize>(), any::<usize>(), any::<u32>())
            .prop_map(|(x, y, w, h, v)| Edit::Region(x, y, w, h, v)),
        2 => (any::<usize>(), any::<u32>()).prop_map(|(y, v)| Edit::Row(y, v)),
        1 => any::<u32>().prop_map(Edit::Fill),
    ]
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![6 => write(), 1 => Just(Edit::Upload)]
}

impl Edit {
    /// The texels it writes in a `width` × `height` texture (`None` for an upload).
    fn rect(&self, width: usize, height: usize) -> Option<Rect> {
        match *self {
            Edit::Texel(x, y, _) => Some(Rect::new(x % width, y % height, 1, 1)),
            Edit::Region(x, y, w, h, _) => {
                let (x, y) = (x % width, y % height);
                Some(Rect::new(x, y, w % (width - x + 1), h % (height - y + 1)))
            }
            Edit::Row(y, _) => Some(Rect::new(0, y % height, width, 1)),
            Edit::Fill(_) => Some(Rect::new(0, 0, width, height)),
            Edit::Upload => None,
        }
    }

    /// Writes it into `t` through the accessor it names, texel `i` of the
    /// texture taking `P::sample(seed + i)`.
    fn apply<P: Sample>(&self, t: &mut Texture2d<P>) {
        let Some(rect) = self.rect(t.width(), t.height()) else { return };
        let width = t.width();
        let value = |x: usize, y: usize, seed: u32| P::sample(seed.wrapping_add((y * width + x) as u32));
        match *self {
            Edit::Texel(.., seed) => *t.texel_mut(rect.x, rect.y) = value(rect.x, rect.y, seed),
            Edit::Region(.., seed) => {
                for (y, row) in (rect.y..).zip(t.region_mut(rect)) {
                    for (x, texel) in (rect.x..).zip(row) {
                        *texel = value(x, y, seed);
                    }
                }
            }
            Edit::Row(_, seed) => {
                for (x, texel) in t.row_mut(rect.y).iter_mut().enumerate() {
                    *texel = value(x, rect.y, seed);
                }
            }
            Edit::Fill(seed) => t.fill(P::sample(seed)),
            Edit::Upload => {}
        }
    }
}

/// Texel values that survive a trip through the GPU unchanged (whole
/// channels, floats exactly representable), and that differ from zero.
trait Sample: Texel + PartialEq + Debug {
    fn sample(seed: u32) -> Self;
}

impl Sample for u8 {
    fn sample(seed: u32) -> Self {
        (seed % 255) as u8 + 1
    }
}

impl Sample for u16 {
    fn sample(seed: u32) -> Self {
        (seed % 65535) as u16 + 1
    }
}

impl Sample for f32 {
    fn sample(seed: u32) -> Self {
        (seed % 4096) as f32 / 16.0 - 127.5
    }
}

impl<const N: usize> Sample for [u8; N]
where
    [u8; N]: Texel,
{
    fn sample(seed: u32) -> Self {
        core::array::from_fn(|c| u8::sample(seed.wrapping_mul(31).wrapping_add(c as u32 * 7)))
    }
}

impl<const N: usize> Sample for [f32; N]
where
    [f32; N]: Texel,
{
    fn sample(seed: u32) -> Self {
        core::array::from_fn(|c| f32::sample(seed.wrapping_mul(31).wrapping_add(c as u32 * 7)))
    }
}

/// `UploadCosts` from the ordinary to the absurd: free calls or bytes,
/// infinite, negative or NaN costs, whole writes free or dearer.
fn odd_costs() -> impl Strategy<Value = UploadCosts> {
    let ns = prop_oneof![Just(0.0), Just(f64::INFINITY), Just(-1.0), Just(f64::NAN), 0.0..1e7f64];
    let byte_ns = prop_oneof![Just(0.0), Just(1e-9), Just(f64::INFINITY), 0.0..10.0f64];
    let whole_factor = prop_oneof![Just(0.0), Just(1.0), Just(50.0), 0.0..2.0f64];
    (ns, byte_ns, whole_factor).prop_map(|(call_ns, byte_ns, whole_factor)| UploadCosts {
        call_ns,
        byte_ns,
        whole_factor,
    })
}

/// Every policy the planner has, `Coalesce` with no gap and with `gap`
/// bytes, `Auto` with the default costs and with `costs`.
fn policies(gap: usize, costs: UploadCosts) -> [(MergePolicy, UploadCosts); 5] {
    let default = UploadCosts::default();
    [
        (MergePolicy::Extent, default),
        (MergePolicy::Coalesce { max_gap: 0 }, default),
        (MergePolicy::Coalesce { max_gap: gap }, default),
        (MergePolicy::Auto, default),
        (MergePolicy::Auto, costs),
    ]
}

/// The bounding rectangle of the marked texels, found texel by texel.
fn bounding_box(marks: &[bool], width: usize) -> Option<Rect> {
    let texels: Vec<(usize, usize)> = (0..marks.len()).filter(|&i| marks[i]).map(|i| (i % width, i / width)).collect();
    let (x0, x1) = (texels.iter().map(|t| t.0).min()?, texels.iter().map(|t| t.0).max()?);
    let (y0, y1) = (texels.iter().map(|t| t.1).min()?, texels.iter().map(|t| t.1).max()?);
    Some(Rect::new(x0, y0, x1 - x0 + 1, y1 - y0 + 1))
}

/// Checks that `plan` is inside the image, sorted by (y, x), pairwise
/// disjoint and covers every marked texel; returns how many times each
/// texel is covered.
fn check_plan(plan: &[Rect], marks: &[bool], width: usize, height: usize) -> Result<Vec<u8>, TestCaseError> {
    prop_assert_eq!(plan.is_empty(), !marks.contains(&true), "a plan iff something was written: {:?}", plan);
    let mut covered = vec![0u8; marks.len()];
    for rect in plan {
        prop_assert!(!rect.is_empty(), "empty {:?} in {:?}", rect, plan);
        prop_assert!(rect.right() <= width && rect.bottom() <= height, "{:?} outside {}x{}", rect, width, height);
        for y in rect.y..rect.bottom() {
            for x in rect.x..rect.right() {
                covered[y * width + x] += 1;
                prop_assert!(covered[y * width + x] == 1, "texel ({}, {}) sent twice by {:?}", x, y, plan);
            }
        }
    }
    for pair in plan.windows(2) {
        prop_assert!((pair[0].y, pair[0].x) < (pair[1].y, pair[1].x), "not sorted by (y, x): {:?}", plan);
    }
    for (i, (&marked, &cover)) in marks.iter().zip(&covered).enumerate() {
        prop_assert!(!marked || cover == 1, "written texel ({}, {}) not sent by {:?}", i % width, i / width, plan);
    }
    Ok(covered)
}

/// Checks what `Coalesce` promises beyond a valid plan: each rectangle row
/// starts and ends on a written texel and bridges gaps of at most `gap`
/// texels; runs on one row farther apart stay apart; a rectangle does not
/// continue exactly on the row below it.
fn check_coalesced(plan: &[Rect], marks: &[bool], width: usize, gap: usize) -> Result<(), TestCaseError> {
    for rect in plan {
        for y in rect.y..rect.bottom() {
            let row = &marks[y * width + rect.x..y * width + rect.right()];
            prop_assert!(row[0] && row[row.len() - 1], "{:?} row {} does not start and end on writes", rect, y);
            let longest_gap = row.split(|&m| m).map(<[bool]>::len).max().unwrap_or(0);
            prop_assert!(longest_gap <= gap, "{:?} row {} bridges {} clean texels > {}", rect, y, longest_gap, gap);
        }
        let below = plan.iter().find(|r| r.y == rect.bottom() && r.x == rect.x && r.width == rect.width);
        prop_assert!(below.is_none(), "{:?} continues as {:?}: one rectangle", rect, below);
    }
    for a in plan {
        for b in plan.iter().filter(|b| b.x >= a.right() && b.y < a.bottom() && a.y < b.bottom()) {
            prop_assert!(b.x - a.right() > gap, "{:?} and {:?} are {} texels apart on a row", a, b, b.x - a.right());
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn plans_cover_every_written_texel_inside_the_texture(
        width in prop_oneof![Just(1usize), Just(13usize), 1..150usize],
        height in prop_oneof![Just(1usize), 1..40usize],
        texel in prop::sample::select(vec![1usize, 2, 3, 4, 8, 12, 16]),
        edits in prop::collection::vec(write(), 0..10),
        gap in 1..100usize,
        costs in odd_costs(),
    ) {
        let mut t = Texture2d::<[u8; 3]>::zeros(width, height);
        prop_assert_eq!(t.take_dirty(), Some(Rect::new(0, 0, width, height)));
        let mut marks = vec![false; width * height];
        let mut bits = DirtyBits::new(width * height, 1);
        for edit in &edits {
            edit.apply(&mut t);
            let rect = edit.rect(width, height).expect("a write");
            for y in rect.y..rect.bottom() {
                marks[y * width + rect.x..y * width + rect.right()].fill(true);
                bits.mark_records(y * width + rect.x..y * width + rect.right());
            }
        }
        // The accessors wrote exactly the texels they marked.
        for (i, (texel, &marked)) in t.as_slice().iter().zip(&marks).enumerate() {
            prop_assert_eq!(*texel != [0; 3], marked, "texel ({}, {})", i % width, i / width);
        }
        let dirty = bounding_box(&marks, width);
        prop_assert_eq!(t.dirty_rect(), dirty);
        prop_assert_eq!(t.upload_plan(), vec![Rect::new(0, 0, width, height)], "no GPU copy yet: all of it");

        for (policy, costs) in policies(gap, costs) {
            let plan = plan_rects(&bits, width, texel, policy, &costs);
            let covered = check_plan(&plan, &marks, width, height)
                .map_err(|e| TestCaseError::fail(format!("{policy:?} {costs:?}: {e}")))?;
            match policy {
                MergePolicy::Extent => prop_assert_eq!(plan, dirty.into_iter().collect::<Vec<_>>()),
                MergePolicy::Coalesce { max_gap } => {
                    check_coalesced(&plan, &marks, width, max_gap / texel)
                        .map_err(|e| TestCaseError::fail(format!("{policy:?} texel {texel}: {e}")))?;
                    if max_gap < texel {
                        prop_assert!(covered.iter().zip(&marks).all(|(&c, &m)| (c == 1) == m), "only written texels: {:?}", plan);
                    }
                }
                _ => {}
            }
        }
        prop_assert_eq!(t.take_dirty(), dirty);
        prop_assert_eq!(t.dirty_rect(), None);
    }
}

// ---------------------------------------------------------------------------
// Random writes, uploaded and read back
// ---------------------------------------------------------------------------

thread_local! {
    static CONTEXT: HeadlessContext = context();
}

/// Uploads `t` and checks that exactly its plan of a moment before went
/// out, and that the GPU copy is now the CPU one.
fn upload_and_compare<P: Sample>(ctx: &HeadlessContext, t: &mut Texture2d<P>) -> Result<(), TestCaseError> {
    let (plan, before) = (t.upload_plan(), t.stats());
    t.upload(ctx).unwrap();
    let after = t.stats();
    let bytes: usize = plan.iter().map(|rect| rect.area() * size_of::<P>()).sum();
    prop_assert_eq!(after.upload_calls - before.upload_calls, plan.len() as u64, "one call a rectangle of {:?}", plan);
    prop_assert_eq!(after.bytes_uploaded - before.bytes_uploaded, bytes as u64, "the bytes of {:?}", plan);
    prop_assert_eq!(t.upload_plan(), vec![]);
    prop_assert!(t.drawable(ctx).is_ok(), "nothing pending after an upload");
    prop_assert_eq!(t.read_gpu(ctx).unwrap(), t.as_slice(), "the GPU copy after {:?}", plan);
    Ok(())
}

/// A `width` × `height` texture of texels `P` uploaded, edited by `edits`
/// (with uploads among them), uploaded: the GPU holds the CPU copy after
/// every upload, under every policy.
fn gpu_copy_mirrors<P: Sample>(
    width: usize,
    height: usize,
    seed: u32,
    edits: &[Edit],
    gap: usize,
    costs: UploadCosts,
) -> Result<(), TestCaseError> {
    CONTEXT.with(|ctx| {
        for (policy, costs) in policies(gap, costs) {
            let texels =
                (0..width * height).map(|i| P::sample(seed.wrapping_add((i as u32).wrapping_mul(7919)))).collect();
            let mut t = Texture2d::from_vec(width, height, texels).unwrap();
            t.set_policy(policy);
            t.set_upload_costs(costs);
            upload_and_compare(ctx, &mut t)?;
            for edit in edits {
                match edit {
                    Edit::Upload => upload_and_compare(ctx, &mut t)?,
                    _ => edit.apply(&mut t),
                }
            }
            upload_and_compare(ctx, &mut t)
                .map_err(|e| TestCaseError::fail(format!("{width}x{height}, {policy:?} {costs:?}: {e}")))?;
        }
        Ok(())
    })
}

proptest! {
    // 24 cases a texel type, each under five policies with up to 24 edits:
    // a few thousand uploads, each checked against the GPU.
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn gpu_copy_mirrors_u8_at_odd_widths(
        width in prop_oneof![Just(13usize), (0..12usize).prop_map(|k| 2 * k + 1)],
        height in 1..10usize, seed in any::<u32>(), edits in prop::collection::vec(edit(), 0..24),
        gap in 1..64usize, costs in odd_costs(),
    ) {
        gpu_copy_mirrors::<u8>(width, height, seed, &edits, gap, costs)?;
    }

    #[test]
    fn gpu_copy_mirrors_u8x2(
        width in 1..24usize, height in 1..10usize, seed in any::<u32>(),
        edits in prop::collection::vec(edit(), 0..24), gap in 1..64usize, costs in odd_costs(),
    ) {
        gpu_copy_mirrors::<[u8; 2]>(width, height, seed, &edits, gap, costs)?;
    }

    #[test]
    fn gpu_copy_mirrors_u8x3(
        width in 1..24usize, height in 1..10usize, seed in any::<u32>(),
        edits in prop::collection::vec(edit(), 0..24), gap in 1..64usize, costs in odd_costs(),
    ) {
        gpu_copy_mirrors::<[u8; 3]>(width, height, seed, &edits, gap, costs)?;
    }

    #[test]
    fn gpu_copy_mirrors_u8x4(
        width in 1..24usize, height in 1..10usize, seed in any::<u32>(),
        edits in prop::collection::vec(edit(), 0..24), gap in 1..64usize, costs in odd_costs(),
    ) {
        gpu_copy_mirrors::<[u8; 4]>(width, height, seed, &edits, gap, costs)?;
    }

    #[test]
    fn gpu_copy_mirrors_u16(
        width in 1..24usize, height in 1..10usize, seed in any::<u32>(),
        edits in prop::collection::vec(edit(), 0..24), gap in 1..64usize, costs in odd_costs(),
    ) {
        gpu_copy_mirrors::<u16>(width, height, seed, &edits, gap, costs)?;
    }

    #[test]
    fn gpu_copy_mirrors_f32(
        width in 1..24usize, height in 1..10usize, seed in any::<u32>(),
        edits in prop::collection::vec(edit(), 0..24), gap in 1..64usize, costs in odd_costs(),
    ) {
        gpu_copy_mirrors::<f32>(width, height, seed, &edits, gap, costs)?;
    }

    #[test]
    fn gpu_copy_mirrors_f32x2(
        width in 1..24usize, height in 1..10usize, seed in any::<u32>(),
        edits in prop::collection::vec(edit(), 0..24), gap in 1..64usize, costs in odd_costs(),
    ) {
        gpu_copy_mirrors::<[f32; 2]>(width, height, seed, &edits, gap, costs)?;
    }

    #[test]
    fn gpu_copy_mirrors_f32x3(
        width in 1..24usize, height in 1..10usize, seed in any::<u32>(),
        edits in prop::collection::vec(edit(), 0..24), gap in 1..64usize, costs in odd_costs(),
    ) {
        gpu_copy_mirrors::<[f32; 3]>(width, height, seed, &edits, gap, costs)?;
    }

    #[test]
    fn gpu_copy_mirrors_f32x4(
        width in 1..24usize, height in 1..10usize, seed in any::<u32>(),
        edits in prop::collection::vec(edit(), 0..24), gap in 1..64usize, costs in odd_costs(),
    ) {
        gpu_copy_mirrors::<[f32; 4]>(width, height, seed, &edits, gap, costs)?;
    }
}

// ---------------------------------------------------------------------------
// Sampling in a draw
// ---------------------------------------------------------------------------

const SAMPLING_VERTEX_SHADER: &str = "#version 330 core
in vec2 position;
out vec2 v_tex;
void main() { v_tex = (position + 1.0) / 2.0; gl_Position = vec4(position, 0.0, 1.0); }";

const SAMPLING_FRAGMENT_SHADER: &str = "#version 330 core
uniform sampler2D tex;
in vec2 v_tex;
out vec4 frag;
void main() { frag = texture(tex, v_tex); }";

#[derive(Clone, Copy, Vertex)]
#[repr(C)]
struct Corner {
    position: [f32; 2],
}

/// Draws `texture` over all of `target` (the same size), texel for pixel.
fn draw_sampled(ctx: &HeadlessContext, texture: &glium::Texture2d, target: &glium::Texture2d) {
    let program = Program::from_source(ctx, SAMPLING_VERTEX_SHADER, SAMPLING_FRAGMENT_SHADER, None).unwrap();
    let corners = [[-1.0, -1.0], [1.0, -1.0], [-1.0, 1.0], [1.0, 1.0]];
    let mut quad = VertexBuffer::<Corner>::from_fn([4], |[i]| Corner { position: corners[i] });
    let sampler =
        texture.sampled().magnify_filter(MagnifySamplerFilter::Nearest).minify_filter(MinifySamplerFilter::Nearest);
    let strip = index::NoIndices(index::PrimitiveType::TriangleStrip);
    let mut surface = target.as_surface();
    surface.clear_color(0.5, 0.5, 0.5, 0.5);
    surface
        .draw(quad.bind(ctx).unwrap(), strip, &program, &glium::uniform! { tex: sampler }, &Default::default())
        .unwrap();
}

/// The texels of `t` as an RGBA8 target shows them, bottom row first.
fn expected_image(t: &Texture2d<[u8; 4]>) -> Vec<Vec<(u8, u8, u8, u8)>> {
    t.as_slice().chunks(t.width()).map(|row| row.iter().map(|&[r, g, b, a]| (r, g, b, a)).collect()).collect()
}

#[test]
fn a_bound_texture_samples_its_texels_and_shows_an_edit() {
    let ctx = context();
    // Not square, so that a swapped x and y shows.
    let (width, height) = (7, 5);
    let target = glium::Texture2d::empty_with_format(
        &ctx,
        UncompressedFloatFormat::U8U8U8U8,
        MipmapsOption::NoMipmap,
        width as u32,
        height as u32,
    )
    .unwrap();
    let mut t = Texture2d::<[u8; 4]>::zeros(width, height);
    *t.texel_mut(0, 0) = [255, 0, 0, 255];
    *t.texel_mut(6, 0) = [0, 255, 0, 255];
    *t.texel_mut(2, 4) = [0, 0, 255, 255];
    *t.texel_mut(5, 3) = [10, 20, 30, 40];

    draw_sampled(&ctx, t.bind(&ctx).unwrap(), &target);
    assert_eq!(pixel(&target, 0, 0), (255, 0, 0, 255), "row y = 0 is sampled at t = 0: the bottom row");
    assert_eq!(pixel(&target, 6, 0), (0, 255, 0, 255));
    assert_eq!(pixel(&target, 2, 4), (0, 0, 255, 255));
    assert_eq!(pixel(&target, 5, 3), (10, 20, 30, 40));
    assert_eq!(pixel(&target, 3, 2), (0, 0, 0, 0), "an unwritten texel");
    let image: Vec<Vec<(u8, u8, u8, u8)>> = target.read();
    assert_eq!(image, expected_image(&t), "every pixel is its texel");

    *t.texel_mut(3, 2) = [1, 2, 3, 4];
    let before = t.stats();
    draw_sampled(&ctx, t.bind(&ctx).unwrap(), &target);
    assert_eq!(pixel(&target, 3, 2), (1, 2, 3, 4), "the next draw shows the edit");
    assert_eq!(pixel(&target, 5, 3), (10, 20, 30, 40), "and keeps the rest");
    let image: Vec<Vec<(u8, u8, u8, u8)>> = target.read();
    assert_eq!(image, expected_image(&t));
    assert_eq!(
        (t.stats().upload_calls - before.upload_calls, t.stats().bytes_uploaded - before.bytes_uploaded),
        (1, 4)
    );

    // The shared-borrow path: upload, then draw from `drawable`.
    *t.texel_mut(6, 4) = [9, 8, 7, 6];
    assert!(matches!(t.drawable(&ctx), Err(Error::PendingWrites)));
    t.upload(&ctx).unwrap();
    draw_sampled(&ctx, t.drawable(&ctx).unwrap(), &target);
    assert_eq!(pixel(&target, 6, 4), (9, 8, 7, 6));
    let image: Vec<Vec<(u8, u8, u8, u8)>> = target.read();
    assert_eq!(image, expected_image(&t));
}

#[test]
fn a_one_channel_texture_at_an_odd_width_samples_its_texels() {
    // 13 one-byte texels a row: rows are not a multiple of 4 bytes.
    let ctx = context();
    let (width, height) = (13, 3);
    let target = glium::Texture2d::empty_with_format(
        &ctx,
        UncompressedFloatFormat::U8U8U8U8,
        MipmapsOption::NoMipmap,
        width as u32,
        height as u32,
    )
    .unwrap();
    let texels: Vec<u8> = (0..width * height).map(|i| (i * 5 + 1) as u8).collect();
    let mut t = Texture2d::from_vec(width, height, texels).unwrap();
    t.upload(&ctx).unwrap();
    for row in t.region_mut(Rect::new(4, 1, 5, 2)) {
        row.fill(200);
    }
    draw_sampled(&ctx, t.bind(&ctx).unwrap(), &target);
    let image: Vec<Vec<(u8, u8, u8, u8)>> = target.read();
    let expected: Vec<Vec<(u8, u8, u8, u8)>> =
        t.as_slice().chunks(width).map(|row| row.iter().map(|&r| (r, 0, 0, 255)).collect()).collect();
    assert_eq!(image, expected, "red is the texel, green and blue 0, alpha 1");
}

// ---------------------------------------------------------------------------
// A row a frame, with its trace
// ---------------------------------------------------------------------------

/// The id in a `GPU: Creating texture (id=N)` line.
fn created_id(line: &str) -> u64 {
    let id = line.strip_prefix("GPU: Creating texture (id=").and_then(|rest| rest.strip_suffix(')'));
    id.and_then(|id| id.parse().ok()).unwrap_or_else(|| panic!("not a texture creation: {line:?}"))
}

#[test]
fn one_row_a_frame_sends_one_row() {
    capture();
    let ctx = context();
    let (width, height) = (1024, 512);
    for policy in [MergePolicy::default(), MergePolicy::Auto] {
        let mut t = Texture2d::<f32>::zeros(width, height);
        t.set_policy(policy);
        t.upload(&ctx).unwrap();
        let trace = take_lines();
        let id = created_id(&trace[0]);
        let whole = width * height * 4;
        assert_eq!(
            trace[1..],
            [format!("GPU: Updating texture (id={id}): 0,0 1024x512, {whole} bytes ({whole} written)")]
        );

        for frame in 0..12 {
            let y = (frame * 67 + 5) % height;
            let before = t.stats();
            t.row_mut(y).fill(frame as f32 + 0.5);
            t.upload(&ctx).unwrap();
            let after = t.stats();
            let row_bytes = (width * size_of::<f32>()) as u64;
            assert_eq!(after.upload_calls - before.upload_calls, 1, "{policy:?} frame {frame}");
            assert_eq!(after.bytes_uploaded - before.bytes_uploaded, row_bytes, "{policy:?} frame {frame}");
            assert_eq!(after.bytes_written - before.bytes_written, row_bytes, "{policy:?} frame {frame}");
            assert_eq!(after.buffers_created, 1);
            assert_eq!(
                take_lines(),
                [format!("GPU: Updating texture (id={id}): 0,{y} 1024x1, 4096 bytes (4096 written)")]
            );
        }
        let gpu = t.read_gpu(&ctx).unwrap();
        assert!(gpu == t.as_slice(), "{policy:?}: the GPU copy holds every row sent");
        assert_eq!(gpu[(11 * 67 + 5) % height * width], 11.5);
    }
}

#[test]
fn design_example_trace() {
    capture();
    let ctx = context();
    let mut t = Texture2d::<[u8; 4]>::zeros(64, 32);
    assert_eq!(take_lines(), Vec::<String>::new(), "no GPU operation before the first upload");
    t.take_dirty();
    t.bind(&ctx).unwrap();
    *t.texel_mut(3, 2) = [255, 0, 0, 255];
    *t.texel_mut(10, 5) = [0, 255, 0, 255];
    t.bind(&ctx).unwrap();
    t.bind(&ctx).unwrap();
    let trace = take_lines();
    let id = created_id(&trace[0]);
    let expected = [
        format!("GPU: Creating texture (id={id})"),
        format!("GPU: Updating texture (id={id}): 0,0 64x32, 8192 bytes (0 written)"),
        format!("GPU: Activating texture (id={id})"),
        format!("GPU: Updating texture (id={id}): 3,2 8x4, 128 bytes (8 written)"),
        format!("GPU: Activating texture (id={id})"),
        format!("GPU: Activating texture (id={id})"),
    ];
    assert_eq!(trace, expected);
}

#[test]
fn drawing_through_a_shared_borrow_traces_the_texture() {
    capture();
    let ctx = context();
    let mut t = Texture2d::<u8>::zeros(4, 4);
    t.upload(&ctx).unwrap();
    let id = created_id(&take_lines()[0]);
    t.drawable(&ctx).unwrap();
    assert_eq!(take_lines(), [format!("GPU: Activating texture (id={id})")]);
}

// ---------------------------------------------------------------------------
// Bad input
// ---------------------------------------------------------------------------

/// The message `f` panics with.
fn panic_message(f: impl FnOnce()) -> String {
    let payload = catch_unwind(AssertUnwindSafe(f)).expect_err("it panics");
    match (payload.downcast_ref::<String>(), payload.downcast_ref::<&str>()) {
        (Some(message), _) => message.clone(),
        (None, Some(message)) => (*message).to_owned(),
        (None, None) => String::new(),
    }
}

#[test]
fn out_of_bounds_accessors_panic_with_the_coordinates_and_size() {
    let mut t = Texture2d::<[u8; 2]>::zeros(8, 4);
    t.take_dirty();
    *t.texel_mut(1, 1) = [1, 1];
    let dirty = Some(Rect::new(1, 1, 1, 1));

    let message = panic_message(|| {
        let _ = t.texel(8, 0);
    });
    assert!(message.contains("(8, 0)") && message.contains("out of bounds") && message.contains("8x4"), "{message}");
    let message = panic_message(|| {
        let _ = t.texel(0, 4);
    });
    assert!(message.contains("(0, 4)") && message.contains("out of bounds"), "{message}");
    let message = panic_message(|| {
        let _ = t.texel_mut(9, 3);
    });
    assert!(message.contains("(9, 3)") && message.contains("out of bounds") && message.contains("8x4"), "{message}");
    assert_eq!(t.dirty_rect(), dirty, "a refused texel_mut marks nothing");
    let message = panic_message(|| {
        let _ = t.row_mut(4);
    });
    assert!(message.contains("row 4") && message.contains("out of bounds") && message.contains("4 rows"), "{message}");
    assert_eq!(t.dirty_rect(), dirty, "a refused row_mut marks nothing");
    for rect in [Rect::new(6, 2, 3, 1), Rect::new(0, 3, 1, 2), Rect::new(9, 0, 0, 0), Rect::new(2, 0, usize::MAX, 1)] {
        let message = panic_message(|| {
            let _ = t.region_mut(rect);
        });
        assert!(message.contains(&format!("{rect:?}")) && message.contains("out of bounds"), "{message}");
        assert!(message.contains("8x4"), "{message}");
        assert_eq!(t.dirty_rect(), dirty, "a refused region_mut({rect:?}) marks nothing");
    }
}

#[test]
fn out_of_bounds_twins_return_none_and_mark_nothing() {
    let mut t = Texture2d::<[u8; 2]>::zeros(8, 4);
    t.take_dirty();
    *t.texel_mut(1, 1) = [1, 1];
    let dirty = Some(Rect::new(1, 1, 1, 1));
    for (x, y) in [(8, 0), (0, 4), (usize::MAX, usize::MAX)] {
        assert_eq!(t.get_texel(x, y), None, "({x}, {y})");
        assert_eq!(t.get_texel_mut(x, y), None, "({x}, {y})");
    }
    assert_eq!(t.get_row_mut(4), None);
    assert_eq!(t.get_row_mut(usize::MAX), None);
    for rect in [
        Rect::new(6, 2, 3, 1),
        Rect::new(0, 3, 1, 2),
        Rect::new(9, 0, 0, 0),
        Rect::new(2, 0, usize::MAX, 1),
        Rect::new(usize::MAX, usize::MAX, 2, 2),
    ] {
        assert!(t.try_region_mut(rect).is_none(), "{rect:?}");
    }
    assert_eq!(t.dirty_rect(), dirty, "refused accesses mark nothing");

    // Inside, the twins answer and mark like the panicking accessors.
    assert_eq!(t.get_texel(7, 3), Some(&[0, 0]));
    *t.get_texel_mut(7, 3).unwrap() = [2, 2];
    assert_eq!(t.get_row_mut(0).map(|row| row.len()), Some(8));
    assert_eq!(t.dirty_rect(), Some(Rect::new(0, 0, 8, 4)));
    assert_eq!(t.try_region_mut(Rect::new(8, 4, 0, 0)).map(|rows| rows.count()), Some(0), "an empty corner fits");
}

#[test]
fn a_zero_width_texture_has_its_rows() {
    let mut t = Texture2d::<f32>::zeros(0, 5);
    assert_eq!((t.width(), t.height()), (0, 5));
    assert_eq!(t.get_row_mut(2).map(|row| row.len()), Some(0), "row 2 of 5 exists, empty");
    assert_eq!(t.region_mut(Rect::new(0, 1, 0, 3)).len(), 3, "three empty rows");
    assert_eq!(t.dirty_rect(), None, "no texel to write");
}

#[test]
fn from_vec_with_a_wrong_length_is_a_shape_mismatch() {
    let error = Texture2d::from_vec(4, 3, vec![0u16; 11]).unwrap_err();
    assert!(
        matches!(error, Error::ShapeMismatch { ref shape, expected: 12, actual: 11 } if *shape == [4, 3]),
        "{error:?}"
    );
    assert!(matches!(
        Texture2d::from_vec(4, 3, vec![0f32; 13]),
        Err(Error::ShapeMismatch { expected: 12, actual: 13, .. })
    ));
    assert!(matches!(Texture2d::<u8>::from_vec(usize::MAX, 2, vec![]), Err(Error::ShapeOverflow { .. })));
    assert!(matches!(Texture2d::<[f32; 4]>::try_zeros(usize::MAX / 8, 2), Err(Error::ShapeOverflow { .. })));
    let t = Texture2d::from_vec(4, 3, (0..12u16).collect()).unwrap();
    assert_eq!(*t.texel(1, 2), 9, "row after row");
}

#[test]
fn textures_gl_cannot_create_are_errors_not_panics() {
    let ctx = context();
    for (width, height) in [(0, 0), (0, 5), (5, 0)] {
        let mut t = Texture2d::<[u8; 4]>::zeros(width, height);
        assert_eq!(t.upload_plan(), vec![], "{width}x{height}: nothing to send");
        assert!(matches!(t.bind(&ctx), Err(Error::BufferCreation(_))), "{width}x{height}");
        assert!(matches!(t.upload(&ctx), Err(Error::BufferCreation(_))), "{width}x{height}");
        assert!(matches!(t.read_gpu(&ctx), Err(Error::NotUploaded)), "{width}x{height}");
        assert_eq!(t.stats().buffers_created, 0);
    }
    // Wider than any GL implementation allows (llvmpipe: 16384).
    let mut wide = Texture2d::<u8>::zeros(1 << 20, 1);
    let bound = wide.bind(&ctx).map(drop);
    assert!(matches!(bound, Err(Error::BufferCreation(_))), "{bound:?}");
}

#[test]
fn a_second_context_is_refused() {
    let (a, b) = (context(), context());
    let mut t = Texture2d::<f32>::zeros(4, 4);
    t.upload(&a).unwrap();
    *t.texel_mut(2, 1) = 1.0;
    assert!(matches!(t.bind(&b), Err(Error::ContextMismatch)));
    assert!(matches!(t.upload(&b), Err(Error::ContextMismatch)));
    assert!(matches!(t.read_gpu(&b), Err(Error::ContextMismatch)));
    assert!(matches!(t.drawable(&b), Err(Error::ContextMismatch)));
    assert_eq!(t.dirty_rect(), Some(Rect::new(2, 1, 1, 1)), "a refused bind keeps the pending writes");
    t.bind(&a).unwrap();
    assert_eq!(t.read_gpu(&a).unwrap(), t.as_slice());
    assert!(matches!(t.drawable(&b), Err(Error::ContextMismatch)), "clean, still another context's");
}

#[test]
fn drawable_needs_an_upload_and_no_pending_writes() {
    let ctx = context();
    let mut t = Texture2d::<[u8; 3]>::zeros(5, 3);
    assert!(matches!(t.drawable(&ctx), Err(Error::NotUploaded)));
    assert!(matches!(t.read_gpu(&ctx), Err(Error::NotUploaded)));
    t.upload(&ctx).unwrap();
    assert!(t.drawable(&ctx).is_ok());
    *t.texel_mut(4, 2) = [1, 2, 3];
    assert!(matches!(t.drawable(&ctx), Err(Error::PendingWrites)));
    t.upload(&ctx).unwrap();
    assert!(t.drawable(&ctx).is_ok());
    t.row_mut(0)[0] = [7, 7, 7];
    assert!(matches!(t.drawable(&ctx), Err(Error::PendingWrites)));
    t.take_dirty();
    assert!(t.drawable(&ctx).is_ok(), "forgotten writes are not pending");
}
