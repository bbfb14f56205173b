//! The GPU trace: one `log` line per GPU operation, target `gloo::gpu`, in
//! glumpy's words. Its own test binary, as the logger is process-wide.

use gloo_runtime::headless::HeadlessContext;
use gloo_runtime::{Vertex, VertexBuffer};

mod common;
use common::trace::{capture, lines, on_line};

#[derive(Clone, Copy, Vertex)]
#[repr(C)]
struct Point {
    position: [f32; 2],
    color: [f32; 3],
}

#[test]
fn seed_sequence_trace() {
    capture();
    let ctx = HeadlessContext::new().unwrap();
    let mut v = VertexBuffer::<Point, 2>::zeros([3, 3]);
    assert_eq!(lines(), Vec::<String>::new(), "no GPU operation before the first bind");
    v.bind(&ctx).unwrap();
    *v.position_mut(0, 0) = [0.0, 0.0];
    *v.position_mut(1, 1) = [0.0, 0.0];
    v.bind(&ctx).unwrap();
    v.bind(&ctx).unwrap();

    let trace = lines();
    let id = trace[0].trim_start_matches("GPU: Creating buffer (id=").trim_end_matches(')').to_owned();
    assert!(id.parse::<u64>().is_ok(), "first line creates the buffer: {trace:?}");
    let expected = [
        format!("GPU: Creating buffer (id={id})"),
        format!("GPU: Updating buffer (id={id}): 0..180, 180 bytes (180 written)"),
        format!("GPU: Activating buffer (id={id})"),
        format!("GPU: Updating buffer (id={id}): 0..100, 100 bytes (16 written)"),
        format!("GPU: Activating buffer (id={id})"),
        format!("GPU: Activating buffer (id={id})"),
    ];
    assert_eq!(trace, expected);
    for line in &trace {
        eprintln!("{line}");
    }
}

#[test]
fn ids_are_unique_per_process() {
    capture();
    let ctx = HeadlessContext::new().unwrap();
    let mut a = VertexBuffer::<Point>::zeros([2]);
    let mut b = VertexBuffer::<Point>::zeros([2]);
    a.bind(&ctx).unwrap();
    b.bind(&ctx).unwrap();
    let created: Vec<String> = lines().into_iter().filter(|l| l.starts_with("GPU: Creating")).collect();
    assert_eq!(created.len(), 2);
    assert_ne!(created[0], created[1]);
}

#[test]
fn split_plans_trace_one_line_per_call() {
    capture();
    let ctx = HeadlessContext::new().unwrap();
    let mut v = VertexBuffer::<Point>::zeros([1000]);
    v.set_policy(gloo_runtime::MergePolicy::Coalesce { max_gap: 0 });
    v.bind(&ctx).unwrap();
    *v.color_mut(1) = [1.0; 3];
    *v.position_mut(900) = [1.0; 2];
    v.bind(&ctx).unwrap();
    let updates: Vec<String> = lines().into_iter().filter(|l| l.contains("Updating")).skip(1).collect();
    assert_eq!(updates.len(), 2, "{updates:?}");
    assert!(updates[0].ends_with("20..40, 20 bytes (12 written)"), "{}", updates[0]);
    assert!(updates[1].ends_with("18000..18020, 20 bytes (8 written)"), "{}", updates[1]);
}

/// A logger is the application's code, and may reach the buffer being
/// uploaded: here, through a `&'static` one, it draws it (`source()`) on
/// the line that reports its reallocation. The GPU copy must end up equal
/// to the CPU's, with nothing pending; the trace must come out whole.
#[test]
fn a_logger_that_uploads_the_buffer_being_resized() {
    capture();
    let ctx = HeadlessContext::new().unwrap();
    let mut v = VertexBuffer::<Point>::zeros([4]);
    v.upload(&ctx).unwrap();
    for _ in 0..4 {
        v.push(Point { position: [7.0; 2], color: [7.0; 3] });
    }
    let v: &'static VertexBuffer<Point> = Box::leak(Box::new(v));
    on_line(move |line| {
        if line.starts_with("GPU: Resizing") {
            v.source().expect("the logger's upload");
        }
    });
    v.source().unwrap();

    let gpu = v.read_gpu(&ctx).unwrap();
    assert_eq!(bytemuck_bytes(&gpu), v.as_bytes(), "records 4..8 reached the GPU");
    assert_eq!((v.dirty(), v.upload_plan()), (None, vec![]), "nothing pending");
    let trace = lines();
    assert!(trace.iter().any(|line| line.starts_with("GPU: Resizing buffer")), "{trace:?}");
    assert_eq!(v.stats().reallocations, 1, "one reallocation, not one per upload: {trace:?}");
}

fn bytemuck_bytes(points: &[Point]) -> &[u8] {
    gloo_runtime::bytemuck::cast_slice(points)
}
