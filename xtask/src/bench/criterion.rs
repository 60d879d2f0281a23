//! Runs a criterion bench of the workspace (release build, as `cargo bench` does) and reads its
//! medians back from criterion's `estimates.json` files. The latencies of single nets are measured
//! this way rather than inside the xtask process, whose dev build keeps debug assertions on in
//! tract and builds our own crates unoptimised (both made tract look 2-3x slower than it is).

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};
use serde::Deserialize;

/// Nanoseconds per millisecond (criterion reports nanoseconds).
const NS_PER_MS: f64 = 1e6;

/// The command line of `cargo bench -p <package> --bench <bench> -- <filter>`.
pub fn command(package: &str, bench: &str, filter: &str) -> String {
    format!("cargo bench -p {package} --bench {bench} -- {filter}")
}

/// Runs the bench `bench` of `package`, only the benchmarks matching `filter`.
pub fn run(root: &Path, package: &str, bench: &str, filter: &str) -> Result<()> {
    let status = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .args(["bench", "-p", package, "--bench", bench, "--", filter])
        .current_dir(root)
        .status()
        .context("cannot run cargo bench")?;
    if !status.success() {
        bail!("`{}` failed ({status})", command(package, bench, filter));
    }
    Ok(())
}

/// The median of benchmark `group/function/parameter` of the last criterion run, in ms.
pub fn median_ms(root: &Path, group: &str, function: &str, parameter: usize) -> Result<f64> {
    let file = target_dir(root)
        .join("criterion")
        .join(group)
        .join(function)
        .join(parameter.to_string())
        .join("new/estimates.json");
    let text = std::fs::read_to_string(&file).with_context(|| {
        format!(
            "cannot read {} (did the criterion bench run?)",
            file.display()
        )
    })?;
    let estimates: Estimates = serde_json::from_str(&text)
        .with_context(|| format!("{} is not a criterion estimates file", file.display()))?;
    Ok(estimates.median.point_estimate / NS_PER_MS)
}

/// Cargo's target folder: `$CARGO_TARGET_DIR`, or `<root>/target`.
pub fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"))
}

#[derive(Deserialize)]
struct Estimates {
    median: Estimate,
}

#[derive(Deserialize)]
struct Estimate {
    point_estimate: f64,
}
