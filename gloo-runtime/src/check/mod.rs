//! Shader contracts: a vertex type or a block checked against what a
//! shader declares, in a plain `cargo test`, before a draw finds out.
//!
//! Each check returns `Ok(())` or [`Error::ShaderMismatch`], whose message
//! lists every mismatch found (not only the first), each naming the
//! shader's side and ours with both types:
//!
//! ```text
//! shader mismatch: `Point` against the vertex inputs of the program
//!   - shader input position is vec3, Point::position is [f32; 2] (vec2)
//! ```
//!
//! | check | shader | needs |
//! |---|---|---|
//! | [`vertex::<Point>(&program)`](vertex) | the inputs a linked glium program reflects | feature `glium`, a context |
//! | [`block::<Light>(program.get_uniform_blocks(), "LightBlock")`](block) | a uniform or storage block the program reflects | feature `glium`, a context |
//! | [`vertex_wgsl::<Point>(WGSL, "vs_main")`](vertex_wgsl) | a WGSL vertex entry point, through naga | feature `wgpu`, no GPU |
//! | [`block_wgsl::<Light>(WGSL, "light")`](block_wgsl) | a WGSL `var<uniform>` or `var<storage>` | feature `wgpu`, no GPU |
//!
//! GLSL is checked against the driver's reflection of a linked program,
//! not parsed: naga's GLSL front end takes only GLSL 440 and later with
//! Vulkan semantics. WGSL goes through naga, the compiler wgpu itself
//! runs; a source naga cannot parse or validate is a `ShaderMismatch`
//! too, carrying naga's message.
//!
//! # Vertex inputs
//!
//! A type, or a tuple of the types of the buffers drawn together
//! (`vertex::<(Corner, Instance)>`, see [`VertexSet`]), against a vertex
//! shader's inputs. Mismatches:
//!
//! - a shader input no field feeds (on glium: no field of that name; on
//!   wgpu: no field at that location);
//! - a field whose type differs from the input's: its base type, its
//!   component count, or its matrix shape (a matrix takes one location a
//!   column, and on wgpu one input a column). Counts must be equal, though
//!   GL and WebGPU would fill or drop components: a `vec4` read from
//!   `[f32; 3]` is a mismatch;
//! - an integer field feeding a float input, or a float field an integer
//!   one. A `#[vertex(normalize)]` integer field reads as floats: it feeds
//!   `vec4` (`vec4<f32>`), and an `ivec4` or `uvec4` input fed by it is a
//!   mismatch. Signedness counts: `[u8; 4]` feeds `uvec4`, not `ivec4`;
//! - on glium, a `#[vertex(location = N)]` field whose input is at another
//!   location (glium binds such a field by location, so the input of that
//!   name would read something else), and an input two buffers' fields of
//!   its name would feed; on wgpu, an input whose location holds a field
//!   of another type, and two buffers' fields at one location.
//!
//! A field the shader does not read is not a mismatch: buffers often carry
//! more than one program needs. Names: glium binds by name, so a name
//! differing is a mismatch there (rename the field or give it
//! `#[vertex(name = "...")]`); wgpu binds by location, so there it is not,
//! and messages show both names.
//!
//! # Blocks
//!
//! A `#[derive(Block)]` type against a block: its members must match in
//! name, order, type and offset, and the shader's block must have no
//! member we lack, nor we one it lacks. A block name the shader does not
//! have is a mismatch naming it. A member of ours may be wider than the
//! shader's where the bytes read are the same, as glium's own check
//! accepts: `[f32; 4]` for a `vec3` followed by padding, `[[f32; 4]; 3]`
//! for a std140 `mat3` or `vec4 a[3]`, `[f32; 4]` for a std430 `float
//! a[4]`; a struct of one member at offset 0 stands for that member.
//!
//! `block::<T>` checks `T` against the named block itself, and also
//! accepts a block whose only member is a struct (`uniform B { Light l;
//! };`). For a [`StorageBuffer<T>`](crate::StorageBuffer) of records,
//! check `T` against the block holding them: a block whose only member is
//! an array of `T`'s struct, sized or not (`buffer Particles { Particle
//! p[]; };`, `uniform Lights { Light lights[256]; };`), or in WGSL a
//! `var<storage> particles: array<Particle>`, is compared element by
//! element, and the array's stride must be `T`'s size. glium reflects no
//! stride: there it is checked where the block's size tells it, for a
//! uniform block's array of structs (a std430 struct of 8 bytes in a
//! std140 array, 16 bytes apart, is a mismatch).
//!
//! # Examples
//!
//! Each function's documentation has one; in a test of your own:
//!
//! ```text
//! #[test]
//! fn shaders_match_the_vertex_types() -> Result<(), gloo_runtime::Error> {
//!     let context = HeadlessContext::new()?;
//!     let program = Program::from_source(&context, VERTEX_SHADER, FRAGMENT_SHADER, None).expect("shaders compile");
//!     check::vertex::<Point>(&program)?;
//!     check::block::<Light>(program.get_uniform_blocks(), "LightBlock")
//! }
//! ```

