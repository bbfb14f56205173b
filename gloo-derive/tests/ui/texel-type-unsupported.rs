use gloo_runtime::Texture2d;

fn main() {
    let _ = Texture2d::<[u16; 3]>::zeros(2, 2);
    let _ = Texture2d::<bool>::zeros(2, 2);
}
