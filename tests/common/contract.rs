//! One contract for every backend: the scenarios a container must pass
//! through any GPU API (create, edit, plan, upload, grow, read back, a
//! second context refused with its writes kept), written once and run by
//! `tests/contract.rs` on glium and by `wgpu/tests/contract.rs` on wgpu,
//! as wgpu's own harness runs one test on every backend.

use gloo_runtime::{
    Error, GpuTarget, IndexBuffer, MergePolicy, PrimitiveType, Rect, Texture2d, UploadStats, Vertex, VertexBuffer,
};

#[derive(Clone, Copy, Debug, PartialEq, Vertex)]
#[repr(C)]
pub struct Point {
    pub position: [f32; 2],
    pub color: [f32; 3],
}

fn point(i: usize) -> Point {
    Point { position: [i as f32, 0.5], color: [0.25; 3] }
}

/// The counters' growth from `before` to `after`.
fn sent(before: UploadStats, after: UploadStats) -> UploadStats {
    UploadStats {
        buffers_created: after.buffers_created - before.buffers_created,
        upload_calls: after.upload_calls - before.upload_calls,
        bytes_uploaded: after.bytes_uploaded - before.bytes_uploaded,
        bytes_written: after.bytes_written - before.bytes_written,
        reallocations: after.reallocations - before.reallocations,
    }
}

/// A vertex buffer's life in `gpu`, with `other` another context (of the
/// same backend or not): created by its first upload, every record sent;
/// two runs of edits planned and sent as two calls of their bytes; grown,
/// its old records copied on the GPU and the new ones sent; refused by
/// `other`, its writes kept; read back equal to the CPU copy at each step.
pub fn vertex_buffers<C: GpuTarget, O: GpuTarget>(gpu: &C, other: &O) {
    let mut v = VertexBuffer::<Point>::from_fn([1000], |[i]| point(i));
    v.set_policy(MergePolicy::Coalesce { max_gap: 0 });
    assert_eq!(v.upload_plan(), vec![0..20_000], "no GPU copy yet: everything");
    let before = v.stats();
    v.upload(gpu).unwrap();
    let created = UploadStats {
        buffers_created: 1,
        upload_calls: 1,
        bytes_uploaded: 20_000,
        bytes_written: 20_000,
        reallocations: 0,
    };
    assert_eq!(sent(before, v.stats()), created);
    assert_eq!(v.read_gpu(gpu).unwrap(), v.as_slice());

    // Record 10's colour, records 500 and 501's positions: two runs, each
    // a whole number of 4-byte words, so every backend sends these bytes.
    *v.color_mut(10) = [1.0, 0.0, 0.0];
    *v.position_mut(500) = [-1.0, -1.0];
    *v.position_mut(501) = [-2.0, -2.0];
    assert!(v.is_dirty());
    assert_eq!(v.upload_plan(), vec![200..220, 10_000..10_040]);
    let before = v.stats();
    v.upload(gpu).unwrap();
    let edited = UploadStats { upload_calls: 2, bytes_uploaded: 60, bytes_written: 28, ..UploadStats::default() };
    assert_eq!(sent(before, v.stats()), edited);
    assert!(!v.is_dirty() && v.upload_plan().is_empty());
    assert_eq!(v.read_gpu(gpu).unwrap(), v.as_slice());

    // Growth: a new GPU buffer, the old records copied on the GPU, the
    // new ones and the edit sent.
    v.extend_from_slice(&[point(7); 1500]);
    *v.color_mut(3) = [0.0, 1.0, 0.0];
    v.upload(gpu).unwrap();
    assert_eq!(v.stats().reallocations, 1);
    assert_eq!(v.len(), 2500);
    assert_eq!(v.read_gpu(gpu).unwrap(), v.as_slice());

    // Another context: refused, and the writes wait for the right one.
    *v.color_mut(1) = [0.5; 3];
    assert!(matches!(v.upload(other), Err(Error::ContextMismatch)));
    assert!(matches!(v.read_gpu(other), Err(Error::ContextMismatch)));
    assert_eq!(v.upload_plan(), vec![20..40], "a refused upload keeps the pending writes");
    assert!(v.is_dirty());
    v.upload(gpu).unwrap();
    assert!(!v.is_dirty());
    assert_eq!(v.read_gpu(gpu).unwrap(), v.as_slice());
}

/// An index buffer of `u32`s in `gpu`: created by its first upload,
/// scattered edits sent, and read back.
pub fn index_buffers<C: GpuTarget>(gpu: &C) {
    let mut indices = IndexBuffer::<u32>::from_vec(PrimitiveType::TrianglesList, [300], (0..300).collect()).unwrap();
    indices.set_policy(MergePolicy::Coalesce { max_gap: 0 });
    indices.upload(gpu).unwrap();
    for i in [0, 7, 150, 299] {
        *indices.at_mut([i]) = 1000 + i as u32;
    }
    assert_eq!(indices.upload_plan(), vec![0..4, 28..32, 600..604, 1196..1200]);
    let before = indices.stats();
    indices.upload(gpu).unwrap();
    assert_eq!(sent(before, indices.stats()).upload_calls, 4);
    assert_eq!(indices.read_gpu(gpu).unwrap(), indices.as_slice());
}

/// A texture in `gpu`: created by its first upload, an edited rectangle
/// planned and sent, and read back.
pub fn textures<C: GpuTarget>(gpu: &C) {
    let mut texture = Texture2d::<[u8; 4]>::zeros(16, 8);
    texture.upload(gpu).unwrap();
    *texture.texel_mut(3, 2) = [255, 0, 0, 255];
    *texture.texel_mut(5, 4) = [0, 255, 0, 255];
    assert_eq!(texture.upload_plan(), vec![Rect::new(3, 2, 3, 3)], "Extent: one rectangle");
    texture.upload(gpu).unwrap();
    assert!(texture.upload_plan().is_empty());
    assert_eq!(texture.read_gpu(gpu).unwrap(), texture.as_slice());
}
