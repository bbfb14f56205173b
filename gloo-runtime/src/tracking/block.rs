//! Blocks: the layout of a `#[derive(Block)]` struct under the std140 or
//! std430 rules, the member types and their rules, and the const checks the
//! derive runs on the struct as compiled. No GPU API here.

use crate::tracking::layout::{FieldLayout, ScalarType};

/// The layout rules a block is proven against: GLSL's `std140` (uniform
/// blocks) or `std430` (shader storage blocks; WGSL's storage address
/// space). They differ in arrays and nested structs: std140 rounds their
/// alignment, and so an array's element stride, up to 16 bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Rules {
    /// `layout(std140)`: uniform blocks, WGSL's `uniform` address space.
    Std140,
    /// `layout(std430)`: shader storage blocks, WGSL's `storage` address space.
    Std430,
}

impl Rules {
    /// `"std140"` or `"std430"`.
    pub const fn name(self) -> &'static str {
        match self {
            Rules::Std140 => "std140",
            Rules::Std430 => "std430",
        }
    }
}

/// The layout of a `#[derive(Block)]` struct, `T::BLOCK`: proven at
/// compile time equal to the layout its [`Rules`] give the same members.
///
/// # Examples
///
/// ```
/// use gloo_runtime::{Block, BlockType, Rules, ScalarType};
///
/// #[derive(Clone, Copy, Block)]
/// #[block(std140)]
/// #[repr(C)]
/// struct Light {
///     position: [f32; 3],
///     intensity: f32, // fills the vec3's last word, as std140 allows
///     color: [f32; 4],
/// }
///
/// const _: () = assert!(Light::BLOCK.size == 32);
/// assert_eq!(Light::BLOCK.rules, Rules::Std140);
/// assert_eq!(Light::BLOCK.fields[1].offset, 12);
/// assert_eq!(Light::BLOCK.fields[2].ty, BlockType::Vector(ScalarType::F32, 4));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BlockLayout {
    /// The struct's name.
    pub name: &'static str,
    /// The rules it follows.
    pub rules: Rules,
    /// Its size in bytes: `size_of::<T>()`, a multiple of `align`.
    pub size: usize,
    /// Its alignment under the rules (16 at least under std140): where a
    /// member of its type starts in an outer block.
    pub align: usize,
    /// Its members in declaration order; `#[block(skip)]` padding is none.
    pub fields: &'static [BlockField],
}

/// One member of a [`BlockLayout`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BlockField {
    /// The name the shader sees (the field's, unless `#[block(name = "...")]`).
    pub name: &'static str,
    /// The Rust field's name, without `r#`.
    pub ident: &'static str,
    /// Byte offset from the block's start, from `offset_of!`.
    pub offset: usize,
    /// Size in bytes, from `size_of`.
    pub size: usize,
    /// What the shader reads there.
    pub ty: BlockType,
}

/// What a block member is to the shader.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum BlockType {
    /// `f32`, `i32`, `u32` or `f64`: `float`, `int`, `uint`, `double`.
    Scalar(ScalarType),
    /// `[S; 2..=4]`: a vector of 2 to 4 scalars (`vec3` is `[f32; 3]`).
    Vector(ScalarType, usize),
    /// `[[S; rows]; columns]` of floats, 2 to 4 of each: a matrix stored
    /// column by column (`mat4` is `[[f32; 4]; 4]`; std140's `mat3` is
    /// `[[f32; 4]; 3]`, each column padded to 16 bytes).
    Matrix {
        /// `F32` or `F64`.
        scalar: ScalarType,
        /// Columns.
        columns: usize,
        /// Scalars a column holds in memory (padding included).
        rows: usize,
    },
    /// `[X; len]` of any other member type.
    Array {
        /// The element's type.
        element: &'static BlockType,
        /// The element count.
        len: usize,
    },
    /// Another `#[derive(Block)]` struct.
    Struct(&'static BlockLayout),
}

const fn round_up(value: usize, align: usize) -> usize {
    value.div_ceil(align) * align
}

