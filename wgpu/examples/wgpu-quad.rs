//! glumpy's `gloo-quad` on wgpu: the same yellow quad on black, drawn from a
//! four-vertex gloo buffer as a triangle strip, through a `WgpuContext`
//! instead of a glium facade. The buffer, its accessor writes and the trace
//! are gloo-quad's; only the drawing code is wgpu's.
//!
//! ```text
//! cargo run --release --example wgpu-quad -- --frames 3 --debug --output quad.png
//! ```
//!
//! It renders off-screen, on the adapter `WgpuContext::headless()` finds
//! (Mesa's lavapipe where there is no GPU). Every frame turns the quad a
//! little through the `position` accessor, so the `--debug` trace shows the
//! buffer created once, on the first draw, and then one `write_buffer` of
//! the 32 bytes that changed before each later draw.

use std::error::Error;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::Parser;
use gloo_runtime::glium::texture::RawImage2d;
use gloo_runtime::{check, wgpu, wgpu_layout, Vertex, VertexBuffer, WgpuContext};

#[path = "../../examples/common/mod.rs"]
mod common;

/// One corner of the quad.
#[derive(Clone, Copy, Vertex)]
#[repr(C)]
struct Vertex2 {
    position: [f32; 2],
}

/// The corners in triangle-strip order, as in glumpy's example.
const CORNERS: [[f32; 2]; 4] = [[-1.0, -1.0], [-1.0, 1.0], [1.0, -1.0], [1.0, 1.0]];

const SHADER: &str = "
    @vertex fn vs(@location(0) position: vec2<f32>) -> @builtin(position) vec4<f32> {
        return vec4<f32>(0.85 * position, 0.0, 1.0);
    }
    @fragment fn fs() -> @location(0) vec4<f32> { return vec4<f32>(1.0, 1.0, 0.0, 1.0); }
";

/// How fast the quad turns, in radians per second (about 15°/s).
const TURN_RATE: f32 = 0.26;

/// The `log` target of the trace lines this example prints itself.
const EXAMPLE_TARGET: &str = "wgpu_quad";

/// The off-screen target's format: 8-bit RGBA, as the PNG is.
const FORMAT: wgpu::TextureFormat = wgpu::TextureFormat::Rgba8Unorm;

/// A yellow quad on black, the gloo way, on wgpu.
#[derive(Debug, Parser)]
#[command(name = "wgpu-quad")]
struct Args {
    /// Frames per second; 0 runs at full speed.
    #[arg(short, long, default_value_t = 60)]
    framerate: u32,

    /// Print every GPU operation on stderr (`GPU: ...` lines).
    #[arg(short, long)]
    debug: bool,

    /// Stop after this many frames.
    #[arg(long, default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..))]
    frames: u64,

    /// Accepted for gloo-quad's command lines: this example always renders
    /// off-screen.
    #[arg(long)]
    headless: bool,

    /// Write the last frame to this PNG file.
    #[arg(short, long, value_name = "FILE.png")]
    output: Option<PathBuf>,

    /// Size of the image, in pixels (width and height at most 8192).
    #[arg(long, value_name = "WxH", default_value = "800x800", value_parser = parse_size)]
    size: (u32, u32),
}

/// A width and a height from `800x800`.
fn parse_size(text: &str) -> Result<(u32, u32), String> {
    let expected = || format!("expected WIDTHxHEIGHT in pixels, such as 800x800, not `{text}`");
    let (width, height) = text.split_once(['x', 'X']).ok_or_else(expected)?;
    let parse = |n: &str| n.trim().parse::<u32>().ok().filter(|n| (1..=8192).contains(n));
    match (parse(width), parse(height)) {
        (Some(width), Some(height)) => Ok((width, height)),
        _ => Err(expected()),
    }
}

/// The quad's buffer and pipeline, and the target it draws into.
struct Quad {
    vertices: VertexBuffer<Vertex2>,
    pipeline: wgpu::RenderPipeline,
    target: wgpu::Texture,
}

impl Quad {
    fn new(gpu: &WgpuContext, (width, height): (u32, u32)) -> Quad {
        let device = gpu.device();
        log::debug!(target: EXAMPLE_TARGET, "GPU: Creating program");
        // The shader reads what `Vertex2` holds: checked by naga, no GPU.
        check::vertex_wgsl::<Vertex2>(SHADER, "vs").expect("the shader reads what Vertex2 holds");
        let shader = device.create_shader_module(wgpu::ShaderModuleDescriptor {
            label: Some("quad"),
            source: wgpu::ShaderSource::Wgsl(SHADER.into()),
        });
        let pipeline = device.create_render_pipeline(&wgpu::RenderPipelineDescriptor {
            label: Some("quad"),
            layout: None,
            vertex: wgpu::VertexState {
                module: &shader,
                entry_point: Some("vs"),
                compilation_options: Default::default(),
                buffers: &[Some(wgpu_layout::<Vertex2>())],
            },
            primitive: wgpu::PrimitiveState { topology: wgpu::PrimitiveTopology::TriangleStrip, ..Default::default() },
            depth_stencil: None,
            multisample: Default::default(),
            fragment: Some(wgpu::FragmentState {
                module: &shader,
                entry_point: Some("fs"),
                compilation_options: Default::default(),
                targets: &[Some(FORMAT.into())],
            }),
            multiview_mask: None,
            cache: None,
        });
        let target = device.create_texture(&wgpu::TextureDescriptor {
            label: Some("frame"),
            size: wgpu::Extent3d { width, height, depth_or_array_layers: 1 },
            mip_level_count: 1,
            sample_count: 1,
            dimension: wgpu::TextureDimension::D2,
            format: FORMAT,
            usage: wgpu::TextureUsages::RENDER_ATTACHMENT | wgpu::TextureUsages::COPY_SRC,
            view_formats: &[],
        });
        // Nothing reaches the GPU until the first draw binds the buffer.
        let corners = CORNERS.map(|position| Vertex2 { position });
        let vertices = VertexBuffer::from_vec([4], corners.to_vec()).expect("4 records fill a shape of 4");
        Quad { vertices, pipeline, target }
    }

