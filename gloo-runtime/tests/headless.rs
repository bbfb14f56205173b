//! The off-screen context: it opens, reports a usable OpenGL, renders into a
//! texture, and works on several threads at once.
#![cfg(feature = "glium")]

use gloo_runtime::glium::backend::Facade;
use gloo_runtime::glium::texture::{MipmapsOption, Texture2d, UncompressedFloatFormat};
use gloo_runtime::glium::{Api, Surface, Version};
use gloo_runtime::headless::HeadlessContext;

/// Clears a 4×4 RGBA8 texture to yellow and checks every pixel read back.
fn clear_and_check(ctx: &HeadlessContext) {
    let texture = Texture2d::empty_with_format(ctx, UncompressedFloatFormat::U8U8U8U8, MipmapsOption::NoMipmap, 4, 4)
        .expect("create a 4x4 texture");
    texture.as_surface().clear_color(1.0, 1.0, 0.0, 1.0);
    let pixels: Vec<Vec<(u8, u8, u8, u8)>> = texture.read();
    assert_eq!(pixels.len(), 4);
    for row in &pixels {
        assert_eq!(row, &vec![(255, 255, 0, 255); 4]);
    }
}

/// Opens a context, printing why it failed if it did.
fn open() -> HeadlessContext {
    HeadlessContext::new().unwrap_or_else(|err| panic!("headless context: {err}"))
}

#[test]
fn context_reports_gl_3_3_core_or_later() {
    let ctx = open();
    let version = *ctx.get_context().get_opengl_version();
    assert!(version >= Version(Api::Gl, 3, 3), "got OpenGL {version:?}, want 3.3 or later");
    assert!(!ctx.renderer().trim().is_empty());
    let text = ctx.gl_version();
    assert!(text.starts_with(&format!("{}.{}", version.1, version.2)), "{text}");
    assert!(text.ends_with(" core"), "{text}");
    eprintln!("[i] Using EGL (GL {}, {})", ctx.gl_version(), ctx.renderer());
    assert!(format!("{ctx:?}").contains("HeadlessContext"));
}

#[test]
fn default_and_custom_size() {
    let ctx = open();
    assert_eq!(ctx.get_context().get_framebuffer_dimensions(), (800, 800));
    let ctx = HeadlessContext::with_size(32, 16).expect("headless context");
    assert_eq!(ctx.get_context().get_framebuffer_dimensions(), (32, 16));
}

#[test]
fn clears_a_texture_to_yellow() {
    let ctx = open();
    clear_and_check(&ctx);
}

#[test]
fn two_contexts_on_one_thread() {
    let first = open();
    let second = open();
    clear_and_check(&first);
    clear_and_check(&second);
    drop(first);
    clear_and_check(&second);
}

#[test]
fn one_context_per_thread_on_four_threads() {
    let threads: Vec<_> = (0..4)
        .map(|_| {
            std::thread::spawn(|| {
                for _ in 0..3 {
                    let ctx = open();
                    clear_and_check(&ctx);
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().expect("a rendering thread panicked");
    }
}