const fn max(a: usize, b: usize) -> usize {
    if a > b {
        a
    } else {
        b
    }
}

impl BlockType {
    /// Its base alignment under `rules`.
    pub const fn align(&self, rules: Rules) -> usize {
        match *self {
            BlockType::Scalar(scalar) => scalar.size(),
            BlockType::Vector(scalar, 2) => 2 * scalar.size(),
            BlockType::Vector(scalar, _) => 4 * scalar.size(),
            BlockType::Matrix { scalar, rows, .. } => array_align(BlockType::Vector(scalar, rows).align(rules), rules),
            BlockType::Array { element, .. } => array_align(element.align(rules), rules),
            BlockType::Struct(layout) => layout.align,
        }
    }

    /// Its size under `rules`: how far the next member is from its start,
    /// before that member's alignment.
    pub const fn size(&self, rules: Rules) -> usize {
        match *self {
            BlockType::Scalar(scalar) => scalar.size(),
            BlockType::Vector(scalar, n) => n * scalar.size(),
            BlockType::Matrix { columns, .. } => columns * self.stride(rules),
            BlockType::Array { len, .. } => len * self.stride(rules),
            BlockType::Struct(layout) => layout.size,
        }
    }

    /// The distance between a matrix's columns or an array's elements
    /// under `rules` (0 for other types).
    pub const fn stride(&self, rules: Rules) -> usize {
        match *self {
            BlockType::Matrix { scalar, rows, .. } => {
                let column = BlockType::Vector(scalar, rows);
                round_up(column.size(rules), self.align(rules))
            }
            BlockType::Array { element, .. } => round_up(element.size(rules), self.align(rules)),
            _ => 0,
        }
    }

    /// Whether a shader's scalar, vector or matrix of `scalar`, `columns`
    /// and `rows` reads the bytes of a member of this type under `rules`:
    /// the same scalar and columns, no more rows than ours hold (`[f32;
    /// 4]` for a `vec3` followed by padding), and for a matrix its columns
    /// as far apart as ours (a std430 `mat3x2`'s are 8 bytes apart, so it
    /// does not read `[[f32; 4]; 3]`; std140's `mat3x2` does). What the
    /// layout checks against a driver's reflection and naga accept.
    #[cfg_attr(not(any(feature = "glium", feature = "wgpu")), allow(dead_code))]
    pub(crate) fn read_as(&self, scalar: ScalarType, columns: usize, rows: usize, rules: Rules) -> bool {
        let (ours, our_columns, our_rows) = match *self {
            BlockType::Scalar(scalar) => (scalar, 1, 1),
            BlockType::Vector(scalar, rows) => (scalar, 1, rows),
            BlockType::Matrix { scalar, columns, rows } => (scalar, columns, rows),
            _ => return false,
        };
        let theirs = BlockType::Matrix { scalar, columns, rows };
        let strides = columns == 1 || theirs.stride(rules) == our_rows * scalar.size();
        ours == scalar && our_columns == columns && rows <= our_rows && strides
    }

    /// The distance Rust puts between a matrix's columns or an array's
    /// elements: the size of one.
    const fn rust_stride(&self) -> usize {
        match *self {
            BlockType::Matrix { scalar, rows, .. } => rows * scalar.size(),
            BlockType::Array { element, .. } => element.rust_size(),
            _ => 0,
        }
    }

    /// Its size in Rust, with every stride as Rust lays it out.
    const fn rust_size(&self) -> usize {
        match *self {
            BlockType::Scalar(scalar) => scalar.size(),
            BlockType::Vector(scalar, n) => n * scalar.size(),
            BlockType::Matrix { columns, .. } => columns * self.rust_stride(),
            BlockType::Array { len, .. } => len * self.rust_stride(),
            BlockType::Struct(layout) => layout.size,
        }
    }
}

/// An array's (or a matrix's) alignment from its element's.
const fn array_align(element: usize, rules: Rules) -> usize {
    match rules {
        Rules::Std140 => round_up(element, 16),
        Rules::Std430 => element,
    }
}

