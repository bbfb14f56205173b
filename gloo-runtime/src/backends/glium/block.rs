//! Blocks through glium: the check of a block's layout against the
//! driver's reflection (what `uniform!` runs before a draw, and what the
//! derive's `glium::uniforms::UniformBlock` impl calls), a uniform buffer's
//! storage, written field by field, and what `bind` gives `uniform!`.

use core::marker::PhantomData;
use std::rc::Rc;

use glium::backend::Context;
use glium::buffer::{Buffer, BufferAnySlice, BufferMode, BufferType};
use glium::program::{BlockLayout as Reflected, UniformBlock};
use glium::uniforms::{AsUniformValue, LayoutMismatchError, UniformType, UniformValue};

use super::creation_error;
use crate::tracking::backend::{FieldRuns, GpuResource};
use crate::tracking::block::{Block, BlockLayout, BlockType, Rules};
use crate::tracking::layout::ScalarType;
use crate::tracking::stats::Trace;
use crate::tracking::storage::GpuStorage;
use crate::{Error, UploadCosts};

/// Whether `ours`, starting at `base` in the buffer, is the block (or
/// struct) the driver reflects as `reflected`: the same members by name,
/// each at the same offset with a type that reads the same bytes (a
/// member of ours may be wider than the shader's: `[f32; 4]` for a
/// `vec3` followed by padding, `[[f32; 4]; 3]` for a std140 `mat3`, a
/// `float` array's 16-byte slots). A block of one struct member is also
/// that member's struct, and a struct of one member at offset 0 is also
/// that member (`struct Value { v: f32 }` for `float values[];`).
///
/// # Errors
///
/// glium's [`LayoutMismatchError`], naming the member.
pub fn matches(ours: &BlockLayout, reflected: &Reflected, base: usize) -> Result<(), LayoutMismatchError> {
    let Reflected::Struct { members } = reflected else {
        if let [only] = ours.fields {
            if only.offset == 0 {
                return member_matches(&only.ty, reflected, base, ours.rules);
            }
        }
        return Err(LayoutMismatchError::LayoutMismatch { expected: reflected.clone(), obtained: layout(ours, base) });
    };
    let by_name = |name: &str| members.iter().find(|(member, _)| member == name).map(|(_, layout)| layout);
    let direct = ours.fields.iter().all(|field| by_name(field.name).is_some());
    if !direct {
        if let [(_, inner @ Reflected::Struct { .. })] = members.as_slice() {
            return matches(ours, inner, base);
        }
    }
    if let Some((name, _)) = members.iter().find(|(name, _)| !ours.fields.iter().any(|field| field.name == name)) {
        return Err(LayoutMismatchError::MissingField { name: name.clone() });
    }
    for field in ours.fields {
        let Some(member) = by_name(field.name) else {
            return Err(LayoutMismatchError::MissingField { name: field.name.to_owned() });
        };
        member_matches(&field.ty, member, base + field.offset, ours.rules)
            .map_err(|err| LayoutMismatchError::MemberMismatch { member: field.name.to_owned(), err: Box::new(err) })?;
    }
    Ok(())
}

/// Whether a member of type `ty` at `offset` is what the driver reflects.
fn member_matches(
    ty: &BlockType,
    reflected: &Reflected,
    offset: usize,
    rules: Rules,
) -> Result<(), LayoutMismatchError> {
    let mismatch =
        || LayoutMismatchError::LayoutMismatch { expected: reflected.clone(), obtained: member_layout(ty, offset) };
    match (ty, reflected) {
        (BlockType::Struct(inner), _) => matches(inner, reflected, offset),
        (BlockType::Array { element, len }, Reflected::Array { content, length }) => {
            // GL lists a storage block's array of structs by its first
            // element only: its length is reflected for basic types alone.
            let basic = matches!(**content, Reflected::BasicType { .. });
            if basic && length != len {
                return Err(mismatch());
            }
            member_matches(element, content, offset, rules)
        }
        // `[[f32; 4]; 3]` is a matrix to us and may be `vec4 a[3]` (or a
        // std140 `float a[3]`, each in a vec4's slot) to the shader; `[f32;
        // 4]` a vector, or a std430 `float a[4]`: the same bytes, element by
        // element, once the first is where the shader has it.
        (&BlockType::Matrix { scalar, columns, rows }, Reflected::Array { content, length }) if *length == columns => {
            member_matches(&BlockType::Vector(scalar, rows), content, offset, rules)
        }
        (&BlockType::Vector(scalar, len), Reflected::Array { content, length }) if *length == len => {
            member_matches(&BlockType::Scalar(scalar), content, offset, rules)
        }
        (_, Reflected::BasicType { ty: expected, offset_in_buffer }) => {
            let obtained = uniform_type(ty).ok_or_else(mismatch)?;
            if !reads_as(ty, *expected, rules) {
                return Err(LayoutMismatchError::TypeMismatch { expected: *expected, obtained });
            }
            if *offset_in_buffer != offset {
                return Err(LayoutMismatchError::OffsetMismatch { expected: *offset_in_buffer, obtained: offset });
            }
            Ok(())
        }
        _ => Err(mismatch()),
    }
}

