//! Pictures what a sequence of writes leaves pending in a buffer: one row of
//! cells per record, one cell per field (as wide as its bytes), the bytes
//! written filled in, the `dirty()` extent dashed, and the blocks the next
//! bind would upload (`upload_plan()`) outlined.
//!
//! ```text
//! cargo run --example dirty-map                       # glumpy's 88-byte example
//! cargo run --example dirty-map -- position:0,0 color:1,1 record:2,2 --policy coalesce:0
//! cargo run --example dirty-map -- row:1 --shape 4x3 --policy auto -o row.svg
//! ```
//!
//! The buffer is a fresh `VertexBuffer<Point, 2>` uploaded once to an
//! off-screen context, so only the writes given are pending: before its
//! first upload a buffer's plan is all of it. The plan shown is exactly what
//! the next bind would send; the example draws nothing.

use std::error::Error;
use std::fmt::{self, Write as _};
use std::ops::Range;
use std::path::PathBuf;
use std::process::ExitCode;
use std::str::FromStr;

use clap::Parser;
use gloo_runtime::headless::HeadlessContext;
use gloo_runtime::{FieldLayout, MergePolicy, Vertex, VertexBuffer};

mod common;
use common::{calls_text, parse_policy, policy_name};

/// The record of glumpy's example: 20 bytes, `position` at 0, `color` at 8.
#[derive(Clone, Copy, Vertex)]
#[repr(C)]
struct Point {
    position: [f32; 2],
    color: [f32; 3],
}

/// Draws which bytes a sequence of writes dirties, and what gets uploaded.
#[derive(Debug, Parser)]
#[command(name = "dirty-map")]
struct Args {
    /// Writes, in order: `position:I,J`, `color:I,J` (one field), `record:I,J`
    /// (a whole record) or `row:I` (a whole row).
    #[arg(value_name = "WRITE", default_values = ["position:0,0", "position:1,1"])]
    writes: Vec<WriteOp>,

    /// Rows and columns of records.
    #[arg(long, value_name = "RxC", default_value = "3x3")]
    shape: Shape,

    /// How the pending writes become upload calls: `extent`, `coalesce:GAP`
    /// (merge gaps of at most GAP bytes) or `auto`.
    #[arg(long, default_value = "extent", value_parser = parse_policy)]
    policy: MergePolicy,

    /// Where to write the picture.
    #[arg(short, long, value_name = "FILE.svg", default_value = "dirty-map.svg")]
    output: PathBuf,
}

/// The shape of the rank-2 buffer, parsed from `3x3`.
#[derive(Clone, Copy, Debug)]
struct Shape([usize; 2]);

impl FromStr for Shape {
    type Err = String;

    fn from_str(text: &str) -> Result<Shape, String> {
        let expected = || format!("expected ROWSxCOLUMNS, such as 3x3, not `{text}`");
        let (rows, cols) = text.split_once(['x', 'X']).ok_or_else(expected)?;
        let parse = |n: &str| n.trim().parse::<usize>().ok().filter(|&n| n > 0);
        match (parse(rows), parse(cols)) {
            (Some(rows), Some(cols)) if rows.checked_mul(cols).is_some_and(|n| n <= 4096) => Ok(Shape([rows, cols])),
            (Some(_), Some(_)) => Err(format!("shape `{text}` has more than 4096 records: too many to draw")),
            _ => Err(expected()),
        }
    }
}

/// What one write touches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Target {
    Position,
    Color,
    Record,
    Row,
}

/// One write given on the command line, such as `position:1,1`.
#[derive(Clone, Debug)]
struct WriteOp {
    target: Target,
    index: Vec<usize>,
}

impl FromStr for WriteOp {
    type Err = String;

    fn from_str(text: &str) -> Result<WriteOp, String> {
        let (name, index) = text
            .split_once(':')
            .ok_or_else(|| format!("expected WHAT:INDEX, such as position:0,0 or row:1, not `{text}`"))?;
        let (target, rank) = match name {
            "position" => (Target::Position, 2),
            "color" => (Target::Color, 2),
            "record" => (Target::Record, 2),
            "row" => (Target::Row, 1),
            _ => return Err(format!("unknown write `{name}`: expected position, color, record or row")),
        };
        let index = index
            .split(',')
            .map(|i| i.trim().parse::<usize>())
            .collect::<Result<Vec<_>, _>>()
            .map_err(|_| format!("bad index in `{text}`: expected numbers separated by commas"))?;
        if index.len() != rank {
            return Err(format!("`{name}` takes {rank} index(es), `{text}` gives {}", index.len()));
        }
        Ok(WriteOp { target, index })
    }
}