/// The alignment of a struct of members aligned to `members` at most.
#[doc(hidden)]
pub const fn struct_align(members: usize, rules: Rules) -> usize {
    array_align(max(members, 1), rules)
}

/// The types a block member may have: `f32`, `i32`, `u32`, `f64`, vectors
/// `[S; 2..=4]`, float matrices `[[S; R]; C]`, arrays `[X; n]` of
/// members, other `#[derive(Block)]` structs, and glam's vectors and
/// matrices with the `glam` feature. `#[derive(Block)]` implements it for
/// the struct it derives.
///
/// # Safety
///
/// `TYPE` describes `Self`: its [`rust_size`](BlockType) is
/// `size_of::<Self>()`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a member of a block",
    label = "not a block member type",
    note = "a block member is `f32`, `i32`, `u32` or `f64`, a vector `[f32; 3]`, a matrix `[[f32; 4]; 4]`, an array \
            `[X; n]` of those, or another `#[derive(Block)]` struct",
    note = "for a flag use `u32`: GLSL's `bool` is 4 bytes, Rust's 1"
)]
pub unsafe trait BlockMember: bytemuck::Pod {
    /// What the shader reads.
    const TYPE: BlockType;
}

macro_rules! scalars {
    ($($ty:ty => $scalar:ident),*) => {$(
        // SAFETY: one scalar of its own size.
        unsafe impl BlockMember for $ty {
            const TYPE: BlockType = BlockType::Scalar(ScalarType::$scalar);
        }
    )*};
}

scalars!(f32 => F32, i32 => I32, u32 => U32, f64 => F64);

/// An array of members: a vector (2 to 4 scalars), a float matrix (2 to 4
/// vectors of 2 to 4 floats), or any other array.
// SAFETY: `[X; N]` is `N` elements of `X` back to back, which
// `rust_size` counts from `X::TYPE` (whose size is `X`'s, by its impl).
unsafe impl<X: BlockMember, const N: usize> BlockMember for [X; N] {
    const TYPE: BlockType = array_type(&X::TYPE, N);
}

const fn array_type(element: &'static BlockType, len: usize) -> BlockType {
    let small = len >= 2 && len <= 4;
    match *element {
        BlockType::Scalar(scalar) if small => BlockType::Vector(scalar, len),
        BlockType::Vector(scalar @ (ScalarType::F32 | ScalarType::F64), rows) if small => {
            BlockType::Matrix { scalar, columns: len, rows }
        }
        _ => BlockType::Array { element, len },
    }
}

#[cfg(feature = "glam")]
mod glam_members {
    use super::{BlockMember, BlockType, ScalarType};

    macro_rules! glam_members {
        ($($ty:ident => $value:expr),* $(,)?) => {$(
            // SAFETY: glam's type is `repr(C)` (or a SIMD register) of
            // exactly these scalars, which its size (checked below) shows.
            unsafe impl BlockMember for glam::$ty {
                const TYPE: BlockType = $value;
            }
            const _: () = assert!(size_of::<glam::$ty>() == <glam::$ty as BlockMember>::TYPE.rust_size());
        )*};
    }

    glam_members! {
        Vec2 => BlockType::Vector(ScalarType::F32, 2),
        Vec3 => BlockType::Vector(ScalarType::F32, 3),
        Vec4 => BlockType::Vector(ScalarType::F32, 4),
        // A `vec3` padded to 16 bytes: the vector as std140 arrays hold it.
        Vec3A => BlockType::Vector(ScalarType::F32, 4),
        IVec2 => BlockType::Vector(ScalarType::I32, 2),
        IVec3 => BlockType::Vector(ScalarType::I32, 3),
        IVec4 => BlockType::Vector(ScalarType::I32, 4),
        UVec2 => BlockType::Vector(ScalarType::U32, 2),
        UVec3 => BlockType::Vector(ScalarType::U32, 3),
        UVec4 => BlockType::Vector(ScalarType::U32, 4),
        Mat2 => BlockType::Matrix { scalar: ScalarType::F32, columns: 2, rows: 2 },
        Mat3 => BlockType::Matrix { scalar: ScalarType::F32, columns: 3, rows: 3 },
        Mat3A => BlockType::Matrix { scalar: ScalarType::F32, columns: 3, rows: 4 },
        Mat4 => BlockType::Matrix { scalar: ScalarType::F32, columns: 4, rows: 4 },
    }
}

