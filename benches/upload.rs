//! Per-frame upload of a 1M-vertex (20 MB) buffer after editing a fraction of
//! its vertices, for each merge policy out of the box (no calibration; the
//! buffer's storage by `GpuStorage::Auto`, which maps a buffer this large on
//! Mesa), `Auto` on a scattered buffer (a compute dispatch per upload) and on
//! a dynamic one (one call per range), against a plain glium full-buffer
//! `write` of the same data; plus the cost of building the plan.
//!
//! `cargo bench --bench upload` (headless Mesa; about four minutes; set
//! `GLOO_EGL_DEVICE=hardware` for a GPU's driver). After criterion's own
//! lines it prints two tables. The first is criterion's means: each
//! contender's frames run back to back, so the records it edits stay in
//! the caches from one frame to the next. The second is from 15 further
//! rounds in which the contenders take turns, each frame after the other
//! five's (about 100 MB of traffic), so that it starts with cold caches,
//! as a frame after an application's other work may: the median of each
//! contender's frames, and the medians of each round's ratios, which a
//! shared machine's drifting load cannot skew. "Auto / best" is Auto
//! against the other contender with the lowest mean (back to back) or
//! median (in turns), "full write / Auto" the glium full write against
//! Auto.

use std::hint::black_box;

use criterion::{Criterion, SamplingMode};
use gloo_runtime::glium::backend::Facade;
use gloo_runtime::headless::HeadlessContext;
use gloo_runtime::{glium, GpuStorage, MergePolicy, VertexBuffer};

mod common;
#[path = "common/edits.rs"]
mod edits;
use common::{best_other, mean_ns, speedup, summarize, turns, Turns};
use edits::{patterns, point, Point, RECORDS};

const CONTENDERS: [(&str, Option<(MergePolicy, GpuStorage)>); 6] = [
    ("Extent", Some((MergePolicy::Extent, GpuStorage::Auto))),
    ("Coalesce0", Some((MergePolicy::Coalesce { max_gap: 0 }, GpuStorage::Auto))),
    ("Auto", Some((MergePolicy::Auto, GpuStorage::Auto))),
    ("Auto scatter", Some((MergePolicy::Auto, GpuStorage::Scatter))),
    ("Auto dynamic", Some((MergePolicy::Auto, GpuStorage::Dynamic))),
    ("glium full write", None),
];

/// Where Auto and the baseline stand among the contenders.
const AUTO: usize = 2;
const GLIUM: usize = 5;

/// Rounds of contenders taking turns, after criterion's runs, for the
/// ratio columns.
const ROUNDS: usize = 15;

/// One contender's frame: edit `edits`, upload, wait for the GPU.
fn frame<'a>(
    ctx: &'a HeadlessContext,
    edits: &'a [usize],
    contender: Option<(MergePolicy, GpuStorage)>,
) -> Box<dyn FnMut() + 'a> {
    let Some((policy, storage)) = contender else {
        return Box::new(glium_full_frame(ctx, RECORDS, edits));
    };
    let mut v = VertexBuffer::<Point>::from_fn([RECORDS], |[i]| point(i));
    v.set_policy(policy);
    v.set_gpu_storage(storage);
    v.upload(ctx).unwrap();
    let mut frame = 0.0f32;
    Box::new(move || {
        frame += 1.0;
        for &i in edits {
            *v.position_mut(i) = [frame, 1.0];
        }
        v.upload(ctx).unwrap();
        ctx.get_context().finish();
    })
}

/// Each pattern's contenders under criterion (each one's frames back to
/// back), then in turns.
fn uploads(c: &mut Criterion, ctx: &HeadlessContext) -> Vec<Turns> {
    let mut paired = Vec::new();
    for (pattern, edits) in patterns() {
        let mut frames: Vec<_> =
            CONTENDERS.iter().map(|&(name, contender)| (name, frame(ctx, &edits, contender))).collect();
        let mut group = c.benchmark_group(format!("upload {pattern}"));
        group.sampling_mode(SamplingMode::Flat).sample_size(10);
        for (name, frame) in &mut frames {
            group.bench_function(*name, |b| b.iter(&mut *frame));
        }
        group.finish();
        let mut frames: Vec<&mut dyn FnMut()> = frames.iter_mut().map(|(_, frame)| &mut **frame as _).collect();
        let rounds = turns(&mut frames, ROUNDS);
        paired.push(summarize(&rounds, AUTO, GLIUM));
    }
    paired
}

