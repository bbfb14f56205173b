//! The write loops of `benches/write.rs`, shared with `benches/write_guard.rs`
//! so that the guard counts the very loops the benchmark times.

use gloo_runtime::{Vertex, VertexBuffer};

pub mod guard;

#[derive(Clone, Copy, Vertex)]
#[repr(C)]
pub struct Point {
    pub position: [f32; 2],
    pub color: [f32; 3],
}

impl Point {
    pub const ZERO: Point = Point { position: [0.0; 2], color: [0.0; 3] };
}

/// `count` random indices below `shape` from a fixed-seed xorshift: the
/// same for every contender.
pub fn indices<const N: usize>(shape: [usize; N], count: usize) -> Vec<[usize; N]> {
    let mut state = 0x2545_f491_4f6c_dd1du64;
    (0..count)
        .map(|_| {
            shape.map(|len| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                (state % len as u64) as usize
            })
        })
        .collect()
}

/// The raw contender: a bounds-checked write into a plain slice, row-major.
/// Every loop is a function taking `&mut`, as user code would be, so the
/// optimiser sees the same aliasing facts for each.
#[inline(never)]
pub fn write_raw<const N: usize>(raw: &mut [Point], shape: [usize; N], indices: &[[usize; N]]) {
    for (n, index) in indices.iter().enumerate() {
        let mut flat = 0;
        for axis in 0..N {
            assert!(index[axis] < shape[axis]);
            flat = flat * shape[axis] + index[axis];
        }
        raw[flat].position = [n as f32, 1.0];
    }
}

/// The tracked contenders: the same writes through the named accessor.
#[inline(never)]
pub fn write_tracked_1(tracked: &mut VertexBuffer<Point, 1>, indices: &[[usize; 1]]) {
    for (n, &[i]) in indices.iter().enumerate() {
        *tracked.position_mut(i) = [n as f32, 1.0];
    }
}

#[inline(never)]
pub fn write_tracked_2(tracked: &mut VertexBuffer<Point, 2>, indices: &[[usize; 2]]) {
    for (n, &[i, j]) in indices.iter().enumerate() {
        *tracked.position_mut(i, j) = [n as f32, 1.0];
    }
}

#[inline(never)]
pub fn write_tracked_3(tracked: &mut VertexBuffer<Point, 3>, indices: &[[usize; 3]]) {
    for (n, &[i, j, k]) in indices.iter().enumerate() {
        *tracked.position_mut(i, j, k) = [n as f32, 1.0];
    }
}
