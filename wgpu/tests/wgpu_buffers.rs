//! The same containers through wgpu (feature `wgpu`, on for this package's
//! tests), on a real adapter: Mesa's lavapipe (Vulkan) here, beyond the
//! backend contract (wgpu/tests/contract.rs): `bind` and the trace, 2-byte
//! indices in words, `ContextMismatch` across backends, textures, the
//! scattered and mapped storages, and draws of what was sent.

use gloo_runtime::headless::HeadlessContext;
use gloo_runtime::{
    wgpu, wgpu_index_format, wgpu_layout, Error, GpuStorage, IndexBuffer, MergePolicy, PrimitiveType, Rect, Texture2d,
    UploadStats, Vertex, VertexBuffer, WgpuContext,
};

#[path = "../../tests/common/mod.rs"]
mod common;
use common::trace::{capture, take_lines};

#[derive(Clone, Copy, Debug, PartialEq, Vertex)]
#[repr(C)]
struct Point {
    position: [f32; 2],
    color: [f32; 3],
}

/// The headless wgpu context; without an adapter the test fails naming
/// the package that gives one.
fn gpu() -> WgpuContext {
    WgpuContext::headless().unwrap_or_else(|error| panic!("{error}"))
}

fn point(i: usize) -> Point {
    Point { position: [i as f32, 0.5], color: [0.25; 3] }
}

/// What tests/common/contract.rs leaves to each backend (creation, runs,
/// growth and mismatches are there): `bind` gives a slice over the records
/// and sends the plan, and the trace reads as through glium.
#[test]
fn vertex_buffers_bind_a_slice_and_trace_as_through_glium() {
    let gpu = gpu();
    capture();
    let mut v = VertexBuffer::<Point>::from_fn([1000], |[i]| point(i));
    v.set_policy(MergePolicy::Coalesce { max_gap: 0 });
    v.upload(&gpu).unwrap();
    let created = UploadStats {
        buffers_created: 1,
        upload_calls: 1,
        bytes_uploaded: 20_000,
        bytes_written: 20_000,
        reallocations: 0,
    };
    assert_eq!(v.stats(), created);
    assert_eq!(v.read_gpu(&gpu).unwrap(), v.as_slice());
    assert_eq!(v.active_storage(), Some(GpuStorage::Dynamic), "20 KB, below 1 MiB: dynamic");

    *v.color_mut(10) = [1.0, 0.0, 0.0];
    *v.position_mut(500) = [-1.0, -1.0];
    *v.position_mut(501) = [-2.0, -2.0];
    assert_eq!(v.upload_plan(), vec![200..220, 10_000..10_040]);
    let slice = v.bind(&gpu).unwrap();
    assert_eq!(slice.size(), 20_000, "bind gives a slice over the records");
    let sent = UploadStats { upload_calls: 3, bytes_uploaded: 20_060, bytes_written: 20_028, ..created };
    assert_eq!(v.stats(), sent, "two write_buffer calls, 60 bytes");
    assert_eq!(v.read_gpu(&gpu).unwrap(), v.as_slice());

    let trace = take_lines();
    let id = trace[0].strip_prefix("GPU: Creating buffer (id=").expect("a creation first").trim_end_matches(')');
    assert_eq!(
        trace,
        [
            format!("GPU: Creating buffer (id={id})"),
            format!("GPU: Updating buffer (id={id}): 0..20000, 20000 bytes (20000 written)"),
            format!("GPU: Updating buffer (id={id}): 200..220, 20 bytes (12 written)"),
            format!("GPU: Updating buffer (id={id}): 10000..10040, 40 bytes (16 written)"),
            format!("GPU: Activating buffer (id={id})"),
        ],
        "the same trace as through glium"
    );
}