impl fmt::Display for WriteOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self.target {
            Target::Position => "position",
            Target::Color => "color",
            Target::Record => "record",
            Target::Row => "row",
        };
        let index = self.index.iter().map(usize::to_string).collect::<Vec<_>>();
        write!(f, "{name}[{}]", index.join(","))
    }
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("dirty-map: {error}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &Args) -> Result<(), Box<dyn Error>> {
    let context = HeadlessContext::new()?;
    let mut buffer = VertexBuffer::<Point, 2>::zeros(args.shape.0);
    buffer.upload(&context)?; // on the GPU: from now on only our writes are pending
    buffer.set_policy(args.policy);

    let mut written = Vec::new();
    for write in &args.writes {
        let bytes = apply(&mut buffer, write)
            .ok_or_else(|| format!("{write} is out of bounds for shape {:?}", buffer.shape()))?;
        written.push((write, bytes));
    }
    let picture = Picture {
        shape: buffer.shape(),
        written: written.iter().map(|(_, bytes)| bytes.clone()).collect(),
        dirty: buffer.dirty(),
        plan: buffer.upload_plan(),
        policy: args.policy,
    };

    print_layout(buffer.shape(), buffer.nbytes());
    let writes: Vec<String> = written.iter().map(|(write, bytes)| format!("{write} -> bytes {bytes:?}")).collect();
    println!("writes: {}", writes.join(", "));
    println!("dirty(): {:?}, {} bytes written", picture.dirty, picture.bytes_written());
    let sent: usize = picture.plan.iter().map(Range::len).sum();
    let calls = picture.plan.len();
    println!(
        "upload_plan() with {}: {:?}, {}, {sent} bytes",
        policy_name(args.policy),
        picture.plan,
        calls_text(calls as u64)
    );

    std::fs::write(&args.output, picture.to_svg())
        .map_err(|error| format!("cannot write {}: {error}", args.output.display()))?;
    println!("wrote {}", args.output.display());
    Ok(())
}

/// Performs `write` through the buffer's accessors; returns the bytes it
/// hands out (and so marks), or `None` if the index is out of bounds.
fn apply(buffer: &mut VertexBuffer<Point, 2>, write: &WriteOp) -> Option<Range<usize>> {
    let stride = Point::LAYOUT.stride;
    let cols = buffer.shape()[1];
    let (i, j) = (write.index[0], write.index.get(1).copied().unwrap_or(0));
    let record = |field: &FieldLayout| {
        let start = (i * cols + j) * stride + field.offset;
        start..start + field.size
    };
    match write.target {
        Target::Position => {
            *buffer.get_position_mut(i, j)? = [0.5, 0.5];
            Some(record(&Point::LAYOUT.fields[Point::FIELDS.position.index()]))
        }
        Target::Color => {
            *buffer.get_color_mut(i, j)? = [1.0, 1.0, 0.0];
            Some(record(&Point::LAYOUT.fields[Point::FIELDS.color.index()]))
        }
        Target::Record => {
            *buffer.get_mut([i, j])? = Point { position: [0.5, 0.5], color: [1.0, 1.0, 0.0] };
            let start = (i * cols + j) * stride;
            Some(start..start + stride)
        }
        Target::Row => {
            buffer.get_row_mut(i)?.fill(Point { position: [0.5, 0.5], color: [1.0, 1.0, 0.0] });
            Some(i * cols * stride..(i + 1) * cols * stride)
        }
    }
}

fn print_layout(shape: [usize; 2], nbytes: usize) {
    let fields: Vec<String> =
        Point::LAYOUT.fields.iter().map(|field| format!("{} {:?}", field.ident, field.bytes())).collect();
    println!(
        "buffer: {} records of {} ({} bytes: {}), {nbytes} bytes",
        shape.map(|n| n.to_string()).join("x"),
        Point::LAYOUT.name,
        Point::LAYOUT.stride,
        fields.join(", "),
    );
}

/// Everything the SVG shows.
struct Picture {
    shape: [usize; 2],
    written: Vec<Range<usize>>,
    dirty: Option<Range<usize>>,
    plan: Vec<Range<usize>>,
    policy: MergePolicy,
}

