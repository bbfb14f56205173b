//! A whole-field update of 1M records through an ndarray view, against the
//! same update as a loop over a plain `Vec<Point>`; and what handing out the
//! view costs (marking that field of every record), against the update.
//!
//! `cargo bench --bench views` (about a minute). After criterion's own lines
//! it prints the ratios of this run's means.

use std::hint::black_box;

use criterion::Criterion;
use gloo_runtime::ndarray::{s, Axis};
use gloo_runtime::{Vertex, VertexBuffer};

mod common;
use common::mean_ns;

#[derive(Clone, Copy, Vertex)]
#[repr(C)]
struct Point {
    position: [f32; 2],
    color: [f32; 3],
}

const SIDE: usize = 1000;

fn point(n: usize) -> Point {
    Point { position: [n as f32, 0.5], color: [0.25; 3] }
}

/// The baseline: the loop a user writes over plain records.
#[inline(never)]
fn plain_update(data: &mut [Point]) {
    for p in data {
        p.position[0] += 1.0;
        p.position[1] *= 0.5;
    }
}

/// The same update through a field view, as numpy would write it:
/// `V["position"][..., 0] += 1; V["position"][..., 1] *= 0.5`.
#[inline(never)]
fn view_update(v: &mut VertexBuffer<Point, 2>) {
    let mut positions = v.field_view_mut(Point::FIELDS.position);
    positions.index_axis_mut(Axis(2), 0).map_inplace(|x| *x += 1.0);
    positions.index_axis_mut(Axis(2), 1).map_inplace(|y| *y *= 0.5);
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    let mut group = c.benchmark_group("update 1M positions");
    let mut plain: Vec<Point> = (0..SIDE * SIDE).map(point).collect();
    group.bench_function("plain Vec loop", |b| b.iter(|| plain_update(black_box(&mut plain))));
    let mut v = VertexBuffer::<Point, 2>::from_fn([SIDE, SIDE], |[i, j]| point(i * SIDE + j));
    group.bench_function("field_view_mut", |b| b.iter(|| view_update(black_box(&mut v))));
    group.bench_function("mark only: field_view_mut", |b| {
        b.iter(|| black_box(v.field_view_mut(Point::FIELDS.position).len()))
    });
    group.bench_function("mark only: a column, s![.., 7]", |b| {
        b.iter(|| black_box(v.slice_field_mut(Point::FIELDS.position, s![.., 7]).len()))
    });
    group.finish();
    c.final_summary();

    let group = "update 1M positions";
    let mean = |bench: &str| mean_ns(group, bench);
    if let (Some(plain), Some(view), Some(mark)) =
        (mean("plain Vec loop"), mean("field_view_mut"), mean("mark only: field_view_mut"))
    {
        println!(
            "\nupdate of 1M positions: view {:.2} ms, plain loop {:.2} ms: {:.2}×",
            view / 1e6,
            plain / 1e6,
            view / plain
        );
        println!("marking the field of 1M records: {:.1} µs, {:.1} % of the update", mark / 1e3, 100.0 * mark / view);
    }
    if let Some(column) = mean("mark only: a column, s![.., 7]") {
        println!("marking one column of 1000 records: {:.2} µs", column / 1e3);
    }
}