#[test]
fn index_buffers_of_two_byte_indices_send_whole_words() {
    let gpu = gpu();
    let mut indices = IndexBuffer::<u16>::from_vec(PrimitiveType::TrianglesList, [99], (0..99).collect()).unwrap();
    indices.set_policy(MergePolicy::Coalesce { max_gap: 0 });
    indices.upload(&gpu).unwrap();
    // Single 2-byte indices at odd and even positions: wgpu writes whole
    // 4-byte words, so each is sent with its neighbour, as it is on the CPU.
    for i in [1, 4, 7, 50, 98] {
        *indices.at_mut([i]) = 1000 + i as u16;
    }
    // What is really sent: each 2-byte index widened to its 4-byte word,
    // the last past the 198 bytes of indices to the buffer's rounded size.
    assert_eq!(indices.upload_plan(), vec![0..4, 8..12, 12..16, 100..104, 196..200]);
    let before = indices.stats();
    indices.upload(&gpu).unwrap();
    assert_eq!(indices.stats().bytes_uploaded - before.bytes_uploaded, 20, "the widened bytes count");
    assert_eq!(indices.stats().upload_calls - before.upload_calls, 5);
    assert_eq!(indices.read_gpu(&gpu).unwrap(), indices.as_slice());
    let slice = indices.bind(&gpu).unwrap();
    assert_eq!(slice.size(), 198);
}

#[test]
fn another_context_of_either_backend_is_a_mismatch() {
    let (gpu, other) = (gpu(), gpu());
    let gl = HeadlessContext::new().unwrap();
    let mut v = VertexBuffer::<Point>::from_fn([4], |[i]| point(i));
    v.upload(&gpu).unwrap();
    *v.color_mut(1) = [1.0; 3];
    assert!(matches!(v.upload(&other), Err(Error::ContextMismatch)), "another wgpu context");
    assert!(matches!(v.upload(&gl), Err(Error::ContextMismatch)), "a glium context");
    assert!(matches!(v.bind(&gl), Err(Error::ContextMismatch)));
    assert!(matches!(v.read_gpu(&gl), Err(Error::ContextMismatch)));
    assert!(matches!(v.source(), Err(Error::ContextMismatch)), "glium's source() of a wgpu buffer");
    assert_eq!(v.upload_plan(), vec![20..40], "refused uploads keep the pending writes");
    v.upload(&gpu.clone()).unwrap();
    assert_eq!(v.read_gpu(&gpu).unwrap(), v.as_slice(), "a clone is the same context");

    let mut w = VertexBuffer::<Point>::from_fn([4], |[i]| point(i));
    w.upload(&gl).unwrap();
    assert!(matches!(w.upload(&gpu), Err(Error::ContextMismatch)), "a glium buffer meets wgpu");
    assert!(matches!(w.bind(&gpu), Err(Error::ContextMismatch)));

    let mut texture = Texture2d::<[u8; 4]>::zeros(4, 4);
    texture.upload(&gl).unwrap();
    assert!(matches!(texture.upload(&gpu), Err(Error::ContextMismatch)), "a glium texture meets wgpu");
}

#[test]
fn textures_upload_their_rectangles_through_wgpu() {
    let gpu = gpu();
    capture();
    let mut texture =
        Texture2d::<[u8; 4]>::from_vec(37, 20, (0..37 * 20).map(|i| [i as u8, 1, 2, 3]).collect()).unwrap();
    texture.set_policy(MergePolicy::Coalesce { max_gap: 0 });
    let bound = texture.bind(&gpu).unwrap();
    assert_eq!((bound.width(), bound.height(), bound.format()), (37, 20, wgpu::TextureFormat::Rgba8Unorm));
    assert_eq!(texture.read_gpu(&gpu).unwrap(), texture.as_slice());
    // A patch inside (rows with texels left and right of it) and one texel
    // in the last row's last column.
    for row in texture.region_mut(Rect::new(5, 3, 4, 6)) {
        row.fill([255, 0, 0, 255]);
    }
    *texture.texel_mut(36, 19) = [9, 9, 9, 9];
    assert_eq!(texture.upload_plan(), vec![Rect::new(5, 3, 4, 6), Rect::new(36, 19, 1, 1)]);
    take_lines();
    texture.upload(&gpu).unwrap();
    assert_eq!(texture.read_gpu(&gpu).unwrap(), texture.as_slice());
    let trace = take_lines();
    assert_eq!(trace.len(), 2, "{trace:?}");
    assert!(trace[0].ends_with(": 5,3 4x6, 96 bytes (96 written)"), "{trace:?}");
    assert_eq!(texture.stats().upload_calls, 3, "creation, then a write_texture a rectangle");

    let mut floats = Texture2d::<f32>::from_vec(3, 2, vec![0.5, 1.5, 2.5, 3.5, 4.5, 5.5]).unwrap();
    *floats.texel_mut(1, 1) = -1.0;
    floats.upload(&gpu).unwrap();
    assert_eq!(floats.read_gpu(&gpu).unwrap(), [0.5, 1.5, 2.5, 3.5, -1.0, 5.5]);

    let mut rgb = Texture2d::<[u8; 3]>::zeros(2, 2);
    let refused = rgb.upload(&gpu);
    assert!(
        matches!(&refused, Err(Error::BufferCreation(message)) if message.contains("no texture format")),
        "{refused:?}"
    );
    let mut mipmapped = Texture2d::<u8>::zeros(2, 2);
    mipmapped.set_mipmaps(true);
    assert!(matches!(mipmapped.upload(&gpu), Err(Error::BufferCreation(_))), "wgpu generates no mipmaps");
}

