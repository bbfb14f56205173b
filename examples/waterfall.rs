//! A scrolling spectrogram (a waterfall): a `Texture2d<f32>` of 1024 bins ×
//! 512 rows in a ring. Each frame writes one new spectrum into the row at
//! the ring's head; the texels never move, the head goes to the shader as
//! a uniform, which shows the newest row at the top, and a colour map turns
//! each magnitude into a colour.
//!
//! One row a frame is what is sent, not the texture:
//!
//! ```text
//! cargo run --release --example waterfall -- --frames 200 -o waterfall.png
//! cargo run --release --example waterfall -- --frames 3 --debug
//! cargo run --release --example waterfall -- --frames 100 --policy coalesce:0
//! ```
//!
//! It renders off-screen through EGL: `--headless` is accepted for symmetry
//! with `gloo-quad`, and is the only mode.

use std::error::Error;
use std::time::Instant;

use clap::Parser;
use gloo_runtime::glium::backend::Facade;
use gloo_runtime::glium::index::{NoIndices, PrimitiveType};
use gloo_runtime::glium::uniforms::{MagnifySamplerFilter, MinifySamplerFilter};
use gloo_runtime::glium::{uniform, Program, Surface};
use gloo_runtime::headless::HeadlessContext;
use gloo_runtime::{check, MergePolicy, Texture2d, Vertex, VertexBuffer};

mod common;

/// A corner of the full-screen quad.
#[derive(Clone, Copy, Vertex)]
#[repr(C)]
struct Corner {
    position: [f32; 2],
}

const VERTEX_SHADER: &str = "
    #version 330 core
    in vec2 position;
    out vec2 v_screen;
    void main() {
        v_screen = position * 0.5 + 0.5;
        gl_Position = vec4(position, 0.0, 1.0);
    }
";

const FRAGMENT_SHADER: &str = "
    #version 330 core
    uniform sampler2D spectra;
    uniform int head;
    uniform int rows;
    in vec2 v_screen;
    out vec4 frag;
    // A perceptual ramp, black to purple to orange to pale yellow.
    vec3 colour_map(float v) {
        v = clamp(v, 0.0, 1.0);
        vec3 a = vec3(0.0, 0.0, 0.02), b = vec3(0.55, 0.1, 0.5), c = vec3(0.98, 0.55, 0.1), d = vec3(1.0, 1.0, 0.75);
        return v < 0.4 ? mix(a, b, v / 0.4) : v < 0.8 ? mix(b, c, (v - 0.4) / 0.4) : mix(c, d, (v - 0.8) / 0.2);
    }
    void main() {
        // The top of the screen is the newest row (the head), then older ones below.
        int age = int(floor((1.0 - v_screen.y) * float(rows)));
        int row = (head - age + rows) % rows;
        float magnitude = texture(spectra, vec2(v_screen.x, (float(row) + 0.5) / float(rows))).r;
        frag = vec4(colour_map(magnitude), 1.0);
    }
";

/// A spectrogram of `--bins` × `--rows` in a ring, one new row a frame.
#[derive(Debug, Parser)]
struct Args {
    /// Frequency bins (texels per row).
    #[arg(long, default_value_t = 1024, value_parser = clap::value_parser!(u32).range(1..))]
    bins: u32,
    /// Rows of history (the ring's length).
    #[arg(long, default_value_t = 512, value_parser = clap::value_parser!(u32).range(1..))]
    rows: u32,
    /// Frames rendered.
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..))]
    frames: u32,
    /// How written texels become uploads: extent, coalesce:GAP (bytes) or auto.
    #[arg(long, default_value = "auto", value_parser = common::parse_policy)]
    policy: MergePolicy,
    #[command(flatten)]
    offscreen: common::OffscreenArgs,
    /// Width of the image, in pixels (the height is half of it).
    #[arg(long, default_value_t = 1024)]
    size: u32,
}

