//! Static and dynamic attributes in separate buffers, as glumpy advises:
//! colours that never change in one gloo buffer, positions that move every
//! frame in another, drawn together as one vertex source. Against it, the
//! same points in one interleaved buffer, where moving the positions re-sends
//! the colours between them too.
//!
//! ```text
//! cargo run --release --example split-buffers -- --points 10000 --frames 5
//! ```
//!
//! It renders off-screen, needs no window, and prints the bytes each
//! approach uploads per frame, from the buffers' `stats()`.

use std::error::Error;
use std::f32::consts::TAU;
use std::process::ExitCode;

use clap::Parser;
use gloo_runtime::glium::framebuffer::SimpleFrameBuffer;
use gloo_runtime::glium::index::{NoIndices, PrimitiveType};
use gloo_runtime::glium::texture::Texture2d;
use gloo_runtime::glium::uniforms::EmptyUniforms;
use gloo_runtime::glium::{Program, Surface};
use gloo_runtime::headless::HeadlessContext;
use gloo_runtime::{check, Vertex, VertexBuffer};

mod common;

/// The dynamic half of a split point.
#[derive(Clone, Copy, Vertex)]
#[repr(C)]
struct Position {
    position: [f32; 2],
}

/// The static half of a split point.
#[derive(Clone, Copy, Vertex)]
#[repr(C)]
struct Color {
    color: [f32; 3],
}

/// A point with both attributes interleaved in one record.
#[derive(Clone, Copy, Vertex)]
#[repr(C)]
struct Point {
    position: [f32; 2],
    color: [f32; 3],
}

const VERTEX_SHADER: &str = "
    #version 140
    in vec2 position;
    in vec3 color;
    out vec3 v_color;
    void main() {
        v_color = color;
        gl_Position = vec4(position, 0.0, 1.0);
    }
";

const FRAGMENT_SHADER: &str = "
    #version 140
    in vec3 v_color;
    out vec4 f_color;
    void main() { f_color = vec4(v_color, 1.0); }
";

/// Side of the square image both approaches render into.
const IMAGE_SIZE: u32 = 256;

/// Split static and dynamic vertex attributes, and count the bytes saved.
#[derive(Debug, Parser)]
#[command(name = "split-buffers")]
struct Args {
    /// Number of points.
    #[arg(long, default_value_t = 10_000, value_parser = clap::value_parser!(u32).range(1..))]
    points: u32,

    /// Number of frames to render.
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u64).range(1..))]
    frames: u64,

    /// Print every GPU operation on stderr (`GPU: ...` lines).
    #[arg(short, long)]
    debug: bool,
}

/// The two ways to hold the same points.
struct Scene {
    positions: VertexBuffer<Position>,
    colors: VertexBuffer<Color>,
    interleaved: VertexBuffer<Point>,
}

impl Scene {
    fn new(points: usize) -> Scene {
        let color = |i: usize| hue(i as f32 / points as f32);
        Scene {
            positions: VertexBuffer::from_fn([points], |[i]| Position { position: place(i, points, 0.0) }),
            colors: VertexBuffer::from_fn([points], |[i]| Color { color: color(i) }),
            interleaved: VertexBuffer::from_fn([points], |[i]| Point {
                position: place(i, points, 0.0),
                color: color(i),
            }),
        }
    }

    /// Moves every point to its place at `time`, in both layouts, through the
    /// `position` accessors: colours are not touched.
    fn move_to(&mut self, time: f32) {
        let points = self.positions.len();
        for i in 0..points {
            let position = place(i, points, time);
            *self.positions.position_mut(i) = position;
            *self.interleaved.position_mut(i) = position;
        }
    }
}

/// Point `i` of `points` on a turning spiral at `time`.
fn place(i: usize, points: usize, time: f32) -> [f32; 2] {
    let along = i as f32 / points as f32;
    let (radius, angle) = (0.1 + 0.85 * along, 12.0 * TAU * along + time);
    [radius * angle.cos(), radius * angle.sin()]
}

/// A saturated colour around the hue wheel, `turn` in `0..1`.
fn hue(turn: f32) -> [f32; 3] {
    [0.0, 1.0 / 3.0, 2.0 / 3.0].map(|offset| 0.5 + 0.5 * (TAU * (turn + offset)).cos())
}

/// Bytes uploaded in one frame, for each approach.
#[derive(Clone, Copy, Debug)]
struct FrameBytes {
    positions: u64,
    colors: u64,
    interleaved: u64,
}

