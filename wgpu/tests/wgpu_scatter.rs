//! Scattered wgpu buffers with no logger: uploads whose plan is each dirty
//! record go through the one-pass path (records found, cleared and packed
//! in one pass over the pending bits), which a trace turns off (it shows
//! each run, as the plan gives them). tests/wgpu_buffers.rs captures the
//! trace, so its scatters take the plan's path; these take the other,
//! which sends only the words of the dirty fields (the rest of each record
//! is current on the GPU already), and must leave the same bytes on the
//! GPU and count the same runs. Mapped buffers, which copy their plan's
//! runs with the trace off too, run the same edits beside them.

use gloo_runtime::{
    wgpu, GpuStorage, IndexBuffer, MergePolicy, PrimitiveType, UploadStats, Vertex, VertexBuffer, WgpuContext,
};
use proptest::test_runner::TestCaseError;

/// Two fields: two pending bits a record, folded by the pass.
#[derive(Clone, Copy, Debug, PartialEq, Vertex)]
#[repr(C)]
struct Point {
    position: [f32; 2],
    color: [f32; 3],
}

/// Four fields, two of them sharing a word: the pass sends the word
/// whole, its clean half as the CPU holds it.
#[derive(Clone, Copy, Debug, PartialEq, Vertex)]
#[repr(C)]
struct Bytes {
    a: [u8; 2],
    b: [u8; 2],
    c: [u8; 4],
    d: f32,
}

/// Three fields: no power of two, so the plan's path.
#[derive(Clone, Copy, Debug, PartialEq, Vertex)]
#[repr(C)]
struct Three {
    a: f32,
    b: [f32; 2],
    c: u32,
}

fn gpu() -> WgpuContext {
    // Nothing in this binary installs a logger: the trace is off.
    assert_eq!(log::max_level(), log::LevelFilter::Off, "a logger would turn the one-pass path off");
    WgpuContext::headless().unwrap_or_else(|error| panic!("{error}"))
}

fn point(i: usize) -> Point {
    Point { position: [i as f32, 0.5], color: [0.25; 3] }
}

/// The maximal runs of `records` (sorted, distinct).
fn runs_of(records: &[usize]) -> usize {
    records.windows(2).filter(|pair| pair[1] != pair[0] + 1).count() + usize::from(!records.is_empty())
}

/// One upload of scattered edits counts a call a run, as a plan of each
/// run would; the bytes sent are the dirty fields' (the words they lie
/// in), the same as the bytes written; and the GPU holds the records.
#[test]
fn one_pass_scatters_count_each_run_and_send_each_record() {
    let gpu = gpu();
    let mut v = VertexBuffer::<Point>::from_fn([100_000], |[i]| point(i));
    v.set_policy(MergePolicy::Auto);
    v.set_gpu_storage(GpuStorage::Scatter);
    v.upload(&gpu).unwrap();
    assert_eq!(v.active_storage(), Some(GpuStorage::Scatter));
    let mut edited: Vec<usize> = (0..300).map(|k| k * 331 % 100_000).collect();
    // A run of three, and a record with both fields written.
    edited.extend([50_001, 50_002, 50_003]);
    for &i in &edited {
        *v.position_mut(i) = [i as f32, -1.0];
    }
    *v.color_mut(50_002) = [1.0; 3];
    edited.sort_unstable();
    edited.dedup();
    let planned = v.upload_plan();
    assert_eq!(planned.len(), runs_of(&edited), "Auto plans each run of dirty records on a scattered buffer");
    let before = v.stats();
    v.upload(&gpu).unwrap();
    let after = v.stats();
    let sent = UploadStats {
        upload_calls: after.upload_calls - before.upload_calls,
        bytes_uploaded: after.bytes_uploaded - before.bytes_uploaded,
        bytes_written: after.bytes_written - before.bytes_written,
        ..UploadStats::default()
    };
    let expected = UploadStats {
        upload_calls: runs_of(&edited) as u64,
        bytes_uploaded: (edited.len() * 8 + 12) as u64,
        bytes_written: (edited.len() * 8 + 12) as u64,
        ..UploadStats::default()
    };
    assert_eq!(sent, expected);
    assert!(v.upload_plan().is_empty(), "nothing pending after the upload");
    assert_eq!(v.read_gpu(&gpu).unwrap(), v.as_slice());
}

/// 4-byte indices (one slot, one word a record) take the one pass too.
#[test]
fn one_pass_scatters_of_four_byte_indices() {
    let gpu = gpu();
    let mut ib = IndexBuffer::<u32>::from_vec(PrimitiveType::Points, [1 << 19], (0..1 << 19).collect()).unwrap();
    ib.set_policy(MergePolicy::Auto);
    ib.set_gpu_storage(GpuStorage::Scatter);
    ib.upload(&gpu).unwrap();
    assert_eq!(ib.active_storage(), Some(GpuStorage::Scatter));
    for k in 0..500 {
        *ib.at_mut([k * 1009]) = 7;
    }
    ib.upload(&gpu).unwrap();
    assert_eq!(ib.read_gpu(&gpu).unwrap(), ib.as_slice());
}

/// A round of random edits: records and fields to edit, pushes (of 700
/// records each) and the policy.
type Round = (Vec<(usize, usize)>, usize, usize);

/// What a buffer that asks for `storage` gets here: `Mapped` where the
/// device maps vertex buffers, else a dynamic one; `Scatter` as asked.
fn storage_here(gpu: &WgpuContext, storage: GpuStorage) -> GpuStorage {
    let maps = gpu.device().features().contains(wgpu::Features::MAPPABLE_PRIMARY_BUFFERS);
    match storage {
        GpuStorage::Mapped if !maps => GpuStorage::Dynamic,
        other => other,
    }
}

