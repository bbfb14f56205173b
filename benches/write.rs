//! The hot path: a tracked field write against a raw bounds-checked slice
//! write, streaming 4M random indices over a 1M-record buffer (20 MB, out of
//! cache: the case), at ranks 1 (1M), 2 (1000×1000) and 3
//! (100×100×100); and the same on a 100×100 buffer (200 KB, in cache, where
//! per-write work shows most).
//!
//! `cargo bench --bench write` (about two minutes); after criterion's lines
//! it prints tracked / raw for each case from this run's means.
//! `cargo bench --bench write -- --guard` counts instructions instead (see
//! `writes/guard.rs`): what `.ci/run` checks. The written
//! values are not hidden from the optimiser (that would cost more than the
//! write); the buffer is, so no store can be dropped.

use std::hint::black_box;

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

/// Benchmarks both contenders on `shape` with `count` writes.
fn case<const N: usize>(
    c: &mut Criterion,
    name: &str,
    shape: [usize; N],
    count: usize,
    tracked: fn(&mut VertexBuffer<Point, N>, &[[usize; N]]),
) {
    let indices = indices(shape, count);
    let mut group = c.benchmark_group(format!("write {name}"));
    group.throughput(Throughput::Elements(count as u64));
    if count == STREAM {
        group.sampling_mode(SamplingMode::Flat).sample_size(20);
    }
    let records = shape.iter().product();
    let mut raw = vec![Point::ZERO; records];
    group.bench_function("raw slice", |b| b.iter(|| write_raw(black_box(&mut raw), shape, &indices)));
    drop(raw);
    let mut buffer = VertexBuffer::<Point, N>::zeros(shape);
    group.bench_function("tracked position_mut", |b| {
        // The pending bits stay set between iterations: setting a bit that
        // is already set costs the same load and store.
        b.iter(|| tracked(black_box(&mut buffer), &indices))
    });
    group.finish();
}

const CASES: [&str; 4] = [
    "rank 1, 1M streaming",
    "rank 2, 1000x1000 streaming",
    "rank 3, 100x100x100 streaming",
    "rank 2, 100x100 in cache",
];

fn main() -> ExitCode {
    if let Some(code) = writes::guard::intercept() {
        return code;
    }
    let mut c = Criterion::default().configure_from_args();
    case(&mut c, CASES[0], [1_000_000], STREAM, write_tracked_1);
    case(&mut c, CASES[1], [1000, 1000], STREAM, write_tracked_2);
    case(&mut c, CASES[2], [100, 100, 100], STREAM, write_tracked_3);
    case(&mut c, CASES[3], [100, 100], CACHED, write_tracked_2);
    c.final_summary();

    println!("\n| case | raw slice | tracked | tracked / raw |");
    println!("|---|---|---|---|");
    for name in CASES {
        let group = format!("write {name}");
        let (Some(raw), Some(tracked)) = (mean_ns(&group, "raw slice"), mean_ns(&group, "tracked position_mut")) else {
            continue;
        };
        let writes = if name.contains("streaming") { STREAM } else { CACHED } as f64;
        println!("| {name} | {:.2} ns | {:.2} ns | {:.2}× |", raw / writes, tracked / writes, tracked / raw);
    }
    ExitCode::SUCCESS
}