/// A rectangle of the grid: records `rows`, bytes `bytes` of each.
struct Block {
    rows: Range<usize>,
    bytes: Range<usize>,
}

/// Geometry of the picture, in pixels.
const LEFT: f64 = 70.0;
const TOP: f64 = 64.0;
const ROW_HEIGHT: f64 = 26.0;
const ROW_GAP: f64 = 8.0;
const RECORD_WIDTH: f64 = 400.0;
const RIGHT: f64 = 90.0;
const LEGEND_TEXT: f64 = LEFT + 34.0;
const WRITTEN_FILL: &str = "#f5a623";
const DIRTY_STROKE: &str = "#d0021b";
const PLAN_STROKE: &str = "#1f5fbf";

impl Picture {
    fn records(&self) -> usize {
        self.shape[0] * self.shape[1]
    }

    /// Distinct bytes written.
    fn bytes_written(&self) -> usize {
        let mut bytes = vec![false; self.records() * Point::LAYOUT.stride];
        for range in &self.written {
            bytes[range.clone()].fill(true);
        }
        bytes.iter().filter(|&&b| b).count()
    }

    fn px_per_byte(&self) -> f64 {
        RECORD_WIDTH / Point::LAYOUT.stride as f64
    }

    fn x(&self, byte: usize) -> f64 {
        LEFT + byte as f64 * self.px_per_byte()
    }

    fn y(&self, row: usize) -> f64 {
        TOP + row as f64 * (ROW_HEIGHT + ROW_GAP)
    }

    /// The rectangle of `block`, grown by `outset` pixels on every side.
    fn rect(&self, block: &Block, outset: f64) -> [f64; 4] {
        let (x, y) = (self.x(block.bytes.start) - outset, self.y(block.rows.start) - outset);
        let width = block.bytes.len() as f64 * self.px_per_byte() + 2.0 * outset;
        let height = self.y(block.rows.end) - self.y(block.rows.start) - ROW_GAP + 2.0 * outset;
        [x, y, width, height]
    }