/// The target's format.
const FORMAT: wgpu::TextureFormat = wgpu::TextureFormat::Rgba8Unorm;

/// A pipeline that draws `Point`s as a triangle strip in their colour,
/// into a 16x16 RGBA8 target read back after each frame.
struct Scene {
    pipeline: wgpu::RenderPipeline,
    target: wgpu::Texture,
    readback: wgpu::Buffer,
}

impl Scene {
    fn new(gpu: &WgpuContext) -> Scene {
        let device = gpu.device();
        let shader = device.create_shader_module(wgpu::ShaderModuleDescriptor {
            label: None,
            source: wgpu::ShaderSource::Wgsl(
                "struct Out { @builtin(position) position: vec4<f32>, @location(0) color: vec3<f32> }
                 @vertex fn vs(@location(0) position: vec2<f32>, @location(1) color: vec3<f32>) -> Out {
                     return Out(vec4<f32>(position, 0.0, 1.0), color);
                 }
                 @fragment fn fs(input: Out) -> @location(0) vec4<f32> { return vec4<f32>(input.color, 1.0); }"
                    .into(),
            ),
        });
        let pipeline = device.create_render_pipeline(&wgpu::RenderPipelineDescriptor {
            label: None,
            layout: None,
            vertex: wgpu::VertexState {
                module: &shader,
                entry_point: Some("vs"),
                compilation_options: Default::default(),
                buffers: &[Some(wgpu_layout::<Point>())],
            },
            // Indexed strips are of `u16` indices.
            primitive: wgpu::PrimitiveState {
                topology: wgpu::PrimitiveTopology::TriangleStrip,
                strip_index_format: Some(wgpu_index_format::<u16>()),
                ..Default::default()
            },
            depth_stencil: None,
            multisample: Default::default(),
            fragment: Some(wgpu::FragmentState {
                module: &shader,
                entry_point: Some("fs"),
                compilation_options: Default::default(),
                targets: &[Some(FORMAT.into())],
            }),
            multiview_mask: None,
            cache: None,
        });
        let target = device.create_texture(&wgpu::TextureDescriptor {
            label: None,
            size: Self::SIZE,
            mip_level_count: 1,
            sample_count: 1,
            dimension: wgpu::TextureDimension::D2,
            format: FORMAT,
            usage: wgpu::TextureUsages::RENDER_ATTACHMENT | wgpu::TextureUsages::COPY_SRC,
            view_formats: &[],
        });
        let readback = device.create_buffer(&wgpu::BufferDescriptor {
            label: None,
            size: 256 * 16,
            usage: wgpu::BufferUsages::COPY_DST | wgpu::BufferUsages::MAP_READ,
            mapped_at_creation: false,
        });
        Scene { pipeline, target, readback }
    }

    const SIZE: wgpu::Extent3d = wgpu::Extent3d { width: 16, height: 16, depth_or_array_layers: 1 };

