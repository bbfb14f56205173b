//! glumpy's `gloo-quad`, in Rust: a yellow quad on black, drawn from a
//! four-vertex gloo buffer as a triangle strip.
//!
//! ```text
//! cargo run --release --example gloo-quad                 # a window (or headless without a display)
//! cargo run --release --example gloo-quad -- --debug -f 0 # the GPU trace, at full speed
//! cargo run --release --example gloo-quad -- --headless --frames 3 --debug --output quad.png
//! ```
//!
//! Every frame turns the quad a little through the `position` accessor, so
//! the `--debug` trace shows the buffer created once, on the first draw, and
//! then one update of the 32 bytes that changed before each later draw.

use std::error::Error;
use std::fmt;
use std::path::PathBuf;
use std::process::ExitCode;
use std::str::FromStr;
use std::time::{Duration, Instant};

use clap::Parser;
use gloo_runtime::glium::backend::Facade;
use gloo_runtime::glium::framebuffer::SimpleFrameBuffer;
use gloo_runtime::glium::index::{NoIndices, PrimitiveType};
use gloo_runtime::glium::uniforms::EmptyUniforms;
use gloo_runtime::glium::{Program, Surface};
use gloo_runtime::headless::HeadlessContext;
use gloo_runtime::{check, Vertex, VertexBuffer};

mod common;

/// One corner of the quad.
#[derive(Clone, Copy, Vertex)]
#[repr(C)]
struct Vertex2 {
    position: [f32; 2],
}

/// The corners in triangle-strip order, as in glumpy's example.
const CORNERS: [[f32; 2]; 4] = [[-1.0, -1.0], [-1.0, 1.0], [1.0, -1.0], [1.0, 1.0]];

const VERTEX_SHADER: &str = "
    #version 140
    in vec2 position;
    void main() { gl_Position = vec4(0.85 * position, 0.0, 1.0); }
";

const FRAGMENT_SHADER: &str = "
    #version 140
    out vec4 color;
    void main() { color = vec4(1.0, 1.0, 0.0, 1.0); }
";

/// How fast the quad turns, in radians per second (about 15°/s).
const TURN_RATE: f32 = 0.26;

/// Frames rendered off-screen when `--frames` is not given: one second at 60 fps.
const DEFAULT_HEADLESS_FRAMES: u64 = 60;

/// The `log` target of the trace lines this example prints itself.
const EXAMPLE_TARGET: &str = "gloo_quad";

/// A yellow quad on black, the gloo way (glumpy's `gloo-quad.py`).
#[derive(Debug, Parser)]
#[command(name = "gloo-quad")]
struct Args {
    /// Frames per second; 0 runs at full speed.
    #[arg(short, long, default_value_t = 60)]
    framerate: u32,

    /// Print every GPU operation on stderr (`GPU: ...` lines).
    #[arg(short, long)]
    debug: bool,

    /// Stop after this many frames [default: run until closed; 60 when headless].
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    frames: Option<u64>,

    /// Render off-screen (EGL) instead of opening a window.
    #[arg(long)]
    headless: bool,

    /// Write the last frame to this PNG file (in a window, the frame that
    /// `--frames` stops at).
    #[arg(short, long, value_name = "FILE.png")]
    output: Option<PathBuf>,

    /// Size of the window or image, in pixels.
    #[arg(long, value_name = "WxH", default_value = "800x800")]
    size: Size,
}

/// A width and a height, parsed from `800x800`.
#[derive(Clone, Copy, Debug)]
struct Size {
    width: u32,
    height: u32,
}

impl FromStr for Size {
    type Err = String;

    fn from_str(text: &str) -> Result<Size, String> {
        let expected = || format!("expected WIDTHxHEIGHT in pixels, such as 800x800, not `{text}`");
        let (width, height) = text.split_once(['x', 'X']).ok_or_else(expected)?;
        let parse = |n: &str| n.trim().parse::<u32>().ok().filter(|&n| n > 0);
        match (parse(width), parse(height)) {
            (Some(width), Some(height)) => Ok(Size { width, height }),
            _ => Err(expected()),
        }
    }
}