/// glium's layout of `ours` at `base`: what an error shows as obtained,
/// and the derive's `UniformBlock::build_layout`.
pub fn layout(ours: &BlockLayout, base: usize) -> Reflected {
    let members =
        ours.fields.iter().map(|field| (field.name.to_owned(), member_layout(&field.ty, base + field.offset)));
    Reflected::Struct { members: members.collect() }
}

fn member_layout(ty: &BlockType, offset: usize) -> Reflected {
    match ty {
        BlockType::Struct(inner) => layout(inner, offset),
        BlockType::Array { element, len } => {
            Reflected::Array { content: Box::new(member_layout(element, offset)), length: *len }
        }
        _ => match uniform_type(ty) {
            Some(ty) => Reflected::BasicType { ty, offset_in_buffer: offset },
            None => Reflected::Struct { members: Vec::new() },
        },
    }
}

/// The shape glium's type `ty` reads: its scalar, columns and rows (a
/// vector is one column, a scalar one row too).
pub(crate) fn shape(ty: UniformType) -> Option<(ScalarType, usize, usize)> {
    use ScalarType::{F32, F64, I32, U32};
    use UniformType as U;
    Some(match ty {
        U::Float => (F32, 1, 1),
        U::FloatVec2 => (F32, 1, 2),
        U::FloatVec3 => (F32, 1, 3),
        U::FloatVec4 => (F32, 1, 4),
        U::Int => (I32, 1, 1),
        U::IntVec2 => (I32, 1, 2),
        U::IntVec3 => (I32, 1, 3),
        U::IntVec4 => (I32, 1, 4),
        U::UnsignedInt => (U32, 1, 1),
        U::UnsignedIntVec2 => (U32, 1, 2),
        U::UnsignedIntVec3 => (U32, 1, 3),
        U::UnsignedIntVec4 => (U32, 1, 4),
        U::Double => (F64, 1, 1),
        U::DoubleVec2 => (F64, 1, 2),
        U::DoubleVec3 => (F64, 1, 3),
        U::DoubleVec4 => (F64, 1, 4),
        U::FloatMat2 => (F32, 2, 2),
        U::FloatMat3 => (F32, 3, 3),
        U::FloatMat4 => (F32, 4, 4),
        U::FloatMat2x3 => (F32, 2, 3),
        U::FloatMat2x4 => (F32, 2, 4),
        U::FloatMat3x2 => (F32, 3, 2),
        U::FloatMat3x4 => (F32, 3, 4),
        U::FloatMat4x2 => (F32, 4, 2),
        U::FloatMat4x3 => (F32, 4, 3),
        U::DoubleMat2 => (F64, 2, 2),
        U::DoubleMat3 => (F64, 3, 3),
        U::DoubleMat4 => (F64, 4, 4),
        U::DoubleMat2x3 => (F64, 2, 3),
        U::DoubleMat2x4 => (F64, 2, 4),
        U::DoubleMat3x2 => (F64, 3, 2),
        U::DoubleMat3x4 => (F64, 3, 4),
        U::DoubleMat4x2 => (F64, 4, 2),
        U::DoubleMat4x3 => (F64, 4, 3),
        _ => return None,
    })
}

/// The shape of a member of ours, as `shape` gives glium's.
fn our_shape(ty: &BlockType) -> Option<(ScalarType, usize, usize)> {
    match *ty {
        BlockType::Scalar(scalar) => Some((scalar, 1, 1)),
        BlockType::Vector(scalar, rows) => Some((scalar, 1, rows)),
        BlockType::Matrix { scalar, columns, rows } => Some((scalar, columns, rows)),
        _ => None,
    }
}

/// Whether the shader's `expected` reads the bytes of our `ty` under
/// `rules` (see `BlockType::read_as`).
pub(crate) fn reads_as(ty: &BlockType, expected: UniformType, rules: Rules) -> bool {
    shape(expected).is_some_and(|(scalar, columns, rows)| ty.read_as(scalar, columns, rows, rules))
}

/// glium's type of exactly our shape.
fn uniform_type(ty: &BlockType) -> Option<UniformType> {
    use UniformType as U;
    let wanted = our_shape(ty)?;
    let all = [
        U::Float,
        U::FloatVec2,
        U::FloatVec3,
        U::FloatVec4,
        U::Int,
        U::IntVec2,
        U::IntVec3,
        U::IntVec4,
        U::UnsignedInt,
        U::UnsignedIntVec2,
        U::UnsignedIntVec3,
        U::UnsignedIntVec4,
        U::Double,
        U::DoubleVec2,
        U::DoubleVec3,
        U::DoubleVec4,
        U::FloatMat2,
        U::FloatMat3,
        U::FloatMat4,
        U::FloatMat2x3,
        U::FloatMat2x4,
        U::FloatMat3x2,
        U::FloatMat3x4,
        U::FloatMat4x2,
        U::FloatMat4x3,
        U::DoubleMat2,
        U::DoubleMat3,
        U::DoubleMat4,
        U::DoubleMat2x3,
        U::DoubleMat2x4,
        U::DoubleMat3x2,
        U::DoubleMat3x4,
        U::DoubleMat4x2,
        U::DoubleMat4x3,
    ];
    all.into_iter().find(|&ty| shape(ty) == Some(wanted))
}

