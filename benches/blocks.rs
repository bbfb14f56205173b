//! Blocks cost what vertices cost: a tracked member write of a
//! `StorageBuffer` against the same write of a `VertexBuffer` of records
//! of the same layout (and a raw slice), streaming 4M random indices over
//! 1M records of 32 bytes; a `UniformBuffer` member write against a raw
//! struct write, in cache (each through `black_box`, so that neither loop
//! folds into its last store); and what a one-member edit of a uniform sends.
//!
//! `cargo bench --bench blocks` (about a minute). The contenders take
//! turns (see `common::turns`): each round times every one once, in a
//! rotating order, and the table prints the median over rounds of each
//! one's time over the vertex buffer's (or the raw struct's).

use std::hint::black_box;

use gloo_runtime::headless::HeadlessContext;
use gloo_runtime::{Block, StorageBuffer, UniformBuffer, Vertex, VertexBuffer};

#[allow(dead_code)] // criterion's estimates: this bench prints its own turns
mod common;
use common::{median, turns};

#[derive(Clone, Copy, Vertex)]
#[repr(C)]
struct VertexParticle {
    position: [f32; 3],
    mass: f32,
    velocity: [f32; 3],
    age: f32,
}

#[derive(Clone, Copy, Block)]
#[block(std430)]
#[repr(C)]
struct Particle {
    position: [f32; 3],
    mass: f32,
    velocity: [f32; 3],
    age: f32,
}

#[derive(Clone, Copy, Block)]
#[block(std140)]
#[repr(C)]
struct Frame {
    view: [[f32; 4]; 4],
    time: f32,
    exposure: f32,
    #[block(skip)]
    _pad: [u32; 2],
}

const RECORDS: usize = 1 << 20;
const STREAM: usize = 4 << 20;
const ROUNDS: usize = 31;

/// `count` random indices below `len`, from a fixed-seed xorshift.
fn indices(len: usize, count: usize) -> Vec<usize> {
    let mut state = 0x2545_f491_4f6c_dd1du64;
    (0..count)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % len as u64) as usize
        })
        .collect()
}

#[inline(never)]
fn write_raw(raw: &mut [Particle], indices: &[usize]) {
    for (n, &i) in indices.iter().enumerate() {
        raw[i].velocity = [n as f32, 1.0, 0.0];
    }
}

#[inline(never)]
fn write_vertices(buffer: &mut VertexBuffer<VertexParticle>, indices: &[usize]) {
    for (n, &i) in indices.iter().enumerate() {
        *buffer.velocity_mut(i) = [n as f32, 1.0, 0.0];
    }
}

#[inline(never)]
fn write_blocks(buffer: &mut StorageBuffer<Particle>, indices: &[usize]) {
    for (n, &i) in indices.iter().enumerate() {
        *buffer.velocity_mut(i) = [n as f32, 1.0, 0.0];
    }
}

#[inline(never)]
fn write_frame_raw(frame: &mut Frame, count: usize) {
    for n in 0..count {
        black_box(&mut *frame).time = n as f32;
    }
}

#[inline(never)]
fn write_frame_tracked(frame: &mut UniformBuffer<Frame>, count: usize) {
    for n in 0..count {
        *black_box(&mut *frame).time_mut() = n as f32;
    }
}

fn main() {
    if std::env::args().any(|arg| arg == "--list") {
        return; // `cargo test --benches` asks; there is nothing to list
    }
    let stream = indices(RECORDS, STREAM);
    let zero = Particle { position: [0.0; 3], mass: 1.0, velocity: [0.0; 3], age: 0.0 };
    let mut raw = vec![zero; RECORDS];
    let mut vertices = VertexBuffer::<VertexParticle>::zeros([RECORDS]);
    let mut blocks = StorageBuffer::<Particle>::zeros([RECORDS]);
    let rounds = turns(
        &mut [
            &mut || write_raw(black_box(&mut raw), &stream),
            &mut || {
                vertices.take_dirty();
                write_vertices(black_box(&mut vertices), &stream);
            },
            &mut || {
                blocks.take_dirty();
                write_blocks(black_box(&mut blocks), &stream);
            },
        ],
        ROUNDS,
    );
    let ratio = |a: usize, b: usize| median(rounds.iter().map(|times| times[a] / times[b]).collect());
    let per_write = |k: usize| median(rounds.iter().map(|times| times[k]).collect()) / STREAM as f64;
    println!("\n4M random member writes over 1M records of 32 bytes, {ROUNDS} rounds in turns (medians):");
    println!("  raw slice                      {:6.2} ns a write", per_write(0));
    println!("  VertexBuffer velocity_mut(i)   {:6.2} ns a write, {:.2}× raw", per_write(1), ratio(1, 0));
    println!("  StorageBuffer velocity_mut(i)  {:6.2} ns a write, {:.2}× raw", per_write(2), ratio(2, 0));
    println!("  StorageBuffer / VertexBuffer   {:.2}", ratio(2, 1));

    const CACHED: usize = 1 << 16;
    let frame0 = Frame { view: [[0.0; 4]; 4], time: 0.0, exposure: 1.0, _pad: [0; 2] };
    let (mut plain, mut frame) = (frame0, UniformBuffer::from_value(frame0));
    let rounds = turns(
        &mut [&mut || write_frame_raw(black_box(&mut plain), CACHED), &mut || {
            frame.take_dirty();
            write_frame_tracked(black_box(&mut frame), CACHED);
        }],
        ROUNDS,
    );
    let ratio = median(rounds.iter().map(|times| times[1] / times[0]).collect());
    let tracked = median(rounds.iter().map(|times| times[1]).collect()) / CACHED as f64;
    println!("\n64K writes of one uniform member (in cache): {tracked:.2} ns a write, {ratio:.2}× a plain struct's");

    match HeadlessContext::new() {
        Ok(context) => {
            let mut frame = UniformBuffer::new(&context, frame0).expect("uniform buffer");
            let before = frame.stats();
            *frame.time_mut() = 1.0;
            frame.upload(&context).expect("upload");
            let sent = frame.stats().bytes_uploaded - before.bytes_uploaded;
            println!(
                "one-member edit of a {}-byte uniform block: {sent} bytes sent ({:?})",
                Frame::BLOCK.size,
                frame.read_gpu(&context).map(|f| f.time)
            );
        }
        Err(error) => println!("no GL context ({error}): upload figures skipped"),
    }
}