#[cfg(feature = "glium")]
mod gl;
#[cfg(any(feature = "glium", feature = "wgpu"))]
mod names;
#[cfg(feature = "wgpu")]
mod wgsl;

#[cfg(feature = "glium")]
pub use gl::{block, vertex};
#[cfg(feature = "wgpu")]
pub use wgsl::{block_wgsl, vertex_wgsl};

#[cfg(any(feature = "glium", feature = "wgpu"))]
use crate::Error;
use crate::{Layout, Vertex};

/// The vertex types of the buffers one draw reads: a [`Vertex`] type, or
/// a tuple of 1 to 4 of them (`(Corner, Instance)` for a mesh drawn with
/// per-instance data), in the order the draw takes them.
///
/// The checks compare the shader's inputs with the fields of all of them
/// together. Implemented for those types only.
///
/// # Examples
///
/// ```
/// use gloo_runtime::check::VertexSet;
/// use gloo_runtime::Vertex;
///
/// #[derive(Clone, Copy, Vertex)]
/// #[repr(C)]
/// struct Corner { position: [f32; 2] }
///
/// #[derive(Clone, Copy, Vertex)]
/// #[repr(C)]
/// struct Instance { offset: [f32; 2] }
///
/// let names: Vec<&str> = <(Corner, Instance)>::layouts().iter().map(|layout| layout.name).collect();
/// assert_eq!(names, ["Corner", "Instance"]);
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is no vertex type, nor a tuple of 1 to 4 of them",
    label = "the vertex types checked against the shader",
    note = "name a `#[derive(Vertex)]` struct, or the types of the buffers one draw reads as a tuple: \
            `check::vertex::<(Corner, Instance)>`",
    note = "a `#[derive(Block)]` struct is checked with `check::block` or `check::block_wgsl`"
)]
pub trait VertexSet: sealed::Sealed {
    /// The layouts, one a buffer.
    fn layouts() -> Vec<Layout>;

    /// The attributes [`wgpu_layout`](crate::wgpu_layout) gives each
    /// type, one list a buffer: the locations wgpu binds.
    #[cfg(feature = "wgpu")]
    fn wgpu_attributes() -> Vec<&'static [::wgpu::VertexAttribute]>;
}

mod sealed {
    /// Keeps [`VertexSet`](super::VertexSet) to the types it is made for.
    pub trait Sealed {}
}

impl<T: Vertex> sealed::Sealed for T {}

impl<T: Vertex> VertexSet for T {
    fn layouts() -> Vec<Layout> {
        vec![T::LAYOUT]
    }

    #[cfg(feature = "wgpu")]
    fn wgpu_attributes() -> Vec<&'static [::wgpu::VertexAttribute]> {
        vec![crate::wgpu_layout::<T>().attributes]
    }
}

macro_rules! vertex_sets {
    ($(($($t:ident),+))*) => {$(
        impl<$($t: Vertex),+> sealed::Sealed for ($($t,)+) {}

        impl<$($t: Vertex),+> VertexSet for ($($t,)+) {
            fn layouts() -> Vec<Layout> {
                vec![$($t::LAYOUT),+]
            }

            #[cfg(feature = "wgpu")]
            fn wgpu_attributes() -> Vec<&'static [::wgpu::VertexAttribute]> {
                vec![$(crate::wgpu_layout::<$t>().attributes),+]
            }
        }
    )*};
}

vertex_sets!((A)(A, B)(A, B, C)(A, B, C, D));

/// `Ok(())` where nothing was found, else the error listing it all.
#[cfg(any(feature = "glium", feature = "wgpu"))]
fn finish(shader: String, mismatches: Vec<String>) -> Result<(), Error> {
    if mismatches.is_empty() {
        Ok(())
    } else {
        Err(Error::ShaderMismatch { shader, mismatches })
    }
}

/// The names of the types in `layouts`: `` `Point` ``, `` `Corner` and `Instance` ``.
#[cfg(any(feature = "glium", feature = "wgpu"))]
fn type_names(layouts: &[Layout]) -> String {
    let quoted: Vec<String> = layouts.iter().map(|layout| format!("`{}`", layout.name)).collect();
    match quoted.as_slice() {
        [rest @ .., last] if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => quoted.concat(),
    }
}
