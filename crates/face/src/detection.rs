//! [`Detection`]: one face a detector found.

use crate::face_box::FaceBox;
use crate::landmarks::Landmarks;

/// One face found in a frame.
#[derive(Debug, Clone, PartialEq)]
pub struct Detection {
    /// The raw (unpadded) box in the coordinates of the frame given to the detector.
    pub face: FaceBox,
    /// The detector's score, when it has one (DNN, YuNet; not Haar).
    pub confidence: Option<f32>,
    /// The face's landmarks in the same coordinates, when the detector predicts them (YuNet's
    /// five points).
    pub landmarks: Option<Landmarks>,
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
