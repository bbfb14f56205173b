//! Running the examples off-screen the way a user runs them, `cargo run
//! --example NAME -- ARGS`, with the cargo, target directory and profile
//! of this test build, and reading the PNGs they write. Shared by the
//! example tests of the root package and of `wgpu/`.

// Each test binary uses the part it needs.
#![allow(dead_code)]

use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// `cargo run --example name -- args` in the workspace (its default
/// members, whose features this test was built with, so nothing is built
/// again; the including test's `CARGO_FLAGS` say otherwise), checked for
/// success.
pub fn run_example(name: &str, args: &[&str], configure: impl FnOnce(&mut Command)) -> Output {
    let mut command = Command::new(env!("CARGO"));
    command.args(["run", "--quiet", "--example", name, "--manifest-path"]);
    command.arg(workspace_root().join("Cargo.toml"));
    if let Some(target_dir) = target_dir() {
        command.arg("--target-dir").arg(target_dir);
    }
    if !cfg!(debug_assertions) {
        command.arg("--release");
    }
    command.args(super::CARGO_FLAGS);
    command.arg("--").args(args);
    configure(&mut command);
    let output = command.output().expect("cargo runs");
    assert!(
        output.status.success(),
        "`{name} {}` failed ({}):\n--- stdout\n{}\n--- stderr\n{}",
        args.join(" "),
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr),
    );
    output
}

/// The workspace's root: the nearest folder up from this package's that
/// holds the lock file.
fn workspace_root() -> PathBuf {
    let package = Path::new(env!("CARGO_MANIFEST_DIR"));
    package.ancestors().find(|dir| dir.join("Cargo.lock").exists()).unwrap_or(package).to_owned()
}

/// The target directory this test was built in (`<dir>/<profile>/deps/<test>`).
fn target_dir() -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    let deps = exe.parent().filter(|dir| dir.ends_with("deps"))?;
    Some(deps.parent()?.parent()?.to_owned())
}

/// A fresh path for an output file, removed if it exists.
pub fn output_path(name: &str) -> PathBuf {
    let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_file(&path);
    path
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("UTF-8 output")
}

/// An RGBA8 PNG, decoded.
pub struct Image {
    pub width: usize,
    pub height: usize,
    pixels: Vec<u8>,
}

impl Image {
    pub fn open(path: &Path) -> Image {
        let file = File::open(path).unwrap_or_else(|error| panic!("open {}: {error}", path.display()));
        let mut reader = png::Decoder::new(BufReader::new(file)).read_info().expect("a PNG");
        let mut pixels = vec![0; reader.output_buffer_size().expect("a sane size")];
        let info = reader.next_frame(&mut pixels).expect("PNG data");
        assert_eq!((info.color_type, info.bit_depth), (png::ColorType::Rgba, png::BitDepth::Eight));
        pixels.truncate(info.buffer_size());
        Image { width: info.width as usize, height: info.height as usize, pixels }
    }

    /// The pixel `x` from the left, `y` from the top.
    pub fn at(&self, x: usize, y: usize) -> [u8; 4] {
        let start = (y * self.width + x) * 4;
        self.pixels[start..start + 4].try_into().expect("4 bytes")
    }
}

pub const YELLOW: [u8; 4] = [255, 255, 0, 255];
pub const BLACK: [u8; 4] = [0, 0, 0, 255];