/// The spectrum at time `t`: three tones gliding up and down, a drifting
/// harmonic, and noise, as magnitudes in `0.0..=1.0`.
fn spectrum(t: usize, bins: usize, noise: &mut u64, row: &mut [f32]) {
    let time = t as f32 * 0.03;
    let tones = [
        (0.2 + 0.1 * (time * 0.7).sin(), 0.9),
        (0.5 + 0.25 * (time * 0.23).sin(), 0.7),
        (0.8 - 0.05 * time.rem_euclid(4.0), 0.5),
    ];
    for (bin, magnitude) in row.iter_mut().enumerate() {
        let f = bin as f32 / bins as f32;
        let peaks: f32 = tones.iter().map(|&(at, level)| level * (-((f - at) * 120.0).powi(2)).exp()).sum();
        let harmonic = 0.3 * (-((f - 2.0 * tones[0].0) * 80.0).powi(2)).exp();
        *magnitude = (peaks + harmonic + 0.08 * (common::uniform(noise) + 1.0)).min(1.0);
    }
}

fn main() -> Result<(), Box<dyn Error>> {
    let args = Args::parse();
    common::init_trace(args.offscreen.debug, &[]);
    let (bins, rows) = (args.bins as usize, args.rows as usize);
    let ctx = HeadlessContext::with_size(args.size, args.size / 2)?;
    println!("[i] Using EGL (GL {}, {})", ctx.gl_version(), ctx.renderer());
    let program = Program::from_source(&ctx, VERTEX_SHADER, FRAGMENT_SHADER, None)?;
    check::vertex::<Corner>(&program)?; // the shader reads what `Corner` holds
    let target = common::rgba_texture(&ctx, args.size, args.size / 2)?;
    let corners = [[-1.0, -1.0], [1.0, -1.0], [-1.0, 1.0], [1.0, 1.0]].map(|position| Corner { position });
    let mut quad = VertexBuffer::<Corner>::from_vec([4], corners.to_vec())?;

    let mut spectra = Texture2d::<f32>::zeros(bins, rows);
    spectra.set_policy(args.policy);
    let mut noise = 0x2545_f491_4f6c_dd1du64;
    let mut head = rows - 1;
    let (mut upload_time, mut draw_time) = (0.0, 0.0);
    let (mut sent_after_first, mut calls_after_first) = (0, 0);
    for frame in 0..args.frames {
        // The new spectrum goes to the row after the head, the oldest.
        head = (head + 1) % rows;
        spectrum(frame as usize, bins, &mut noise, spectra.row_mut(head));
        let started = Instant::now();
        let before = spectra.stats();
        // Uploading apart from the draw, to time it alone (`bind` would do it).
        spectra.upload(&ctx)?;
        ctx.get_context().finish();
        let uploaded = Instant::now();
        let sampled = spectra
            .bind(&ctx)?
            .sampled()
            .magnify_filter(MagnifySamplerFilter::Linear)
            .minify_filter(MinifySamplerFilter::Linear);
        let uniforms = uniform! { spectra: sampled, head: head as i32, rows: rows as i32 };
        let mut surface = target.as_surface();
        surface.clear_color(0.0, 0.0, 0.0, 1.0);
        surface.draw(
            quad.bind(&ctx)?,
            NoIndices(PrimitiveType::TriangleStrip),
            &program,
            &uniforms,
            &Default::default(),
        )?;
        ctx.get_context().finish();
        let drawn = Instant::now();
        let stats = spectra.stats();
        let (sent, calls) = (stats.bytes_uploaded - before.bytes_uploaded, stats.upload_calls - before.upload_calls);
        if frame == 0 {
            println!(
                "[i] {bins} bins × {rows} rows of f32 ({} KiB), one new row a frame, policy {}",
                spectra.nbytes() >> 10,
                common::policy_name(args.policy),
            );
        } else {
            upload_time += (uploaded - started).as_secs_f64();
            draw_time += (drawn - uploaded).as_secs_f64();
            sent_after_first += sent;
            calls_after_first += calls;
        }
        if frame < 3 || frame + 1 == args.frames {
            println!("frame {frame}: {sent} bytes in {} (row {head})", common::calls_text(calls));
        }
    }
    if args.frames > 1 {
        let frames = u64::from(args.frames - 1);
        let ms = |seconds: f64| seconds / frames as f64 * 1e3;
        println!(
            "[i] per frame after the first: {} bytes in {} (one row: {} bytes; the texture: {}); upload {:.3} ms, draw {:.1} ms",
            sent_after_first / frames,
            common::calls_text(calls_after_first / frames),
            bins * size_of::<f32>(),
            spectra.nbytes(),
            ms(upload_time),
            ms(draw_time),
        );
    }
    if let Some(path) = args.offscreen.output {
        common::save_png(&path, target.read())?;
        println!("[i] Wrote {}", path.display());
    }
    Ok(())
}