    /// The pixels, row by row from the top, after a pass cleared to black
    /// and `record` drew into it.
    fn frame(&self, gpu: &WgpuContext, record: impl FnOnce(&mut wgpu::RenderPass<'_>)) -> Vec<[u8; 4]> {
        let view = self.target.create_view(&Default::default());
        let mut encoder = gpu.device().create_command_encoder(&Default::default());
        {
            let mut pass = encoder.begin_render_pass(&wgpu::RenderPassDescriptor {
                label: None,
                color_attachments: &[Some(wgpu::RenderPassColorAttachment {
                    view: &view,
                    depth_slice: None,
                    resolve_target: None,
                    ops: wgpu::Operations {
                        load: wgpu::LoadOp::Clear(wgpu::Color::BLACK),
                        store: wgpu::StoreOp::Store,
                    },
                })],
                depth_stencil_attachment: None,
                timestamp_writes: None,
                occlusion_query_set: None,
                multiview_mask: None,
            });
            record(&mut pass);
        }
        encoder.copy_texture_to_buffer(
            self.target.as_image_copy(),
            wgpu::TexelCopyBufferInfo {
                buffer: &self.readback,
                layout: wgpu::TexelCopyBufferLayout { offset: 0, bytes_per_row: Some(256), rows_per_image: None },
            },
            Self::SIZE,
        );
        gpu.queue().submit([encoder.finish()]);
        self.readback.slice(..).map_async(wgpu::MapMode::Read, |result| result.expect("mapped"));
        gpu.device().poll(wgpu::PollType::wait_indefinitely()).unwrap();
        let pixels = {
            let bytes = self.readback.slice(..).get_mapped_range().expect("mapped");
            (0..16 * 16).map(|i| bytes[i / 16 * 256 + i % 16 * 4..][..4].try_into().unwrap()).collect()
        };
        self.readback.unmap();
        pixels
    }
}

/// The pixels after drawing `v` as a triangle strip, bound for the pass.
fn draw(gpu: &WgpuContext, v: &mut VertexBuffer<Point>) -> Vec<[u8; 4]> {
    let scene = Scene::new(gpu);
    let len = v.len() as u32;
    scene.frame(gpu, |pass| {
        pass.set_pipeline(&scene.pipeline);
        pass.set_vertex_buffer(0, v.bind(gpu).unwrap());
        pass.draw(0..len, 0..1);
    })
}

/// A render bundle recorded once, from `drawable` slices through shared
/// borrows, draws what the buffers held at their last upload: edits show
/// once uploaded, never by themselves, and `drawable` refuses a buffer
/// with writes pending rather than hand out a stale slice.
#[test]
fn a_render_bundle_recorded_once_draws_each_upload() {
    let gpu = gpu();
    let scene = Scene::new(&gpu);
    let corners = [[-0.5, -0.5], [0.5, -0.5], [-0.5, 0.5], [0.5, 0.5]];
    let mut quad = VertexBuffer::<Point>::from_fn([4], |[i]| Point { position: corners[i], color: [1.0, 0.0, 0.0] });
    let mut strip = IndexBuffer::<u16>::from_vec(PrimitiveType::TriangleStrip, [4], vec![0, 1, 2, 3]).unwrap();
    quad.upload(&gpu).unwrap();
    strip.upload(&gpu).unwrap();
    let bundle = {
        let mut encoder = gpu.device().create_render_bundle_encoder(&wgpu::RenderBundleEncoderDescriptor {
            label: None,
            color_formats: &[Some(FORMAT)],
            depth_stencil: None,
            sample_count: 1,
            multiview: None,
        });
        encoder.set_pipeline(&scene.pipeline);
        encoder.set_vertex_buffer(0, quad.drawable(&gpu).unwrap());
        encoder.set_index_buffer(strip.drawable(&gpu).unwrap(), wgpu_index_format::<u16>());
        encoder.draw_indexed(0..4, 0, 0..1);
        encoder.finish(&wgpu::RenderBundleDescriptor { label: None })
    };
    let centre = |pixels: Vec<[u8; 4]>| pixels[8 * 16 + 8];
    assert_eq!(centre(scene.frame(&gpu, |pass| pass.execute_bundles([&bundle]))), [255, 0, 0, 255]);
    for (colour, expected) in [([0.0, 1.0, 0.0], [0, 255, 0, 255]), ([0.0, 0.0, 1.0], [0, 0, 255, 255])] {
        let before = centre(scene.frame(&gpu, |pass| pass.execute_bundles([&bundle])));
        for i in 0..4 {
            *quad.color_mut(i) = colour;
        }
        assert!(quad.is_dirty() && !strip.is_dirty());
        assert!(matches!(quad.drawable(&gpu), Err(Error::PendingWrites)));
        let stale = centre(scene.frame(&gpu, |pass| pass.execute_bundles([&bundle])));
        assert_eq!(stale, before, "the edit is not on the GPU until an upload");
        quad.upload(&gpu).unwrap();
        assert!(!quad.is_dirty());
        assert_eq!(centre(scene.frame(&gpu, |pass| pass.execute_bundles([&bundle]))), expected);
    }
    assert_eq!(quad.stats().buffers_created, 1, "the bundle's buffer, updated in place");
}

/// A frame as a ported wgpu example (cube) records it, DESIGN.md §15's
/// line: the buffers bound with `?`, the index format named by the type
/// the buffer holds.
fn draw_indexed(
    pass: &mut wgpu::RenderPass<'_>,
    gpu: &WgpuContext,
    (scene, vb, ib): (&Scene, &mut VertexBuffer<Point>, &mut IndexBuffer<u16>),
) -> Result<(), Error> {
    pass.set_pipeline(&scene.pipeline);
    pass.set_vertex_buffer(0, vb.bind(gpu)?);
    pass.set_index_buffer(ib.bind(gpu)?, wgpu_index_format::<u16>());
    pass.draw_indexed(0..ib.len() as u32, 0, 0..1);
    Ok(())
}

/// An indexed draw binds its `u16` indices with their format, and an
/// edited index shows in the next frame: a quad's second triangle,
/// degenerate until its last index is written.
#[test]
fn an_indexed_draw_binds_its_indices_with_their_format() -> Result<(), Error> {
    let gpu = gpu();
    let scene = Scene::new(&gpu);
    let corners = [[-0.5, -0.5], [0.5, -0.5], [-0.5, 0.5], [0.5, 0.5]];
    let mut quad = VertexBuffer::<Point>::from_fn([4], |[i]| Point { position: corners[i], color: [0.0, 1.0, 0.0] });
    let mut strip = IndexBuffer::<u16>::from_vec(PrimitiveType::TriangleStrip, [4], vec![0, 1, 2, 2])?;
    // Rows from the top: (row 10, column 5) lies in the lower left
    // triangle, (row 5, column 10) in the upper right one.
    let (lower_left, upper_right) = (10 * 16 + 5, 5 * 16 + 10);
    let mut result = Ok(());
    let pixels = scene.frame(&gpu, |pass| result = draw_indexed(pass, &gpu, (&scene, &mut quad, &mut strip)));
    result?;
    assert_eq!((pixels[lower_left], pixels[upper_right]), ([0, 255, 0, 255], [0, 0, 0, 255]));
    *strip.at_mut([3]) = 3;
    let mut result = Ok(());
    let pixels = scene.frame(&gpu, |pass| result = draw_indexed(pass, &gpu, (&scene, &mut quad, &mut strip)));
    result?;
    assert_eq!((pixels[lower_left], pixels[upper_right]), ([0, 255, 0, 255], [0, 255, 0, 255]));
    assert_eq!(strip.stats().upload_calls, 2, "created, then the edited index's word");
    Ok(())
}

#[test]
fn a_draw_through_wgpu_shows_each_upload() {
    let gpu = gpu();
    let corners = [[-0.5, -0.5], [0.5, -0.5], [-0.5, 0.5], [0.5, 0.5]];
    let mut quad = VertexBuffer::<Point>::from_fn([4], |[i]| Point { position: corners[i], color: [1.0, 0.0, 0.0] });
    for (frame, colour) in [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]].into_iter().enumerate() {
        for i in 0..4 {
            *quad.color_mut(i) = colour;
        }
        let pixels = draw(&gpu, &mut quad);
        let expected = colour.map(|c| (c * 255.0) as u8);
        assert_eq!(pixels[8 * 16 + 8], [expected[0], expected[1], expected[2], 255], "frame {frame}: the centre");
        assert_eq!(pixels[0], [0, 0, 0, 255], "frame {frame}: a corner stays clear");
    }
    assert_eq!(quad.stats().buffers_created, 1, "one buffer, updated twice");
    assert_eq!(quad.stats().upload_calls, 3);
}

