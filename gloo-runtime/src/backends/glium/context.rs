//! The context side of glium: the core's [`GpuContext`] for a glium
//! context (identity, cost calibration), and
//! [`UploadCosts::calibrate`](crate::UploadCosts::calibrate) for any glium
//! facade.

use std::rc::Rc;

use glium::backend::{Context, Facade};

use crate::tracking::backend::GpuContext;
use crate::Error;

/// A glium context: one `Rc` is one context.
impl GpuContext for Rc<Context> {
    fn same(&self, other: &Self) -> bool {
        Rc::ptr_eq(self, other)
    }

    /// Times small and large writes to a 16 MiB scratch buffer.
    fn calibrate(&self) -> Result<crate::UploadCosts, Error> {
        use glium::buffer::{Buffer, BufferMode, BufferType};
        use std::time::Instant;

        const BYTES: usize = 16 << 20;
        const SMALL: usize = 16;
        const CALLS: usize = 512;
        let data = vec![0u8; BYTES];
        let buffer = Buffer::<[u8]>::new(self, &data[..], BufferType::ArrayBuffer, BufferMode::Dynamic)
            .map_err(|error| Error::BufferCreation(error.to_string()))?;
        let context = self;
        let time = |f: &dyn Fn()| {
            context.finish();
            let start = Instant::now();
            f();
            context.finish();
            start.elapsed().as_nanos() as f64
        };
        let small = || {
            for call in 0..CALLS {
                let at = call * (BYTES / CALLS);
                buffer.slice(at..at + SMALL).expect("inside").write(&data[..SMALL]);
            }
        };
        let partial = || buffer.slice(SMALL..).expect("inside").write(&data[SMALL..]);
        let whole = || buffer.write(&data[..]);
        let median = |f: &dyn Fn()| {
            f(); // warm up: first touches fault pages in
            let mut rounds: Vec<f64> = (0..5).map(|_| time(f)).collect();
            rounds.sort_by(f64::total_cmp);
            rounds[2]
        };
        let byte_ns = (median(&partial) / (BYTES - SMALL) as f64).max(1e-4);
        let call_ns = (median(&small) / CALLS as f64 - SMALL as f64 * byte_ns).max(1.0);
        let whole_factor = (median(&whole) / BYTES as f64 / byte_ns).clamp(0.5, 1.0);
        Ok(crate::UploadCosts { call_ns, byte_ns, whole_factor })
    }
}

impl crate::UploadCosts {
    /// Measures what an upload costs in `facade`'s context: a short probe
    /// (tens of milliseconds) that times small and large writes to a 16 MiB
    /// scratch buffer. Call it once per context and hand the result to each
    /// buffer with [`VertexBuffer::set_upload_costs`](crate::VertexBuffer::set_upload_costs).
    ///
    /// Timings are medians of a few rounds; on a busy machine they are still
    /// noisy, so treat them as an order of magnitude, which is all
    /// [`MergePolicy::Auto`](crate::MergePolicy::Auto) needs.
    ///
    /// # Errors
    ///
    /// [`Error::BufferCreation`] if the scratch buffer cannot be created.
    ///
    /// # Examples
    ///
    /// ```
    /// use gloo_runtime::headless::HeadlessContext;
    /// use gloo_runtime::{MergePolicy, UploadCosts, Vertex, VertexBuffer};
    ///
    /// #[derive(Clone, Copy, Vertex)]
    /// #[repr(C)]
    /// struct P { x: f32 }
    ///
    /// let context = HeadlessContext::new()?;
    /// let costs = UploadCosts::calibrate(&context)?;
    /// assert!(costs.call_ns > 0.0 && costs.byte_ns > 0.0);
    /// let mut v = VertexBuffer::<P>::zeros([1000]);
    /// v.set_policy(MergePolicy::Auto);
    /// v.set_upload_costs(costs);
    /// # Ok::<(), gloo_runtime::Error>(())
    /// ```
    pub fn calibrate<F: Facade + ?Sized>(facade: &F) -> Result<crate::UploadCosts, Error> {
        facade.get_context().calibrate()
    }
}
