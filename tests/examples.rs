//! The examples, run off-screen the way a user runs them: `cargo run
//! --example NAME -- ARGS`, with the cargo, target directory, profile and
//! features of this test build, so nothing already built is built again
//! (tests/common/run.rs). wgpu-quad's test is in wgpu/tests.

#[path = "common/run.rs"]
mod run;

/// Built without a window (`--no-default-features`), the examples run so
/// too, the root package's alone.
const CARGO_FLAGS: &[&str] = if cfg!(feature = "windowed") { &[] } else { &["-p", "gloo", "--no-default-features"] };
use run::{output_path, run_example, text, Image, BLACK, YELLOW};

#[test]
fn gloo_quad_headless_traces_one_creation_then_updates_and_draws_a_yellow_quad() {
    let png = output_path("gloo-quad.png");
    let args = ["--headless", "--frames", "3", "--debug", "--output", png.to_str().expect("UTF-8 path")];
    let output = run_example("gloo-quad", &args, |_| {});
    let (stdout, stderr) = (text(&output.stdout), text(&output.stderr));

    assert!(stdout.contains("[i] Using EGL (GL "), "{stdout}");
    assert!(stdout.contains("[i] Running at 60 frames/second"), "{stdout}");
    let creations = stderr.lines().filter(|line| line.starts_with("GPU: Creating buffer")).count();
    assert_eq!(creations, 1, "{stderr}");
    let updates = stderr.lines().filter(|line| line.starts_with("GPU: Updating buffer")).count();
    assert_eq!(updates, 3, "one at creation, then one per later frame:\n{stderr}");
    assert!(stderr.lines().all(|line| line.starts_with("GPU: ")), "plain glumpy-style lines:\n{stderr}");

    let image = Image::open(&png);
    assert_eq!((image.width, image.height), (800, 800));
    assert_eq!(image.at(400, 400), YELLOW, "centre");
    for (x, y) in [(0, 0), (799, 0), (0, 799), (799, 799)] {
        assert_eq!(image.at(x, y), BLACK, "corner ({x}, {y})");
    }
}

#[test]
fn gloo_quad_runs_headless_without_a_display() {
    let png = output_path("gloo-quad-no-display.png");
    let args = ["--frames", "1", "-f", "0", "--size", "64x32", "-o", png.to_str().expect("UTF-8 path")];
    let output = run_example("gloo-quad", &args, |command| {
        command.env_remove("DISPLAY").env_remove("WAYLAND_DISPLAY");
    });
    let stdout = text(&output.stdout);
    assert!(stdout.contains("[i] No display found: running headless"), "{stdout}");
    assert!(stdout.contains("[i] Running at full speed"), "{stdout}");
    assert!(output.stderr.is_empty(), "no trace without --debug");

    let image = Image::open(&png);
    assert_eq!((image.width, image.height), (64, 32));
    assert_eq!(image.at(32, 16), YELLOW);
    assert_eq!(image.at(0, 0), BLACK);
}

#[test]
fn split_buffers_upload_fewer_bytes_per_frame_than_one_interleaved_buffer() {
    let output = run_example("split-buffers", &["--points", "1000", "--frames", "3"], |_| {});
    let stdout = text(&output.stdout);
    let summary = stdout
        .lines()
        .find_map(|line| line.strip_prefix("bytes per frame after the first: "))
        .unwrap_or_else(|| panic!("no summary line:\n{stdout}"));
    let number_after = |label: &str| -> u64 {
        let rest = &summary[summary.find(label).expect(label) + label.len()..];
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        digits.parse().unwrap_or_else(|_| panic!("no number after {label:?} in {summary:?}"))
    };
    let (split, interleaved) = (number_after("split "), number_after("interleaved "));
    // 1000 positions of 8 bytes, against 1000 whole records of 20 bytes.
    assert_eq!((split, interleaved), (8000, 20000), "{stdout}");
    assert!(stdout.contains("[i] Both approaches drew the same image"), "{stdout}");
}

#[test]
fn dirty_map_draws_the_88_byte_example_by_default() {
    let svg = output_path("dirty-map.svg");
    let output = run_example("dirty-map", &["-o", svg.to_str().expect("UTF-8 path")], |_| {});
    let stdout = text(&output.stdout);
    assert!(stdout.contains("dirty(): Some(0..88), 16 bytes written"), "{stdout}");
    assert!(stdout.contains("[0..100], 1 call, 100 bytes"), "{stdout}");

    let picture = std::fs::read_to_string(&svg).expect("the SVG is written");
    assert!(picture.starts_with("<svg ") && picture.trim_end().ends_with("</svg>"));
    assert_eq!(picture.matches("[2,2]</text>").count(), 1, "one labelled row per record");
    assert!(picture.contains("dirty(): 0..88"));
}