    fn to_svg(&self) -> String {
        // Wide enough for the longest legend line too (about 7 px a character).
        let longest = self.legend().iter().map(|(_, label)| label.len()).max().unwrap_or(0);
        let width = (LEFT + RECORD_WIDTH + RIGHT).max(LEGEND_TEXT + 7.0 * longest as f64 + 16.0).ceil();
        let height = self.y(self.records()) + 96.0;
        let mut svg = String::new();
        let _ = writeln!(
            svg,
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="DejaVu Sans, Helvetica, Arial, sans-serif" font-size="12">"#
        );
        let _ = writeln!(svg, r#"<rect width="100%" height="100%" fill="white"/>"#);
        self.title(&mut svg);
        self.cells(&mut svg);
        self.outlines(&mut svg);
        self.draw_legend(&mut svg, self.y(self.records()) + 18.0);
        svg.push_str("</svg>\n");
        svg
    }

    fn title(&self, svg: &mut String) {
        let [rows, cols] = self.shape;
        let title = format!(
            "VertexBuffer<{}, 2>, shape [{rows}, {cols}]: {} bytes",
            Point::LAYOUT.name,
            self.records() * Point::LAYOUT.stride
        );
        let _ = writeln!(svg, r#"<text x="{LEFT}" y="22" font-size="15" font-weight="bold">{}</text>"#, escape(&title));
        for field in Point::LAYOUT.fields {
            let x = (self.x(field.offset) + self.x(field.offset + field.size)) / 2.0;
            let label = format!("{} ({} bytes)", field.ident, field.size);
            let _ = writeln!(
                svg,
                r##"<text x="{x:.1}" y="{}" text-anchor="middle" fill="#444">{}</text>"##,
                TOP - 10.0,
                escape(&label)
            );
        }
    }

    /// One row per record: its index and byte range, the bytes written
    /// filled in, one outlined cell per field.
    fn cells(&self, svg: &mut String) {
        let stride = Point::LAYOUT.stride;
        for record in 0..self.records() {
            let (y, mid) = (self.y(record), self.y(record) + ROW_HEIGHT / 2.0 + 4.0);
            let [i, j] = [record / self.shape[1], record % self.shape[1]];
            let _ = writeln!(svg, r#"<text x="{}" y="{mid}" text-anchor="end">[{i},{j}]</text>"#, LEFT - 8.0);
            let base = record * stride;
            let _ = writeln!(
                svg,
                r##"<text x="{}" y="{mid}" fill="#888" font-size="11">{base}..{}</text>"##,
                self.x(stride) + 14.0,
                base + stride
            );
            for range in &self.written {
                let (start, end) = (range.start.max(base), range.end.min(base + stride));
                if start < end {
                    let block = Block { rows: record..record + 1, bytes: start - base..end - base };
                    let [x, y, w, h] = self.rect(&block, 0.0);
                    let _ = writeln!(
                        svg,
                        r#"<rect x="{x:.1}" y="{y:.1}" width="{w:.1}" height="{h:.1}" fill="{WRITTEN_FILL}"/>"#
                    );
                }
            }
            for field in Point::LAYOUT.fields {
                let (x, w) = (self.x(field.offset), field.size as f64 * self.px_per_byte());
                let _ = writeln!(
                    svg,
                    r##"<rect x="{x:.1}" y="{y:.1}" width="{w:.1}" height="{ROW_HEIGHT}" fill="none" stroke="#666"/>"##
                );
            }
        }
    }

    /// The dirty extent (dashed) and the upload plan (thick), around the cells.
    fn outlines(&self, svg: &mut String) {
        let stride = Point::LAYOUT.stride;
        for block in self.dirty.iter().flat_map(|dirty| blocks(dirty.clone(), stride)) {
            let [x, y, w, h] = self.rect(&block, 2.0);
            let _ = writeln!(
                svg,
                r#"<rect x="{x:.1}" y="{y:.1}" width="{w:.1}" height="{h:.1}" fill="none" stroke="{DIRTY_STROKE}" stroke-width="1.5" stroke-dasharray="5 3"/>"#
            );
        }
        for block in self.plan.iter().flat_map(|range| blocks(range.clone(), stride)) {
            let [x, y, w, h] = self.rect(&block, 5.0);
            let _ = writeln!(
                svg,
                r#"<rect x="{x:.1}" y="{y:.1}" width="{w:.1}" height="{h:.1}" fill="none" stroke="{PLAN_STROKE}" stroke-width="3" rx="3"/>"#
            );
        }
    }

    /// The legend: a swatch style and a label per line.
    fn legend(&self) -> [(String, String); 3] {
        let sent: usize = self.plan.iter().map(Range::len).sum();
        let dirty = self.dirty.as_ref().map_or("nothing".to_owned(), |d| format!("{d:?}"));
        let (policy, calls) = (policy_name(self.policy), calls_text(self.plan.len() as u64));
        [
            (format!(r#"fill="{WRITTEN_FILL}""#), format!("bytes written: {}", self.bytes_written())),
            (
                format!(r#"fill="none" stroke="{DIRTY_STROKE}" stroke-width="1.5" stroke-dasharray="5 3""#),
                format!("dirty(): {dirty}"),
            ),
            (
                format!(r#"fill="none" stroke="{PLAN_STROKE}" stroke-width="3""#),
                format!("upload_plan() ({policy}): {:?}, {calls}, {sent} bytes", self.plan),
            ),
        ]
    }

    fn draw_legend(&self, svg: &mut String, top: f64) {
        for (n, (style, label)) in self.legend().iter().enumerate() {
            let y = top + n as f64 * 22.0;
            let _ = writeln!(svg, r#"<rect x="{LEFT}" y="{y}" width="24" height="14" {style}/>"#);
            let _ = writeln!(svg, r#"<text x="{}" y="{}">{}</text>"#, LEGEND_TEXT, y + 11.0, escape(label));
        }
    }
}

/// Splits a byte range into rectangles of the one-row-per-record grid: a
/// partial first row, the whole rows after it, a partial last row.
fn blocks(range: Range<usize>, stride: usize) -> Vec<Block> {
    let (mut start, end) = (range.start, range.end);
    let mut out = Vec::new();
    if start % stride != 0 && start < end {
        let row = start / stride;
        let row_end = end.min((row + 1) * stride);
        out.push(Block { rows: row..row + 1, bytes: start - row * stride..row_end - row * stride });
        start = row_end;
    }
    if end / stride > start / stride && start < end {
        out.push(Block { rows: start / stride..end / stride, bytes: 0..stride });
        start = end / stride * stride;
    }
    if start < end {
        let row = start / stride;
        out.push(Block { rows: row..row + 1, bytes: 0..end - row * stride });
    }
    out
}

/// Escapes text for SVG.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}
