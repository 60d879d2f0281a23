//! Issue #20's speed goals side by side: yunet + faceapi and yunet + ensemble (the aligned
//! estimators, with their default landmarks and weights) against haar + ssrnet (the original's
//! pipeline) on `input1.mp4`, repeated and interleaved so a change of load on the shared machine
//! hits every pipeline alike.

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use super::pipeline::RunResult;
use super::stats::median;

/// The pipelines compared, `(detector, estimator)`; the first is the reference.
pub const PIPELINES: [(&str, &str); 3] = [
    ("haar", "ssrnet"),
    ("yunet", "faceapi"),
    ("yunet", "ensemble"),
];
/// Issue #20: yunet + faceapi at least this many times the FPS of haar + ssrnet.
pub const FACEAPI_GOAL: f64 = 2.0;
/// Issue #20: yunet + ensemble at least this many times the FPS of haar + ssrnet.
pub const ENSEMBLE_GOAL: f64 = 1.5;

/// The FPS of the repeated runs of one pipeline.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AlignedTiming {
    /// Detector.
    pub detector: String,
    /// Estimator.
    pub estimator: String,
    /// FPS of every run, in run order.
    pub fps: Vec<f64>,
}

/// Adds the FPS of `run` to its pipeline's entry of `timings`.
pub fn record(timings: &mut Vec<AlignedTiming>, run: &RunResult) {
    match timings
        .iter_mut()
        .find(|t| t.detector == run.detector && t.estimator == run.estimator)
    {
        Some(timing) => timing.fps.push(run.fps),
        None => timings.push(AlignedTiming {
            detector: run.detector.clone(),
            estimator: run.estimator.clone(),
            fps: vec![run.fps],
        }),
    }
}

/// The goal lines: each aligned pipeline's median FPS against the reference's.
pub fn goals(timings: &[AlignedTiming], runs: usize, passes: u32, md: &mut String) {
    let median_of = |(detector, estimator): (&str, &str)| {
        timings
            .iter()
            .find(|t| t.detector == detector && t.estimator == estimator)
            .map(|t| median(&t.fps))
    };
    let Some(reference) = median_of(PIPELINES[0]) else {
        let _ = writeln!(md, "- not measured (see Skipped)");
        return;
    };
    for ((detector, estimator), goal) in PIPELINES[1..].iter().zip([FACEAPI_GOAL, ENSEMBLE_GOAL]) {
        let Some(fps) = median_of((detector, estimator)) else {
            let _ = writeln!(md, "- {detector} + {estimator}: not measured (see Skipped)");
            continue;
        };
        let ratio = fps / reference;
        let _ = writeln!(
            md,
            "- {detector} + {estimator} on input1.mp4: {fps:.1} FPS = {ratio:.2}x haar + ssrnet \
             ({reference:.1} FPS), medians of {runs} interleaved runs of {passes} passes; goal >= \
             {goal}x: **{}**",
            if ratio >= goal { "met" } else { "not met" }
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn timing(detector: &str, estimator: &str, fps: &[f64]) -> AlignedTiming {
        AlignedTiming {
            detector: detector.to_owned(),
            estimator: estimator.to_owned(),
            fps: fps.to_vec(),
        }
    }

    #[test]
    fn goals_compare_medians_with_the_reference() {
        let timings = [
            timing("haar", "ssrnet", &[20.0, 30.0, 25.0]),
            timing("yunet", "faceapi", &[49.0, 51.0, 60.0]),
            timing("yunet", "ensemble", &[30.0, 35.0, 36.0]),
        ];
        let mut md = String::new();
        goals(&timings, 3, 5, &mut md);
        assert!(
            md.contains("yunet + faceapi on input1.mp4: 51.0 FPS = 2.04x"),
            "{md}"
        );
        assert!(md.contains("goal >= 2x: **met**"), "{md}");
        assert!(
            md.contains("yunet + ensemble on input1.mp4: 35.0 FPS = 1.40x"),
            "{md}"
        );
        assert!(md.contains("goal >= 1.5x: **not met**"), "{md}");
        let mut empty = String::new();
        goals(&[], 3, 5, &mut empty);
        assert!(empty.contains("not measured"));
    }
}
