//! The [`FaceDetector`] trait every detector implements.

use face::Detection;
use opencv::core::{CV_8UC3, Mat, MatTraitConst};

use crate::error::DetectError;

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
