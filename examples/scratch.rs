use gloo_runtime::{Vertex, VertexBuffer};

#[derive(Clone, Copy, Vertex)]
#[repr(C)]
struct Point {
    position: [f32; 2],
    color: [f32; 3],
}

#[derive(Clone, Copy, Vertex)]
#[repr(C)]
struct Raw {
    r#type: u32,
    #[vertex(skip)]
    _pad: [u8; 4],
}

fn main() {
    let mut v = VertexBuffer::<Point, 2>::zeros([3, 3]);
    println!("{:?}", v.dirty());
    v.take_dirty();
    *v.position_mut(0, 0) = [0.0, 0.0];
    *v.position_mut(1, 1) = [0.0, 0.0];
    println!("{:?} {:?}", v.dirty(), v.upload_plan());
    let mut r = VertexBuffer::<Raw>::zeros([2]);
    *r.type_mut(1) = 3;
    println!("{} {:?}", r.r#type(1), Point::FIELDS.color);
    println!("{:?}", <Point as gloo_runtime::glium::Vertex>::build_bindings());
}
