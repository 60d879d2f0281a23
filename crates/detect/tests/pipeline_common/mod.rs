//! Helpers of the Haar/DNN and geometry tests: shared data, models, the original program's
//! per-frame records, and input frames at the processing size.

#![allow(dead_code)] // each test crate uses a different subset

use std::path::PathBuf;

use detect::{ORIGINAL_PROCESSING_AREA, processing_size};
use face::{FaceBox, ImageSize};
use opencv::core::{Mat, Size};
use opencv::prelude::*;
use opencv::{imgproc, videoio};
use serde_json::Value;

pub use test_data::shared_dir;

/// A file under `shared/`, failing clearly when it is missing.
pub fn shared_file(relative: &str) -> PathBuf {
    let path = shared_dir().join(relative);
    assert!(
        path.is_file(),
        "{} not found: set {} to the shared data directory",
        path.display(),
        test_data::SHARED_ENV
    );
    path
}

/// The models directory, failing with the fetch command when `file` is not in it.
pub fn models_dir_with(file: &str) -> PathBuf {
    test_data::model(file);
    test_data::models_dir()
}

/// One line of `parity/pipeline/*.jsonl`: the original program's output for one frame.
pub struct OriginalFrame {
    /// Frame index.
    pub frame: usize,
    /// The padded boxes (`faces[].box`) in the processing frame.
    pub boxes: Vec<FaceBox>,
    /// The detector's raw output rows (`det_raw`): `[x, y, w, h]` for Haar,
    /// `[confidence, x1, y1, x2, y2]` (fractions) for every SSD row for DNN.
    pub det_raw: Vec<Vec<f64>>,
}

fn number_list(value: &Value) -> Vec<f64> {
    value
        .as_array()
        .expect("a JSON array")
        .iter()
        .map(|v| v.as_f64().expect("a number"))
        .collect()
}

/// Reads `parity/pipeline/<name>.jsonl`.
pub fn original_frames(name: &str) -> Vec<OriginalFrame> {
    let path = shared_file(&format!("parity/pipeline/{name}.jsonl"));
    let text = std::fs::read_to_string(&path).expect("read the JSONL file");
    text.lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            let record: Value = serde_json::from_str(line).expect("a JSON record");
            let boxes = record["faces"]
                .as_array()
                .expect("faces")
                .iter()
                .map(|face| {
                    let b = number_list(&face["box"]);
                    FaceBox::new(b[0] as i32, b[1] as i32, b[2] as i32, b[3] as i32)
                })
                .collect();
            OriginalFrame {
                frame: record["frame"].as_u64().expect("frame") as usize,
                boxes,
                det_raw: record["det_raw"]
                    .as_array()
                    .expect("det_raw")
                    .iter()
                    .map(number_list)
                    .collect(),
            }
        })
        .collect()
}

/// The processing frame of the shared 400x224 clips.
pub fn input_processing_size() -> ImageSize {
    processing_size(ImageSize::new(400, 224), ORIGINAL_PROCESSING_AREA).expect("processing size")
}

/// Every frame of `testdata/videos/<name>` resized to its processing size with INTER_LINEAR,
/// as the original's frame loop does.
pub fn processing_frames(name: &str) -> Vec<Mat> {
    let path = shared_file(&format!("testdata/videos/{name}"));
    let mut capture =
        videoio::VideoCapture::from_file(&path, videoio::CAP_FFMPEG).expect("open the video");
    assert!(
        capture.is_opened().expect("state"),
        "cannot open {}",
        path.display()
    );
    let mut frames = Vec::new();
    loop {
        let mut frame = Mat::default();
        if !capture.read(&mut frame).expect("decode") || frame.empty() {
            break;
        }
        let size = processing_size(
            ImageSize::new(frame.cols(), frame.rows()),
            ORIGINAL_PROCESSING_AREA,
        )
        .expect("processing size");
        let mut small = Mat::default();
        imgproc::resize(
            &frame,
            &mut small,
            Size::new(size.width, size.height),
            0.0,
            0.0,
            imgproc::INTER_LINEAR,
        )
        .expect("resize");
        frames.push(small);
    }
    frames
}

/// Agreement between our detections and the original's over a video.
#[derive(Debug, Default)]
pub struct Agreement {
    /// Frames compared.
    pub frames: usize,
    /// Frames where both or neither found a face.
    pub presence_agrees: usize,
    /// Frames where the box lists are identical (same boxes, same order).
    pub identical: usize,
    /// Frames where both found a face.
    pub both_found: usize,
    /// Of those, frames where the best-matching boxes reach the IoU threshold.
    pub iou_ok: usize,
    /// Smallest best-match IoU over frames where both found a face.
    pub min_iou: f64,
    /// Mean best-match IoU over frames where both found a face.
    pub mean_iou: f64,
}

impl Agreement {
    /// Compares per-frame box lists (ours, theirs) with `threshold` as the IoU bar: for each
    /// of the original's boxes, the best IoU with any of ours.
    pub fn measure(ours: &[Vec<FaceBox>], theirs: &[Vec<FaceBox>], threshold: f64) -> Self {
        assert_eq!(ours.len(), theirs.len(), "frame counts differ");
        let mut agreement = Agreement {
            frames: ours.len(),
            min_iou: 1.0,
            ..Agreement::default()
        };
        let mut iou_sum = 0.0;
        for (mine, original) in ours.iter().zip(theirs) {
            if mine.is_empty() == original.is_empty() {
                agreement.presence_agrees += 1;
            }
            if mine == original {
                agreement.identical += 1;
            }
            if mine.is_empty() || original.is_empty() {
                continue;
            }
            agreement.both_found += 1;
            let worst = original
                .iter()
                .map(|o| mine.iter().map(|m| m.iou(o)).fold(0.0, f64::max))
                .fold(1.0, f64::min);
            iou_sum += worst;
            agreement.min_iou = agreement.min_iou.min(worst);
            if worst >= threshold {
                agreement.iou_ok += 1;
            }
        }
        agreement.mean_iou = iou_sum / agreement.both_found.max(1) as f64;
        agreement
    }

    /// Share of frames where presence agrees.
    pub fn presence_rate(&self) -> f64 {
        self.presence_agrees as f64 / self.frames.max(1) as f64
    }

    /// Share of frames with identical box lists.
    pub fn identical_rate(&self) -> f64 {
        self.identical as f64 / self.frames.max(1) as f64
    }

    /// Share of both-found frames whose boxes reach the IoU threshold.
    pub fn iou_rate(&self) -> f64 {
        self.iou_ok as f64 / self.both_found.max(1) as f64
    }
}
