//! Detection workers side by side: the app with faces detected on the frame loop's thread
//! (`--detect-workers 1`, OpenCV's own threads) against its default (single-threaded detectors on
//! whole frames, one to start with and up to one per core while the frame loop waits for them),
//! detection alone and the whole pipeline, repeated and
//! interleaved so that a change of load on the shared machine hits both settings alike.

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use super::pipeline::RunResult;
use super::stats::median;

/// Runs of each combination; the report quotes their median.
pub const REPETITIONS: usize = 5;
/// Passes over `input1.mp4` in each run: 350 frames, several seconds even for YuNet. A 70-frame
/// run of YuNet lasts under a second, so a moment of load from another job on the shared machine
/// could move its FPS by a quarter.
pub const PASSES: u32 = 5;
/// Detectors compared (with SSR-Net for the pipeline runs).
pub const DETECTORS: [&str; 2] = ["haar", "yunet"];
/// `--detect-workers 1`: detection on the frame loop's thread, OpenCV using its own threads.
pub const INLINE: Option<u32> = Some(1);
/// The app's default: one detection worker, and up to one per core while the frame loop waits.
pub const DEFAULT: Option<u32> = None;
/// `--detect-workers` settings compared.
pub const SETTINGS: [Option<u32>; 2] = [INLINE, DEFAULT];
/// Estimator of the pipeline runs.
pub const ESTIMATOR: &str = "ssrnet";

/// The FPS of repeated runs of one detector, mode and worker setting.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WorkersTiming {
    /// Detector.
    pub detector: String,
    /// Detection alone (`true`) or the whole pipeline with SSR-Net and video output.
    pub detect_only: bool,
    /// `--detect-workers`; `None` for the default (automatic, up to one per core).
    pub workers: Option<u32>,
    /// FPS of every run, in run order.
    pub fps: Vec<f64>,
}

impl WorkersTiming {
    /// Median FPS of the runs.
    pub fn median_fps(&self) -> f64 {
        median(&self.fps)
    }

    /// Whether these are the runs of `detector` in this mode and setting.
    fn is(&self, detector: &str, detect_only: bool, workers: Option<u32>) -> bool {
        self.detector == detector && self.detect_only == detect_only && self.workers == workers
    }
}

/// Adds the FPS of `run` to its entry of `timings`.
pub fn record(
    timings: &mut Vec<WorkersTiming>,
    run: &RunResult,
    detect_only: bool,
    workers: Option<u32>,
) {
    let entry = timings
        .iter_mut()
        .find(|t| t.is(&run.detector, detect_only, workers));
    match entry {
        Some(timing) => timing.fps.push(run.fps),
        None => timings.push(WorkersTiming {
            detector: run.detector.clone(),
            detect_only,
            workers,
            fps: vec![run.fps],
        }),
    }
}

/// The timing of `detector` in a mode and setting.
pub fn find<'a>(
    timings: &'a [WorkersTiming],
    detector: &str,
    detect_only: bool,
    workers: Option<u32>,
) -> Option<&'a WorkersTiming> {
    timings
        .iter()
        .find(|t| t.is(detector, detect_only, workers))
}

fn runs(timing: &WorkersTiming) -> String {
    let each: Vec<String> = timing.fps.iter().map(|fps| format!("{fps:.1}")).collect();
    format!("**{:.1}** ({})", timing.median_fps(), each.join(", "))
}

/// The markdown section comparing the settings.
pub fn section(timings: &[WorkersTiming], cores: usize, md: &mut String) {
    if timings.is_empty() {
        return;
    }
    let _ = writeln!(
        md,
        "\n## Detection workers: automatic (up to one per core) vs the frame loop's thread \
         (input1.mp4)\n"
    );
    let _ = writeln!(
        md,
        "FPS, median of {REPETITIONS} runs (each run in brackets) of {PASSES} passes over the \
         clip, the settings interleaved. \
         `--detect-workers 1`: faces are detected on the frame loop's thread, OpenCV using its \
         own threads. Default: single-threaded detectors, each on whole frames, results taken \
         in frame order; one to start with, and up to one per core ({cores} here) while the \
         frame loop waits for detection. Pipeline runs use {ESTIMATOR} and write the H.264 \
         video.\n"
    );
    let _ = writeln!(
        md,
        "| detector | run | `--detect-workers 1` | automatic | ratio |\n|---|---|---|---|---|"
    );
    for detector in DETECTORS {
        for detect_only in [true, false] {
            let inline = find(timings, detector, detect_only, INLINE);
            let workers = find(timings, detector, detect_only, DEFAULT);
            if let (Some(inline), Some(workers)) = (inline, workers) {
                let _ = writeln!(
                    md,
                    "| {detector} | {} | {} | {} | {:.2} |",
                    if detect_only {
                        "detection alone"
                    } else {
                        "pipeline"
                    },
                    runs(inline),
                    runs(workers),
                    workers.median_fps() / inline.median_fps()
                );
            }
        }
    }
}