/// The check `uniform!` runs for a uniform buffer of `T`.
fn check_one<T: Block>(block: &UniformBlock) -> Result<(), LayoutMismatchError> {
    matches(&T::BLOCK, &block.layout, 0)
}

/// The check `uniform!` runs for a buffer of records of `T`: the block's
/// one member an array of them (`Particle p[];` or `Light lights[256];`).
fn check_array<T: Block>(block: &UniformBlock) -> Result<(), LayoutMismatchError> {
    let content = match &block.layout {
        Reflected::Struct { members } if members.len() == 1 => &members[0].1,
        other => other,
    };
    match content {
        Reflected::DynamicSizedArray { content } | Reflected::Array { content, .. } => matches(&T::BLOCK, content, 0),
        other => Err(LayoutMismatchError::LayoutMismatch {
            expected: other.clone(),
            obtained: Reflected::DynamicSizedArray { content: Box::new(layout(&T::BLOCK, 0)) },
        }),
    }
}

/// A uniform or storage buffer bound for `uniform!`: glium checks its
/// layout against the program's block of that name before the draw.
#[derive(Clone, Copy)]
pub struct BoundBlock<'a> {
    slice: BufferAnySlice<'a>,
    check: fn(&UniformBlock) -> Result<(), LayoutMismatchError>,
}

impl core::fmt::Debug for BoundBlock<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("BoundBlock").field("bytes", &self.slice.get_size()).finish()
    }
}

impl<'a> BoundBlock<'a> {
    /// One block of `T`.
    pub(crate) fn one<T: Block>(slice: BufferAnySlice<'a>) -> Self {
        BoundBlock { slice, check: check_one::<T> }
    }

    /// Records of `T`.
    pub(crate) fn array<T: Block>(slice: BufferAnySlice<'a>) -> Self {
        BoundBlock { slice, check: check_array::<T> }
    }
}

impl AsUniformValue for BoundBlock<'_> {
    fn as_uniform_value(&self) -> UniformValue<'_> {
        UniformValue::Block(self.slice, self.check)
    }
}

/// A uniform buffer's storage in glium: the block's bytes in a buffer
/// made for uniform blocks, written a field run a call.
pub struct GlUniform<T> {
    buffer: Buffer<[u8]>,
    block: PhantomData<T>,
}

impl<T> core::fmt::Debug for GlUniform<T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("GlUniform").field("bytes", &self.buffer.len()).finish()
    }
}

impl<T> GlUniform<T> {
    /// The buffer, for `uniform!`.
    pub(crate) fn slice(&self) -> BufferAnySlice<'_> {
        self.buffer.as_slice_any()
    }
}

impl<T: Block> GpuResource<T> for GlUniform<T> {
    type Context = Rc<Context>;
    type Extra = ();
    type Region = FieldRuns;

    fn create(
        context: &Rc<Context>,
        data: &[T],
        _: usize,
        (): (),
        _: GpuStorage,
        _: &mut Trace,
    ) -> Result<Self, Error> {
        let bytes: &[u8] = bytemuck::cast_slice(data);
        let buffer =
            Buffer::new(context, bytes, BufferType::UniformBuffer, BufferMode::Dynamic).map_err(creation_error)?;
        Ok(GlUniform { buffer, block: PhantomData })
    }

    fn in_context(&self, context: &Rc<Context>) -> bool {
        Rc::ptr_eq(self.buffer.get_context(), context)
    }

    fn storage(&self) -> GpuStorage {
        GpuStorage::Dynamic
    }

    fn costs(&self) -> UploadCosts {
        UploadCosts::default()
    }

    fn capacity(&self) -> usize {
        self.buffer.len() / size_of::<T>().max(1)
    }

    fn write(&mut self, regions: &[FieldRuns], data: &[T], _: &mut Trace) {
        let bytes: &[u8] = bytemuck::cast_slice(data);
        for run in regions.iter().flat_map(|region| &region.0) {
            self.buffer.slice(run.clone()).expect("a field inside the block").write(&bytes[run.clone()]);
        }
    }

    fn grow(&self, _: usize, (): (), _: &mut Trace) -> Result<(Self, bool), Error> {
        Err(Error::BufferCreation("a uniform buffer holds one block and never grows".to_owned()))
    }

    fn read(&self, len: usize) -> Result<Vec<T>, Error> {
        let bytes = self.buffer.read()?;
        Ok(bytemuck::pod_collect_to_vec(&bytes[..len * size_of::<T>()]))
    }
}
