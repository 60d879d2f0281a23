//! The [`FaceDetector`] trait every detector implements and its output, [`Detection`].

use opencv::core::{CV_8UC3, Mat, MatTraitConst};

use crate::error::DetectError;
use crate::face_box::FaceBox;

pub use opencv::core::Point2f;

/// Number of facial landmarks a detector may report (eyes, nose tip, mouth corners).
pub const LANDMARK_COUNT: usize = 5;

/// One face found in a frame.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Detection {
    /// The raw (unpadded) box in the coordinates of the frame given to the detector.
    pub face: FaceBox,
    /// The detector's score, when it has one (DNN, YuNet; not Haar).
    pub confidence: Option<f32>,
    /// Right eye, left eye, nose tip, right and left mouth corner, when the detector predicts
    /// them (YuNet).
    pub landmarks: Option<[Point2f; LANDMARK_COUNT]>,
}

impl Detection {
    /// A detection with a box only.
    pub const fn from_box(face: FaceBox) -> Self {
        Self {
            face,
            confidence: None,
            landmarks: None,
        }
    }
}

/// A face detector, built once and reused for every frame.
pub trait FaceDetector: Send {
    /// Finds the faces in a BGR 8-bit frame (`CV_8UC3`). Boxes are raw (unpadded), in the
    /// coordinates of `frame_bgr`.
    fn detect(&mut self, frame_bgr: &Mat) -> Result<Vec<Detection>, DetectError>;

    /// A short name for logs ("haar", "dnn", ...).
    fn name(&self) -> &'static str;
}

/// Rejects frames that are empty or not 8-bit 3-channel, before OpenCV sees them.
pub(crate) fn check_bgr_frame(frame: &Mat) -> Result<(), DetectError> {
    if frame.empty() || frame.typ() != CV_8UC3 || frame.dims() != 2 {
        return Err(DetectError::InvalidFrame {
            width: frame.cols(),
            height: frame.rows(),
            mat_type: frame.typ(),
        });
    }
    Ok(())
}
