//! Runs the release `app` binary on a clip with a detector and estimator, and collects its
//! figures (`--stats-json`) and memory.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};

use super::rss::{self, RssSample};

/// Stages the app times, in data-flow order (keys of its `--stats-json` output).
pub const STAGES: [&str; 6] = ["decode", "resize", "detect", "estimate", "render", "encode"];

/// What one run of the app is asked to do.
#[derive(Debug, Clone)]
pub struct RunSpec {
    /// `haar`, `dnn` or `yunet`.
    pub detector: String,
    /// `ssrnet` or `caffe`; ignored when `detect_only`.
    pub estimator: String,
    /// The input clip.
    pub clip: PathBuf,
    /// Only decode, shrink and detect (the detection-bound limit).
    pub detect_only: bool,
    /// How many times the clip is played in one run.
    pub passes: u32,
    /// `--detect-workers`; the app's default (automatic, up to one per core) when `None`.
    pub detect_workers: Option<u32>,
}

/// Median and mean milliseconds per frame of one stage.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StageTime {
    /// Median over frames; `None` for encoding, which the app only totals (own thread).
    pub median_ms: Option<f64>,
    /// Mean over frames.
    pub mean_ms: f64,
}

/// Figures of one run.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RunResult {
    /// Detector.
    pub detector: String,
    /// Estimator (`none` for detection-only runs).
    pub estimator: String,
    /// Clip file name.
    pub clip: String,
    /// Passes over the clip.
    pub passes: u32,
    /// Frames processed.
    pub frames: u64,
    /// Faces estimated (or detected, for detection-only runs).
    pub faces: u64,
    /// Frames per second of the frame loop (models loaded before the clock starts).
    pub fps: f64,
    /// Faces per second.
    pub faces_per_second: f64,
    /// Per-stage times, keyed by [`STAGES`].
    pub stages: std::collections::BTreeMap<String, StageTime>,
    /// Peak resident set size of the whole process, MiB.
    pub peak_rss_mib: f64,
    /// Resident set size over time (kept for the long run only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rss_samples: Vec<RssSample>,
}

impl RunResult {
    /// `detector+estimator/clip`, the key runs are compared by.
    pub fn key(&self) -> String {
        format!(
            "{}+{}/{}x{}",
            self.detector, self.estimator, self.clip, self.passes
        )
    }
}

/// The command line `spec` runs (for the report).
pub fn command_line(spec: &RunSpec, output: &Path, stats: &Path) -> Vec<String> {
    let mut args = vec![
        "--headless".to_owned(),
        "--input".to_owned(),
        spec.clip.display().to_string(),
        "--detector".to_owned(),
        spec.detector.clone(),
        "--estimator".to_owned(),
        spec.estimator.clone(),
        "--stats-json".to_owned(),
        stats.display().to_string(),
    ];
    if spec.detect_only {
        args.push("--detect-only".to_owned());
    } else {
        args.extend(["--output".to_owned(), output.display().to_string()]);
    }
    if spec.passes > 1 {
        args.extend(["--passes".to_owned(), spec.passes.to_string()]);
    }
    if let Some(workers) = spec.detect_workers {
        args.extend(["--detect-workers".to_owned(), workers.to_string()]);
    }
    args
}

/// Runs `app` once as `spec` says, in `work_dir`.
pub fn run(app: &Path, spec: &RunSpec, work_dir: &Path) -> Result<RunResult> {
    let stem = format!(
        "{}-{}-{}",
        spec.detector,
        if spec.detect_only {
            "none"
        } else {
            &spec.estimator
        },
        spec.clip
            .file_stem()
            .map_or_else(String::new, |s| s.to_string_lossy().into_owned())
    );
    let stats_path = work_dir.join(format!("{stem}.stats.json"));
    let output = work_dir.join(format!("{stem}.mp4"));
    let _ = std::fs::remove_file(&stats_path);
    let mut child = Command::new(app)
        .args(command_line(spec, &output, &stats_path))
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("cannot start {}", app.display()))?;
    let stderr = child.stderr.take();
    let stderr_reader = std::thread::spawn(move || {
        let mut text = String::new();
        if let Some(mut pipe) = stderr {
            let _ = std::io::Read::read_to_string(&mut pipe, &mut text);
        }
        text
    });
    let (memory, status) = rss::watch(&mut child)?;
    let stderr_text = stderr_reader.join().unwrap_or_default();
    if !status.success() {
        bail!("app failed ({status}) for {stem}: {}", stderr_text.trim());
    }
    let text = std::fs::read_to_string(&stats_path)
        .with_context(|| format!("the app wrote no {}", stats_path.display()))?;
    let stats: serde_json::Value = serde_json::from_str(&text)
        .with_context(|| format!("cannot parse {}", stats_path.display()))?;
    let number = |value: &serde_json::Value| value.as_f64().unwrap_or(f64::NAN);
    let frames = stats["frames"].as_u64().unwrap_or(0);
    let faces = stats["faces"].as_u64().unwrap_or(0);
    let fps = number(&stats["fps"]);
    let wall = number(&stats["wall_seconds"]);
    let stages = STAGES
        .iter()
        .map(|&stage| {
            let figures = &stats["stages"][stage];
            (
                stage.to_owned(),
                StageTime {
                    median_ms: figures["median_ms"].as_f64(),
                    mean_ms: number(&figures["mean_ms"]),
                },
            )
        })
        .collect();
    Ok(RunResult {
        detector: spec.detector.clone(),
        estimator: if spec.detect_only {
            "none".to_owned()
        } else {
            spec.estimator.clone()
        },
        clip: spec
            .clip
            .file_name()
            .map_or_else(String::new, |s| s.to_string_lossy().into_owned()),
        passes: spec.passes,
        frames,
        faces,
        fps,
        faces_per_second: if wall > 0.0 { faces as f64 / wall } else { 0.0 },
        stages,
        peak_rss_mib: memory.peak_mib,
        rss_samples: if spec.passes > 1 {
            memory.samples
        } else {
            Vec::new()
        },
    })
}
