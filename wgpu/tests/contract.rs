//! The backend contract (tests/common/contract.rs) through wgpu, on the
//! adapter `WgpuContext::headless()` finds; another wgpu context, and a
//! glium one, are the other contexts. tests/contract.rs runs the same
//! functions through glium.

use gloo_runtime::headless::HeadlessContext;
use gloo_runtime::WgpuContext;

#[path = "../../tests/common/contract.rs"]
mod contract;

fn gpu() -> WgpuContext {
    WgpuContext::headless().unwrap_or_else(|error| panic!("{error}"))
}

#[test]
fn vertex_buffers_keep_the_contract_through_wgpu() {
    contract::vertex_buffers(&gpu(), &gpu());
}

#[test]
fn vertex_buffers_refuse_a_glium_context_as_the_contract_says() {
    contract::vertex_buffers(&gpu(), &HeadlessContext::new().unwrap());
}

#[test]
fn index_buffers_keep_the_contract_through_wgpu() {
    contract::index_buffers(&gpu());
}

#[test]
fn textures_keep_the_contract_through_wgpu() {
    contract::textures(&gpu());
}
