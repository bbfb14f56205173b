//! benches/upload.rs through wgpu: the per-frame upload of a 1M-vertex
//! (20 MB) buffer after editing a fraction of its vertices, for each merge
//! policy out of the box (`Auto` plans with the costs calibrated for the
//! context at its first plan), against one whole `queue.write_buffer` of
//! the same data edited in a plain `Vec`. Each frame ends with a submit and
//! a wait for the device, so the GPU's copy is inside the time.
//!
//! `cargo bench --bench wgpu_upload` (about three minutes, on the adapter
//! `WgpuContext::headless()` finds: Mesa's lavapipe here). After
//! criterion's own lines it prints a table of ratios from this run's means
//! and the calibrated costs.

use criterion::{Criterion, SamplingMode};
use gloo_runtime::{wgpu, MergePolicy, VertexBuffer, WgpuContext};

mod common;
#[path = "common/edits.rs"]
mod edits;
use common::mean_ns;
use edits::{patterns, point, Point, RECORDS};

const POLICIES: [(&str, MergePolicy); 3] =
    [("Extent", MergePolicy::Extent), ("Coalesce0", MergePolicy::Coalesce { max_gap: 0 }), ("Auto", MergePolicy::Auto)];

const BASELINE: &str = "whole write_buffer";

/// Submits what the queue holds and waits for the device.
fn finish(gpu: &WgpuContext) {
    gpu.queue().submit([]);
    gpu.device().poll(wgpu::PollType::wait_indefinitely()).expect("the device answers");
}

fn uploads(c: &mut Criterion, gpu: &WgpuContext) {
    for (pattern, edits) in patterns() {
        let mut group = c.benchmark_group(format!("wgpu upload {pattern}"));
        group.sampling_mode(SamplingMode::Flat).sample_size(10);
        for (name, policy) in POLICIES {
            let mut v = VertexBuffer::<Point>::from_fn([RECORDS], |[i]| point(i));
            v.set_policy(policy);
            v.upload(gpu).unwrap();
            finish(gpu);
            let mut frame = 0.0f32;
            group.bench_function(name, |b| {
                b.iter(|| {
                    frame += 1.0;
                    for &i in &edits {
                        *v.position_mut(i) = [frame, 1.0];
                    }
                    v.upload(gpu).unwrap();
                    finish(gpu);
                })
            });
        }
        let mut data: Vec<Point> = (0..RECORDS).map(point).collect();
        let buffer = gpu.device().create_buffer(&wgpu::BufferDescriptor {
            label: Some("baseline"),
            size: (RECORDS * 20) as u64,
            usage: wgpu::BufferUsages::VERTEX | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        });
        let mut frame = 0.0f32;
        group.bench_function(BASELINE, |b| {
            b.iter(|| {
                frame += 1.0;
                for &i in &edits {
                    data[i].position = [frame, 1.0];
                }
                gpu.queue().write_buffer(&buffer, 0, gloo_runtime::bytemuck::cast_slice(&data));
                finish(gpu);
            })
        });
        group.finish();
    }
}

fn report(gpu: &WgpuContext) {
    println!("\n| edited | Extent | Coalesce0 | Auto | {BASELINE} | Auto / best | whole write / Auto |");
    println!("|---|---|---|---|---|---|---|");
    for (pattern, _) in patterns() {
        let group = format!("wgpu upload {pattern}");
        let names = POLICIES.iter().map(|(name, _)| *name).chain([BASELINE]);
        let times: Vec<Option<f64>> = names.map(|name| mean_ns(&group, name)).collect();
        let [Some(extent), Some(coalesce), Some(auto), Some(whole)] = times[..] else { continue };
        let best = extent.min(coalesce).min(whole);
        let ms = |ns: f64| format!("{:.3} ms", ns / 1e6);
        println!(
            "| {pattern} | {} | {} | {} | {} | {:.2}× | {:.1}× |",
            ms(extent),
            ms(coalesce),
            ms(auto),
            ms(whole),
            auto / best,
            whole / auto
        );
    }
    let costs = gpu.upload_costs();
    println!(
        "\ncalibrated for this context: {:.2} µs a write_buffer, {:.3} ns a byte, whole writes ×{:.2}; Auto merges gaps up to {} bytes",
        costs.call_ns / 1e3,
        costs.byte_ns,
        costs.whole_factor,
        costs.max_gap()
    );
}

fn main() {
    let gpu = WgpuContext::headless().unwrap_or_else(|error| panic!("{error}"));
    let info = gpu.adapter_info().expect("headless() records its adapter");
    println!("[i] Using wgpu ({:?}, {})", info.backend, info.name);
    let mut c = Criterion::default().configure_from_args();
    uploads(&mut c, &gpu);
    c.final_summary();
    report(&gpu);
}
