//! How indices are assembled into primitives ([`PrimitiveType`]): what an
//! index buffer's container knows and what creating its GPU copy needs
//! (glium's index buffers keep it), in every build.

/// How indices are assembled into primitives: glium's list, in every
/// build (features stay additive: code that names it compiles whether or
/// not glium is on somewhere in the dependency graph). With glium, its
/// own `glium::index::PrimitiveType` converts both ways, and the
/// constructors take either.
///
/// # Examples
///
/// ```
/// use gloo_runtime::{IndexBuffer, PrimitiveType};
///
/// let ib = IndexBuffer::<u16>::from_vec(PrimitiveType::TriangleStrip, [4], vec![0, 1, 2, 3])?;
/// assert_eq!(ib.primitive(), PrimitiveType::TriangleStrip);
/// # Ok::<(), gloo_runtime::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PrimitiveType {
    /// Each index is a point.
    Points,
    /// Each pair of indices is a line.
    LinesList,
    /// Each four indices are a line (the middle two) with its neighbours,
    /// for a geometry shader.
    LinesListAdjacency,
    /// A line through every index.
    LineStrip,
    /// A line strip with a neighbour at each end, for a geometry shader.
    LineStripAdjacency,
    /// A line through every index and back to the first.
    LineLoop,
    /// Each three indices are a triangle.
    TrianglesList,
    /// Each six indices are a triangle (the first, third and fifth) with
    /// its neighbours, for a geometry shader.
    TrianglesListAdjacency,
    /// Each index after the second makes a triangle with the two before.
    TriangleStrip,
    /// A triangle strip with neighbours, for a geometry shader.
    TriangleStripAdjacency,
    /// Each index after the second makes a triangle with the one before and the first.
    TriangleFan,
    /// Patches of `vertices_per_patch` indices, for tessellation.
    Patches {
        /// Indices a patch.
        vertices_per_patch: u16,
    },
}
