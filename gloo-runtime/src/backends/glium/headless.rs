//! An off-screen OpenGL context, for tests, benchmarks and batch rendering.
//!
//! [`HeadlessContext`] opens an OpenGL (core profile, 3.3 or later) context
//! through EGL's device platform, with no window, no display server and no
//! environment variables needed. On a machine without a GPU, Mesa's software
//! rasteriser (llvmpipe) is used; it is also preferred when a GPU is present,
//! so that results are the same everywhere.
//!
//! Off-screen there is no default framebuffer to draw to: render into a
//! texture instead, for example through
//! [`Texture2d::as_surface`](glium::texture::Texture2d::as_surface) or a
//! [`SimpleFrameBuffer`](glium::framebuffer::SimpleFrameBuffer).

use std::cell::Cell;
use std::ffi::{c_void, CString};
use std::fmt;
use std::rc::Rc;

use glium::backend::{Backend, Context, Facade};
use glium::debug::DebugCallbackBehavior;
use glium::{Api as GliumApi, Profile, SwapBuffersError};
use glutin::api::egl::context::PossiblyCurrentContext;
use glutin::api::egl::device::Device;
use glutin::api::egl::display::Display;
use glutin::config::{Api, ConfigSurfaceTypes, ConfigTemplateBuilder};
use glutin::context::{ContextApi, ContextAttributesBuilder, GlProfile, Version};
use glutin::error::ErrorKind;
use glutin::prelude::{GlDisplay, PossiblyCurrentGlContext};

use crate::Error;

/// The device extension that marks Mesa's software rasteriser (llvmpipe).
const SOFTWARE_DEVICE_EXTENSION: &str = "EGL_MESA_device_software";

/// The environment variable that, set to `hardware`, makes
/// [`HeadlessContext`] try the GPU's EGL devices before Mesa's software one.
pub const DEVICE_VARIABLE: &str = "GLOO_EGL_DEVICE";

/// The framebuffer size reported to glium by [`HeadlessContext::new`].
const DEFAULT_SIZE: (u32, u32) = (800, 800);

/// An OpenGL context that renders off-screen, with no window or display server.
///
/// It is made with EGL's device platform (`EGL_EXT_platform_device`),
/// preferring Mesa's software device (llvmpipe, `EGL_MESA_device_software`)
/// and otherwise taking the first device EGL lists. With the environment
/// variable `GLOO_EGL_DEVICE=hardware` ([`DEVICE_VARIABLE`]), the other
/// devices (a GPU's driver, such as NVIDIA's EGL) are tried first. The context is an OpenGL
/// 3.3 (or later) core-profile context, current on the thread that created it
/// and made current again by glium whenever it is used, so several
/// `HeadlessContext`s can live on one thread, and each thread can have its own.
///
/// It implements [`Facade`], so it can be passed wherever glium wants a
/// display. It is neither `Send` nor `Sync`: use it on the thread that made it.
///
/// There is no default framebuffer; draw into textures. The size reported to
/// glium for the (nonexistent) default framebuffer is 800 × 800, or what was
/// given to [`HeadlessContext::with_size`].
///
/// # Examples
///
/// ```
/// use gloo_runtime::glium::texture::{Texture2d, UncompressedFloatFormat, MipmapsOption};
/// use gloo_runtime::glium::Surface;
/// use gloo_runtime::headless::HeadlessContext;
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let ctx = HeadlessContext::new()?;
/// println!("[i] Using EGL (GL {}, {})", ctx.gl_version(), ctx.renderer());
///
/// let texture = Texture2d::empty_with_format(
///     &ctx,
///     UncompressedFloatFormat::U8U8U8U8,
///     MipmapsOption::NoMipmap,
///     2,
///     2,
/// )?;
/// texture.as_surface().clear_color(1.0, 1.0, 0.0, 1.0);
/// let pixels: Vec<Vec<(u8, u8, u8, u8)>> = texture.read();
/// assert!(pixels.iter().flatten().all(|&p| p == (255, 255, 0, 255)));
/// # Ok(())
/// # }
/// ```
pub struct HeadlessContext {
    context: Rc<Context>,
}

impl HeadlessContext {
    /// Creates an off-screen OpenGL context, current on the calling thread.
    ///
    /// The size glium is told for the default framebuffer is 800 × 800; see
    /// [`HeadlessContext::with_size`] to choose another.
    ///
    /// # Errors
    ///
    /// - [`Error::NoEgl`] if the EGL library cannot be loaded, it cannot list
    ///   devices, it lists none, or no device's display can be initialised
    ///   (for example when the Mesa drivers are not installed).
    /// - [`Error::Context`] if EGL works but no suitable config is found, the
    ///   OpenGL 3.3 core context cannot be created or made current, or glium
    ///   finds the context unsuitable.
    ///
    /// # Examples
    ///
    /// ```
    /// use gloo_runtime::headless::HeadlessContext;
    ///
    /// # fn main() -> Result<(), gloo_runtime::Error> {
    /// let ctx = HeadlessContext::new()?;
    /// assert!(!ctx.renderer().is_empty());
    /// # Ok(())
    /// # }
    /// ```
    pub fn new() -> Result<HeadlessContext, Error> {
        Self::with_size(DEFAULT_SIZE.0, DEFAULT_SIZE.1)
    }