impl fmt::Display for Size {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}x{}", self.width, self.height)
    }
}

/// The quad's buffer and program, in one OpenGL context.
struct Quad {
    vertices: VertexBuffer<Vertex2>,
    program: Program,
}

impl Quad {
    fn new<F: Facade + ?Sized>(facade: &F) -> Result<Quad, Box<dyn Error>> {
        // gloo traces buffers only; this line is the example's own, printed
        // right before glium compiles and links the program.
        log::debug!(target: EXAMPLE_TARGET, "GPU: Creating program");
        let program = Program::from_source(facade, VERTEX_SHADER, FRAGMENT_SHADER, None)?;
        check::vertex::<Vertex2>(&program)?; // the shader reads what `Vertex2` holds
        let corners = CORNERS.map(|position| Vertex2 { position });
        // Nothing reaches the GPU until the first draw binds the buffer.
        let vertices = VertexBuffer::from_vec([4], corners.to_vec())?;
        Ok(Quad { vertices, program })
    }

    /// Turns the quad to `angle` radians: one tracked write per corner.
    fn turn(&mut self, angle: f32) {
        let (sin, cos) = angle.sin_cos();
        for (i, [x, y]) in CORNERS.into_iter().enumerate() {
            *self.vertices.position_mut(i) = [x * cos - y * sin, x * sin + y * cos];
        }
    }

    /// Clears `surface` to black and draws the quad, uploading what changed.
    fn draw<F, S>(&mut self, facade: &F, surface: &mut S) -> Result<(), Box<dyn Error>>
    where
        F: Facade + ?Sized,
        S: Surface,
    {
        surface.clear_color(0.0, 0.0, 0.0, 1.0);
        let strip = NoIndices(PrimitiveType::TriangleStrip);
        let vertices = self.vertices.bind(facade)?;
        surface.draw(vertices, strip, &self.program, &EmptyUniforms, &Default::default())?;
        Ok(())
    }
}

/// Keeps frames `1 / framerate` apart; framerate 0 never waits.
struct Pacer {
    period: Option<Duration>,
    next: Instant,
}

impl Pacer {
    fn new(framerate: u32) -> Pacer {
        let period = (framerate > 0).then(|| Duration::from_secs(1) / framerate);
        Pacer { period, next: Instant::now() }
    }

    /// Whether a frame is due at `now`; if so, schedules the next one (without
    /// bursting to catch up after a stall).
    fn due(&mut self, now: Instant) -> bool {
        let Some(period) = self.period else {
            return true;
        };
        if now < self.next {
            return false;
        }
        self.next = (self.next + period).max(now);
        true
    }

    /// Sleeps until the next frame is due.
    fn wait(&mut self) {
        std::thread::sleep(self.next.saturating_duration_since(Instant::now()));
        self.due(Instant::now());
    }
}

