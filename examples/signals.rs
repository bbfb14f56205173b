//! glumpy's realtime signals: 100 signals of 10,000 samples (1M vertices)
//! in a ring buffer. Each frame appends `k` new samples to every signal, at
//! the ring's head: 100 scattered runs of `k` records, one per row of a
//! `VertexBuffer<Sample, 2>` of shape `[signals, samples]`. The samples
//! never move; the ring offset goes to the shader as a uniform, which turns
//! a sample's age into its x. One draw of one line strip shows every signal
//! (the fragment shader drops the segments that join two signals and the
//! newest sample to the oldest).
//!
//! What each policy sends a frame, and the time it takes, is the point:
//!
//! ```text
//! cargo run --release --example signals -- --frames 100 --policy extent
//! cargo run --release --example signals -- --frames 100 --policy coalesce:0
//! cargo run --release --example signals -- --frames 100 --policy auto -o signals.png
//! cargo run --release --example signals -- --frames 3 -k 10 --debug
//! ```
//!
//! It renders off-screen through EGL: `--headless` is accepted for symmetry
//! with `gloo-quad`, and is the only mode.

use std::error::Error;
use std::time::Instant;

use clap::Parser;
use gloo_runtime::glium::backend::Facade;
use gloo_runtime::glium::index::{NoIndices, PrimitiveType};
use gloo_runtime::glium::{uniform, Program, Surface};
use gloo_runtime::headless::HeadlessContext;
use gloo_runtime::{check, GpuStorage, MergePolicy, Vertex, VertexBuffer};

mod common;

/// One sample of one signal: its value, in `-1.0..1.0`.
#[derive(Clone, Copy, Vertex)]
#[repr(C)]
struct Sample {
    value: f32,
}

const VERTEX_SHADER: &str = "
    #version 330 core
    in float value;
    uniform int samples;
    uniform int signals;
    uniform int head;
    out float v_signal;
    out float v_column;
    out vec3 v_color;
    void main() {
        int signal = gl_VertexID / samples;
        int column = gl_VertexID % samples;
        // Age 0 is the oldest sample (at the head), samples - 1 the newest.
        int age = (column - head + samples) % samples;
        float x = -1.0 + 2.0 * (float(age) + 0.5) / float(samples);
        float row = 2.0 / float(signals);
        float y = 1.0 - row * (float(signal) + 0.5) + 0.45 * row * value;
        v_signal = float(signal);
        v_column = float(column);
        v_color = vec3(0.5 + 0.5 * sin(float(signal)), 0.7, 0.5 + 0.5 * cos(float(signal)));
        gl_Position = vec4(x, y, 0.0, 1.0);
    }
";

const FRAGMENT_SHADER: &str = "
    #version 330 core
    uniform int head;
    in float v_signal;
    in float v_column;
    in vec3 v_color;
    out vec4 frag;
    void main() {
        // The segment from one signal's last sample to the next one's first.
        if (fract(v_signal) > 0.001) discard;
        // The segment from the newest sample (head - 1) to the oldest (head).
        if (v_column > float(head) - 0.999 && v_column < float(head) - 0.001) discard;
        frag = vec4(v_color, 1.0);
    }
";

/// 100 signals of 10,000 samples in a ring buffer, `k` new samples each a frame.
#[derive(Debug, Parser)]
struct Args {
    /// Signals (rows of the buffer).
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..))]
    signals: u32,
    /// Samples per signal (the ring's length).
    #[arg(long, default_value_t = 10_000, value_parser = clap::value_parser!(u32).range(2..))]
    samples: u32,
    /// New samples per signal each frame.
    #[arg(short, default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..))]
    k: u32,
    /// Frames rendered.
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..))]
    frames: u32,
    /// How pending writes become uploads: extent, coalesce:GAP (bytes) or auto.
    #[arg(long, default_value = "auto", value_parser = common::parse_policy)]
    policy: MergePolicy,
    /// Where the buffer lives: auto, dynamic (one GL call per range),
    /// mapped (one copy per range) or scatter (a compute dispatch per upload).
    #[arg(long, default_value = "auto", value_parser = parse_storage)]
    storage: GpuStorage,
    #[command(flatten)]
    offscreen: common::OffscreenArgs,
    /// Width of the image, in pixels (the height is half of it).
    #[arg(long, default_value_t = 1024)]
    size: u32,
}

/// Sample `t` of signal `signal`: a sine of the signal's own frequency, with noise.
fn sample(signal: usize, t: usize, noise: &mut u64) -> f32 {
    let frequency = 1.0 + signal as f32 % 7.0;
    0.8 * (t as f32 * frequency * 0.002).sin() + 0.2 * common::uniform(noise)
}

