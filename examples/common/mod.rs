//! What the examples share: the `--debug` trace, off-screen targets, PNG
//! output, `--policy` flags.

// Each example uses the part it needs.
#![allow(dead_code)]

use std::error::Error;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use gloo_runtime::glium::backend::Facade;
use gloo_runtime::glium::texture::{MipmapsOption, RawImage2d, Texture2d, UncompressedFloatFormat};
use gloo_runtime::{MergePolicy, TRACE_TARGET};

/// Prints the GPU trace in glumpy's format (bare `GPU: ...` lines) when
/// `debug` is set, from gloo and from the example's own `targets`; other
/// logs only from warnings up.
pub fn init_trace(debug: bool, targets: &'static [&'static str]) {
    let level = if debug { log::LevelFilter::Debug } else { log::LevelFilter::Warn };
    let mut builder = env_logger::Builder::new();
    builder.filter_level(log::LevelFilter::Warn).filter_module(TRACE_TARGET, level);
    for target in targets {
        builder.filter_module(target, level);
    }
    builder
        .format(move |out, record| {
            if record.target() == TRACE_TARGET || targets.contains(&record.target()) {
                writeln!(out, "{}", record.args())
            } else {
                writeln!(out, "[{}] {}: {}", record.level(), record.target(), record.args())
            }
        })
        .init();
}

/// An RGBA8 texture to render into off-screen.
pub fn rgba_texture<F: Facade + ?Sized>(facade: &F, width: u32, height: u32) -> Result<Texture2d, Box<dyn Error>> {
    let format = UncompressedFloatFormat::U8U8U8U8;
    Ok(Texture2d::empty_with_format(facade, format, MipmapsOption::NoMipmap, width, height)?)
}

/// Writes an RGBA8 image read back from OpenGL as a PNG, top row first
/// (OpenGL's rows go bottom to top).
pub fn save_png(path: &Path, image: RawImage2d<'_, u8>) -> Result<(), Box<dyn Error>> {
    let row_bytes = image.width as usize * 4;
    let file = File::create(path).map_err(|error| format!("cannot create {}: {error}", path.display()))?;
    let mut encoder = png::Encoder::new(BufWriter::new(file), image.width, image.height);
    encoder.set_color(png::ColorType::Rgba);
    encoder.set_depth(png::BitDepth::Eight);
    let flipped: Vec<u8> = image.data.chunks_exact(row_bytes).rev().flatten().copied().collect();
    let mut writer = encoder.write_header()?;
    writer.write_image_data(&flipped)?;
    writer.finish()?;
    Ok(())
}

/// A `--policy` flag: `extent`, `coalesce:GAP` (bytes) or `auto`.
pub fn parse_policy(text: &str) -> Result<MergePolicy, String> {
    match text.split_once(':') {
        None if text == "extent" => Ok(MergePolicy::Extent),
        None if text == "auto" => Ok(MergePolicy::Auto),
        Some(("coalesce", gap)) => gap
            .parse()
            .map(|max_gap| MergePolicy::Coalesce { max_gap })
            .map_err(|_| format!("bad gap in `{text}`: expected a number of bytes, such as coalesce:64")),
        _ => Err(format!("unknown policy `{text}`: expected extent, coalesce:GAP or auto")),
    }
}

/// The policy as written on the command line.
pub fn policy_name(policy: MergePolicy) -> String {
    match policy {
        MergePolicy::Extent => "extent".to_owned(),
        MergePolicy::Coalesce { max_gap } => format!("coalesce:{max_gap}"),
        MergePolicy::Auto => "auto".to_owned(),
        other => format!("{other:?}"),
    }
}

/// "1 call", "3 calls".
pub fn calls_text(calls: u64) -> String {
    match calls {
        1 => "1 call".to_owned(),
        n => format!("{n} calls"),
    }
}

/// A fixed-seed xorshift in `-1.0..1.0`, so runs are repeatable.
pub fn uniform(state: &mut u64) -> f32 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    (*state >> 40) as f32 / (1u64 << 23) as f32 - 1.0
}

/// The flags of the examples that render only off-screen.
#[derive(Debug, clap::Args)]
pub struct OffscreenArgs {
    /// Print every GPU operation on stderr (`GPU: ...` lines).
    #[arg(short, long)]
    pub debug: bool,
    /// Render off-screen (the only mode of this example; accepted for
    /// symmetry with `gloo-quad`).
    #[arg(long)]
    pub headless: bool,
    /// Write the last frame here as PNG.
    #[arg(short, long, value_name = "FILE.png")]
    pub output: Option<PathBuf>,
}
