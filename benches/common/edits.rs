//! The edits of the upload benchmarks (benches/upload.rs through glium,
//! benches/wgpu_upload.rs through wgpu): a 1M-record buffer of 20-byte
//! points, and the records each frame edits.

use gloo_runtime::Vertex;

/// A 20-byte record.
#[derive(Clone, Copy, Vertex)]
#[repr(C)]
pub struct Point {
    pub position: [f32; 2],
    pub color: [f32; 3],
}

/// Records in the buffer: 20 MB of points.
pub const RECORDS: usize = 1_000_000;

/// Record `n`'s value before any edit.
pub fn point(n: usize) -> Point {
    Point { position: [n as f32, 1.0], color: [0.5; 3] }
}

/// Edit patterns: name and the records edited each frame (the same in
/// every run: a fixed xorshift seed).
pub fn patterns() -> Vec<(&'static str, Vec<usize>)> {
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut random = |count: usize| -> Vec<usize> {
        (0..count)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                (state % RECORDS as u64) as usize
            })
            .collect()
    };
    vec![
        ("0.01%", random(RECORDS / 10_000)),
        ("0.1%", random(RECORDS / 1_000)),
        ("1%", random(RECORDS / 100)),
        ("10%", random(RECORDS / 10)),
        ("1% clustered", (400_000..410_000).collect()),
    ]
}
