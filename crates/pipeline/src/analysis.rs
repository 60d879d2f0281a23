//! One frame through the original's steps: shrink, find faces on the small frame, pad the boxes,
//! map them back, cut the faces from the full-size frame, estimate all of them as one batch.

use std::time::{Duration, Instant};

use crate::error::{Context, Result};
use detect::FaceDetector;
use estimate::{ChipSource, Estimator, FaceEstimate, FaceInput};
use face::{BgrImage, Detection, Estimate, FaceBox, ImageSize, Landmarks, Point};
use opencv::core::{Mat, Size};
use opencv::imgproc;
use track::Tracker;

use crate::error::PipelineError;
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

/// One face found and estimated in a frame.
#[derive(Debug, Clone)]
pub struct FaceResult {
    /// What the detector returned, in processing-frame pixels, unpadded.
    pub detection: Detection,
    /// The padded box in processing-frame pixels (what the original program reports).
    pub box_processing: FaceBox,
    /// The padded box in original-frame pixels (inclusive corners).
    pub box_original: FaceBox,
    /// Gender and age (smoothed over the track when `smoothed`).
    pub estimate: Estimate,
    /// Track ID when tracking is on.
    pub track_id: Option<u64>,
    /// Whether `estimate` was smoothed over the track rather than taken from this frame alone.
    pub smoothed: bool,
    /// Whether the track's earlier estimate was reused instead of running the nets on this frame.
    pub reused: bool,
    /// The landmarks the estimator aligned the face on, in original-frame pixels.
    pub landmarks: Option<Landmarks>,
    /// What the estimator's nets were given (crop, aligned chip, or the box when landmarks
    /// were unusable); `None` when the track's earlier estimate was reused.
    pub chip_source: Option<ChipSource>,
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

/// The estimator's inputs for `faces` of `frame`.
pub fn face_inputs<'a, 'f>(
    frame: BgrImage<'a>,
    faces: impl IntoIterator<Item = &'f FoundFace>,
) -> Vec<FaceInput<'a>> {
    faces
        .into_iter()
        .map(|face| FaceInput {
            frame,
            face_box: face.face_box_original,
            crop: face.crop,
            landmarks: face.landmarks.clone(),
        })
        .collect()
}

/// Estimates `faces` of `frame` as one batch per net.
pub fn estimate_found(
    estimator: &Estimator,
    frame: &Mat,
    faces: &[&FoundFace],
) -> Result<Vec<FaceEstimate>> {
    if faces.is_empty() {
        return Ok(Vec::new());
    }
    let inputs = face_inputs(frame_view(frame)?, faces.iter().copied());
    estimator
        .estimate_faces(&inputs)
        .context("gender and age estimation failed")
}

/// Estimates every found face of `frame` with one batch per net.
pub fn estimate_faces(
    estimator: &Estimator,
    frame: &Mat,
    faces: Vec<FoundFace>,
) -> Result<Vec<FaceResult>> {
    if faces.is_empty() {
        return Ok(Vec::new());
    }
    let estimates = estimate_found(estimator, frame, &faces.iter().collect::<Vec<_>>())?;
    Ok(faces
        .into_iter()
        .zip(estimates)
        .map(|(face, estimated)| FaceResult {
            detection: face.detection,
            box_processing: face.box_processing,
            box_original: face.box_original,
            estimate: estimated.estimate,
            track_id: None,
            smoothed: false,
            reused: false,
            landmarks: estimated.landmarks,
            chip_source: Some(estimated.source),
        })
        .collect())
}

/// Estimates the faces found in video frames, through the tracker when labels are stabilised.
pub struct FrameAnalyzer {
    estimator: Estimator,
    tracker: Option<Tracker>,
}

impl FrameAnalyzer {
    /// Wraps a ready estimator, and a tracker when labels are to be stabilised.
    pub fn new(estimator: Estimator, tracker: Option<Tracker>) -> Self {
        Self { estimator, tracker }
    }

    /// The estimator's padding ratio, which the face finders must apply to their boxes.
    pub fn padding_ratio(&self) -> f32 {
        self.estimator.padding_ratio()
    }

    /// Which threads run the estimator's age and gender nets (see [`Estimator::threads`]).
    pub fn estimator_threads(&self) -> String {
        self.estimator.threads()
    }

    /// Estimates the `faces` found in the BGR `frame` (frames must come in order when tracking).
    pub fn analyze(
        &mut self,
        frame: &Mat,
        faces: Vec<FoundFace>,
        stats: &mut RunStats,
    ) -> Result<Vec<FaceResult>> {
        stats.time(Stage::Estimate, || match self.tracker.as_mut() {
            Some(tracker) => {
                crate::tracking::estimate_tracked(tracker, &self.estimator, frame, faces)
            }
            None => estimate_faces(&self.estimator, frame, faces),
        })
    }
}
