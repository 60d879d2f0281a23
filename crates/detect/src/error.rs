//! The one error type of this crate.

use std::path::PathBuf;

/// The command that puts the detector model files into `<workspace>/models/`.
pub const FETCH_MODELS_HINT: &str = "run `cargo xtask fetch-models --mirror ../shared/mirror` \
     (or without `--mirror` to download), or point AGENDER_MODELS / the config's model paths at them";

/// Everything that can go wrong while building a detector or detecting faces.
#[derive(Debug, thiserror::Error)]
pub enum DetectError {
    /// A model file named by the configuration does not exist.
    #[error("{what} {} not found; {FETCH_MODELS_HINT}", path.display())]
    ModelMissing {
        /// What the file is for (e.g. "Haar cascade").
        what: &'static str,
        /// The path that was looked up.
        path: PathBuf,
    },

    /// A model file that exists could not be loaded (by OpenCV or tract).
    #[error(
        "cannot load {what} {}: {reason}; delete it and {FETCH_MODELS_HINT}",
        path.display()
    )]
    ModelLoad {
        /// What the file is for (e.g. "Haar cascade").
        what: &'static str,
        /// The file that failed to load.
        path: PathBuf,
        /// What the loader reported, or why the loaded model is unusable.
        reason: String,
    },

    /// A configuration value is out of its allowed range.
    #[error("invalid detector setting `{key}` = {value}: expected {expected}")]
    InvalidConfig {
        /// Full key in the configuration, e.g. `detector.haar.scale_factor`.
        key: &'static str,
        /// The offending value as written.
        value: String,
        /// What would be accepted.
        expected: &'static str,
    },

    /// An OpenCV image given for detection is not a non-empty, continuous 8-bit 3-channel (BGR)
    /// image (see [`crate::bgr_view`]).
    #[cfg(feature = "opencv")]
    #[error(
        "cannot detect faces in a {width}x{height} frame of OpenCV type {mat_type}: \
         pass a non-empty, continuous 8-bit BGR image (CV_8UC3)"
    )]
    InvalidFrame {
        /// Frame width in pixels.
        width: i32,
        /// Frame height in pixels.
        height: i32,
        /// OpenCV type code of the frame (`CV_8UC3` is 16).
        mat_type: i32,
    },

    /// A frame size cannot be used for the geometry of the original program (a side is zero or
    /// negative, or the processing size would be empty).
    #[error(
        "cannot compute a processing size for a {width}x{height} frame with target area \
         {target_area}: both sides and the area must be positive and the aspect ratio moderate"
    )]
    InvalidFrameSize {
        /// Frame width in pixels.
        width: i32,
        /// Frame height in pixels.
        height: i32,
        /// Requested processing area in pixels.
        target_area: u64,
    },

    /// A network run by tract (YuNet) failed on a frame, or returned outputs it cannot read.
    #[error("the {detector} detector failed to run its network: {reason}")]
    Inference {
        /// The detector's name, e.g. "yunet".
        detector: &'static str,
        /// What tract reported, with the input size.
        reason: String,
    },

    /// The configuration selects a detector this build of the crate does not have.
    #[error(
        "the {kind} detector needs OpenCV, and this program was built without it (the `opencv` \
         feature of the `detect` crate): choose `kind = \"yunet\"` or build with the feature"
    )]
    Unavailable {
        /// The detector the configuration names.
        kind: crate::DetectorKind,
    },

    /// An OpenCV call failed while detecting.
    #[cfg(feature = "opencv")]
    #[error("OpenCV failed to {operation}: {source}")]
    OpenCv {
        /// What was being done, e.g. "convert the frame to grayscale".
        operation: &'static str,
        /// The OpenCV error.
        #[source]
        source: opencv::Error,
    },
}

#[cfg(feature = "opencv")]
impl DetectError {
    /// Wraps an OpenCV error with what was being done.
    pub(crate) fn opencv(operation: &'static str) -> impl FnOnce(opencv::Error) -> Self {
        move |source| Self::OpenCv { operation, source }
    }
}
