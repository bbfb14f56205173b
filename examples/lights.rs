//! 256 point lights in one std140 uniform block, `uniform Lights { Light
//! lights[256]; }`, kept in a `StorageBuffer<Light>` of `#[derive(Block)]`
//! records, and a small `UniformBuffer<Frame>` (time, light count,
//! resolution). A fragment shader sums every light over a full-screen quad.
//!
//! Each frame moves ONE light and sets the frame's `time`. What is sent is
//! that light's 32-byte record, not the block's 8 KiB, and the 4 bytes of
//! `time`, not the frame block's 16: the example reads both from `stats()`
//! and checks them.
//!
//! ```text
//! cargo run --release --example lights -- --frames 10 --output lights.png
//! cargo run --release --example lights -- --frames 3 --debug
//! ```
//!
//! It renders off-screen through EGL: `--headless` is accepted for symmetry
//! with `gloo-quad`, and is the only mode.

use std::error::Error;
use std::path::PathBuf;

use clap::Parser;
use gloo_runtime::glium::index::{NoIndices, PrimitiveType};
use gloo_runtime::glium::{uniform, Program, Surface};
use gloo_runtime::headless::HeadlessContext;
use gloo_runtime::{check, Block, StorageBuffer, UniformBuffer, UploadStats, Vertex, VertexBuffer};

mod common;

/// A corner of the full-screen quad.
#[derive(Clone, Copy, Vertex)]
#[repr(C)]
struct Corner {
    position: [f32; 2],
}

/// One point light, as the shader's `struct Light` has it under std140.
#[derive(Clone, Copy, Block)]
#[block(std140)]
#[repr(C)]
struct Light {
    position: [f32; 3], // vec3 at 0 (x, y in pixels; z the height above the plane)
    radius: f32,        // float at 12, in the vec3's last word
    color: [f32; 3],    // vec3 at 16
    intensity: f32,     // float at 28
}

/// What changes once a frame, or never: `uniform Frame { ... }`.
#[derive(Clone, Copy, Block)]
#[block(std140)]
#[repr(C)]
struct Frame {
    time: f32,            // float at 0
    count: u32,           // uint at 4
    resolution: [f32; 2], // vec2 at 8
}

const LIGHTS: usize = 256;
const _: () = assert!(Light::BLOCK.size == 32 && Frame::BLOCK.size == 16);

const VERTEX_SHADER: &str = "
    #version 330 core
    in vec2 position;
    void main() { gl_Position = vec4(position, 0.0, 1.0); }
";

const FRAGMENT_SHADER: &str = "
    #version 330 core
    struct Light { vec3 position; float radius; vec3 color; float intensity; };
    layout(std140) uniform Lights { Light lights[256]; };  // LIGHTS records: glium checks members, not the length
    layout(std140) uniform Frame { float time; uint count; vec2 resolution; };
    out vec4 frag;
    void main() {
        vec3 sum = vec3(0.0);
        for (uint i = 0u; i < count; i++) {
            vec3 to_light = lights[i].position - vec3(gl_FragCoord.xy, 0.0);
            float d = length(to_light) / lights[i].radius;
            sum += lights[i].color * lights[i].intensity / (1.0 + d * d * d * d);
        }
        // A slow ripple, so that `time` shows in the picture too.
        float ripple = 0.9 + 0.1 * sin(length(gl_FragCoord.xy - 0.5 * resolution) * 0.05 - time);
        frag = vec4(sum * ripple / (1.0 + sum), 1.0);
    }
";

/// 256 point lights in one uniform block, one of them moved a frame.
#[derive(Debug, Parser)]
struct Args {
    /// Frames rendered.
    #[arg(long, default_value_t = 60, value_parser = clap::value_parser!(u32).range(1..))]
    frames: u32,
    #[command(flatten)]
    offscreen: common::OffscreenArgs,
    /// Width and height of the square image, in pixels.
    #[arg(long, default_value_t = 512)]
    size: u32,
}

/// Where light `i` is at time `t`: on a slow orbit around its own centre.
fn orbit(i: usize, t: f32, size: f32) -> [f32; 3] {
    let angle = t * 0.8 + i as f32;
    let centre = [(i % 16) as f32 + 0.5, (i / 16) as f32 + 0.5].map(|c| c / 16.0 * size);
    [centre[0] + angle.cos() * size / 40.0, centre[1] + angle.sin() * size / 40.0, size / 200.0]
}

/// Bytes sent between two `stats()`, and in how many calls.
fn sent(before: UploadStats, after: UploadStats) -> (u64, u64) {
    (after.bytes_uploaded - before.bytes_uploaded, after.upload_calls - before.upload_calls)
}

