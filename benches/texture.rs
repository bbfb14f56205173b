//! Per-frame upload of a 2048×2048 RGBA8 texture (16 MiB) after a patch of
//! edits, for each merge policy out of the box, against glium's write of
//! the whole texture from a CPU copy edited the same way.
//!
//! Patterns: one new row a frame (a waterfall), a 64×64 patch (a brush
//! stroke, a tile), and 1 % of the texels at random.
//!
//! `cargo bench --bench texture` (headless Mesa; about two minutes; set
//! `GLOO_EGL_DEVICE=hardware` for a GPU's driver). After criterion's own
//! lines it prints a table of ratios from this run's means.

use std::borrow::Cow;

use criterion::{Criterion, SamplingMode};
use gloo_runtime::glium::backend::Facade;
use gloo_runtime::glium::texture::{ClientFormat, MipmapsOption, RawImage2d, UncompressedFloatFormat};
use gloo_runtime::headless::HeadlessContext;
use gloo_runtime::{bytemuck, glium, MergePolicy, Rect, Texture2d};

mod common;
use common::mean_ns;

const SIZE: usize = 2048;

/// Edit patterns: name and the texels `(x, y)` edited each frame.
fn patterns() -> Vec<(&'static str, Vec<(usize, usize)>)> {
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let scattered = (0..SIZE * SIZE / 100)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let texel = (state % (SIZE * SIZE) as u64) as usize;
            (texel % SIZE, texel / SIZE)
        })
        .collect();
    vec![
        ("one row", (0..SIZE).map(|x| (x, 700)).collect()),
        ("64x64 patch", (900..964).flat_map(|y| (1000..1064).map(move |x| (x, y))).collect()),
        ("1% scattered", scattered),
    ]
}

const CONTENDERS: [(&str, Option<MergePolicy>); 4] = [
    ("Extent", Some(MergePolicy::Extent)),
    ("Coalesce0", Some(MergePolicy::Coalesce { max_gap: 0 })),
    ("Auto", Some(MergePolicy::Auto)),
    ("glium whole write", None),
];

fn texel(x: usize, y: usize) -> [u8; 4] {
    [x as u8, y as u8, (x ^ y) as u8, 255]
}

fn uploads(c: &mut Criterion, ctx: &HeadlessContext) {
    for (pattern, edits) in patterns() {
        let mut group = c.benchmark_group(format!("texture {pattern}"));
        group.sampling_mode(SamplingMode::Flat).sample_size(10);
        for (name, policy) in CONTENDERS {
            let mut frame = 0u8;
            match policy {
                Some(policy) => {
                    let texels = (0..SIZE * SIZE).map(|i| texel(i % SIZE, i / SIZE)).collect();
                    let mut t = Texture2d::<[u8; 4]>::from_vec(SIZE, SIZE, texels).expect("size");
                    t.set_policy(policy);
                    t.upload(ctx).expect("upload");
                    group.bench_function(name, |b| {
                        b.iter(|| {
                            frame = frame.wrapping_add(1);
                            for &(x, y) in &edits {
                                t.texel_mut(x, y)[3] = frame;
                            }
                            t.upload(ctx).expect("upload");
                            ctx.get_context().finish();
                        })
                    });
                }
                None => {
                    let mut texels: Vec<[u8; 4]> = (0..SIZE * SIZE).map(|i| texel(i % SIZE, i / SIZE)).collect();
                    let image = |texels: &[[u8; 4]]| RawImage2d {
                        data: Cow::Owned(bytemuck::cast_slice::<[u8; 4], u8>(texels).to_vec()),
                        width: SIZE as u32,
                        height: SIZE as u32,
                        format: ClientFormat::U8U8U8U8,
                    };
                    let texture = glium::Texture2d::with_format(
                        ctx,
                        image(&texels),
                        UncompressedFloatFormat::U8U8U8U8,
                        MipmapsOption::NoMipmap,
                    )
                    .expect("texture");
                    let whole = glium::Rect { left: 0, bottom: 0, width: SIZE as u32, height: SIZE as u32 };
                    group.bench_function(name, |b| {
                        b.iter(|| {
                            frame = frame.wrapping_add(1);
                            for &(x, y) in &edits {
                                texels[y * SIZE + x][3] = frame;
                            }
                            // Borrowed, as gloo sends full rows: no copy on the CPU side.
                            let raw = RawImage2d {
                                data: Cow::Borrowed(bytemuck::cast_slice::<[u8; 4], u8>(&texels)),
                                width: SIZE as u32,
                                height: SIZE as u32,
                                format: ClientFormat::U8U8U8U8,
                            };
                            texture.write(whole, raw);
                            ctx.get_context().finish();
                        })
                    });
                }
            }
        }
        group.finish();
    }
}

/// What each policy sends for each pattern: rectangles and bytes.
fn plans() -> Vec<String> {
    let context = HeadlessContext::new().expect("headless EGL context");
    let mut lines = Vec::new();
    for (pattern, edits) in patterns() {
        for (name, policy) in CONTENDERS.iter().filter_map(|(name, policy)| Some((name, (*policy)?))) {
            let mut t = Texture2d::<[u8; 4]>::zeros(SIZE, SIZE);
            t.set_policy(policy);
            t.upload(&context).expect("upload");
            for &(x, y) in &edits {
                t.texel_mut(x, y)[3] = 1;
            }
            let plan: Vec<Rect> = t.upload_plan();
            let bytes: usize = plan.iter().map(|rect| rect.area() * 4).sum();
            lines.push(format!("{pattern}, {name}: {} rectangles, {bytes} bytes", plan.len()));
        }
    }
    lines
}

fn report(plans: &[String]) {
    println!("\n| edited | Extent | Coalesce0 | Auto | glium whole write | Auto / best policy | whole write / Auto |");
    println!("|---|---|---|---|---|---|---|");
    for (pattern, _) in patterns() {
        let group = format!("texture {pattern}");
        let times: Vec<Option<f64>> = CONTENDERS.iter().map(|(name, _)| mean_ns(&group, name)).collect();
        let [Some(extent), Some(coalesce), Some(auto), Some(glium)] = times[..] else { continue };
        let best = extent.min(coalesce).min(auto);
        let ms = |ns: f64| format!("{:.3} ms", ns / 1e6);
        println!(
            "| {pattern} | {} | {} | {} | {} | {:.2}× | {:.1}× |",
            ms(extent),
            ms(coalesce),
            ms(auto),
            ms(glium),
            auto / best,
            glium / auto
        );
    }
    println!();
    plans.iter().for_each(|line| println!("{line}"));
}

fn main() {
    let ctx = HeadlessContext::new().expect("headless EGL context");
    println!("[i] Using EGL (GL {}, {})", ctx.gl_version(), ctx.renderer());
    let plans = plans();
    let mut c = Criterion::default().configure_from_args();
    uploads(&mut c, &ctx);
    c.final_summary();
    report(&plans);
}