#[test]
fn dirty_map_follows_the_writes_and_policy_given() {
    let svg = output_path("dirty-map-coalesce.svg");
    let args =
        ["position:0,0", "color:1,1", "record:2,2", "--policy", "coalesce:0", "-o", svg.to_str().expect("UTF-8 path")];
    let stdout = text(&run_example("dirty-map", &args, |_| {}).stdout);
    assert!(stdout.contains("dirty(): Some(0..180), 40 bytes written"), "{stdout}");
    assert!(stdout.contains("[0..20, 80..100, 160..180], 3 calls, 60 bytes"), "{stdout}");
    assert!(svg.exists());
}

/// The `frame 1: …` line of the instances example.
fn instances_frame_one(args: &[&str]) -> String {
    let stdout = text(&run_example("instances", args, |_| {}).stdout);
    let line = stdout.lines().find(|line| line.starts_with("frame 1: "));
    line.unwrap_or_else(|| panic!("no line for frame 1:\n{stdout}")).to_owned()
}

#[test]
fn instances_says_what_each_policy_sends_for_the_moved_instances() {
    // 100 of 10,000 instances of 12 bytes move, spread out: 800 bytes written.
    let auto = instances_frame_one(&["--frames", "2"]);
    assert_eq!(auto, "frame 1: 10000 instances drawn, 120000 bytes uploaded in 1 call (800 bytes written)");
    let coalesce = instances_frame_one(&["--frames", "2", "--policy", "coalesce:0"]);
    assert_eq!(coalesce, "frame 1: 10000 instances drawn, 1200 bytes uploaded in 100 calls (800 bytes written)");
    let clustered = instances_frame_one(&["--frames", "2", "--clustered"]);
    assert_eq!(clustered, "frame 1: 10000 instances drawn, 1200 bytes uploaded in 1 call (800 bytes written)");
}

#[test]
fn particles_send_only_their_positions_after_the_first_frame() {
    let png = output_path("particles.png");
    let args = ["--count", "10000", "--frames", "3", "--size", "64", "-o", png.to_str().expect("UTF-8 path")];
    let stdout = text(&run_example("particles", &args, |_| {}).stdout);
    assert!(stdout.contains("frame 0: 280000 bytes uploaded"), "everything once:\n{stdout}");
    assert!(
        stdout.contains("[i] bytes per frame after the first: 80000 (one interleaved buffer: 280000)"),
        "positions only:\n{stdout}"
    );
    let image = Image::open(&png);
    let lit = (0..64).flat_map(|y| (0..64).map(move |x| (x, y))).filter(|&(x, y)| image.at(x, y) != BLACK).count();
    assert!(lit > 64 * 64 / 4, "10,000 particles light up the picture: {lit} of 4096 pixels");
}

#[test]
fn signals_send_one_run_per_signal_and_draw_every_signal() {
    // 10 signals of 30,000 samples: 1.2 MB, mapped where the context can.
    let png = output_path("signals.png");
    let args = ["--signals", "10", "--samples", "30000", "-k", "10", "--frames", "3", "--size", "128"];
    let args = [&args[..], &["--policy", "coalesce:0", "-o", png.to_str().expect("UTF-8 path")]].concat();
    let stdout = text(&run_example("signals", &args, |_| {}).stdout);
    assert!(stdout.contains("(1 MB, persistently mapped), 10 new samples each a frame, policy coalesce:0"), "{stdout}");
    assert!(stdout.contains("frame 0: 1200000 bytes in 1 range"), "everything once:\n{stdout}");
    assert!(stdout.contains("frame 1: 400 bytes in 10 ranges"), "one run of 10 samples per signal:\n{stdout}");
    assert!(stdout.contains("[i] per frame after the first: 400 bytes in 10 ranges (400 bytes written)"), "{stdout}");
    let image = Image::open(&png);
    assert_eq!((image.width, image.height), (128, 64));
    for band in 0..10 {
        let rows = band * 64 / 10..(band + 1) * 64 / 10;
        let lit = rows.flat_map(|y| (0..128).map(move |x| (x, y))).filter(|&(x, y)| image.at(x, y) != BLACK).count();
        assert!(lit >= 128, "signal {band} is drawn across its band: {lit} pixels lit");
    }

    // Extent: from the first signal's new samples to the last one's.
    let args =
        ["--signals", "10", "--samples", "1000", "-k", "10", "--frames", "2", "--size", "64", "--policy", "extent"];
    let stdout = text(&run_example("signals", &args, |_| {}).stdout);
    assert!(stdout.contains("(0 MB, dynamic)"), "{stdout}");
    assert!(stdout.contains("frame 1: 36040 bytes in 1 range"), "{stdout}");

    // A scattered ring: 100 runs a frame go in one dispatch, and the
    // signals are drawn from what it wrote.
    let png = std::env::temp_dir().join(format!("gloo-signals-scatter-{}.png", std::process::id()));
    let args = [
        "--signals",
        "100",
        "--samples",
        "100",
        "-k",
        "5",
        "--frames",
        "3",
        "--size",
        "128",
        "--policy",
        "coalesce:0",
        "--storage",
        "scatter",
        "--debug",
        "--output",
        png.to_str().unwrap(),
    ];
    let output = run_example("signals", &args, |_| {});
    let (stdout, stderr) = (text(&output.stdout), text(&output.stderr));
    assert!(stdout.contains("(0 MB, scattered by compute)"), "{stdout}");
    assert!(stdout.contains("frame 1: 2000 bytes in 100 ranges"), "{stdout}");
    assert_eq!(stderr.matches("GPU: Scattering 500 records in 100 ranges").count(), 2, "frames 1 and 2:\n{stderr}");
    let image = Image::open(&png);
    let lit = (0..64).flat_map(|y| (0..128).map(move |x| (x, y))).filter(|&(x, y)| image.at(x, y) != BLACK).count();
    assert!(lit >= 128 * 20, "the signals are drawn: {lit} pixels lit");
}