fn main() -> ExitCode {
    let args = Args::parse();
    common::init_trace(args.debug, &[EXAMPLE_TARGET]);
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("gloo-quad: {error}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &Args) -> Result<(), Box<dyn Error>> {
    if args.headless {
        return run_headless(args);
    }
    if !has_display() {
        println!("[i] No display found: running headless");
        return run_headless(args);
    }
    run_windowed(args)
}

/// Whether a window system is there to open a window on.
fn has_display() -> bool {
    ["DISPLAY", "WAYLAND_DISPLAY"].iter().any(|name| std::env::var_os(name).is_some_and(|value| !value.is_empty()))
}

#[cfg(not(feature = "windowed"))]
fn run_windowed(args: &Args) -> Result<(), Box<dyn Error>> {
    println!("[i] Built without the `windowed` feature: running headless");
    run_headless(args)
}

#[cfg(feature = "windowed")]
fn run_windowed(args: &Args) -> Result<(), Box<dyn Error>> {
    windowed::run(args)
}

fn print_rate(framerate: u32) {
    match framerate {
        0 => println!("[i] Running at full speed"),
        fps => println!("[i] Running at {fps} frames/second"),
    }
}

/// The quad's angle at frame `frame`: time runs at the nominal frame rate,
/// so the pictures do not depend on how fast the machine renders.
fn angle_at_frame(frame: u64, framerate: u32) -> f32 {
    let fps = if framerate == 0 { 60 } else { framerate };
    TURN_RATE * frame as f32 / fps as f32
}

/// Renders into a texture through EGL, with no window and no display server.
fn run_headless(args: &Args) -> Result<(), Box<dyn Error>> {
    let Size { width, height } = args.size;
    let context = HeadlessContext::with_size(width, height)?;
    println!("[i] Using EGL (GL {}, {})", context.gl_version(), context.renderer());
    print_rate(args.framerate);

    let texture = common::rgba_texture(&context, width, height)?;
    let mut quad = Quad::new(&context)?;
    let mut pacer = Pacer::new(args.framerate);
    let frames = args.frames.unwrap_or(DEFAULT_HEADLESS_FRAMES);
    for frame in 0..frames {
        pacer.wait();
        quad.turn(angle_at_frame(frame, args.framerate));
        let mut target = SimpleFrameBuffer::new(&context, &texture)?;
        quad.draw(&context, &mut target)?;
    }
    let plural = if frames == 1 { "" } else { "s" };
    println!("[i] Rendered {frames} frame{plural} of {}", args.size);

    if let Some(path) = &args.output {
        common::save_png(path, texture.read())?;
        println!("[i] Wrote {}", path.display());
    }
    Ok(())
}

/// A real window through glium's `SimpleWindowBuilder` and winit 0.30.
#[cfg(feature = "windowed")]
mod windowed {
    use std::error::Error;
    use std::time::Instant;

    use gloo_runtime::glium::backend::glutin::SimpleWindowBuilder;
    use gloo_runtime::glium::glutin::surface::WindowSurface;
    use gloo_runtime::glium::texture::{MipmapsOption, RawImage2d, Texture2d, UncompressedFloatFormat};
    use gloo_runtime::glium::uniforms::MagnifySamplerFilter;
    use gloo_runtime::glium::winit::application::ApplicationHandler;
    use gloo_runtime::glium::winit::event::{ElementState, KeyEvent, WindowEvent};
    use gloo_runtime::glium::winit::event_loop::{ActiveEventLoop, ControlFlow, EventLoop};
    use gloo_runtime::glium::winit::keyboard::{Key, NamedKey};
    use gloo_runtime::glium::winit::window::{Window, WindowId};
    use gloo_runtime::glium::{Api, BlitTarget, Display, Frame, Profile, Surface};

    use super::common::save_png;
    use super::{print_rate, Args, Pacer, Quad, TURN_RATE};

    /// Opens the window and draws until it is closed, Escape is pressed, or
    /// `--frames` have been drawn.
    pub(super) fn run(args: &Args) -> Result<(), Box<dyn Error>> {
        if args.output.is_some() && args.frames.is_none() {
            return Err("--output in a window needs --frames N to know which frame to save".into());
        }
        let event_loop = EventLoop::new()?;
        let mut app =
            App { args, open: None, pacer: Pacer::new(args.framerate), start: Instant::now(), frame: 0, error: None };
        event_loop.run_app(&mut app)?;
        app.error.map_or(Ok(()), Err)
    }

    /// What exists while the window is open.
    struct Open {
        window: Window,
        display: Display<WindowSurface>,
        quad: Quad,
    }

    struct App<'a> {
        args: &'a Args,
        open: Option<Open>,
        pacer: Pacer,
        start: Instant,
        frame: u64,
        error: Option<Box<dyn Error>>,
    }

    impl App<'_> {
        fn open(&self, event_loop: &ActiveEventLoop) -> Result<Open, Box<dyn Error>> {
            let (window, display) = SimpleWindowBuilder::new()
                .with_title("gloo-quad")
                .with_inner_size(self.args.size.width, self.args.size.height)
                .build(event_loop);
            println!("[i] Using glutin (GL {}, {})", gl_version(&display), display.get_opengl_renderer_string());
            print_rate(self.args.framerate);
            let quad = Quad::new(&display)?;
            Ok(Open { window, display, quad })
        }

        /// Draws one frame; after the last one, saves it and stops.
        fn redraw(&mut self, event_loop: &ActiveEventLoop) -> Result<(), Box<dyn Error>> {
            let Some(open) = &mut self.open else {
                return Ok(());
            };
            self.frame += 1;
            let last = Some(self.frame) == self.args.frames;
            let output = self.args.output.as_deref().filter(|_| last);
            open.quad.turn(TURN_RATE * self.start.elapsed().as_secs_f32());
            let mut frame = open.display.draw();
            let drawn = open.quad.draw(&open.display, &mut frame).and_then(|()| match output {
                Some(path) => save_png(path, capture(&open.display, &frame)?),
                None => Ok(()),
            });
            // A glium frame must be finished even when drawing failed.
            frame.finish()?;
            drawn?;
            if let Some(path) = output {
                println!("[i] Wrote {}", path.display());
            }
            if last {
                event_loop.exit();
            }
            Ok(())
        }

        fn fail(&mut self, event_loop: &ActiveEventLoop, error: Box<dyn Error>) {
            self.error = Some(error);
            event_loop.exit();
        }
    }

    impl ApplicationHandler for App<'_> {
        fn resumed(&mut self, event_loop: &ActiveEventLoop) {
            if self.open.is_none() {
                match self.open(event_loop) {
                    Ok(open) => self.open = Some(open),
                    Err(error) => self.fail(event_loop, error),
                }
            }
        }

        fn window_event(&mut self, event_loop: &ActiveEventLoop, _: WindowId, event: WindowEvent) {
            match event {
                WindowEvent::CloseRequested
                | WindowEvent::KeyboardInput {
                    event: KeyEvent { logical_key: Key::Named(NamedKey::Escape), state: ElementState::Pressed, .. },
                    ..
                } => event_loop.exit(),
                WindowEvent::Resized(size) => {
                    if let Some(open) = &self.open {
                        open.display.resize(size.into());
                    }
                }
                WindowEvent::RedrawRequested => {
                    if let Err(error) = self.redraw(event_loop) {
                        self.fail(event_loop, error);
                    }
                }
                _ => {}
            }
        }

        fn about_to_wait(&mut self, event_loop: &ActiveEventLoop) {
            let Some(open) = &self.open else { return };
            if self.pacer.due(Instant::now()) {
                open.window.request_redraw();
            }
            match self.pacer.period {
                Some(_) => event_loop.set_control_flow(ControlFlow::WaitUntil(self.pacer.next)),
                None => event_loop.set_control_flow(ControlFlow::Poll),
            }
        }
    }

    /// What `frame` shows, copied from the back buffer before the swap (the
    /// front buffer of a window cannot be read back reliably).
    fn capture(display: &Display<WindowSurface>, frame: &Frame) -> Result<RawImage2d<'static, u8>, Box<dyn Error>> {
        let (width, height) = frame.get_dimensions();
        let (format, mipmaps) = (UncompressedFloatFormat::U8U8U8U8, MipmapsOption::NoMipmap);
        let texture = Texture2d::empty_with_format(display, format, mipmaps, width, height)?;
        let whole = BlitTarget { left: 0, bottom: 0, width: width as i32, height: height as i32 };
        frame.blit_whole_color_to(&texture.as_surface(), &whole, MagnifySamplerFilter::Nearest);
        Ok(texture.read())
    }

    /// `4.5 core`, `3.0`, `ES 3.2`: the context's version and profile.
    fn gl_version(display: &Display<WindowSurface>) -> String {
        let gloo_runtime::glium::Version(api, major, minor) = *display.get_opengl_version();
        let api = if api == Api::GlEs { "ES " } else { "" };
        let profile = match display.get_opengl_profile() {
            Some(Profile::Core) => " core",
            Some(Profile::Compatibility) => " compatibility",
            None => "",
        };
        format!("{api}{major}.{minor}{profile}")
    }
}
