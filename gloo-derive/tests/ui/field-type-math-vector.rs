use gloo_runtime::Vertex;

/// Stands in for a math library's vector, such as `glam::Vec3`.
mod glam {
    #[derive(Clone, Copy)]
    #[repr(C)]
    pub struct Vec3 {
        pub x: f32,
        pub y: f32,
        pub z: f32,
    }
}

#[derive(Clone, Copy, Vertex)]
#[repr(C)]
struct Particle {
    position: glam::Vec3,
}

fn main() {}
