//! wgpu-quad, run off-screen the way a user runs it: `cargo run --example
//! wgpu-quad -- ARGS` (tests/common/run.rs).

#[path = "../../tests/common/run.rs"]
mod run;

/// The workspace's default members, as `cargo test` built them.
const CARGO_FLAGS: &[&str] = &[];
use run::{output_path, run_example, text, Image, BLACK, YELLOW};

#[test]
fn wgpu_quad_traces_one_creation_then_updates_and_draws_a_yellow_quad() {
    let png = output_path("wgpu-quad.png");
    let args = ["--frames", "3", "--debug", "--size", "200x100", "--output", png.to_str().expect("UTF-8 path")];
    let output = run_example("wgpu-quad", &args, |_| {});
    let (stdout, stderr) = (text(&output.stdout), text(&output.stderr));

    assert!(stdout.contains("[i] Using wgpu ("), "{stdout}");
    assert!(stdout.contains("[i] Rendered 3 frames of 200x100"), "{stdout}");
    let trace: Vec<&str> = stderr.lines().filter(|line| line.starts_with("GPU: ")).collect();
    let creations = trace.iter().filter(|line| line.starts_with("GPU: Creating buffer")).count();
    assert_eq!(creations, 1, "{stderr}");
    let updates: Vec<_> = trace.iter().filter(|line| line.starts_with("GPU: Updating buffer")).collect();
    assert_eq!(updates.len(), 3, "one at creation, then one per later frame:\n{stderr}");
    assert!(updates[1].ends_with(": 0..32, 32 bytes (32 written)"), "{stderr}");

    let image = Image::open(&png);
    assert_eq!((image.width, image.height), (200, 100));
    assert_eq!(image.at(100, 50), YELLOW, "centre");
    for (x, y) in [(0, 0), (199, 0), (0, 99), (199, 99)] {
        assert_eq!(image.at(x, y), BLACK, "corner ({x}, {y})");
    }
}
