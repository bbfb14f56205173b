//! What the GL tests share: a context, a colour-passing program, a target.

// Each test binary uses the part it needs.
#![allow(dead_code)]

use gloo_runtime::glium::texture::{MipmapsOption, Texture2d, UncompressedFloatFormat};
use gloo_runtime::glium::Program;
use gloo_runtime::headless::HeadlessContext;

pub mod trace;

pub fn context() -> HeadlessContext {
    HeadlessContext::new().expect("headless EGL context (install libegl1 libegl-mesa0 libgl1-mesa-dri)")
}

const VERTEX_SHADER: &str = "#version 330 core
in vec2 position;
in vec3 color;
out vec3 v_color;
void main() { v_color = color; gl_Position = vec4(position, 0.0, 1.0); }";

const FRAGMENT_SHADER: &str = "#version 330 core
in vec3 v_color;
out vec4 frag;
void main() { frag = vec4(v_color, 1.0); }";

/// A program drawing `position` (vec2, clip space) in `color` (vec3).
pub fn colour_program(ctx: &HeadlessContext) -> Program {
    Program::from_source(ctx, VERTEX_SHADER, FRAGMENT_SHADER, None).expect("shaders compile")
}

/// An RGBA8 texture to draw into.
pub fn target(ctx: &HeadlessContext, size: u32) -> Texture2d {
    Texture2d::empty_with_format(ctx, UncompressedFloatFormat::U8U8U8U8, MipmapsOption::NoMipmap, size, size)
        .expect("texture")
}

/// The pixel at column `x`, row `y` (from the bottom).
pub fn pixel(texture: &Texture2d, x: usize, y: usize) -> (u8, u8, u8, u8) {
    let pixels: Vec<Vec<(u8, u8, u8, u8)>> = texture.read();
    pixels[y][x]
}
