//! One frame through the original's steps: shrink, find faces on the small frame, pad the boxes,
//! map them back, cut the faces from the full-size frame, estimate all of them as one batch.

use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use detect::{Detection, FaceBox, FaceDetector, ImageSize};
use estimate::{BgrImage, Estimate, Estimator};
use opencv::core::{Mat, Rect, Size};
use opencv::imgproc;
use opencv::prelude::*;
use track::Tracker;

use crate::failure::usage;
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
    /// The pixels cut from the original frame for the estimator.
    pub crop: Rect,
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
    /// Wraps a ready detector; `padding_ratio` is the estimator's (0.10 for SSR-Net, 0 for Caffe).
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
        let size = frame.size().context("cannot read the frame size")?;
        let original = ImageSize::new(size.width, size.height);
        let processing = detect::processing_size(original, u64::from(self.processing_area))
            .map_err(|err| {
                // Only the configured area can make this fail for a decoded (non-empty) frame.
                usage(anyhow::Error::new(err).context(format!(
                    "processing.area = {} is too small for a {}x{} frame: raise it (the original uses {})",
                    self.processing_area,
                    size.width,
                    size.height,
                    crate::config::DEFAULT_PROCESSING_AREA
                )))
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
        let detections = self
            .detector
            .detect(&self.small_frame)
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
            let Some(crop) =
                detect::crop_rect(&box_original, original).map(|crop| crop.to_cv_rect())
            else {
                tracing::debug!(
                    ?box_original,
                    "face box has no pixels inside the frame; skipped"
                );
                continue;
            };
            // Mapping back can round a corner onto the pixel just past the edge (the original's
            // arithmetic; its crop already stops inside). Reported and drawn boxes stay inside.
            let box_original = FaceBox {
                x1: box_original.x1.clamp(0, original.width - 1),
                y1: box_original.y1.clamp(0, original.height - 1),
                x2: box_original.x2.clamp(0, original.width - 1),
                y2: box_original.y2.clamp(0, original.height - 1),
            };
            faces.push(FoundFace {
                detection,
                box_processing,
                box_original,
                crop,
            });
        }
        Ok((faces, times))
    }
}

/// Views the given regions of a continuous BGR frame as estimator inputs, without copying.
pub fn crop_views<'a>(
    frame: &'a Mat,
    crops: impl IntoIterator<Item = Rect>,
) -> Result<Vec<BgrImage<'a>>> {
    let pixels = frame
        .data_bytes()
        .context("the frame is not a continuous 8-bit BGR image")?;
    let stride = frame.step1(0).context("cannot read the frame stride")? * frame.elem_size1();
    crops
        .into_iter()
        .map(|rect| {
            let offset = rect.y as usize * stride + rect.x as usize * estimate::BGR_CHANNELS;
            let data = pixels
                .get(offset..)
                .context("face crop outside the frame")?;
            BgrImage::new(rect.width as usize, rect.height as usize, stride, data)
                .context("cannot view the face crop")
        })
        .collect()
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
    let crops = crop_views(frame, faces.iter().map(|face| face.crop))?;
    let estimates = estimator
        .estimate(&crops)
        .context("gender and age estimation failed")?;
    Ok(faces
        .into_iter()
        .zip(estimates)
        .map(|(face, estimate)| FaceResult {
            detection: face.detection,
            box_processing: face.box_processing,
            box_original: face.box_original,
            estimate,
            track_id: None,
            smoothed: false,
            reused: false,
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