    /// Creates an off-screen OpenGL context that reports `width` × `height`
    /// as the size of its default framebuffer.
    ///
    /// Off-screen there is no default framebuffer to draw to, so the size
    /// only matters to glium code that asks for it (for example
    /// `get_framebuffer_dimensions`). Everything else is as in
    /// [`HeadlessContext::new`].
    ///
    /// # Errors
    ///
    /// The same as [`HeadlessContext::new`].
    ///
    /// # Examples
    ///
    /// ```
    /// use gloo_runtime::glium::backend::Facade;
    /// use gloo_runtime::headless::HeadlessContext;
    ///
    /// # fn main() -> Result<(), gloo_runtime::Error> {
    /// let ctx = HeadlessContext::with_size(64, 32)?;
    /// assert_eq!(ctx.get_context().get_framebuffer_dimensions(), (64, 32));
    /// # Ok(())
    /// # }
    /// ```
    pub fn with_size(width: u32, height: u32) -> Result<HeadlessContext, Error> {
        let devices = ordered_devices()?;

        // Try the preferred device first; if it fails, fall back to the others
        // and report the preferred device's error when all of them fail.
        let mut first_error = None;
        for device in &devices {
            match EglBackend::new(device, (width, height)) {
                Ok(backend) => match create_glium_context(backend) {
                    Ok(context) => return Ok(HeadlessContext { context }),
                    Err(err) => {
                        first_error.get_or_insert(err);
                    }
                },
                Err(err) => {
                    log::debug!("EGL device {}: {err}", describe_device(device));
                    first_error.get_or_insert(err);
                }
            }
        }
        Err(first_error.unwrap_or_else(|| Error::NoEgl { reason: "EGL lists no devices".to_owned() }))
    }

    /// The name of the OpenGL renderer (`GL_RENDERER`), for example
    /// `"llvmpipe (LLVM 15.0.6, 256 bits)"`.
    ///
    /// # Examples
    ///
    /// ```
    /// # fn main() -> Result<(), gloo_runtime::Error> {
    /// let ctx = gloo_runtime::headless::HeadlessContext::new()?;
    /// println!("renderer: {}", ctx.renderer());
    /// # Ok(())
    /// # }
    /// ```
    pub fn renderer(&self) -> String {
        self.context.get_opengl_renderer_string().to_owned()
    }

    /// The OpenGL version and profile of the context, for example `"4.5 core"`.
    ///
    /// The profile (`core` or `compatibility`) is left out when the driver
    /// does not report one, and an OpenGL ES context reads `"ES 3.2"`.
    ///
    /// # Examples
    ///
    /// ```
    /// # fn main() -> Result<(), gloo_runtime::Error> {
    /// let ctx = gloo_runtime::headless::HeadlessContext::new()?;
    /// println!("[i] Using EGL (GL {}, {})", ctx.gl_version(), ctx.renderer());
    /// # Ok(())
    /// # }
    /// ```
    pub fn gl_version(&self) -> String {
        let glium::Version(api, major, minor) = *self.context.get_opengl_version();
        let mut text = match api {
            GliumApi::Gl => format!("{major}.{minor}"),
            GliumApi::GlEs => format!("ES {major}.{minor}"),
        };
        match self.context.get_opengl_profile() {
            Some(Profile::Core) => text.push_str(" core"),
            Some(Profile::Compatibility) => text.push_str(" compatibility"),
            None => {}
        }
        text
    }
}

impl Facade for HeadlessContext {
    fn get_context(&self) -> &Rc<Context> {
        &self.context
    }
}

impl fmt::Debug for HeadlessContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HeadlessContext")
            .field("renderer", &self.context.get_opengl_renderer_string())
            .field("version", &self.gl_version())
            .field("framebuffer_dimensions", &self.context.get_framebuffer_dimensions())
            .finish()
    }
}

/// The EGL devices, the preferred one (Mesa's software device) first and the
/// others in the order EGL lists them.
fn ordered_devices() -> Result<Vec<Device>, Error> {
    let mut devices: Vec<Device> = Device::query_devices()
        .map_err(|err| Error::NoEgl {
            reason: if err.error_kind() == ErrorKind::NotFound {
                // glutin reports a libEGL that cannot be loaded this way.
                "cannot load libEGL.so.1".to_owned()
            } else {
                format!("cannot list EGL devices: {err}")
            },
        })?
        .collect();
    if devices.is_empty() {
        return Err(Error::NoEgl { reason: "EGL lists no devices".to_owned() });
    }
    let prefer_hardware = std::env::var_os(DEVICE_VARIABLE).is_some_and(|value| value == "hardware");
    // A stable sort keeps EGL's order within each kind.
    devices.sort_by_key(|device| device.extensions().contains(SOFTWARE_DEVICE_EXTENSION) == prefer_hardware);
    Ok(devices)
}