fn main() -> Result<(), Box<dyn Error>> {
    let args = Args::parse();
    common::init_trace(args.offscreen.debug, &[]);
    let ctx = HeadlessContext::with_size(args.size, args.size)?;
    println!("[i] Using EGL (GL {}, {})", ctx.gl_version(), ctx.renderer());
    let program = Program::from_source(&ctx, VERTEX_SHADER, FRAGMENT_SHADER, None)?;
    // The shader reads what the Rust types hold: checked against the driver.
    check::vertex::<Corner>(&program)?;
    check::block::<Light>(program.get_uniform_blocks(), "Lights")?;
    check::block::<Frame>(program.get_uniform_blocks(), "Frame")?;
    let target = common::rgba_texture(&ctx, args.size, args.size)?;
    let corners = [[-1.0, -1.0], [1.0, -1.0], [-1.0, 1.0], [1.0, 1.0]].map(|position| Corner { position });
    let mut quad = VertexBuffer::<Corner>::from_vec([4], corners.to_vec())?;

    let size = args.size as f32;
    let mut seed = 0x5851_f42d_4c95_7f2du64;
    let mut lights = StorageBuffer::<Light>::from_fn([LIGHTS], |[i]| {
        let hue = [0.0, 2.1, 4.2].map(|phase| 0.55 + 0.45 * (i as f32 * 0.7 + phase).cos());
        let radius = size / 48.0 * (1.25 + 0.5 * common::uniform(&mut seed));
        Light { position: orbit(i, 0.0, size), radius, color: hue, intensity: 0.6 }
    });
    let mut frame = UniformBuffer::from_value(Frame { time: 0.0, count: LIGHTS as u32, resolution: [size; 2] });
    println!(
        "[i] {LIGHTS} lights of {} bytes ({} bytes) in `uniform Lights`, a frame block of {} bytes; one light moves a frame",
        Light::BLOCK.size,
        LIGHTS * Light::BLOCK.size,
        Frame::BLOCK.size,
    );

    let (mut lights_after_first, mut frame_after_first) = (0, 0);
    for n in 0..args.frames {
        let t = n as f32 / 60.0;
        let moved = n as usize % LIGHTS;
        if n > 0 {
            // One member of one record, and one member of the frame: what
            // the next bind sends (the light's whole record, the frame's `time`).
            *lights.position_mut(moved) = orbit(moved, t, size);
            *frame.time_mut() = t;
        }
        let (lights_before, frame_before) = (lights.stats(), frame.stats());
        let uniforms = uniform! { Lights: lights.bind(&ctx)?, Frame: frame.bind(&ctx)? };
        let mut surface = target.as_surface();
        surface.clear_color(0.0, 0.0, 0.0, 1.0);
        let strip = NoIndices(PrimitiveType::TriangleStrip);
        surface.draw(quad.bind(&ctx)?, strip, &program, &uniforms, &Default::default())?;
        let (light_bytes, light_calls) = sent(lights_before, lights.stats());
        let (frame_bytes, frame_calls) = sent(frame_before, frame.stats());
        if n > 0 {
            assert_eq!((light_bytes, light_calls), (Light::BLOCK.size as u64, 1), "one light's record");
            assert_eq!((frame_bytes, frame_calls), (size_of::<f32>() as u64, 1), "the frame's `time`");
            lights_after_first += light_bytes;
            frame_after_first += frame_bytes;
        }
        if n < 3 || n + 1 == args.frames {
            println!(
                "frame {n}: lights {light_bytes} bytes in {} (light {moved}), frame uniform {frame_bytes} bytes in {}",
                common::calls_text(light_calls),
                common::calls_text(frame_calls),
            );
        }
    }
    let (lights_stats, frame_stats) = (lights.stats(), frame.stats());
    println!(
        "[i] totals: lights {} bytes in {}, frame uniform {} bytes in {}",
        lights_stats.bytes_uploaded,
        common::calls_text(lights_stats.upload_calls),
        frame_stats.bytes_uploaded,
        common::calls_text(frame_stats.upload_calls),
    );
    if args.frames > 1 {
        let frames = u64::from(args.frames - 1);
        println!(
            "[i] per frame after the first: lights {} bytes (one light; the block: {}), frame uniform {} bytes (time; the block: {})",
            lights_after_first / frames,
            LIGHTS * Light::BLOCK.size,
            frame_after_first / frames,
            Frame::BLOCK.size,
        );
    }
    let path = args.offscreen.output.unwrap_or_else(|| PathBuf::from("lights.png"));
    common::save_png(&path, target.read())?;
    println!("[i] Wrote {}", path.display());
    Ok(())
}