/// A scattered buffer (a large one's storage out of the box on a GPU)
/// sends an upload of many runs as one staging write and one compute
/// dispatch, and says so; a few runs still go one `write_buffer` each.
#[test]
fn scattered_buffers_send_many_runs_in_one_dispatch() {
    let gpu = gpu();
    capture();
    let mut v = VertexBuffer::<Point>::from_fn([100_000], |[i]| point(i));
    v.set_policy(MergePolicy::Coalesce { max_gap: 0 });
    v.set_gpu_storage(GpuStorage::Scatter);
    v.upload(&gpu).unwrap();
    assert_eq!(v.active_storage(), Some(GpuStorage::Scatter), "a device with compute shaders");
    take_lines();
    for k in 0..200 {
        *v.position_mut(k * 499) = [k as f32, -1.0];
    }
    v.upload(&gpu).unwrap();
    let scattered: Vec<String> = take_lines().into_iter().filter(|line| line.contains("Scattering")).collect();
    // 200 records of 5 words, each word beside its place (8 bytes), after
    // a header of 2 such entries.
    assert_eq!(scattered, ["GPU: Scattering 200 records in 200 ranges (8016 bytes staged)"]);
    assert_eq!(v.read_gpu(&gpu).unwrap(), v.as_slice());

    *v.color_mut(7) = [1.0; 3];
    v.upload(&gpu).unwrap();
    assert!(take_lines().iter().all(|line| !line.contains("Scattering")), "one run: one write_buffer");
    assert_eq!(v.read_gpu(&gpu).unwrap()[7], v.as_slice()[7]);
}