/// A `#[derive(Block)]` struct: a uniform or storage block whose Rust
/// layout is proven, at compile time and on the struct as compiled, equal
/// to its [`Rules`]' layout of the same members.
///
/// The derive requires `#[repr(C)]` and `#[block(std140)]` or
/// `#[block(std430)]`. Padding the rules need is written out as
/// `#[block(skip)]` fields (`_pad: [u32; 3]`): the struct is the GPU's
/// bytes, nothing is inserted behind your back. A misfit is a compile error
/// naming the field, where the rules put it and the fix.
///
/// # Examples
///
/// ```
/// use gloo_runtime::{Block, UniformBuffer};
///
/// #[derive(Clone, Copy, Block)]
/// #[block(std140)]
/// #[repr(C)]
/// struct Light {
///     position: [f32; 3],  // vec3 at 0
///     intensity: f32,      // float at 12: fills the vec3's last word
///     color: [f32; 4],     // vec4 at 16
///     view: [[f32; 4]; 4], // mat4 at 32
/// }
/// const _: () = assert!(Light::BLOCK.size == 96);
/// assert_eq!(Light::BLOCK.fields[1].offset, 12);
///
/// let light0 = Light { position: [0.0; 3], intensity: 1.0, color: [1.0; 4], view: [[0.0; 4]; 4] };
/// let mut light = UniformBuffer::from_value(light0);
/// assert_eq!(light.upload_plan(), vec![0..96]); // no GPU copy yet: all of it
/// # let context = gloo_runtime::headless::HeadlessContext::new()?;
/// light.upload(&context)?;
/// *light.intensity_mut() = 2.5;
/// assert_eq!(light.upload_plan(), vec![12..16]); // the field's bytes, not the block
/// # Ok::<(), gloo_runtime::Error>(())
/// ```
///
/// # Safety
///
/// Implemented by the derive only: `BLOCK` and `SLOTS` describe `Self`
/// exactly, `SLOTS` tiling `0..size_of::<Self>()` in memory order.
pub unsafe trait Block: BlockMember {
    /// The layout, proven equal to the rules'.
    const BLOCK: BlockLayout;

    /// Every field, padding included, in memory order: what the tracker
    /// marks.
    #[doc(hidden)]
    const SLOTS: &'static [FieldLayout];
}

/// A message built at compile time, for the derive's const assertions
/// (a const panic cannot format numbers).
#[doc(hidden)]
#[derive(Debug)]
pub struct Message {
    bytes: [u8; 480],
    len: usize,
}

#[doc(hidden)]
impl Message {
    /// An empty message: no error.
    pub const fn new() -> Self {
        Message { bytes: [0; 480], len: 0 }
    }

    /// Whether anything was written: an error.
    pub const fn is_err(&self) -> bool {
        self.len != 0
    }

    /// Appends `text` (cut at the capacity).
    pub const fn str(mut self, text: &str) -> Self {
        let text = text.as_bytes();
        let mut i = 0;
        while i < text.len() && self.len < self.bytes.len() {
            self.bytes[self.len] = text[i];
            self.len += 1;
            i += 1;
        }
        self
    }

    /// Appends `n` in decimal.
    pub const fn num(mut self, mut n: usize) -> Self {
        let mut digits = [0u8; 20];
        let mut count = 0;
        loop {
            digits[count] = b'0' + (n % 10) as u8;
            count += 1;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        while count > 0 && self.len < self.bytes.len() {
            count -= 1;
            self.bytes[self.len] = digits[count];
            self.len += 1;
        }
        self
    }

    /// The text.
    pub const fn as_str(&self) -> &str {
        match core::str::from_utf8(self.bytes.split_at(self.len).0) {
            Ok(text) => text,
            Err(_) => "a block layout error (its message was cut)",
        }
    }
}

impl Default for Message {
    fn default() -> Self {
        Message::new()
    }
}

const fn scalar_name(scalar: ScalarType) -> &'static str {
    match scalar {
        ScalarType::I32 => "i32",
        ScalarType::U32 => "u32",
        ScalarType::F64 => "f64",
        _ => "f32",
    }
}

