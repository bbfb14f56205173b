//! The hot path: a tracked field write against a raw bounds-checked slice
//! write, streaming 4M random indices over a 1M-record buffer (20 MB, out of
//! cache: the case), at ranks 1 (1M), 2 (1000×1000) and 3
//! (100×100×100); every record of the 1M buffer written once, in a random
//! order (first writes only: each sets its bit); and 4096 random indices
//! on a 100×100 buffer (200 KB, in cache, where per-write work shows most).
//! Every tracked pass starts with nothing pending, as after an upload.
//!
//! `cargo bench --bench write` (about two minutes on two cores); after
//! criterion's lines it prints tracked / raw for each case: the median
//! over adjacent passes (the figure to read), and the ratio of criterion's
//! means, which a shared machine's load can move by a third.
//! `cargo bench --bench write -- --guard` counts instructions instead (see
//! `writes/guard.rs`): what `.ci/run` checks. The written
//! values are not hidden from the optimiser (that would cost more than the
//! write); the buffer is, so no store can be dropped.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, SamplingMode, Throughput};
use gloo_runtime::VertexBuffer;

mod common;
use common::mean_ns;

mod writes;
use std::process::ExitCode;

use writes::{indices, write_raw, write_tracked_1, write_tracked_2, write_tracked_3, Point};

/// Writes per streaming run: four per record of the 1M-record buffer, so
/// the index stream (32 to 96 MB) and the buffer both stream from memory.
const STREAM: usize = 4 << 20;
/// Writes per in-cache run.
const CACHED: usize = 4096;

/// Benchmarks both contenders on `shape` with the writes at `indices`, and
/// returns the median of tracked / raw over adjacent passes.
///
/// Each tracked pass starts with nothing pending, as a frame does after
/// an upload (`take_dirty` clears the set, untimed), so a pass pays for
/// every first write of a record and not only for rewrites.
///
/// The contenders take turns: every timed pass of one is preceded by an
/// untimed pass of the other, so both are sampled through the same
/// stretch of a shared machine's load, and neither finds the caches as
/// only it leaves them. Each benchmark takes twice its timed time. Every
/// pair of adjacent passes also gives one ratio; their median is the
/// figure the table leads with, as a shared machine's load drifts over
/// seconds and a pair spans milliseconds.
fn case<const N: usize>(
    c: &mut Criterion,
    name: &str,
    shape: [usize; N],
    indices: &[[usize; N]],
    tracked: fn(&mut VertexBuffer<Point, N>, &[[usize; N]]),
) -> f64 {
    let mut group = c.benchmark_group(format!("write {name}"));
    group.throughput(Throughput::Elements(indices.len() as u64));
    if indices.len() > CACHED {
        group.sampling_mode(SamplingMode::Flat).sample_size(20);
    }
    let records = shape.iter().product();
    let mut raw = vec![Point::ZERO; records];
    let mut buffer = VertexBuffer::<Point, N>::zeros(shape);
    let mut ratios = Vec::new();
    let raw_pass = |raw: &mut Vec<Point>| {
        let start = Instant::now();
        write_raw(black_box(raw), shape, indices);
        start.elapsed()
    };
    let tracked_pass = |buffer: &mut VertexBuffer<Point, N>| {
        buffer.take_dirty();
        let start = Instant::now();
        tracked(black_box(buffer), indices);
        start.elapsed()
    };
    group.bench_function("raw slice", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let (tracked, raw) = (tracked_pass(&mut buffer), raw_pass(&mut raw));
                ratios.push(tracked.as_secs_f64() / raw.as_secs_f64());
                total += raw;
            }
            total
        })
    });
    group.bench_function("tracked position_mut", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let (raw, tracked) = (raw_pass(&mut raw), tracked_pass(&mut buffer));
                ratios.push(tracked.as_secs_f64() / raw.as_secs_f64());
                total += tracked;
            }
            total
        })
    });
    group.finish();
    ratios.sort_by(f64::total_cmp);
    ratios.get(ratios.len() / 2).copied().unwrap_or(f64::NAN)
}

/// Every index of `shape` once, in a random order from the same kind of
/// fixed-seed generator as [`indices`]: a pass of first writes only.
fn each_once<const N: usize>(shape: [usize; N]) -> Vec<[usize; N]> {
    let records: usize = shape.iter().product();
    let mut order: Vec<usize> = (0..records).collect();
    let draws = indices([usize::MAX], records);
    for (k, &[draw]) in (1..records).rev().zip(&draws) {
        order.swap(k, draw % (k + 1));
    }
    let unflatten = |flat: usize| {
        let mut index = [0; N];
        let mut rest = flat;
        for axis in (0..N).rev() {
            index[axis] = rest % shape[axis];
            rest /= shape[axis];
        }
        index
    };
    order.into_iter().map(unflatten).collect()
}

const CASES: [&str; 5] = [
    "rank 1, 1M streaming",
    "rank 2, 1000x1000 streaming",
    "rank 3, 100x100x100 streaming",
    "rank 1, 1M streaming, each record once",
    "rank 2, 100x100 in cache",
];

fn main() -> ExitCode {
    if let Some(code) = writes::guard::intercept() {
        return code;
    }
    let mut c = Criterion::default().configure_from_args();
    let (one, two, three, small) = ([1_000_000], [1000, 1000], [100, 100, 100], [100, 100]);
    let paired = [
        case(&mut c, CASES[0], one, &indices(one, STREAM), write_tracked_1),
        case(&mut c, CASES[1], two, &indices(two, STREAM), write_tracked_2),
        case(&mut c, CASES[2], three, &indices(three, STREAM), write_tracked_3),
        case(&mut c, CASES[3], one, &each_once(one), write_tracked_1),
        case(&mut c, CASES[4], small, &indices(small, CACHED), write_tracked_2),
    ];
    c.final_summary();

    println!("\n| case | raw slice | tracked | tracked / raw (paired median) | tracked / raw (means) |");
    println!("|---|---|---|---|---|");
    for (name, paired) in CASES.into_iter().zip(paired) {
        let group = format!("write {name}");
        let (Some(raw), Some(tracked)) = (mean_ns(&group, "raw slice"), mean_ns(&group, "tracked position_mut")) else {
            continue;
        };
        let writes = match name {
            _ if name.contains("once") => 1_000_000,
            _ if name.contains("streaming") => STREAM,
            _ => CACHED,
        } as f64;
        println!(
            "| {name} | {:.2} ns | {:.2} ns | {paired:.2}× | {:.2}× |",
            raw / writes,
            tracked / writes,
            tracked / raw
        );
    }
    ExitCode::SUCCESS
}
