//! Estimating the faces found in one frame: all of them as one batch per net.

use estimate::{ChipSource, Estimator, FaceEstimate, FaceInput};
use face::{BgrImage, Detection, Estimate, FaceBox, Landmarks};
use opencv::core::Mat;

use crate::error::{Context, Result};
use crate::finder::{FoundFace, frame_view};

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