    /// Turns the quad to `angle` radians: one tracked write per corner.
    fn turn(&mut self, angle: f32) {
        let (sin, cos) = angle.sin_cos();
        for (i, [x, y]) in CORNERS.into_iter().enumerate() {
            *self.vertices.position_mut(i) = [x * cos - y * sin, x * sin + y * cos];
        }
    }

    /// Clears the target to black and draws the quad, uploading what changed.
    fn draw(&mut self, gpu: &WgpuContext) -> Result<(), Box<dyn Error>> {
        let view = self.target.create_view(&Default::default());
        let mut encoder = gpu.device().create_command_encoder(&Default::default());
        {
            let mut pass = encoder.begin_render_pass(&wgpu::RenderPassDescriptor {
                label: Some("quad"),
                color_attachments: &[Some(wgpu::RenderPassColorAttachment {
                    view: &view,
                    depth_slice: None,
                    resolve_target: None,
                    ops: wgpu::Operations {
                        load: wgpu::LoadOp::Clear(wgpu::Color::BLACK),
                        store: wgpu::StoreOp::Store,
                    },
                })],
                depth_stencil_attachment: None,
                timestamp_writes: None,
                occlusion_query_set: None,
                multiview_mask: None,
            });
            pass.set_pipeline(&self.pipeline);
            pass.set_vertex_buffer(0, self.vertices.bind(gpu)?);
            pass.draw(0..4, 0..1);
        }
        gpu.queue().submit([encoder.finish()]);
        Ok(())
    }

    /// The target's pixels, rows bottom to top as `save_png` takes them.
    fn read(&self, gpu: &WgpuContext) -> Result<RawImage2d<'static, u8>, Box<dyn Error>> {
        let wgpu::Extent3d { width, height, .. } = self.target.size();
        let row = (width * 4).next_multiple_of(wgpu::COPY_BYTES_PER_ROW_ALIGNMENT);
        let buffer = gpu.device().create_buffer(&wgpu::BufferDescriptor {
            label: Some("readback"),
            size: u64::from(row) * u64::from(height),
            usage: wgpu::BufferUsages::COPY_DST | wgpu::BufferUsages::MAP_READ,
            mapped_at_creation: false,
        });
        let mut encoder = gpu.device().create_command_encoder(&Default::default());
        encoder.copy_texture_to_buffer(
            self.target.as_image_copy(),
            wgpu::TexelCopyBufferInfo {
                buffer: &buffer,
                layout: wgpu::TexelCopyBufferLayout { offset: 0, bytes_per_row: Some(row), rows_per_image: None },
            },
            self.target.size(),
        );
        gpu.queue().submit([encoder.finish()]);
        let (sender, receiver) = std::sync::mpsc::channel();
        buffer.slice(..).map_async(wgpu::MapMode::Read, move |result| drop(sender.send(result)));
        gpu.device().poll(wgpu::PollType::wait_indefinitely())?;
        receiver.recv()??;
        let mapped = buffer.slice(..).get_mapped_range()?;
        let rows = mapped.chunks_exact(row as usize).map(|bytes| &bytes[..width as usize * 4]);
        let pixels: Vec<u8> = rows.rev().flatten().copied().collect();
        Ok(RawImage2d::from_raw_rgba(pixels, (width, height)))
    }
}

fn main() -> ExitCode {
    let args = Args::parse();
    common::init_trace(args.debug, &[EXAMPLE_TARGET]);
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("wgpu-quad: {error}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &Args) -> Result<(), Box<dyn Error>> {
    let gpu = WgpuContext::headless()?;
    let info = gpu.adapter_info().expect("headless() records its adapter");
    println!("[i] Using wgpu ({:?}, {})", info.backend, info.name);
    match args.framerate {
        0 => println!("[i] Running at full speed"),
        fps => println!("[i] Running at {fps} frames/second"),
    }
    let mut quad = Quad::new(&gpu, args.size);
    let period = (args.framerate > 0).then(|| Duration::from_secs(1) / args.framerate);
    let fps = if args.framerate == 0 { 60 } else { args.framerate };
    let mut next = Instant::now();
    for frame in 0..args.frames {
        if let Some(period) = period {
            std::thread::sleep(next.saturating_duration_since(Instant::now()));
            next = (next + period).max(Instant::now());
        }
        // Time runs at the nominal frame rate: the pictures do not depend
        // on how fast the machine renders.
        quad.turn(TURN_RATE * frame as f32 / fps as f32);
        quad.draw(&gpu)?;
    }
    let plural = if args.frames == 1 { "" } else { "s" };
    println!("[i] Rendered {} frame{plural} of {}x{}", args.frames, args.size.0, args.size.1);
    if let Some(path) = &args.output {
        common::save_png(path, quad.read(&gpu)?)?;
        println!("[i] Wrote {}", path.display());
    }
    Ok(())
}