/// A whole-buffer upload through gloo against glium's own `write`, and a
/// bind with nothing to send.
fn full(c: &mut Criterion, ctx: &HeadlessContext) {
    let mut group = c.benchmark_group("full buffer");
    group.sampling_mode(SamplingMode::Flat).sample_size(10);
    let mut v = VertexBuffer::<Point>::from_fn([RECORDS], |[i]| point(i));
    v.upload(ctx).unwrap();
    group.bench_function("gloo", |b| {
        b.iter(|| {
            v.records_mut(0..RECORDS)[0].color[0] += 1.0;
            v.upload(ctx).unwrap();
            ctx.get_context().finish();
        })
    });
    // What every draw of an unchanged buffer pays: finding nothing pending.
    group.bench_function("gloo bind, nothing pending", |b| b.iter(|| v.bind(ctx).map(|_| ())));
    let mut data: Vec<Point> = (0..RECORDS).map(point).collect();
    let buffer = glium::VertexBuffer::dynamic(ctx, &data).unwrap();
    group.bench_function("glium write", |b| {
        b.iter(|| {
            data[0].color[0] += 1.0;
            buffer.write(&data);
            ctx.get_context().finish();
        })
    });
    group.finish();
}

/// Records of a 64 MiB buffer.
const LARGE: usize = (64 << 20) / 20;

/// A 64 MiB buffer with 100k random edits a frame, `Auto`, out of the box:
/// the whole frame (edits, plan, upload), the plan alone, and a glium full
/// write of the same buffer.
fn large(c: &mut Criterion, ctx: &HeadlessContext) -> (usize, usize) {
    let mut group = c.benchmark_group("64 MiB, 100k edits");
    group.sampling_mode(SamplingMode::Flat).sample_size(10);
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let edits: Vec<usize> = (0..100_000)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % LARGE as u64) as usize
        })
        .collect();
    let mut v = VertexBuffer::<Point>::from_fn([LARGE], |[i]| point(i));
    v.set_policy(MergePolicy::Auto);
    v.upload(ctx).unwrap();
    let mut frame = 0.0f32;
    group.bench_function("Auto frame", |b| {
        b.iter(|| {
            frame += 1.0;
            for &i in &edits {
                *v.position_mut(i) = [frame, 1.0];
            }
            v.upload(ctx).unwrap();
            ctx.get_context().finish();
        })
    });
    for &i in &edits {
        *v.position_mut(i) = [0.0, 1.0];
    }
    group.bench_function("Auto plan", |b| b.iter(|| black_box(v.upload_plan())));
    let sizes = (v.tracking_bytes(), v.nbytes());
    drop(v);
    let mut glium_frame = glium_full_frame(ctx, LARGE, &edits);
    group.bench_function("glium full write", |b| b.iter(&mut glium_frame));
    group.finish();
    sizes
}

/// The baseline's frame: the same edits to a plain `Vec`, then glium's
/// `write` of all of it to a dynamic buffer of `records`.
fn glium_full_frame<'a>(ctx: &'a HeadlessContext, records: usize, edits: &'a [usize]) -> impl FnMut() + 'a {
    let mut data: Vec<Point> = (0..records).map(point).collect();
    let buffer = glium::VertexBuffer::dynamic(ctx, &data).unwrap();
    let mut frame = 0.0f32;
    move || {
        frame += 1.0;
        for &i in edits {
            data[i].position = [frame, 1.0];
        }
        buffer.write(&data);
        ctx.get_context().finish();
    }
}

/// Building the plan for 100k pending writes on a 1M-record buffer (one
/// with a GPU copy: before its first upload a plan is the whole buffer).
fn planning(c: &mut Criterion, ctx: &HeadlessContext) {
    let mut group = c.benchmark_group("plan 100k writes");
    let scattered: Vec<usize> = (0..100_000).map(|n| n * 10 + n % 7).collect();
    let clustered: Vec<usize> = (300_000..400_000).collect();
    for (name, writes) in [("scattered", scattered), ("clustered", clustered)] {
        let mut v = VertexBuffer::<Point>::zeros([RECORDS]);
        v.upload(ctx).unwrap();
        for &i in &writes {
            *v.position_mut(i) = [1.0, 1.0];
        }
        let policies = CONTENDERS.iter().filter_map(|(label, contender)| Some((label, (*contender)?)));
        for (label, (policy, _)) in policies.filter(|(_, (_, storage))| *storage == GpuStorage::Auto) {
            v.set_policy(policy);
            group.bench_function(format!("{name} {label}"), |b| b.iter(|| black_box(v.upload_plan())));
        }
    }
    group.finish();
}

