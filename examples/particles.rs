//! A million particles stepped with ndarray arithmetic on field views, the
//! numpy way: `P["position"] += dt * B["velocity"]`. A particle is 28 bytes,
//! but only its 8 bytes of position change after the first frame; uploads
//! go in whole records, so the positions live in a buffer of their own, the
//! velocities and colours in a static one, and the two draw as one (glumpy's
//! advice for static and dynamic attributes). Each frame sends the 8 MB of
//! positions, not 28 MB.
//!
//! ```text
//! cargo run --release --example particles -- --frames 60 --output particles.png
//! cargo run --release --example particles -- --count 100000 --frames 3 --debug
//! cargo run --release --example particles --no-default-features   # one thread, no rayon
//! ```
//!
//! With the feature `rayon` (on by default in this workspace) the step runs
//! on every core through `Zip::par_for_each`. The example renders off-screen
//! through EGL: `--headless` is accepted for symmetry with `gloo-quad`, and
//! is the only mode.

use std::error::Error;
use std::time::Instant;

use clap::Parser;
use gloo_runtime::glium::index::{NoIndices, PrimitiveType};
use gloo_runtime::glium::uniforms::EmptyUniforms;
use gloo_runtime::glium::{DrawParameters, Program, Surface};
use gloo_runtime::headless::HeadlessContext;
use gloo_runtime::ndarray::Zip;
use gloo_runtime::{check, MergePolicy, Vertex, VertexBuffer};

mod common;

/// Where a particle is: rewritten every frame.
#[derive(Clone, Copy, Vertex)]
#[repr(C)]
struct Position {
    position: [f32; 2],
}

/// The rest of a particle: set once.
#[derive(Clone, Copy, Vertex)]
#[repr(C)]
struct Body {
    velocity: [f32; 2],
    color: [f32; 3],
}

const VERTEX_SHADER: &str = "
    #version 330 core
    in vec2 position;
    in vec3 color;
    out vec3 v_color;
    void main() { v_color = color; gl_Position = vec4(position, 0.0, 1.0); }
";

const FRAGMENT_SHADER: &str = "
    #version 330 core
    in vec3 v_color;
    out vec4 frag;
    void main() { frag = vec4(v_color, 1.0); }
";

/// A million particles drifting across the screen, stepped with ndarray views.
#[derive(Debug, Parser)]
struct Args {
    /// Particles simulated and drawn.
    #[arg(long, default_value_t = 1_000_000)]
    count: usize,
    /// Frames rendered.
    #[arg(long, default_value_t = 60, value_parser = clap::value_parser!(u32).range(1..))]
    frames: u32,
    #[command(flatten)]
    offscreen: common::OffscreenArgs,
    /// Width and height of the square image, in pixels.
    #[arg(long, default_value_t = 512)]
    size: u32,
}

/// Wraps a coordinate into `-1.0..1.0`, so particles leaving one edge enter
/// at the other.
fn wrap(x: f32) -> f32 {
    (x + 1.0).rem_euclid(2.0) - 1.0
}

/// `position = wrap(position + dt * velocity)`, over every particle: two
/// field views of two buffers, one borrowed for writing.
fn step(positions: &mut VertexBuffer<Position>, bodies: &VertexBuffer<Body>, dt: f32) {
    let zip =
        Zip::from(positions.field_view_mut(Position::FIELDS.position)).and(bodies.field_view(Body::FIELDS.velocity));
    #[cfg(feature = "rayon")]
    zip.par_for_each(|p, &v| *p = wrap(*p + dt * v));
    #[cfg(not(feature = "rayon"))]
    zip.for_each(|p, &v| *p = wrap(*p + dt * v));
}

fn main() -> Result<(), Box<dyn Error>> {
    let args = Args::parse();
    common::init_trace(args.offscreen.debug, &[]);
    let ctx = HeadlessContext::with_size(args.size, args.size)?;
    println!("[i] Using EGL (GL {}, {})", ctx.gl_version(), ctx.renderer());
    let program = Program::from_source(&ctx, VERTEX_SHADER, FRAGMENT_SHADER, None)?;
    check::vertex::<(Position, Body)>(&program)?; // the shader reads what both buffers hold
    let target = common::rgba_texture(&ctx, args.size, args.size)?;

    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    let mut positions = VertexBuffer::<Position>::from_fn([args.count], |_| Position {
        position: [common::uniform(&mut seed), common::uniform(&mut seed)],
    });
    let mut bodies = VertexBuffer::<Body>::from_fn([args.count], |_| {
        let velocity = [0.2 * common::uniform(&mut seed), 0.2 * common::uniform(&mut seed)];
        let speed = (velocity[0].hypot(velocity[1]) / 0.28).min(1.0);
        Body { velocity, color: [1.0, speed, 1.0 - speed] }
    });
    positions.set_policy(MergePolicy::Auto);
    let interleaved = Position::LAYOUT.stride + Body::LAYOUT.stride;
    println!(
        "[i] {} particles of {interleaved} bytes ({} MB), stepping on {}",
        args.count,
        args.count * interleaved / 1_000_000,
        if cfg!(feature = "rayon") { "every core (rayon)" } else { "one thread" },
    );

    let params = DrawParameters { point_size: Some(1.0), ..Default::default() };
    let dt = 1.0 / 60.0;
    let (mut step_time, mut sent_after_first) = (0.0, 0);
    for frame in 0..args.frames {
        if frame > 0 {
            let started = Instant::now();
            step(&mut positions, &bodies, dt);
            step_time += started.elapsed().as_secs_f64();
        }
        let before = positions.stats().bytes_uploaded + bodies.stats().bytes_uploaded;
        let mut surface = target.as_surface();
        surface.clear_color(0.0, 0.0, 0.0, 1.0);
        let sources = (positions.bind(&ctx)?, bodies.bind(&ctx)?);
        surface.draw(sources, NoIndices(PrimitiveType::Points), &program, &EmptyUniforms, &params)?;
        let sent = positions.stats().bytes_uploaded + bodies.stats().bytes_uploaded - before;
        if frame > 0 {
            sent_after_first += sent;
        }
        if frame < 3 || frame + 1 == args.frames {
            println!("frame {frame}: {sent} bytes uploaded");
        }
    }
    if args.frames > 1 {
        let steps = f64::from(args.frames - 1);
        println!(
            "[i] bytes per frame after the first: {} (one interleaved buffer: {}); step {:.2} ms a frame",
            sent_after_first / u64::from(args.frames - 1),
            args.count * interleaved,
            step_time / steps * 1e3,
        );
    }
    if let Some(path) = args.offscreen.output {
        common::save_png(&path, target.read())?;
        println!("[i] Wrote {}", path.display());
    }
    Ok(())
}
