//! What the benchmarks share: reading back this run's means for the ratio
//! tables they print.

/// Criterion's mean for one benchmark of this run, in nanoseconds.
pub fn mean_ns(group: &str, bench: &str) -> Option<f64> {
    let dir = std::env::var("CARGO_TARGET_DIR").unwrap_or_else(|_| "target".into());
    let path = format!("{dir}/criterion/{group}/{bench}/new/estimates.json");
    let text = std::fs::read_to_string(path).ok()?;
    let mean = &text[text.find("\"mean\"")?..];
    let value = &mean[mean.find("\"point_estimate\":")? + 17..];
    value[..value.find(',')?].trim().parse().ok()
}
