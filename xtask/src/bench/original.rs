//! The original program's Haar stage on this machine: `scripts/bench/original_haar.py` runs
//! OpenCV's Python package (4.x from PyPI, as the original) on the frames of a clip shrunk to the
//! original's processing size, so the fixed reference figures of the speed goals (measured elsewhere)
//! can be set beside what the same code does here and now.

use std::path::Path;

use anyhow::Result;
use serde::{Deserialize, Serialize};

use super::python;

/// The script of `scripts/bench`.
pub const SCRIPT: &str = "original_haar.py";
/// Passes over the clip (the median is over every frame of every pass).
const PASSES: u32 = 3;
/// The original's Haar stage per frame on input1.mp4 as the speed goals state it, milliseconds.
pub const ISSUE_HAAR_MS: f64 = 31.7;
/// The original's cascade, in the models directory (`models/manifest.toml`).
pub const CASCADE: &str = "haarcascade_frontalface_alt.xml";

/// What the script measured.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OriginalHaar {
    /// OpenCV version of the Python package.
    pub opencv: String,
    /// OpenCV's thread count.
    pub threads: u32,
    /// Frames of the clip.
    pub frames: u32,
    /// Median milliseconds per frame (grayscale + detectMultiScale).
    pub median_ms: f64,
    /// Mean milliseconds per frame.
    pub mean_ms: f64,
}

/// The command line, as written in the report.
pub fn command(clip: &Path, cascade: &Path) -> String {
    format!(
        "{} {SCRIPT} --video {} --cascade {} --passes {PASSES}",
        python::RUNNER,
        clip.display(),
        cascade.display()
    )
}

/// Runs the script on `clip` with `cascade`.
pub fn measure(root: &Path, clip: &Path, cascade: &Path) -> Result<OriginalHaar> {
    let passes = PASSES.to_string();
    python::run_json(
        root,
        SCRIPT,
        [
            "--video".as_ref(),
            clip.as_os_str(),
            "--cascade".as_ref(),
            cascade.as_os_str(),
            "--passes".as_ref(),
            passes.as_ref(),
        ],
    )
}