impl FrameBytes {
    fn split(self) -> u64 {
        self.positions + self.colors
    }
}

fn main() -> ExitCode {
    let args = Args::parse();
    common::init_trace(args.debug, &[]);
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("split-buffers: {error}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &Args) -> Result<(), Box<dyn Error>> {
    let context = HeadlessContext::with_size(IMAGE_SIZE, IMAGE_SIZE)?;
    println!("[i] Using EGL (GL {}, {})", context.gl_version(), context.renderer());
    println!(
        "[i] {} points, {} frames: positions ({} bytes each) move every frame, colours ({} bytes) never change",
        args.points,
        args.frames,
        Position::LAYOUT.stride,
        Color::LAYOUT.stride,
    );

    let program = Program::from_source(&context, VERTEX_SHADER, FRAGMENT_SHADER, None)?;
    // One program reads both layouts: two buffers, or one interleaved.
    check::vertex::<(Position, Color)>(&program)?;
    check::vertex::<Point>(&program)?;
    let new_target = || common::rgba_texture(&context, IMAGE_SIZE, IMAGE_SIZE);
    let (split_image, interleaved_image) = (new_target()?, new_target()?);
    let mut scene = Scene::new(args.points as usize);
    let points = NoIndices(PrimitiveType::Points);

    println!("frame  split: positions +   colors =    total  interleaved");
    let mut frames = Vec::new();
    for frame in 0..args.frames {
        let before = bytes_so_far(&scene);
        scene.move_to(frame as f32 / 60.0);

        let mut surface = SimpleFrameBuffer::new(&context, &split_image)?;
        surface.clear_color(0.0, 0.0, 0.0, 1.0);
        let split = (scene.positions.bind(&context)?, scene.colors.bind(&context)?);
        surface.draw(split, points, &program, &EmptyUniforms, &Default::default())?;

        let mut surface = SimpleFrameBuffer::new(&context, &interleaved_image)?;
        surface.clear_color(0.0, 0.0, 0.0, 1.0);
        let interleaved = scene.interleaved.bind(&context)?;
        surface.draw(interleaved, points, &program, &EmptyUniforms, &Default::default())?;

        let bytes = since(before, bytes_so_far(&scene));
        println!(
            "{frame:>5}  {:>16} + {:>8} = {:>8}  {:>11}",
            bytes.positions,
            bytes.colors,
            bytes.split(),
            bytes.interleaved
        );
        frames.push(bytes);
    }
    print_summary(&frames);

    let split_pixels = pixels(&split_image);
    if split_pixels != pixels(&interleaved_image) {
        return Err("the split and interleaved buffers drew different images".into());
    }
    let lit = split_pixels.iter().filter(|&&(r, g, b, _)| (r, g, b) != (0, 0, 0)).count();
    println!("[i] Both approaches drew the same image ({lit} pixels lit)");
    Ok(())
}

fn pixels(texture: &Texture2d) -> Vec<(u8, u8, u8, u8)> {
    texture.read::<Vec<Vec<_>>>().concat()
}

/// Bytes uploaded so far by each buffer, from `stats()`.
fn bytes_so_far(scene: &Scene) -> FrameBytes {
    FrameBytes {
        positions: scene.positions.stats().bytes_uploaded,
        colors: scene.colors.stats().bytes_uploaded,
        interleaved: scene.interleaved.stats().bytes_uploaded,
    }
}

fn since(before: FrameBytes, after: FrameBytes) -> FrameBytes {
    FrameBytes {
        positions: after.positions - before.positions,
        colors: after.colors - before.colors,
        interleaved: after.interleaved - before.interleaved,
    }
}

/// The steady state, after the first frame has created and filled the buffers.
fn print_summary(frames: &[FrameBytes]) {
    let Some(steady) = frames.get(1..).filter(|rest| !rest.is_empty()) else {
        println!("[i] Run two frames or more to see the steady state");
        return;
    };
    let count = steady.len() as u64;
    let split = steady.iter().map(|bytes| bytes.split()).sum::<u64>() / count;
    let interleaved = steady.iter().map(|bytes| bytes.interleaved).sum::<u64>() / count;
    println!(
        "bytes per frame after the first: split {split}, interleaved {interleaved} ({:.2}x more)",
        interleaved as f64 / split.max(1) as f64
    );
}
