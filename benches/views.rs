//! Updates of 1M records through ndarray views against the same updates as
//! loops over a plain `Vec<Point>`: one column (`x` of every position), and
//! a whole `[f32; 2]` field two ways; and what handing out a view costs
//! (marking that field of every record, or of one column of a 1000×1000
//! buffer).
//!
//! `cargo bench --bench views` (about a minute). After criterion's own lines
//! it prints the ratios of this run's means.

use std::hint::black_box;

use criterion::Criterion;
use gloo_runtime::ndarray::{s, Axis, Zip};
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

/// The baseline for a column: the loop a user writes over plain records.
#[inline(never)]
fn plain_column(data: &mut [Point]) {
    for p in data {
        p.position[0] = p.position[0] * 0.5 + 1.0;
    }
}

/// The same column through a view, as numpy would write it:
/// `V["position"][..., 0] = V["position"][..., 0] * 0.5 + 1`.
#[inline(never)]
fn view_column(v: &mut VertexBuffer<Point, 2>) {
    let mut positions = v.field_view_mut(Point::FIELDS.position);
    positions.index_axis_mut(Axis(2), 0).mapv_inplace(|x| x * 0.5 + 1.0);
}

/// The baseline for a whole field: both components of every position.
#[inline(never)]
fn plain_field(data: &mut [Point]) {
    for p in data {
        for x in &mut p.position {
            *x = *x * 0.5 + 1.0;
        }
    }
}

/// The whole field through a view, element by element:
/// `V["position"] = V["position"] * 0.5 + 1`.
#[inline(never)]
fn view_field(v: &mut VertexBuffer<Point, 2>) {
    v.field_view_mut(Point::FIELDS.position).mapv_inplace(|x| x * 0.5 + 1.0);
}

/// The whole field through a view, one record's components at a time.
#[inline(never)]
fn view_field_lanes(v: &mut VertexBuffer<Point, 2>) {
    let mut positions = v.field_view_mut(Point::FIELDS.position);
    Zip::from(positions.lanes_mut(Axis(2))).for_each(|mut p| {
        p[0] = p[0] * 0.5 + 1.0;
        p[1] = p[1] * 0.5 + 1.0;
    });
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    let mut group = c.benchmark_group("update 1M positions");
    let mut plain: Vec<Point> = (0..SIDE * SIDE).map(point).collect();
    group.bench_function("plain column", |b| b.iter(|| plain_column(black_box(&mut plain))));
    group.bench_function("plain field", |b| b.iter(|| plain_field(black_box(&mut plain))));
    let mut v = VertexBuffer::<Point, 2>::from_fn([SIDE, SIDE], |[i, j]| point(i * SIDE + j));
    group.bench_function("view column", |b| b.iter(|| view_column(black_box(&mut v))));
    group.bench_function("view field", |b| b.iter(|| view_field(black_box(&mut v))));
    group.bench_function("view field lanes", |b| b.iter(|| view_field_lanes(black_box(&mut v))));
    group.bench_function("mark field", |b| b.iter(|| black_box(v.field_view_mut(Point::FIELDS.position).len())));
    group.bench_function("mark column", |b| {
        b.iter(|| black_box(v.slice_field_mut(Point::FIELDS.position, s![.., 7]).len()))
    });
    group.finish();
    c.final_summary();

    let group = "update 1M positions";
    let mean = |bench: &str| mean_ns(group, bench);
    let ms = |ns: f64| format!("{:.2} ms", ns / 1e6);
    println!();
    for (what, view, plain) in [
        ("x of 1M positions (a column)", "view column", "plain column"),
        ("1M positions, element-wise mapv_inplace", "view field", "plain field"),
        ("1M positions, Zip over each record's lane", "view field lanes", "plain field"),
    ] {
        if let (Some(view), Some(plain)) = (mean(view), mean(plain)) {
            println!("{what}: view {}, plain loop {}: {:.2}×", ms(view), ms(plain), view / plain);
        }
    }
    if let (Some(mark), Some(update)) = (mean("mark field"), mean("view column")) {
        println!(
            "marking the field of 1M records: {:.1} µs, {:.1} % of the column update",
            mark / 1e3,
            100.0 * mark / update
        );
    }
    if let Some(column) = mean("mark column") {
        println!("marking one column of 1000 records, s![.., 7]: {:.2} µs", column / 1e3);
    }
}