/// On a device that runs on the CPU (lavapipe here) and maps vertex
/// buffers, a large buffer is mapped out of the box: an upload copies the
/// plan's runs, as they are, into the buffer's own mapping, with no
/// `write_buffer`, no staging and no dispatch; the trace shows each run
/// and the creation says where the buffer lives. A GPU scatters instead.
#[test]
fn large_buffers_on_a_cpu_device_are_mapped() {
    let gpu = gpu();
    capture();
    let on_cpu = gpu.device().adapter_info().device_type == wgpu::DeviceType::Cpu;
    let maps = gpu.device().features().contains(wgpu::Features::MAPPABLE_PRIMARY_BUFFERS);
    let mut v = VertexBuffer::<Point>::from_fn([100_000], |[i]| point(i));
    v.set_policy(MergePolicy::Coalesce { max_gap: 0 });
    v.upload(&gpu).unwrap();
    if !(on_cpu && maps) {
        assert_eq!(v.active_storage(), Some(GpuStorage::Scatter), "a GPU scatters");
        return;
    }
    assert_eq!(v.active_storage(), Some(GpuStorage::Mapped));
    assert!(v.is_mapped());
    let created = take_lines();
    assert!(created[0].starts_with("GPU: Creating buffer") && created[0].ends_with("), mapped"), "{created:?}");
    for k in 0..200 {
        *v.position_mut(k * 499) = [k as f32, -1.0];
    }
    *v.color_mut(7) = [1.0; 3];
    let before = v.stats();
    v.upload(&gpu).unwrap();
    let after = v.stats();
    // 200 runs of one record (20 bytes each, not widened to words) and
    // record 7, 12 bytes of it written.
    assert_eq!(after.upload_calls - before.upload_calls, 201);
    assert_eq!(after.bytes_uploaded - before.bytes_uploaded, 201 * 20);
    assert_eq!(after.bytes_written - before.bytes_written, 200 * 8 + 12);
    let lines = take_lines();
    assert_eq!(lines.iter().filter(|line| line.starts_with("GPU: Updating buffer")).count(), 201, "{lines:?}");
    assert!(lines.iter().all(|line| !line.contains("Scattering")), "{lines:?}");
    assert_eq!(v.read_gpu(&gpu).unwrap(), v.as_slice());

    // A mapped buffer grows mapped, its records copied on the GPU.
    v.extend_from_slice(&[point(3); 60_000]);
    *v.position_mut(5) = [5.0, 5.0];
    v.upload(&gpu).unwrap();
    assert_eq!((v.active_storage(), v.stats().reallocations), (Some(GpuStorage::Mapped), 1));
    assert_eq!(v.read_gpu(&gpu).unwrap(), v.as_slice());

    // Asked for, a small buffer is mapped too.
    let mut small = VertexBuffer::<Point>::from_fn([10], |[i]| point(i));
    small.set_gpu_storage(GpuStorage::Mapped);
    small.upload(&gpu).unwrap();
    *small.color_mut(9) = [0.5; 3];
    small.upload(&gpu).unwrap();
    assert_eq!(small.active_storage(), Some(GpuStorage::Mapped));
    assert_eq!(small.read_gpu(&gpu).unwrap(), small.as_slice());
}

