//! A deterministic guard on the hot path: the instructions and stores a
//! tracked `position_mut` write executes beyond a raw bounds-checked slice
//! write, counted by valgrind's cachegrind (counts do not depend on a
//! shared machine's load, as wall-clock times do). `.ci/run` runs it:
//!
//! ```text
//! cargo bench --bench write -- --guard
//! ```
//!
//! The benchmark binary runs itself under `valgrind --tool=cachegrind` as
//! a probe that makes `n` random writes of one kind (raw or tracked, rank 1
//! to 3) with the very loops the benchmark times, for two values of `n`; the difference of the two counts, divided by the
//! difference of `n`, is the cost of one write with setup and teardown
//! cancelled out. It fails when a tracked write executes more than
//! [`BUDGET`] instructions or [`STORE_BUDGET`] data writes over a raw one.
//!
//! The probe's buffer is new, so every bit is already set: each write is a
//! rewrite, the path that tests its bit and stores nothing. A first write
//! adds the bit's `or` and store, three instructions on the other side of
//! one branch.
use std::hint::black_box;
use std::process::{Command, ExitCode};

use gloo_runtime::VertexBuffer;

use super::{indices, write_raw, write_tracked_1, write_tracked_2, write_tracked_3, Point};

/// Extra instructions a tracked write may execute over a raw one, by rank:
/// the bit index (a multiply-add), the word's address and load, the bit
/// and its test and branch, less the raw loop's second bounds check.
/// Measured with rustc 1.95 on x86-64: 6 at each rank.
/// What this catches, each seen in this loop: the index array stored to
/// the stack on every write for the out-of-bounds panic's message (two
/// stores: ranks 2 and 3 ran 2× a raw write), or the shape and the data
/// and bit pointers reloaded after every write's stores (+2 to +4
/// instructions: 1.5–1.7×). If a new compiler moves the count, read the
/// loop's assembly before raising this.
const BUDGET: [f64; 3] = [6.0, 6.0, 6.0];

/// Extra data writes a tracked write may make over a raw one, as counted.
/// The loop stores nothing of its own on a rewrite, but it tests its bit
/// with `bt` on a register, which valgrind emulates through memory and so
/// counts as a read and a write (a loop of `bt` alone counts one of each
/// per iteration). One store spilled per write, as the index array was,
/// takes this past its budget.
const STORE_BUDGET: f64 = 1.0;

/// How far past a budget a count may land without failing: a fraction of
/// an instruction per write. The two runs' setup and teardown (the
/// allocator's paths, the environment) differ by a few thousand
/// instructions at most from one run to the next, which the division
/// leaves as thousandths of one; a regression adds at least one whole
/// instruction a write. Compared exactly, `+6.0` against a budget of 6
/// failed a fresh clone's CI while passing in the checkout it came from.
const SLACK: f64 = 0.05;

/// Writes per probe run: the two values whose counts are subtracted.
const RUNS: [usize; 2] = [1 << 19, 1 << 20];

/// The probe: `kind rank n`, the benchmark's loops on its shapes.
fn probe(kind: &str, rank: &str, n: usize) {
    let (one, two, three) = ([1_000_000], [1000, 1000], [100, 100, 100]);
    match (kind, rank) {
        ("raw", "1") => write_raw(black_box(&mut vec![Point::ZERO; 1_000_000]), one, &indices(one, n)),
        ("raw", "2") => write_raw(black_box(&mut vec![Point::ZERO; 1_000_000]), two, &indices(two, n)),
        ("raw", "3") => write_raw(black_box(&mut vec![Point::ZERO; 1_000_000]), three, &indices(three, n)),
        ("tracked", "1") => write_tracked_1(black_box(&mut VertexBuffer::zeros(one)), &indices(one, n)),
        ("tracked", "2") => write_tracked_2(black_box(&mut VertexBuffer::zeros(two)), &indices(two, n)),
        ("tracked", "3") => write_tracked_3(black_box(&mut VertexBuffer::zeros(three)), &indices(three, n)),
        _ => panic!("unknown probe {kind} {rank}"),
    }
}

