//! A block whose padding the rules need is written out compiles, warning-free
//! under a user's strictest lints, and its layout is the rules'.

#![deny(warnings, missing_docs)]
#![deny(
    missing_debug_implementations,
    missing_copy_implementations,
    unreachable_pub,
    unused_qualifications,
    unused_results,
    rust_2018_idioms,
    trivial_casts,
    trivial_numeric_casts,
    single_use_lifetimes,
    let_underscore_drop,
    unsafe_op_in_unsafe_fn
)]

use gloo_runtime::{Block, BlockType, Rules, ScalarType, StorageBuffer, UniformBuffer};

/// A std140 uniform block with every kind of padding written out.
#[derive(Clone, Copy, Debug, Block)]
#[block(std140)]
#[repr(C)]
pub struct Light {
    /// A `vec3` at 0.
    pub position: [f32; 3],
    /// A float at 12, filling the `vec3`'s last word.
    #[block(name = "u_intensity")]
    pub intensity: f32,
    /// A float at 16.
    pub range: f32,
    /// Up to the next 16: a `vec4` aligns to 16.
    #[block(skip)]
    pub _pad: [u32; 3],
    /// A `vec4` at 32.
    #[block(accessor = "rgba")]
    pub color: [f32; 4],
    /// A `mat3` as std140 holds it: columns padded to 16 bytes, at 48.
    pub normal: [[f32; 4]; 3],
    /// A float array as std140 holds it: each element in a 16-byte slot, at 96.
    pub weights: [[f32; 4]; 2],
    /// A nested block of the same rules, at 128.
    pub falloff: Falloff,
    /// A `uint` at 144.
    pub enabled: u32,
    /// The size rounded up to 16: 160.
    #[block(skip)]
    pub _end: [u32; 3],
}

/// A nested std140 block.
#[derive(Clone, Copy, Debug, Block)]
#[block(std140)]
#[repr(C)]
pub struct Falloff {
    /// A `vec2` at 0.
    pub curve: [f32; 2],
    /// Up to 16, the size of a std140 struct.
    #[block(skip)]
    pub _pad: [u32; 2],
}

/// A std430 storage record: arrays of scalars are packed, vec3 still aligns to 16.
#[derive(Clone, Copy, Debug, Block)]
#[block(std430)]
#[repr(C)]
pub struct Particle {
    /// A `vec3` at 0.
    pub position: [f32; 3],
    /// A float at 12.
    pub mass: f32,
    /// A float array at 16, 4 bytes apart.
    pub history: [f32; 3],
    /// Up to 32: a `vec4` aligns to 16.
    #[block(skip)]
    pub _pad: u32,
    /// A `vec4` at 32.
    pub velocity: [f32; 4],
}

const _: () = assert!(Light::BLOCK.size == 160);
const _: () = assert!(Falloff::BLOCK.size == 16);
const _: () = assert!(Particle::BLOCK.size == 48);

fn main() {
    assert_eq!(Light::BLOCK.rules, Rules::Std140);
    assert_eq!(Light::BLOCK.fields.len(), 8);
    assert_eq!(Light::BLOCK.fields[1].name, "u_intensity");
    assert_eq!(Light::BLOCK.fields[3].offset, 32);
    assert_eq!(Light::BLOCK.fields[3].ty, BlockType::Vector(ScalarType::F32, 4));
    assert_eq!(Light::BLOCK.fields[7].offset, 144);
    assert_eq!(Particle::BLOCK.fields[2].offset, 16);

    let zero = Light {
        position: [0.0; 3],
        intensity: 1.0,
        range: 10.0,
        _pad: [0; 3],
        color: [1.0; 4],
        normal: [[0.0; 4]; 3],
        weights: [[0.0; 4]; 2],
        falloff: Falloff { curve: [1.0, 0.0], _pad: [0; 2] },
        enabled: 1,
        _end: [0; 3],
    };
    let mut light = UniformBuffer::from_value(zero);
    *light.rgba_mut() = [0.5; 4];
    assert_eq!(*light.intensity(), 1.0);
    assert_eq!(light.upload_plan(), vec![0..160]);

    let mut particles = StorageBuffer::<Particle>::zeros([4]);
    *particles.mass_mut(2) = 3.0;
    assert_eq!(particles.get_mass(9), None);
}