#[test]
fn waterfall_sends_one_row_a_frame_and_draws_its_history() {
    let png = output_path("waterfall.png");
    let args =
        ["--bins", "256", "--rows", "64", "--frames", "70", "--size", "128", "-o", png.to_str().expect("UTF-8 path")];
    let stdout = text(&run_example("waterfall", &args, |_| {}).stdout);
    assert!(stdout.contains("[i] 256 bins × 64 rows of f32 (64 KiB), one new row a frame, policy auto"), "{stdout}");
    assert!(stdout.contains("frame 0: 65536 bytes in 1 call (row 0)"), "everything once:\n{stdout}");
    assert!(stdout.contains("frame 1: 1024 bytes in 1 call (row 1)"), "one row:\n{stdout}");
    assert!(stdout.contains("frame 69: 1024 bytes in 1 call (row 5)"), "the ring wraps:\n{stdout}");
    assert!(stdout.contains("[i] per frame after the first: 1024 bytes in 1 call (one row: 1024 bytes"), "{stdout}");
    // 70 rows written into 64: every row of the image shows a spectrum,
    // its noise floor (dark purple, not black) and at least one tone.
    let image = Image::open(&png);
    assert_eq!((image.width, image.height), (128, 64));
    for y in 0..64 {
        let row: Vec<[u8; 4]> = (0..128).map(|x| image.at(x, y)).collect();
        assert!(row.iter().all(|&p| p != BLACK), "row {y} is drawn");
        assert!(row.iter().any(|p| p[0] > 150), "row {y} shows a tone: {:?}", row.iter().map(|p| p[0]).max());
    }
}

#[test]
fn lights_send_one_light_and_one_member_a_frame_and_light_the_picture() {
    let png = output_path("lights.png");
    let args = ["--frames", "4", "--size", "64", "-o", png.to_str().expect("UTF-8 path")];
    let stdout = text(&run_example("lights", &args, |_| {}).stdout);
    assert!(
        stdout.contains("frame 0: lights 8192 bytes in 1 call (light 0), frame uniform 16 bytes in 1 call"),
        "{stdout}"
    );
    // One 32-byte `Light` record of the 256, and the frame block's `time`.
    for frame in 1..4 {
        let line = format!("frame {frame}: lights 32 bytes in 1 call (light {frame}), frame uniform 4 bytes in 1 call");
        assert!(stdout.contains(&line), "{line}:\n{stdout}");
    }
    assert!(
        stdout.contains(
            "[i] per frame after the first: lights 32 bytes (one light; the block: 8192), frame uniform 4 bytes"
        ),
        "{stdout}"
    );
    let image = Image::open(&png);
    assert_eq!((image.width, image.height), (64, 64));
    let pixels: Vec<[u8; 4]> =
        (0..64).flat_map(|y| (0..64).map(move |x| (x, y))).map(|(x, y)| image.at(x, y)).collect();
    let mut distinct = pixels.clone();
    distinct.sort_unstable();
    distinct.dedup();
    assert!(distinct.len() > 100, "the lights shade the quad unevenly: {} colours", distinct.len());
    let lit = pixels.iter().filter(|p| p[..3].iter().any(|&c| c > 64)).count();
    assert!(lit > 64 * 64 / 4, "the lights are visible: {lit} of 4096 pixels lit");
}
