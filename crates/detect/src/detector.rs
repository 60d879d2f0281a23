//! The [`FaceDetector`] trait every detector implements.

use face::{BgrImage, Detection};

use crate::error::DetectError;

/// A face detector, built once and reused for every frame.
pub trait FaceDetector: Send {
    /// Finds the faces in an 8-bit BGR frame. Boxes are raw (unpadded), in the coordinates of
    /// `frame`.
    fn detect(&mut self, frame: &BgrImage<'_>) -> Result<Vec<Detection>, DetectError>;

    /// A short name for logs ("haar", "dnn", ...).
    fn name(&self) -> &'static str;
}
