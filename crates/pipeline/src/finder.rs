//! Finding faces in one frame, as the original does: shrink the frame, run the detector on the
//! small frame, pad the boxes, map them back to the full-size frame and cut the faces from it.

use std::time::{Duration, Instant};

use detect::FaceDetector;
use face::{BgrImage, Detection, FaceBox, ImageSize, Landmarks, Point};
use opencv::core::{Mat, Size};
use opencv::imgproc;

use crate::error::{Context, PipelineError, Result};
use crate::stats::{RunStats, Stage};

/// Time [`FaceFinder::find`] spent on one frame, for the run's statistics.
#[derive(Debug, Clone, Copy, Default)]
pub struct FindTimes {
    /// Shrinking the frame to the processing size.
    pub resize: Duration,
    /// Running the detector.
    pub detect: Duration,
}

impl FindTimes {
    /// Adds these times to the current frame of `stats`.
    pub fn add_to(&self, stats: &mut RunStats) {
        stats.add(Stage::Resize, self.resize);
        stats.add(Stage::Detect, self.detect);
    }
}

/// A face found in a frame, before estimation.
#[derive(Debug, Clone)]
pub struct FoundFace {
    /// What the detector returned, in processing-frame pixels, unpadded.
    pub detection: Detection,
    /// The padded box in processing-frame pixels (what the original program reports).
    pub box_processing: FaceBox,
    /// The padded box in original-frame pixels (inclusive corners).
    pub box_original: FaceBox,
    /// The pixels cut from the original frame for the estimator (inclusive corners, inside the
    /// frame).
    pub crop: FaceBox,
    /// The detector's own (unpadded) box in original-frame pixels: where dlib's shape predictor
    /// looks for landmarks.
    pub face_box_original: FaceBox,
    /// The detector's landmarks in original-frame pixels (YuNet).
    pub landmarks: Option<Landmarks>,
}

/// Finds faces: shrinks the frame, runs the detector, pads and maps the boxes back. Owns its
/// buffers so the hot path does not allocate a frame per call.
pub struct FaceFinder {
    detector: Box<dyn FaceDetector>,
    processing_area: u32,
    padding_ratio: f32,
    small_frame: Mat,
}

impl FaceFinder {
    /// Wraps a ready detector; `padding_ratio` is the estimator's (0.10 for SSR-Net, 0 for Caffe,
    /// 0.10 for the aligned estimators' fallback crop).
    pub fn new(detector: Box<dyn FaceDetector>, processing_area: u32, padding_ratio: f32) -> Self {
        Self {
            detector,
            processing_area,
            padding_ratio,
            small_frame: Mat::default(),
        }
    }

    /// Every face of a BGR frame, in detector order, and the time shrinking and detecting took.
    pub fn find(&mut self, frame: &Mat) -> Result<(Vec<FoundFace>, FindTimes)> {
        let original = video_io::mat_size(frame);
        let processing = detect::processing_size(original, u64::from(self.processing_area))
            .map_err(|err| {
                // Only the configured area can make this fail for a decoded (non-empty) frame.
                PipelineError::config_caused_by(
                    format!(
                        "processing.area = {} is too small for a {}x{} frame: raise it (the original uses {})",
                        self.processing_area,
                        original.width,
                        original.height,
                        crate::config::DEFAULT_PROCESSING_AREA
                    ),
                    err,
                )
            })?;

        let started = Instant::now();
        imgproc::resize(
            frame,
            &mut self.small_frame,
            Size::new(processing.width, processing.height),
            0.0,
            0.0,
            imgproc::INTER_LINEAR,
        )
        .context("cannot shrink the frame to the processing size")?;
        let resized = Instant::now();
        let small_frame = frame_view(&self.small_frame)?;
        let detections = self
            .detector
            .detect(&small_frame)
            .context("face detection failed")?;
        let times = FindTimes {
            resize: resized - started,
            detect: resized.elapsed(),
        };

        let mut faces = Vec::with_capacity(detections.len());
        for detection in detections {
            let box_processing =
                detect::pad_and_clamp(&detection.face, f64::from(self.padding_ratio), processing);
            let box_original = detect::to_original(&box_processing, processing, original);
            let Some(crop) = detect::crop_rect(&box_original, original) else {
                tracing::debug!(
                    ?box_original,
                    "face box has no pixels inside the frame; skipped"
                );
                continue;
            };
            // Mapping back can round a corner onto the pixel just past the edge (the original's
            // arithmetic; its crop already stops inside). Reported and drawn boxes stay inside.
            let box_original = FaceBox::new(
                box_original.x1.clamp(0, original.width - 1),
                box_original.y1.clamp(0, original.height - 1),
                box_original.x2.clamp(0, original.width - 1),
                box_original.y2.clamp(0, original.height - 1),
            );
            let face_box_original = detect::to_original(&detection.face, processing, original);
            let landmarks = detection
                .landmarks
                .as_ref()
                .and_then(|points| landmarks_in_original(points, processing, original));
            faces.push(FoundFace {
                detection,
                box_processing,
                box_original,
                crop,
                face_box_original,
                landmarks,
            });
        }
        Ok((faces, times))
    }
}

/// A detector's landmarks, found in the processing frame, in original-frame pixels. The
/// processing frame is a linear resize of the original, which maps pixel centres: `x_original +
/// 0.5 = (x_processing + 0.5) * original / processing`.
fn landmarks_in_original(
    landmarks: &Landmarks,
    processing: ImageSize,
    original: ImageSize,
) -> Option<Landmarks> {
    let scale_x = f64::from(original.width) / f64::from(processing.width);
    let scale_y = f64::from(original.height) / f64::from(processing.height);
    let map = |v: f32, scale: f64| ((f64::from(v) + 0.5) * scale - 0.5) as f32;
    let mapped = landmarks
        .points()
        .iter()
        .map(|point| Point::new(map(point.x, scale_x), map(point.y, scale_y)))
        .collect();
    Landmarks::new(landmarks.scheme(), mapped).ok()
}

/// Views a continuous BGR frame as the detectors and the estimators take it, without copying.
pub fn frame_view(frame: &Mat) -> Result<BgrImage<'_>> {
    detect::bgr_view(frame).context("the frame is not a continuous 8-bit BGR image")
}