/// 2-byte indices scatter in whole words: each edited index goes with its
/// neighbour in the word, as a `write_buffer` of it would.
#[test]
fn scattered_two_byte_indices_go_in_words() {
    let gpu = gpu();
    let mut ib =
        IndexBuffer::<u16>::from_vec(PrimitiveType::Points, [1 << 20], (0..1 << 20).map(|i| i as u16).collect())
            .unwrap();
    ib.set_policy(MergePolicy::Coalesce { max_gap: 0 });
    ib.set_gpu_storage(GpuStorage::Scatter);
    ib.upload(&gpu).unwrap();
    assert_eq!(ib.active_storage(), Some(GpuStorage::Scatter));
    for k in 0..300 {
        *ib.at_mut([k * 3001 + k % 2]) = 7;
    }
    ib.upload(&gpu).unwrap();
    assert_eq!(ib.read_gpu(&gpu).unwrap(), ib.as_slice());
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 12, ..Default::default() })]

    /// Random edits, growth and uploads of a scattered buffer and of a
    /// mapped one, by every policy: after each upload the GPU holds what
    /// the CPU does.
    #[test]
    fn scattered_and_mapped_uploads_match_the_records(
        rounds in proptest::collection::vec(
            (proptest::collection::vec(0usize..6000, 0..400), 0usize..3, 0usize..4),
            1..5,
        ),
    ) {
        let gpu = gpu();
        let policies = [
            MergePolicy::Extent,
            MergePolicy::Coalesce { max_gap: 0 },
            MergePolicy::Coalesce { max_gap: 64 },
            MergePolicy::Auto,
        ];
        let maps = gpu.device().features().contains(wgpu::Features::MAPPABLE_PRIMARY_BUFFERS);
        let mapped = if maps { GpuStorage::Mapped } else { GpuStorage::Dynamic };
        for (storage, expected) in [(GpuStorage::Scatter, GpuStorage::Scatter), (GpuStorage::Mapped, mapped)] {
        let mut v = VertexBuffer::<Point>::from_fn([5000], |[i]| point(i));
        v.set_gpu_storage(storage);
        v.upload(&gpu).unwrap();
        for (round, (edits, pushes, policy)) in rounds.iter().cloned().enumerate() {
            v.set_policy(policies[policy]);
            for _ in 0..pushes * 700 {
                v.push(point(v.len()));
            }
            let len = v.len();
            for at in edits.into_iter().filter(|&at| at < len) {
                *v.position_mut(at) = [round as f32, at as f32];
            }
            v.upload(&gpu).unwrap();
            proptest::prop_assert_eq!(v.active_storage(), Some(expected));
            proptest::prop_assert_eq!(v.read_gpu(&gpu).unwrap(), v.as_slice());
        }
        }
    }
}