/// "field `name` of `Struct` ".
const fn field_of(message: Message, block: &str, field: &str) -> Message {
    message.str("field `").str(field).str("` of `").str(block).str("` ")
}

/// The misfit of a member type under `rules`, if any: an array or matrix
/// whose elements Rust puts closer than the rules do, or a nested block of
/// other rules. Looks inside arrays.
const fn type_misfit(block: &str, field: &str, ty: &BlockType, rules: Rules) -> Message {
    match *ty {
        BlockType::Struct(inner)
            if !matches!((inner.rules, rules), (Rules::Std140, Rules::Std140) | (Rules::Std430, Rules::Std430)) =>
        {
            field_of(Message::new(), block, field)
                .str("is a ")
                .str(inner.rules.name())
                .str(" block inside a ")
                .str(rules.name())
                .str(" one: a nested block follows the outer block's rules; derive `")
                .str(inner.name)
                .str("` with `#[block(")
                .str(rules.name())
                .str(")]`")
        }
        BlockType::Matrix { scalar, columns, rows } if ty.stride(rules) != ty.rust_stride() => {
            let column = ty.stride(rules) / scalar.size();
            let message = field_of(Message::new(), block, field)
                .str("is a matrix (or an array of ")
                .num(columns)
                .str(" vectors) whose columns are ")
                .num(ty.rust_stride())
                .str(" bytes apart, where ")
                .str(rules.name())
                .str(" puts them ")
                .num(ty.stride(rules))
                .str(" apart: write `[[")
                .str(scalar_name(scalar))
                .str("; ")
                .num(column)
                .str("]; ")
                .num(columns)
                .str("]`, each padded");
            if columns == 3 && rows == 3 {
                message.str(" (glam's `Mat3A` for a `mat3`)")
            } else {
                message
            }
        }
        BlockType::Array { element, len } => {
            let inner = type_misfit(block, field, element, rules);
            if inner.is_err() {
                return inner;
            }
            if ty.stride(rules) == ty.rust_stride() {
                return Message::new();
            }
            let message = field_of(Message::new(), block, field)
                .str("is an array whose elements are ")
                .num(ty.rust_stride())
                .str(" bytes apart, where ")
                .str(rules.name())
                .str(" puts them ")
                .num(ty.stride(rules))
                .str(" apart: ");
            let message = match *element {
                BlockType::Scalar(scalar) | BlockType::Vector(scalar, _) => message
                    .str("write `[[")
                    .str(scalar_name(scalar))
                    .str("; ")
                    .num(ty.stride(rules) / scalar.size())
                    .str("]; ")
                    .num(len)
                    .str("]`, each element padded to its slot (the shader reads its first components)"),
                _ => message.str("pad the element type to a multiple of 16 bytes with `#[block(skip)]` fields"),
            };
            match rules {
                Rules::Std140 => message.str(", or use `#[block(std430)]` where the block is a storage block"),
                Rules::Std430 => message,
            }
        }
        _ => Message::new(),
    }
}

/// The derive's check of one member: its type fits the rules, and it
/// starts where the rules put it, right after the member before (which
/// ends at `previous_end`, by the rules; 0 for the first). `rust_size` is
/// `size_of` the field's type.
#[doc(hidden)]
pub const fn check_member(
    block: &str,
    field: &str,
    rules: Rules,
    ty: &BlockType,
    rust_size: usize,
    offset: usize,
    previous_end: usize,
) -> Message {
    let misfit = type_misfit(block, field, ty, rules);
    if misfit.is_err() {
        return misfit;
    }
    if ty.size(rules) != rust_size {
        // Only a type whose own `BlockMember` impl is wrong gets here.
        return field_of(Message::new(), block, field).str("has a type whose size is not its layout's");
    }
    let wanted = round_up(previous_end, ty.align(rules));
    if offset == wanted {
        return Message::new();
    }
    let message = field_of(Message::new(), block, field)
        .str("is at offset ")
        .num(offset)
        .str(", where ")
        .str(rules.name())
        .str(" puts it at ")
        .num(wanted)
        .str(" (it aligns to ")
        .num(ty.align(rules))
        .str("): ");
    if offset < wanted {
        padding_fix(message.str("add `#[block(skip)] _pad: "), wanted - offset).str(" before it")
    } else {
        message.str("remove the ").num(offset - wanted).str(" bytes of padding before it")
    }
}

