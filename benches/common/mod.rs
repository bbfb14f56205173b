//! What the benchmarks share: criterion's means read back, and contenders
//! taking turns, for the ratio tables they print.

/// Criterion's mean for one benchmark of this run, in nanoseconds.
pub fn mean_ns(group: &str, bench: &str) -> Option<f64> {
    let path = format!("{}/criterion/{group}/{bench}/new/estimates.json", target_dir()?);
    let text = std::fs::read_to_string(path).ok()?;
    let mean = &text[text.find("\"mean\"")?..];
    let value = &mean[mean.find("\"point_estimate\":")? + 17..];
    value[..value.find(',')?].trim().parse().ok()
}

/// Cargo's target directory, where criterion keeps its estimates:
/// `CARGO_TARGET_DIR`, else the one this benchmark was built in
/// (`target/release/deps/<bench>`), wherever the bench runs from (a bench
/// of another workspace member runs in that member's folder).
fn target_dir() -> Option<String> {
    if let Ok(dir) = std::env::var("CARGO_TARGET_DIR") {
        return Some(dir);
    }
    let exe = std::env::current_exe().ok()?;
    Some(exe.parent()?.parent()?.parent()?.to_str()?.to_owned())
}

use std::time::Instant;

/// Contenders taking turns: `rounds` rounds in each of which every frame
/// runs once, the first one a place later each round; the time of each,
/// in nanoseconds, by round and contender. Ratios taken within a round
/// compare runs milliseconds apart, which a shared machine's drifting
/// load cannot separate as it separates criterion's benchmarks, run one
/// after another.
#[allow(dead_code)]
pub fn turns(frames: &mut [&mut dyn FnMut()], rounds: usize) -> Vec<Vec<f64>> {
    let count = frames.len();
    (0..rounds)
        .map(|round| {
            let mut times = vec![0.0; count];
            for k in (0..count).map(|k| (k + round) % count) {
                let start = Instant::now();
                frames[k]();
                times[k] = start.elapsed().as_secs_f64() * 1e9;
            }
            times
        })
        .collect()
}

/// The median of `values` (NaN when there are none).
#[allow(dead_code)]
pub fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(f64::NAN)
}

/// What rounds of contenders taking turns gave, for one contender (the
/// subject) against the others and a baseline among them.
#[allow(dead_code)]
pub struct Turns {
    /// Each contender's median time.
    pub medians: Vec<f64>,
    /// The median over rounds of the subject / the other contender with
    /// the lowest median.
    pub subject_best: f64,
    /// The median over rounds of the baseline / the subject.
    pub baseline_subject: f64,
    /// Each round's times, by contender.
    rounds: Vec<Vec<f64>>,
}

#[allow(dead_code)]
impl Turns {
    /// The median over rounds of contender `a`'s time / contender `b`'s.
    pub fn ratio(&self, a: usize, b: usize) -> f64 {
        median(self.rounds.iter().map(|times| times[a] / times[b]).collect())
    }
}

/// Sums up `rounds` (as [`turns`] gives them) for contender `subject`
/// against the best other one among the first `others` and against
/// contender `baseline`. Contenders after the first `others` are bounds
/// to compare with (as the upload bench's floor), not rivals.
///
/// The best is one contender, the one with the lowest median: the
/// fastest of each round instead would be the luckiest of several, and
/// against contenders that cost the same (all sending one range) the
/// subject would seem slower by their spread.
#[allow(dead_code)]
pub fn summarize(rounds: Vec<Vec<f64>>, subject: usize, baseline: usize, others: usize) -> Turns {
    let count = rounds.first().map_or(0, Vec::len);
    let medians: Vec<f64> = (0..count).map(|k| median(rounds.iter().map(|times| times[k]).collect())).collect();
    let best = best_other(&medians[..others.min(count)], subject);
    let mut turns = Turns { medians, subject_best: f64::NAN, baseline_subject: f64::NAN, rounds };
    turns.subject_best = turns.ratio(subject, best);
    turns.baseline_subject = turns.ratio(baseline, subject);
    turns
}

/// Which of `times` but contender `except`'s is the lowest.
#[allow(dead_code)]
pub fn best_other(times: &[f64], except: usize) -> usize {
    (0..times.len()).filter(|&k| k != except).min_by(|&a, &b| times[a].total_cmp(&times[b])).unwrap_or(except)
}

/// A speed-up as the tables print it: two decimals under 10×, where the
/// second one tells a tie from a loss, one above.
#[allow(dead_code)]
pub fn speedup(ratio: f64) -> String {
    if ratio < 10.0 {
        format!("{ratio:.2}×")
    } else {
        format!("{ratio:.1}×")
    }
}
