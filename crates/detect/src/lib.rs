//! Face detection for the agender pipeline: OpenCV's Haar cascade and DNN SSD detectors, and
//! YuNet run in pure Rust through tract ([`yunet`]), behind one [`FaceDetector`] trait that takes
//! a [`face::BgrImage`], and the original program's box geometry reproduced exactly.
//!
//! The frame loop of the original (see `docs/models.md`, section 4) is:
//! 1. [`processing_size`] of the frame; resize the frame to it (`imgproc::resize`, INTER_LINEAR);
//! 2. [`FaceDetector::detect`] on the small frame: [`face::Detection`]s with raw
//!    [`face::FaceBox`]es;
//! 3. [`pad_and_clamp`] each box by the estimator's padding ratio (the original's `findFaces`);
//! 4. [`to_original`] and [`crop_rect`] to cut each face from the original frame
//!    (`collectFaces`).
//!
//! # Features
//! `opencv` (on by default): the Haar and DNN detectors, which OpenCV runs, and `bgr_view`,
//! which views an OpenCV `Mat` as a [`face::BgrImage`]. Without it (`default-features = false`)
//! the crate has YuNet alone and needs no OpenCV to build or run; [`build_detector`] then refuses
//! the other kinds with [`DetectError::Unavailable`].
//!
//! ```no_run
//! use detect::{DetectorConfig, DetectorKind, build_detector, default_models_dir};
//! use face::{BgrImage, ImageSize};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let config = DetectorConfig { kind: DetectorKind::Yunet, ..DetectorConfig::default() };
//! let mut detector = build_detector(&config, &default_models_dir())?;
//! let pixels = vec![0u8; 539 * 302 * 3]; // a BGR frame at the processing size
//! let frame = BgrImage::packed(539, 302, &pixels)?;
//! for detection in detector.detect(&frame)? {
//!     let padded = detect::pad_and_clamp(&detection.face, 0.1, ImageSize::new(539, 302));
//!     let in_original = detect::to_original(&padded, ImageSize::new(539, 302), ImageSize::new(400, 224));
//!     let _crop = detect::crop_rect(&in_original, ImageSize::new(400, 224));
//! }
//! # Ok(())
//! # }
//! ```
//!
//! The example `examples/detect-image` finds the faces of a photo (read by OpenCV) with this crate.

mod config;
mod detector;
#[cfg(feature = "opencv")]
pub mod dnn;
mod error;
mod factory;
mod geometry;
#[cfg(feature = "opencv")]
pub mod haar;
mod models;
#[cfg(feature = "opencv")]
mod opencv_frame;
pub mod yunet;

pub use config::{
    DEFAULT_DNN_CONFIDENCE, DEFAULT_DNN_CONFIG, DEFAULT_DNN_INPUT_SIDE, DEFAULT_DNN_MEAN,
    DEFAULT_DNN_MODEL, DEFAULT_DNN_SCALE, DEFAULT_HAAR_CASCADE, DEFAULT_HAAR_MIN_NEIGHBORS,
    DEFAULT_HAAR_SCALE_FACTOR, DetectorConfig, DetectorKind, DetectorRuntime, DnnConfig,
    HaarConfig, ObjectSize,
};
pub use detector::FaceDetector;
#[cfg(feature = "opencv")]
pub use dnn::DnnDetector;
pub use error::{DetectError, FETCH_MODELS_HINT};
pub use face::{MODELS_DIR_ENV, default_models_dir};
pub use factory::build_detector;
pub use geometry::{
    ORIGINAL_PROCESSING_AREA, crop_rect, pad_and_clamp, processing_size, to_original,
};
#[cfg(feature = "opencv")]
pub use haar::HaarDetector;
#[cfg(feature = "opencv")]
pub use opencv_frame::bgr_view;
pub use yunet::{
    DEFAULT_YUNET_MODEL, DEFAULT_YUNET_NMS_THRESHOLD, DEFAULT_YUNET_SCORE_THRESHOLD,
    DEFAULT_YUNET_TOP_K, YunetConfig, YunetDetector, YunetFace,
};