/// `[u32; n]` for `bytes` of padding (`[u8; n]` where not whole words).
const fn padding_fix(message: Message, bytes: usize) -> Message {
    if bytes.is_multiple_of(4) {
        message.str("[u32; ").num(bytes / 4).str("]`")
    } else {
        message.str("[u8; ").num(bytes).str("]`")
    }
}

/// The derive's check of the struct's size: the end of its last member,
/// rounded up to its alignment under the rules.
#[doc(hidden)]
pub const fn check_size(block: &str, rules: Rules, size: usize, last_end: usize, align: usize) -> Message {
    let wanted = round_up(last_end, align);
    if size == wanted {
        return Message::new();
    }
    let message = Message::new()
        .str("`")
        .str(block)
        .str("` is ")
        .num(size)
        .str(" bytes, where ")
        .str(rules.name())
        .str(" makes it ")
        .num(wanted)
        .str(" (its members' end rounded up to its alignment, ")
        .num(align)
        .str("): ");
    if size < wanted {
        padding_fix(message.str("add `#[block(skip)] _pad: "), wanted - size).str(" at the end")
    } else {
        message.str("remove the ").num(size - wanted).str(" bytes of padding at the end")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn std140_and_std430_differ_in_arrays_and_matrices() {
        let floats = <[f32; 8]>::TYPE;
        assert_eq!(floats.stride(Rules::Std140), 16);
        assert_eq!(floats.stride(Rules::Std430), 4);
        let mat3 = <[[f32; 3]; 3]>::TYPE;
        assert_eq!(mat3, BlockType::Matrix { scalar: ScalarType::F32, columns: 3, rows: 3 });
        assert_eq!(mat3.stride(Rules::Std140), 16);
        assert_eq!(mat3.stride(Rules::Std430), 16);
        let mat2 = <[[f32; 2]; 2]>::TYPE;
        assert_eq!((mat2.stride(Rules::Std140), mat2.stride(Rules::Std430)), (16, 8));
        assert_eq!(<[f32; 3]>::TYPE.align(Rules::Std430), 16);
        assert_eq!(<[f32; 2]>::TYPE.align(Rules::Std140), 8);
        assert_eq!(<[u32; 1]>::TYPE.align(Rules::Std140), 16);
        assert_eq!(<[[f64; 2]; 3]>::TYPE.stride(Rules::Std430), 16);
    }

    #[test]
    fn messages_name_the_field_and_the_fix() {
        let message = check_member("S", "b", Rules::Std140, &<[f32; 4]>::TYPE, 16, 4, 4);
        assert_eq!(
            message.as_str(),
            "field `b` of `S` is at offset 4, where std140 puts it at 16 (it aligns to 16): add `#[block(skip)] _pad: [u32; 3]` before it"
        );
        let message = check_member("S", "w", Rules::Std140, &<[f32; 8]>::TYPE, 32, 0, 0);
        assert!(message.as_str().contains("write `[[f32; 4]; 8]`"), "{}", message.as_str());
        assert!(!check_member("S", "w", Rules::Std430, &<[f32; 8]>::TYPE, 32, 0, 0).is_err());
        let message = check_size("S", Rules::Std140, 20, 20, 16);
        assert!(message.as_str().ends_with("add `#[block(skip)] _pad: [u32; 3]` at the end"), "{}", message.as_str());
        assert_eq!(Message::new().num(0).num(1234).as_str(), "01234");
    }
}
