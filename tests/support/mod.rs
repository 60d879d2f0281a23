//! Helpers shared by the end-to-end tests: where things are, running the real binary, reading
//! what it wrote.

#![allow(dead_code, unused_imports)] // each test file uses a different subset

use std::path::Path;
use std::process::{Command, Output};

use opencv::prelude::*;
use opencv::videoio;
use serde_json::Value;

/// Frames of `shared/testdata/videos/input1.mp4`, the original's sample clip.
pub const INPUT1_FRAMES: usize = 70;

pub use test_data::{shared_dir, test_video, workspace_root};

/// Fails with the fix when the converted models are missing.
pub fn require_models() {
    for file in ["ssrnet_age.onnx", "ssrnet_gender.onnx"] {
        test_data::model(file);
    }
}

/// Runs the `app` binary from the workspace root with the given arguments, headless and without
/// a display, and returns its output.
pub fn run_app(args: &[&str]) -> Output {
    require_models();
    Command::new(env!("CARGO_BIN_EXE_app"))
        .current_dir(workspace_root())
        .args(args)
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .env("RUST_LOG", "info")
        .output()
        .expect("the app binary runs")
}

/// Runs the app and asserts it succeeded, printing its log otherwise.
pub fn run_app_ok(args: &[&str]) -> Output {
    let output = run_app(args);
    assert!(
        output.status.success(),
        "app {:?} failed with {:?}:\n{}",
        args,
        output.status.code(),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// Parses a JSON Lines file.
pub fn read_json_lines(path: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|err| panic!("cannot read {}: {err}", path.display()));
    text.lines()
        .enumerate()
        .map(|(n, line)| {
            serde_json::from_str(line)
                .unwrap_or_else(|err| panic!("{} line {}: {err}", path.display(), n + 1))
        })
        .collect()
}

/// Frame count and size of a video, counted by decoding every frame.
pub fn video_stats(path: &Path) -> (usize, i32, i32) {
    let mut capture =
        videoio::VideoCapture::from_file(path.to_str().expect("utf-8 path"), videoio::CAP_FFMPEG)
            .expect("VideoCapture opens");
    assert!(
        capture.is_opened().expect("is_opened"),
        "cannot open {}",
        path.display()
    );
    let mut frame = opencv::core::Mat::default();
    let (mut count, mut width, mut height) = (0, 0, 0);
    while capture.read(&mut frame).expect("read") {
        if frame.empty() {
            break;
        }
        count += 1;
        width = frame.cols();
        height = frame.rows();
    }
    (count, width, height)
}

/// Intersection over union of two inclusive `[x1, y1, x2, y2]` boxes.
pub fn iou(a: [f64; 4], b: [f64; 4]) -> f64 {
    let width = (a[2].min(b[2]) - a[0].max(b[0]) + 1.0).max(0.0);
    let height = (a[3].min(b[3]) - a[1].max(b[1]) + 1.0).max(0.0);
    let intersection = width * height;
    let area = |r: [f64; 4]| (r[2] - r[0] + 1.0) * (r[3] - r[1] + 1.0);
    intersection / (area(a) + area(b) - intersection)
}

/// A JSON array of four numbers as a box.
pub fn json_box(value: &Value) -> [f64; 4] {
    let numbers: Vec<f64> = value
        .as_array()
        .expect("box is an array")
        .iter()
        .map(|v| v.as_f64().expect("number"))
        .collect();
    [numbers[0], numbers[1], numbers[2], numbers[3]]
}

/// A fresh temporary directory.
pub fn temp_dir() -> tempfile::TempDir {
    tempfile::tempdir().expect("temporary directory")
}

/// Runs the app headless with `config` on the test clip `clip` (plus `extra` arguments, no
/// video output) and returns the JSON Lines it wrote.
pub fn json_frames(config: &str, clip: &str, extra: &[&str]) -> Vec<Value> {
    let dir = temp_dir();
    let json = dir.path().join("frames.jsonl");
    let input = test_video(clip);
    let mut args = vec![
        "--config",
        config,
        "--input",
        input.to_str().unwrap(),
        "--no-output",
        "--json",
        json.to_str().unwrap(),
        "--headless",
    ];
    args.extend_from_slice(extra);
    run_app_ok(&args);
    read_json_lines(&json)
}
