//! Per-frame upload of a 1M-vertex (20 MB) buffer after editing a fraction of
//! its vertices, for each merge policy out of the box (no calibration; the
//! buffer's storage by `GpuStorage::Auto`, which maps a buffer this large on
//! Mesa), `Auto` on a scattered buffer (a compute dispatch per upload) and on
//! a dynamic one (one call per range), against a plain glium full-buffer
//! `write` of the same data and against the floor: a hand-written copy of
//! just the edited records into a persistent mapping, with no tracking and
//! no plan, the least any upload of these edits can cost. Plus the cost of
//! building the plan.
//!
//! `cargo bench --bench upload` (headless Mesa; about eight minutes; set
//! `GLOO_EGL_DEVICE=hardware` for a GPU's driver). After criterion's own
//! lines it prints two tables. The first is criterion's means: each
//! contender's frames run back to back, so the records it edits stay in
//! the caches from one frame to the next. The second is from 51 further
//! rounds in which the contenders take turns, each frame after the other
//! six's (about 100 MB of traffic), so that it starts with cold caches,
//! as a frame after an application's other work may: the median of each
//! contender's frames, and the medians of each round's ratios, which a
//! shared machine's drifting load cannot skew. "Auto / best" is Auto
//! against the other gloo contender or the full write with the lowest
//! mean (back to back) or median (in turns), "full write / Auto" the glium
//! full write against Auto, "Auto / floor" how far Auto is from the floor
//! and "full write / floor" the most any upload could gain.

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

/// What a frame edits with and uploads through.
#[derive(Clone, Copy)]
enum Contender {
    /// A gloo buffer with this policy and storage.
    Gloo(MergePolicy, GpuStorage),
    /// A plain `Vec` and glium's `write` of all of it.
    GliumWrite,
    /// The floor: a plain `Vec`, and the records the frame edited copied
    /// into a persistent mapping by a loop that knows which they are.
    Floor,
}

const CONTENDERS: [(&str, Contender); 7] = [
    ("Extent", Contender::Gloo(MergePolicy::Extent, GpuStorage::Auto)),
    ("Coalesce0", Contender::Gloo(MergePolicy::Coalesce { max_gap: 0 }, GpuStorage::Auto)),
    ("Auto", Contender::Gloo(MergePolicy::Auto, GpuStorage::Auto)),
    ("Auto scatter", Contender::Gloo(MergePolicy::Auto, GpuStorage::Scatter)),
    ("Auto dynamic", Contender::Gloo(MergePolicy::Auto, GpuStorage::Dynamic)),
    ("glium full write", Contender::GliumWrite),
    ("floor", Contender::Floor),
];

/// Where Auto, the baseline and the floor stand among the contenders.
/// The contenders before the floor are the rivals "Auto / best" picks
/// from.
const AUTO: usize = 2;
const GLIUM: usize = 5;
const FLOOR: usize = 6;

/// Rounds of contenders taking turns, after criterion's runs, for the
/// ratio columns. A round of the five patterns takes about a fifth of a
/// second; with 15 rounds, "Auto / best" swung by ±10 % between runs
/// where the two send the same ranges.
const ROUNDS: usize = 51;

/// One contender's frame: edit `edits`, upload, wait for the GPU.
fn frame<'a>(ctx: &'a HeadlessContext, edits: &'a [usize], contender: Contender) -> Box<dyn FnMut() + 'a> {
    let (policy, storage) = match contender {
        Contender::Gloo(policy, storage) => (policy, storage),
        Contender::GliumWrite => return Box::new(glium_full_frame(ctx, RECORDS, edits)),
        Contender::Floor => return Box::new(floor_frame(ctx, edits)),
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

/// The floor of a frame: what the bytes that changed cost to send. The
/// same edits to a plain `Vec`, then each record they touched (distinct,
/// in address order, sorted before the frames start) copied into a
/// persistently mapped buffer, as gloo's mapped uploads copy: no tracking,
/// no plan, no counting. No upload of these edits can cost less than
/// this; "full write / floor" is the most any can gain over a full write.
fn floor_frame<'a>(ctx: &'a HeadlessContext, edits: &'a [usize]) -> impl FnMut() + 'a {
    use glium::buffer::{Buffer, BufferMode, BufferType};
    let mut data: Vec<Point> = (0..RECORDS).map(point).collect();
    let mut buffer = Buffer::<[Point]>::new(ctx, &data[..], BufferType::ArrayBuffer, BufferMode::Persistent).unwrap();
    let mut touched = edits.to_vec();
    touched.sort_unstable();
    touched.dedup();
    let mut frame = 0.0f32;
    move || {
        frame += 1.0;
        for &i in edits {
            data[i].position = [frame, 1.0];
        }
        let mut mapping = buffer.map();
        for &i in &touched {
            mapping[i] = data[i];
        }
        drop(mapping);
        ctx.get_context().finish();
    }
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
        paired.push(summarize(rounds, AUTO, GLIUM, FLOOR));
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
        let policies = CONTENDERS.iter().filter_map(|(label, contender)| match contender {
            Contender::Gloo(policy, GpuStorage::Auto) => Some((label, *policy)),
            _ => None,
        });
        for (label, policy) in policies {
            v.set_policy(policy);
            group.bench_function(format!("{name} {label}"), |b| b.iter(|| black_box(v.upload_plan())));
        }
    }
    group.finish();
}

fn report(mapped: bool, paired: &[Turns], (tracking, nbytes): (usize, usize)) {
    println!("\nthe 20 MB buffer's GPU copy is {}", if mapped { "persistently mapped" } else { "dynamic" });
    let ms = |ns: f64| format!("{:.3} ms", ns / 1e6);
    let header = "| edited | Extent | Coalesce0 | Auto | Auto scatter | Auto dynamic | glium full write | floor | Auto / best | full write / Auto | Auto / floor | full write / floor |";
    let rule = "|---|---|---|---|---|---|---|---|---|---|---|---|";
    println!("\nback to back (criterion's means; each contender's frames in a row, so its edits stay in cache):\n");
    println!("{header}\n{rule}");
    for (pattern, _) in patterns() {
        let group = format!("upload {pattern}");
        let times: Vec<Option<f64>> = CONTENDERS.iter().map(|(name, _)| mean_ns(&group, name)).collect();
        let Some(times) = times.into_iter().collect::<Option<Vec<f64>>>() else {
            continue;
        };
        let (auto, glium, floor) = (times[AUTO], times[GLIUM], times[FLOOR]);
        let cells: Vec<String> = times.iter().map(|&t| ms(t)).collect();
        println!(
            "| {pattern} | {} | {:.2}× | {} | {:.2}× | {} |",
            cells.join(" | "),
            auto / times[best_other(&times[..FLOOR], AUTO)],
            speedup(glium / auto),
            auto / floor,
            speedup(glium / floor)
        );
    }
    println!("\nin turns ({ROUNDS} rounds, each contender's frame after the others': medians; ratios are medians of each round's):\n");
    println!("{header}\n{rule}");
    for ((pattern, _), turns) in patterns().into_iter().zip(paired) {
        let cells: Vec<String> = turns.medians.iter().map(|&t| ms(t)).collect();
        println!(
            "| {pattern} | {} | {:.2}× | {} | {:.2}× | {} |",
            cells.join(" | "),
            turns.subject_best,
            speedup(turns.baseline_subject),
            turns.ratio(AUTO, FLOOR),
            speedup(turns.ratio(GLIUM, FLOOR))
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
