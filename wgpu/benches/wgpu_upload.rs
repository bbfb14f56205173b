//! benches/upload.rs through wgpu: the per-frame upload of a 1M-vertex
//! (20 MB) buffer after editing a fraction of its vertices, for each merge
//! policy out of the box (a mapped buffer on a device that runs on the CPU,
//! such as lavapipe, else a scattered one where the device runs compute
//! shaders; `Auto` plans with the built-in costs, no calibration asked
//! for), `Auto` on a scattered buffer (what a GPU gets), `Coalesce0` on a
//! dynamic buffer (one `write_buffer` a run, gloo's only way before the
//! scatter), against one whole `queue.write_buffer` of the same data
//! edited in a plain `Vec`. Each
//! frame ends with a submit and a wait for the device, so the GPU's work is
//! inside the time.
//!
//! `cargo bench --bench wgpu_upload` (about five minutes, on the adapter
//! `WgpuContext::headless()` finds: Mesa's lavapipe here). After
//! criterion's own lines it prints two tables, as benches/upload.rs does:
//! criterion's means (each contender's frames back to back), and 51
//! rounds in which the contenders take turns (medians, and the medians of
//! each round's ratios); then the costs `Auto` planned with, and what
//! `calibrate_uploads` measures on this device.

use criterion::{Criterion, SamplingMode};
use gloo_runtime::{wgpu, GpuStorage, MergePolicy, UploadCosts, VertexBuffer, WgpuContext};

#[path = "../../benches/common/mod.rs"]
mod common;
#[path = "../../benches/common/edits.rs"]
mod edits;
use common::{best_other, mean_ns, speedup, summarize, turns, Turns};
use edits::{patterns, point, Point, RECORDS};

/// gloo's contenders: a policy, on a buffer of a storage.
const POLICIES: [(&str, MergePolicy, GpuStorage); 5] = [
    ("Extent", MergePolicy::Extent, GpuStorage::Auto),
    ("Coalesce0", MergePolicy::Coalesce { max_gap: 0 }, GpuStorage::Auto),
    ("Auto", MergePolicy::Auto, GpuStorage::Auto),
    ("Auto scattered", MergePolicy::Auto, GpuStorage::Scatter),
    ("Coalesce0 ranges", MergePolicy::Coalesce { max_gap: 0 }, GpuStorage::Dynamic),
];

/// Auto's place among the policies; the baseline comes after them.
const AUTO: usize = 2;

const BASELINE: &str = "whole write_buffer";

/// Submits what the queue holds and waits for the device.
fn finish(gpu: &WgpuContext) {
    gpu.queue().submit([]);
    gpu.device().poll(wgpu::PollType::wait_indefinitely()).expect("the device answers");
}

/// Rounds of contenders taking turns, after criterion's runs.
const ROUNDS: usize = 51;

/// A contender's frame: edits, upload, wait.
type Frame<'a> = Box<dyn FnMut() + 'a>;

/// One policy's frame: edit `edits`, upload, wait for the device.
fn frame<'a>(gpu: &'a WgpuContext, edits: &'a [usize], policy: MergePolicy, storage: GpuStorage) -> Frame<'a> {
    let mut v = VertexBuffer::<Point>::from_fn([RECORDS], |[i]| point(i));
    v.set_policy(policy);
    v.set_gpu_storage(storage);
    v.upload(gpu).unwrap();
    finish(gpu);
    let mut frame = 0.0f32;
    Box::new(move || {
        frame += 1.0;
        for &i in edits {
            *v.position_mut(i) = [frame, 1.0];
        }
        v.upload(gpu).unwrap();
        finish(gpu);
    })
}

/// The baseline's frame: the same edits to a plain `Vec`, then one
/// `write_buffer` of all of it.
fn whole_frame<'a>(gpu: &'a WgpuContext, edits: &'a [usize]) -> Frame<'a> {
    let mut data: Vec<Point> = (0..RECORDS).map(point).collect();
    let buffer = gpu.device().create_buffer(&wgpu::BufferDescriptor {
        label: Some("baseline"),
        size: (RECORDS * 20) as u64,
        usage: wgpu::BufferUsages::VERTEX | wgpu::BufferUsages::COPY_DST,
        mapped_at_creation: false,
    });
    let mut frame = 0.0f32;
    Box::new(move || {
        frame += 1.0;
        for &i in edits {
            data[i].position = [frame, 1.0];
        }
        gpu.queue().write_buffer(&buffer, 0, gloo_runtime::bytemuck::cast_slice(&data));
        finish(gpu);
    })
}