/// Random edits, growth and uploads of buffers of `storage` of two, three
/// and four fields, by every policy: after each upload the GPU holds what
/// the CPU does, and nothing is pending.
fn uploads_match_the_records(gpu: &WgpuContext, storage: GpuStorage, rounds: &[Round]) -> Result<(), TestCaseError> {
    let policies = [
        MergePolicy::Extent,
        MergePolicy::Coalesce { max_gap: 0 },
        MergePolicy::Coalesce { max_gap: 64 },
        MergePolicy::Auto,
    ];
    let mut points = VertexBuffer::<Point>::from_fn([5000], |[i]| point(i));
    let mut threes = VertexBuffer::<Three>::from_fn([5000], |[i]| Three { a: i as f32, b: [0.0; 2], c: 0 });
    let byte = |i: usize| Bytes { a: [i as u8; 2], b: [(i >> 8) as u8; 2], c: [3; 4], d: i as f32 };
    let mut bytes = VertexBuffer::<Bytes>::from_fn([5000], |[i]| byte(i));
    points.set_gpu_storage(storage);
    threes.set_gpu_storage(storage);
    bytes.set_gpu_storage(storage);
    points.upload(gpu).unwrap();
    threes.upload(gpu).unwrap();
    bytes.upload(gpu).unwrap();
    for (round, (edits, pushes, policy)) in rounds.iter().enumerate() {
        points.set_policy(policies[*policy]);
        threes.set_policy(policies[*policy]);
        bytes.set_policy(policies[*policy]);
        for _ in 0..pushes * 700 {
            points.push(point(points.len()));
            threes.push(Three { a: -1.0, b: [1.0; 2], c: 2 });
            bytes.push(byte(bytes.len()));
        }
        for &(at, field) in edits {
            if at < points.len() {
                match field {
                    0 => *points.position_mut(at) = [round as f32, at as f32],
                    _ => *points.color_mut(at) = [round as f32; 3],
                }
            }
            if at < threes.len() {
                match field {
                    0 => *threes.a_mut(at) = round as f32,
                    1 => *threes.b_mut(at) = [at as f32; 2],
                    _ => *threes.c_mut(at) = round as u32,
                }
            }
            if at < bytes.len() {
                let value = (round + at) as u8;
                match (field + at) % 4 {
                    0 => *bytes.a_mut(at) = [value, 1],
                    1 => *bytes.b_mut(at) = [2, value],
                    2 => *bytes.c_mut(at) = [value; 4],
                    _ => *bytes.d_mut(at) = f32::from(value),
                }
            }
        }
        points.upload(gpu).unwrap();
        threes.upload(gpu).unwrap();
        bytes.upload(gpu).unwrap();
        proptest::prop_assert_eq!(points.active_storage(), Some(storage_here(gpu, storage)));
        proptest::prop_assert_eq!(points.read_gpu(gpu).unwrap(), points.as_slice());
        proptest::prop_assert_eq!(threes.read_gpu(gpu).unwrap(), threes.as_slice());
        proptest::prop_assert_eq!(bytes.read_gpu(gpu).unwrap(), bytes.as_slice());
        proptest::prop_assert!(points.upload_plan().is_empty() && threes.upload_plan().is_empty());
        proptest::prop_assert!(bytes.upload_plan().is_empty());
    }
    Ok(())
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 12, ..Default::default() })]

    /// [`uploads_match_the_records`] on scattered buffers, then on mapped
    /// ones.
    #[test]
    fn one_pass_uploads_without_a_trace_match_the_records(
        rounds in proptest::collection::vec(
            (proptest::collection::vec((0usize..6000, 0usize..3), 0..400), 0usize..3, 0usize..4),
            1..5,
        ),
    ) {
        let gpu = gpu();
        uploads_match_the_records(&gpu, GpuStorage::Scatter, &rounds)?;
        uploads_match_the_records(&gpu, GpuStorage::Mapped, &rounds)?;
    }
}

/// Edits the first 32nd of the records does not show: `Auto` counts the
/// runs there, finds them cheap, and learns only in the pass that the
/// rest cost more than the whole buffer, which it then sends, as its plan
/// says: through the scatter, and into a mapping.
#[test]
fn one_pass_uploads_send_the_whole_buffer_where_the_plan_does() {
    let gpu = gpu();
    for storage in [GpuStorage::Scatter, GpuStorage::Mapped] {
        whole_buffer_where_the_plan_says(&gpu, storage);
    }
}

fn whole_buffer_where_the_plan_says(gpu: &WgpuContext, storage: GpuStorage) {
    let len = 64_000;
    let mut v = VertexBuffer::<Point>::from_fn([len], |[i]| point(i));
    v.set_policy(MergePolicy::Auto);
    v.set_gpu_storage(storage);
    v.upload(gpu).unwrap();
    assert_eq!(v.active_storage(), Some(storage_here(gpu, storage)));
    // One record in 500 in the first 32nd, every third after it.
    let edited = (0..len / 32).step_by(500).chain((len / 32..len).step_by(3));
    for i in edited {
        *v.color_mut(i) = [0.0, 1.0, 0.0];
    }
    assert_eq!(v.upload_plan(), vec![0..len * 20], "the plan gives up for the whole buffer");
    let before = v.stats();
    v.upload(gpu).unwrap();
    let after = v.stats();
    assert_eq!(
        (after.upload_calls - before.upload_calls, after.bytes_uploaded - before.bytes_uploaded),
        (1, len as u64 * 20),
        "{storage:?}"
    );
    assert!(v.upload_plan().is_empty());
    assert_eq!(v.read_gpu(gpu).unwrap(), v.as_slice());
}