/// What one run of the probe executes, from cachegrind's summary:
/// instructions and data writes.
fn counts(kind: &str, rank: &str, n: usize) -> Result<[u64; 2], String> {
    let me = std::env::current_exe().map_err(|error| error.to_string())?;
    let output = Command::new("valgrind")
        .args(["--tool=cachegrind", "--cache-sim=yes", "--cachegrind-out-file=/dev/null"])
        .arg(&me)
        .args(["--probe", kind, rank, &n.to_string()])
        .output()
        .map_err(|error| format!("cannot run valgrind ({error}); install it (Debian: valgrind)"))?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() {
        return Err(format!("the probe failed under valgrind:\n{stderr}"));
    }
    let number = |text: &str| text.trim().replace(',', "").parse::<u64>().ok();
    let field = |label: &str| stderr.lines().find_map(|line| line.split_once(label).map(|(_, rest)| rest.to_owned()));
    // `I   refs:      1,234` and `D   refs:      1,234  (1,000 rd   + 234 wr)`.
    let instructions = field("I   refs:").and_then(|rest| number(&rest));
    let writes = field("D   refs:")
        .and_then(|rest| rest.split_once('+').map(|(_, wr)| wr.trim().trim_end_matches(" wr)").to_owned()))
        .and_then(|wr| number(&wr));
    match (instructions, writes) {
        (Some(instructions), Some(writes)) => Ok([instructions, writes]),
        _ => Err(format!("no instruction or write count in:\n{stderr}")),
    }
}

/// Instructions and data writes per write: the difference of two runs over
/// the difference of their writes.
fn per_write(kind: &str, rank: &str) -> Result<[f64; 2], String> {
    let [small, large] = RUNS;
    let (a, b) = (counts(kind, rank, small)?, counts(kind, rank, large)?);
    Ok([0, 1].map(|k| (b[k] as f64 - a[k] as f64) / (large - small) as f64))
}

/// `--probe KIND RANK N` (one run under valgrind) or `--guard` (the
/// check): what to do instead of benchmarking, if anything.
pub fn intercept() -> Option<ExitCode> {
    let args: Vec<String> = std::env::args().collect();
    if let Some(at) = args.iter().position(|arg| arg == "--probe") {
        let n = args[at + 3].parse().expect("a write count");
        probe(&args[at + 1], &args[at + 2], n);
        return Some(ExitCode::SUCCESS);
    }
    args.iter().any(|arg| arg == "--guard").then(guard)
}

/// The check: counts for each rank, a table, and failure past the budget.
fn guard() -> ExitCode {
    println!("| rank | raw write | tracked write | extra | budget |");
    println!("|---|---|---|---|---|");
    let mut over = false;
    for rank in ["1", "2", "3"] {
        let ([raw, raw_stores], [tracked, tracked_stores]) = match (per_write("raw", rank), per_write("tracked", rank))
        {
            (Ok(raw), Ok(tracked)) => (raw, tracked),
            (Err(error), _) | (_, Err(error)) => {
                eprintln!("write_guard: {error}");
                return ExitCode::FAILURE;
            }
        };
        let (extra, budget) = (tracked - raw, BUDGET[rank.parse::<usize>().expect("a rank") - 1]);
        let extra_stores = tracked_stores - raw_stores;
        over |= extra > budget + SLACK || extra_stores > STORE_BUDGET + SLACK;
        println!(
            "| {rank} | {raw:.1} instructions, {raw_stores:.1} stores | {tracked:.1}, {tracked_stores:.1} | {extra:+.3}, {extra_stores:+.3} | {budget}, +{STORE_BUDGET} |"
        );
    }
    if over {
        eprintln!(
            "write_guard: a tracked write costs more over a raw one than {BUDGET:?} instructions and {STORE_BUDGET} data write: the hot path regressed"
        );
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