/// A short human-readable description of an EGL device, for messages.
fn describe_device(device: &Device) -> String {
    match (device.name(), device.vendor()) {
        (Some(name), Some(vendor)) => format!("`{name}` ({vendor})"),
        (Some(name), None) => format!("`{name}`"),
        _ if device.extensions().contains(SOFTWARE_DEVICE_EXTENSION) => "`software`".to_owned(),
        _ => format!("{:?}", device.raw_device()),
    }
}

/// Hands a current backend to glium.
fn create_glium_context(backend: EglBackend) -> Result<Rc<Context>, Error> {
    // SAFETY: `EglBackend` implements `Backend` faithfully (see its `unsafe
    // impl`), its context was made current on this thread just before, and
    // context checking is on (`true`), so glium makes it current again before
    // every use. The returned `Rc<Context>` is `!Send`, so it never leaves
    // this thread.
    unsafe { Context::new(backend, true, DebugCallbackBehavior::default()) }
        .map_err(|err| Error::Context(format!("glium cannot use the OpenGL context: {err}")))
}

/// The glue between glium and a surfaceless EGL context.
struct EglBackend {
    /// The EGL context; it has no surface and is made current surfaceless.
    context: PossiblyCurrentContext,
    /// The display the context belongs to, for `get_proc_address`.
    display: Display,
    /// The size reported to glium for the nonexistent default framebuffer.
    size: Cell<(u32, u32)>,
}

impl EglBackend {
    /// Opens `device`, and creates an OpenGL 3.3+ core context on it that is
    /// current (surfaceless) on this thread.
    fn new(device: &Device, size: (u32, u32)) -> Result<EglBackend, Error> {
        let which = describe_device(device);

        // SAFETY: `device` comes from `Device::query_devices`, so it is a valid
        // EGL device for the lifetime of the EGL library, and no native display
        // handle is passed.
        let display = unsafe { Display::with_device(device, None) }
            .map_err(|err| Error::NoEgl { reason: format!("cannot open an EGL display on device {which}: {err}") })?;

        // No surface will be made, so accept configs of any surface type (the
        // device platform has no window configs).
        let template = ConfigTemplateBuilder::new()
            .with_api(Api::OPENGL)
            .with_surface_type(ConfigSurfaceTypes::empty())
            .with_alpha_size(0)
            .with_depth_size(0)
            .with_stencil_size(0)
            .build();
        // SAFETY: the template holds no native window handle.
        let config = unsafe { display.find_configs(template) }
            .map_err(|err| Error::Context(format!("cannot list the EGL configs of device {which}: {err}")))?
            .next()
            .ok_or_else(|| {
                Error::Context(format!("device {which} offers no EGL config that supports desktop OpenGL"))
            })?;

        let attributes = ContextAttributesBuilder::new()
            .with_context_api(ContextApi::OpenGl(Some(Version::new(3, 3))))
            .with_profile(GlProfile::Core)
            .build(None);
        // SAFETY: `config` was returned by this display, and the attributes
        // share no context and name no window.
        let context = unsafe { display.create_context(&config, &attributes) }.map_err(|err| {
            Error::Context(format!("cannot create an OpenGL 3.3 core context on device {which}: {err}"))
        })?;
        let context = context.make_current_surfaceless().map_err(|err| {
            Error::Context(format!("cannot make the OpenGL context current without a surface on device {which}: {err}"))
        })?;

        Ok(EglBackend { context, display, size: Cell::new(size) })
    }
}

// SAFETY: `get_proc_address` returns EGL's own function pointers for the
// context's display; `make_current` makes the context current on the calling
// thread (surfaceless, as it was created); `is_current` asks EGL. There is no
// surface, so `swap_buffers` correctly has nothing to do.
unsafe impl Backend for EglBackend {
    fn swap_buffers(&self) -> Result<(), SwapBuffersError> {
        Ok(())
    }

    unsafe fn get_proc_address(&self, symbol: &str) -> *const c_void {
        match CString::new(symbol) {
            Ok(symbol) => self.display.get_proc_address(&symbol),
            Err(_) => std::ptr::null(),
        }
    }

    fn get_framebuffer_dimensions(&self) -> (u32, u32) {
        self.size.get()
    }

    fn resize(&self, new_size: (u32, u32)) {
        self.size.set(new_size);
    }

    fn is_current(&self) -> bool {
        self.context.is_current()
    }

    unsafe fn make_current(&self) {
        // The trait gives no way to report failure, and panicking is not an
        // option; the following GL calls will fail visibly instead.
        if let Err(err) = self.context.make_current_surfaceless() {
            log::error!("cannot make the headless OpenGL context current: {err}");
        }
    }
}

impl Drop for EglBackend {
    fn drop(&mut self) {
        // A context that is still current is only marked for deletion by
        // `eglDestroyContext`; release it from this thread so that it is freed.
        if self.context.is_current() {
            if let Err(err) = self.context.make_not_current_in_place() {
                log::warn!("cannot release the headless OpenGL context: {err}");
            }
        }
    }
}
