//! The Levi-Hassner pair: tract running the converted nets in parallel (what the app
//! runs) against OpenCV DNN running the original Caffe files one after the other (what the
//! original program ran), on the same face, in one run: the criterion bench
//! `crates/estimate/benches/caffe.rs` (group `caffe_pair`), read back by [`super::criterion`].

use std::path::Path;

use anyhow::Result;
use serde::{Deserialize, Serialize};

use super::criterion;

/// Faces per call measured by the bench (`BATCH` in crates/estimate/benches/caffe.rs, and 1).
pub const BATCHES: [usize; 2] = [1, 6];
/// Criterion group of the side-by-side measurement.
const GROUP: &str = "caffe_pair";
/// Criterion function of tract, both nets in parallel.
pub const TRACT: &str = "tract_parallel";
/// Criterion function of OpenCV DNN, one net after the other.
pub const OPENCV: &str = "opencv_sequential";

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

/// The command run, as written in the report.
pub fn command() -> String {
    criterion::command("estimate", "caffe", GROUP)
}

/// Runs the criterion bench and returns its medians.
pub fn compare(root: &Path) -> Result<Vec<CaffeTiming>> {
    criterion::run(root, "estimate", "caffe", GROUP)?;
    let mut timings = Vec::new();
    for engine in [TRACT, OPENCV] {
        for batch in BATCHES {
            let per_call = criterion::median_ms(root, GROUP, engine, batch)?;
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