/// Each pattern's contenders under criterion (each one's frames back to
/// back), then in turns, as benches/upload.rs does.
fn uploads(c: &mut Criterion, gpu: &WgpuContext) -> Vec<Turns> {
    let mut paired = Vec::new();
    for (pattern, edits) in patterns() {
        let mut frames: Vec<(&str, Frame)> =
            POLICIES.iter().map(|&(name, policy, storage)| (name, frame(gpu, &edits, policy, storage))).collect();
        frames.push((BASELINE, whole_frame(gpu, &edits)));
        let mut group = c.benchmark_group(format!("wgpu upload {pattern}"));
        group.sampling_mode(SamplingMode::Flat).sample_size(10);
        for (name, frame) in &mut frames {
            group.bench_function(*name, |b| b.iter(&mut *frame));
        }
        group.finish();
        let baseline = frames.len() - 1;
        let mut frames: Vec<&mut dyn FnMut()> = frames.iter_mut().map(|(_, frame)| &mut **frame as _).collect();
        let rounds = turns(&mut frames, ROUNDS);
        paired.push(summarize(rounds, AUTO, baseline, baseline + 1));
    }
    paired
}

fn report(gpu: &WgpuContext, paired: &[Turns]) {
    let ms = |ns: f64| format!("{:.3} ms", ns / 1e6);
    let names: Vec<&str> = POLICIES.iter().map(|(name, ..)| *name).collect();
    let header = format!("| edited | {} | {BASELINE} | Auto / best | whole write / Auto |", names.join(" | "));
    let rule = "|---".repeat(names.len() + 4) + "|";
    println!("\nback to back (criterion's means; each contender's frames in a row):\n");
    println!("{header}\n{rule}");
    for (pattern, _) in patterns() {
        let group = format!("wgpu upload {pattern}");
        let names = names.iter().copied().chain([BASELINE]);
        let times: Vec<Option<f64>> = names.map(|name| mean_ns(&group, name)).collect();
        let Some(times) = times.into_iter().collect::<Option<Vec<f64>>>() else { continue };
        let (auto, whole) = (times[AUTO], times[times.len() - 1]);
        let cells: Vec<String> = times.iter().map(|&t| ms(t)).collect();
        println!(
            "| {pattern} | {} | {:.2}× | {} |",
            cells.join(" | "),
            auto / times[best_other(&times, AUTO)],
            speedup(whole / auto)
        );
    }
    println!("\nin turns ({ROUNDS} rounds, each contender's frame after the others': medians; ratios are medians of each round's):\n");
    println!("{header}\n{rule}");
    for ((pattern, _), turns) in patterns().into_iter().zip(paired) {
        let cells: Vec<String> = turns.medians.iter().map(|&t| ms(t)).collect();
        println!(
            "| {pattern} | {} | {:.2}× | {} |",
            cells.join(" | "),
            turns.subject_best,
            speedup(turns.baseline_subject)
        );
    }
    let describe = |what: &str, costs: UploadCosts| {
        println!(
            "{what}: {:.3} µs a call, {:.3} ns a byte, whole writes ×{:.3}; Auto merges gaps up to {} bytes",
            costs.call_ns / 1e3,
            costs.byte_ns,
            costs.whole_factor,
            costs.max_gap()
        );
    };
    println!("\nAuto planned with the built-in costs (out of the box):");
    describe("  write_buffers", gpu.upload_costs());
    describe("  scattered records", gpu.scatter_costs());
    match gpu.calibrate_uploads() {
        Ok(()) => {
            println!("calibrate_uploads() measures on this device (scatters from {} runs):", gpu.scatter_min_runs());
            describe("  write_buffers", gpu.upload_costs());
            describe("  scattered records", gpu.scatter_costs());
        }
        Err(error) => println!("calibrate_uploads() failed: {error}"),
    }
}

fn main() {
    let gpu = WgpuContext::headless().unwrap_or_else(|error| panic!("{error}"));
    let info = gpu.adapter_info().expect("headless() records its adapter");
    println!("[i] Using wgpu ({:?}, {})", info.backend, info.name);
    let mut probe = VertexBuffer::<Point>::zeros([RECORDS]);
    probe.upload(&gpu).unwrap();
    println!("[i] A 20 MB buffer out of the box is {:?}", probe.active_storage().expect("uploaded"));
    drop(probe);
    let mut c = Criterion::default().configure_from_args();
    let paired = uploads(&mut c, &gpu);
    c.final_summary();
    report(&gpu, &paired);
}
