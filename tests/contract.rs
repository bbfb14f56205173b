//! The backend contract (tests/common/contract.rs) through glium, on the
//! headless EGL context; another EGL context is the other context.
//! wgpu/tests/contract.rs runs the same functions through wgpu.

mod common;
#[path = "common/contract.rs"]
mod contract;

#[test]
fn vertex_buffers_keep_the_contract_through_glium() {
    contract::vertex_buffers(&common::context(), &common::context());
}

#[test]
fn index_buffers_keep_the_contract_through_glium() {
    contract::index_buffers(&common::context());
}

#[test]
fn textures_keep_the_contract_through_glium() {
    contract::textures(&common::context());
}
