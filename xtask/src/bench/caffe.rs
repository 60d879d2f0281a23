//! The Levi-Hassner pair (issue #4): tract running the converted nets in parallel (what the app
//! runs) against OpenCV DNN running the original Caffe files one after the other (what the
//! original program ran), on the same face, in one run.
//!
//! The measuring is the criterion bench `crates/estimate/benches/caffe.rs` (group `caffe_pair`);
//! this module runs it and reads the medians back from criterion's `estimates.json` files.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};

/// The command run, as written in the report.
pub const COMMAND: &str = "cargo bench -p estimate --bench caffe -- caffe_pair";
/// Faces per call measured by the bench (`BATCH` in crates/estimate/benches/caffe.rs, and 1).
pub const BATCHES: [usize; 2] = [1, 6];
/// Criterion group of the side-by-side measurement.
const GROUP: &str = "caffe_pair";
/// Criterion function of tract, both nets in parallel.
pub const TRACT: &str = "tract_parallel";
/// Criterion function of OpenCV DNN, one net after the other.
pub const OPENCV: &str = "opencv_sequential";
/// Nanoseconds per millisecond (criterion reports nanoseconds).
const NS_PER_MS: f64 = 1e6;

/// One median of the side-by-side measurement.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CaffeTiming {
    /// [`TRACT`] or [`OPENCV`].
    pub engine: String,
    /// Faces per call.
    pub batch: usize,
    /// Median milliseconds per call (both nets).
    pub median_ms_per_call: f64,
    /// The same divided by the batch.
    pub median_ms_per_face: f64,
}

/// Runs the criterion bench and returns its medians.
pub fn compare(root: &Path) -> Result<Vec<CaffeTiming>> {
    let status = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .args(["bench", "-p", "estimate", "--bench", "caffe", "--", GROUP])
        .current_dir(root)
        .status()
        .context("cannot run cargo bench")?;
    if !status.success() {
        bail!("`{COMMAND}` failed ({status})");
    }
    let criterion_dir = target_dir(root).join("criterion").join(GROUP);
    let mut timings = Vec::new();
    for engine in [TRACT, OPENCV] {
        for batch in BATCHES {
            let file = criterion_dir
                .join(engine)
                .join(batch.to_string())
                .join("new/estimates.json");
            let per_call = median_ms(&file)?;
            timings.push(CaffeTiming {
                engine: engine.to_owned(),
                batch,
                median_ms_per_call: per_call,
                median_ms_per_face: per_call / batch as f64,
            });
        }
    }
    Ok(timings)
}

fn target_dir(root: &Path) -> PathBuf {
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

fn median_ms(file: &Path) -> Result<f64> {
    let text = std::fs::read_to_string(file)
        .with_context(|| format!("cannot read {} (did `{COMMAND}` run?)", file.display()))?;
    let estimates: Estimates = serde_json::from_str(&text)
        .with_context(|| format!("{} is not a criterion estimates file", file.display()))?;
    Ok(estimates.median.point_estimate / NS_PER_MS)
}
