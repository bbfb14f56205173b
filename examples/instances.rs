//! Instancing: one small triangle drawn thousands of times, one instance per
//! record of a second gloo buffer whose offsets move every frame through the
//! `offset_mut` accessor. Each frame marks only the instances that moved;
//! the buffer's `MergePolicy` decides how they are sent, and each frame's
//! line says what went out.
//!
//! With the defaults (10,000 instances of 12 bytes, 100 moving, spread over
//! the buffer) `auto` sends the whole 120 KB buffer in one call: at about
//! 0.6 µs a call and 0.1 ns a byte, 100 calls cost more than sending the
//! 118 KB between them. `--policy coalesce:0` sends only the moved records
//! (100 calls, 1,200 bytes); `--clustered` moves 100 neighbours, which any
//! policy sends as one small block.
//!
//! ```text
//! cargo run --release --example instances -- --frames 60 --output instances.png
//! cargo run --release --example instances -- --policy coalesce:0 --frames 3
//! cargo run --release --example instances -- --count 100000 --moving 1000 --frames 10
//! ```

use std::error::Error;
use std::path::PathBuf;
use std::time::Instant;

use clap::Parser;
use gloo_runtime::glium::index::{NoIndices, PrimitiveType};
use gloo_runtime::glium::uniforms::EmptyUniforms;
use gloo_runtime::glium::{Program, Surface};
use gloo_runtime::headless::HeadlessContext;
use gloo_runtime::{check, MergePolicy, Vertex, VertexBuffer};

mod common;
use common::{calls_text, parse_policy, policy_name};

/// A corner of the shared triangle.
#[derive(Clone, Copy, Vertex)]
#[repr(C)]
struct Corner {
    position: [f32; 2],
}

/// One instance: where it is and its colour.
#[derive(Clone, Copy, Vertex)]
#[repr(C)]
struct Instance {
    offset: [f32; 2],
    #[vertex(normalize)]
    color: [u8; 4],
}

const VERTEX_SHADER: &str = "
    #version 330 core
    in vec2 position;
    in vec2 offset;
    in vec4 color;
    out vec4 v_color;
    void main() { v_color = color; gl_Position = vec4(position + offset, 0.0, 1.0); }
";

const FRAGMENT_SHADER: &str = "
    #version 330 core
    in vec4 v_color;
    out vec4 frag;
    void main() { frag = v_color; }
";

/// Thousands of instanced triangles, a few of them moving each frame, off-screen.
#[derive(Debug, Parser)]
struct Args {
    /// Instances drawn.
    #[arg(long, default_value_t = 10_000)]
    count: usize,
    /// Instances moved each frame (spread over the buffer).
    #[arg(long, default_value_t = 100)]
    moving: usize,
    /// Move neighbouring instances instead of ones spread over the buffer.
    #[arg(long)]
    clustered: bool,
    /// How moved instances are sent: extent, coalesce:GAP (bytes) or auto.
    #[arg(long, default_value = "auto", value_parser = parse_policy)]
    policy: MergePolicy,
    /// Frames rendered.
    #[arg(long, default_value_t = 60)]
    frames: u32,
    /// Write the last frame here as PNG.
    #[arg(short, long)]
    output: Option<PathBuf>,
}

/// A point on a spiral for instance `n` of `count`, turned by `phase`.
fn spiral(n: usize, count: usize, phase: f32) -> [f32; 2] {
    let t = n as f32 / count as f32;
    let angle = t * 60.0 + phase;
    [0.9 * t * angle.cos(), 0.9 * t * angle.sin()]
}

fn main() -> Result<(), Box<dyn Error>> {
    let args = Args::parse();
    if args.moving > args.count {
        return Err(format!("--moving {} exceeds --count {}", args.moving, args.count).into());
    }
    let ctx = HeadlessContext::with_size(512, 512)?;
    println!("[i] Using EGL (GL {}, {})", ctx.gl_version(), ctx.renderer());
    let program = Program::from_source(&ctx, VERTEX_SHADER, FRAGMENT_SHADER, None)?;
    check::vertex::<(Corner, Instance)>(&program)?; // the shader reads what both buffers hold
    let target = common::rgba_texture(&ctx, 512, 512)?;

    let size = 0.01;
    let mut triangle = VertexBuffer::<Corner>::from_vec(
        [3],
        vec![Corner { position: [-size, -size] }, Corner { position: [size, -size] }, Corner { position: [0.0, size] }],
    )?;
    let count = args.count;
    let mut instances = VertexBuffer::<Instance>::from_fn([count], |[n]| Instance {
        offset: spiral(n, count, 0.0),
        color: [255, (255 * n / count.max(1)) as u8, 64, 255],
    });
    instances.set_policy(args.policy);
    println!(
        "[i] {count} instances of {} bytes ({} bytes), {} moving per frame{}, policy {}",
        Instance::LAYOUT.stride,
        instances.nbytes(),
        args.moving,
        if args.clustered { ", neighbours" } else { ", spread out" },
        policy_name(args.policy),
    );

    let stride = if args.clustered { 1 } else { count / args.moving.max(1) };
    let started = Instant::now();
    for frame in 0..args.frames {
        let phase = frame as f32 * 0.05;
        for k in 0..args.moving {
            let n = k * stride;
            *instances.offset_mut(n) = spiral(n, count, phase);
        }
        let before = instances.stats();
        let mut surface = target.as_surface();
        surface.clear_color(0.0, 0.0, 0.0, 1.0);
        let sources = (triangle.bind(&ctx)?, instances.bind(&ctx)?.per_instance()?);
        surface.draw(
            sources,
            NoIndices(PrimitiveType::TrianglesList),
            &program,
            &EmptyUniforms,
            &Default::default(),
        )?;
        let after = instances.stats();
        if frame < 3 || frame + 1 == args.frames {
            println!(
                "frame {frame}: {count} instances drawn, {} bytes uploaded in {} ({} bytes written)",
                after.bytes_uploaded - before.bytes_uploaded,
                calls_text(after.upload_calls - before.upload_calls),
                after.bytes_written - before.bytes_written,
            );
        }
    }
    let elapsed = started.elapsed();
    let total = instances.stats();
    println!(
        "[i] {} frames in {:.1} ms; instance buffer: {} bytes uploaded in total, {} per frame after the first",
        args.frames,
        elapsed.as_secs_f64() * 1e3,
        total.bytes_uploaded,
        (total.bytes_uploaded - instances.nbytes() as u64) / u64::from(args.frames.max(2) - 1),
    );

    if let Some(path) = args.output {
        common::save_png(&path, target.read())?;
        println!("[i] Wrote {}", path.display());
    }
    Ok(())
}
