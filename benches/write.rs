//! The hot path: a tracked field write against a raw bounds-checked slice
//! write at random indices, on a 1000×1000 buffer (20 MB: memory-bound, the
//! issue's case) and a 100×100 one (200 KB: in cache, where per-write work
//! shows most).
//!
//! `cargo bench --bench write`; report tracked / raw from the same run. The
//! written values are not hidden from the optimiser (that would cost more
//! than the write); the buffer is, so no store can be dropped.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use gloo_runtime::{Vertex, VertexBuffer};

#[derive(Clone, Copy, Vertex)]
#[repr(C)]
struct Point {
    position: [f32; 2],
    color: [f32; 3],
}

const WRITES: usize = 4096;

/// Random (i, j) pairs below `side` from a fixed-seed xorshift: the same for
/// both contenders.
fn indices(side: usize) -> Vec<(usize, usize)> {
    let mut state = 0x2545_f491_4f6c_dd1du64;
    (0..WRITES)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            ((state % side as u64) as usize, ((state >> 32) % side as u64) as usize)
        })
        .collect()
}

/// The raw contender: a bounds-checked write into a plain slice. Both loops
/// are functions taking `&mut`, as user code would be, so the optimiser sees
/// the same aliasing facts for each.
#[inline(never)]
fn write_raw(raw: &mut [Point], side: usize, indices: &[(usize, usize)]) {
    for (n, &(i, j)) in indices.iter().enumerate() {
        assert!(i < side && j < side);
        raw[i * side + j].position = [n as f32, 1.0];
    }
}

/// The tracked contender: the same writes through the named accessor.
#[inline(never)]
fn write_tracked(tracked: &mut VertexBuffer<Point, 2>, indices: &[(usize, usize)]) {
    for (n, &(i, j)) in indices.iter().enumerate() {
        *tracked.position_mut(i, j) = [n as f32, 1.0];
    }
}

fn writes(c: &mut Criterion) {
    for side in [1000, 100] {
        let indices = indices(side);
        let mut group = c.benchmark_group(format!("write {side}x{side}"));
        group.throughput(Throughput::Elements(WRITES as u64));

        let mut raw = vec![Point { position: [0.0; 2], color: [0.0; 3] }; side * side];
        group.bench_function("raw slice", |b| b.iter(|| write_raw(black_box(&mut raw), side, &indices)));

        let mut tracked = VertexBuffer::<Point, 2>::zeros([side, side]);
        group.bench_function("tracked position_mut", |b| {
            // The pending bits stay set between iterations: setting a bit
            // that is already set costs the same load and store.
            b.iter(|| write_tracked(black_box(&mut tracked), &indices))
        });
        group.finish();
    }
}

criterion_group!(benches, writes);
criterion_main!(benches);