fn report(mapped: bool, paired: &[Turns], (tracking, nbytes): (usize, usize)) {
    println!("\nthe 20 MB buffer's GPU copy is {}", if mapped { "persistently mapped" } else { "dynamic" });
    let ms = |ns: f64| format!("{:.3} ms", ns / 1e6);
    let header = "| edited | Extent | Coalesce0 | Auto | Auto scatter | Auto dynamic | glium full write | Auto / best | full write / Auto |";
    println!("\nback to back (criterion's means; each contender's frames in a row, so its edits stay in cache):\n");
    println!("{header}\n|---|---|---|---|---|---|---|---|---|");
    for (pattern, _) in patterns() {
        let group = format!("upload {pattern}");
        let times: Vec<Option<f64>> = CONTENDERS.iter().map(|(name, _)| mean_ns(&group, name)).collect();
        let Some(times) = times.into_iter().collect::<Option<Vec<f64>>>() else {
            continue;
        };
        let (auto, glium) = (times[AUTO], times[GLIUM]);
        let cells: Vec<String> = times.iter().map(|&t| ms(t)).collect();
        println!(
            "| {pattern} | {} | {:.2}× | {} |",
            cells.join(" | "),
            auto / times[best_other(&times, AUTO)],
            speedup(glium / auto)
        );
    }
    println!("\nin turns ({ROUNDS} rounds, each contender's frame after the others': medians; ratios are medians of each round's):\n");
    println!("{header}\n|---|---|---|---|---|---|---|---|---|");
    for ((pattern, _), turns) in patterns().into_iter().zip(paired) {
        let cells: Vec<String> = turns.medians.iter().map(|&t| ms(t)).collect();
        println!(
            "| {pattern} | {} | {:.2}× | {} |",
            cells.join(" | "),
            turns.subject_best,
            speedup(turns.baseline_subject)
        );
    }
    if let (Some(gloo), Some(glium)) = (mean_ns("full buffer", "gloo"), mean_ns("full buffer", "glium write")) {
        println!(
            "\nfull-buffer upload: gloo {:.3} ms, glium write {:.3} ms: {:.2}×",
            gloo / 1e6,
            glium / 1e6,
            gloo / glium
        );
    }
    let group = "64 MiB, 100k edits";
    if let (Some(frame), Some(plan), Some(glium)) =
        (mean_ns(group, "Auto frame"), mean_ns(group, "Auto plan"), mean_ns(group, "glium full write"))
    {
        println!(
            "64 MiB buffer, 100k random edits a frame: Auto {:.3} ms a frame (plan {:.0} µs), glium full write {:.3} ms: {}; tracker {} KiB, 1/{} of the buffer",
            frame / 1e6,
            plan / 1e3,
            glium / 1e6,
            speedup(glium / frame),
            tracking >> 10,
            nbytes / tracking.max(1),
        );
    }
    for name in ["scattered", "clustered"] {
        let times: Vec<String> = ["Extent", "Coalesce0", "Auto"]
            .iter()
            .filter_map(|p| {
                mean_ns("plan 100k writes", &format!("{name} {p}")).map(|ns| format!("{p}: {:.1} µs", ns / 1e3))
            })
            .collect();
        println!("plan for 100k {name} writes on 1M records: {}", times.join(", "));
    }
}

fn main() {
    let ctx = HeadlessContext::new().expect("headless EGL context");
    println!("[i] Using EGL (GL {}, {})", ctx.gl_version(), ctx.renderer());
    let mut probe = VertexBuffer::<Point>::zeros([RECORDS]);
    probe.upload(&ctx).expect("upload");
    let mut c = Criterion::default().configure_from_args();
    let paired = uploads(&mut c, &ctx);
    full(&mut c, &ctx);
    planning(&mut c, &ctx);
    let sizes = large(&mut c, &ctx);
    c.final_summary();
    report(probe.is_mapped(), &paired, sizes);
}