fn parse_storage(name: &str) -> Result<GpuStorage, String> {
    match name {
        "auto" => Ok(GpuStorage::Auto),
        "dynamic" => Ok(GpuStorage::Dynamic),
        "mapped" => Ok(GpuStorage::Mapped),
        "scatter" => Ok(GpuStorage::Scatter),
        _ => Err(format!("`{name}`: expected auto, dynamic, mapped or scatter")),
    }
}

/// "1 range", "100 ranges": one GL call each for a dynamic buffer, one copy
/// into the mapping each for a mapped one.
fn ranges(count: u64) -> String {
    match count {
        1 => "1 range".to_owned(),
        n => format!("{n} ranges"),
    }
}

fn main() -> Result<(), Box<dyn Error>> {
    let args = Args::parse();
    common::init_trace(args.offscreen.debug, &[]);
    let (signals, samples, k) = (args.signals as usize, args.samples as usize, args.k.min(args.samples) as usize);
    let ctx = HeadlessContext::with_size(args.size, args.size / 2)?;
    println!("[i] Using EGL (GL {}, {})", ctx.gl_version(), ctx.renderer());
    let program = Program::from_source(&ctx, VERTEX_SHADER, FRAGMENT_SHADER, None)?;
    check::vertex::<Sample>(&program)?; // the shader reads what `Sample` holds
    let target = common::rgba_texture(&ctx, args.size, args.size / 2)?;

    let mut noise = 0x9e37_79b9_7f4a_7c15u64;
    let mut ring = VertexBuffer::<Sample, 2>::from_fn([signals, samples], |[signal, t]| Sample {
        value: sample(signal, t, &mut noise),
    });
    ring.set_policy(args.policy);
    ring.set_gpu_storage(args.storage);
    let (mut head, mut t) = (0usize, samples);
    let (mut edit_time, mut upload_time, mut draw_time) = (0.0, 0.0, 0.0);
    let (mut sent_after_first, mut calls_after_first) = (0, 0);
    for frame in 0..args.frames {
        let started = Instant::now();
        if frame > 0 {
            // Append k samples to every signal at the head, wrapping around.
            for signal in 0..signals {
                for n in 0..k {
                    *ring.value_mut(signal, (head + n) % samples) = sample(signal, t + n, &mut noise);
                }
            }
            head = (head + k) % samples;
            t += k;
        }
        let edited = Instant::now();
        let before = ring.stats();
        // Uploading apart from the draw, to time it alone (`bind` would do it).
        ring.upload(&ctx)?;
        ctx.get_context().finish();
        let uploaded = Instant::now();
        let mut surface = target.as_surface();
        surface.clear_color(0.0, 0.0, 0.0, 1.0);
        let uniforms = uniform! { samples: samples as i32, signals: signals as i32, head: head as i32 };
        surface.draw(
            ring.bind(&ctx)?,
            NoIndices(PrimitiveType::LineStrip),
            &program,
            &uniforms,
            &Default::default(),
        )?;
        ctx.get_context().finish();
        let drawn = Instant::now();
        let stats = ring.stats();
        let (sent, calls) = (stats.bytes_uploaded - before.bytes_uploaded, stats.upload_calls - before.upload_calls);
        if frame == 0 {
            println!(
                "[i] {signals} signals of {samples} samples ({} MB, {}), {k} new samples each a frame, policy {}",
                ring.nbytes() / 1_000_000,
                match ring.active_storage() {
                    Some(GpuStorage::Mapped) => "persistently mapped",
                    Some(GpuStorage::Scatter) => "scattered by compute",
                    _ => "dynamic",
                },
                common::policy_name(args.policy),
            );
        } else {
            edit_time += (edited - started).as_secs_f64();
            upload_time += (uploaded - edited).as_secs_f64();
            draw_time += (drawn - uploaded).as_secs_f64();
            sent_after_first += sent;
            calls_after_first += calls;
        }
        if frame < 3 || frame + 1 == args.frames {
            println!("frame {frame}: {sent} bytes in {}", ranges(calls));
        }
    }
    if args.frames > 1 {
        let frames = u64::from(args.frames - 1);
        let ms = |seconds: f64| seconds / frames as f64 * 1e3;
        println!(
            "[i] per frame after the first: {} bytes in {} ({} bytes written); upload {:.3} ms, edits {:.3} ms, draw {:.1} ms",
            sent_after_first / frames,
            ranges(calls_after_first / frames),
            signals * k * Sample::LAYOUT.stride,
            ms(upload_time),
            ms(edit_time),
            ms(draw_time),
        );
    }
    if let Some(path) = args.offscreen.output {
        common::save_png(&path, target.read())?;
        println!("[i] Wrote {}", path.display());
    }
    Ok(())
}
