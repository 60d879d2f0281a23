//! Gender and age estimation for face crops, in pure Rust (nets run by tract).
//!
//! Give an [`Estimator`] the faces of one frame as [`BgrImage`]s (8-bit BGR crops of any size,
//! e.g. OpenCV `Mat` regions viewed zero-copy); get one [`Estimate`] per face: a [`Gender`]
//! with its score and an [`AgeEstimate`] (years for SSR-Net, one of [`AGE_GROUPS`] for the Caffe
//! nets). The nets are loaded and optimised once; each call sends all faces through each net as
//! one batch, with the gender and age nets running in parallel.
//!
//! ```no_run
//! use estimate::{BgrImage, Estimator, EstimatorConfig, default_models_dir};
//!
//! # fn main() -> Result<(), estimate::EstimateError> {
//! // SSR-Net, from `$AGENDER_MODELS` or `./models` (where `cargo xtask fetch-models` writes).
//! let estimator = Estimator::from_config(&EstimatorConfig::default(), &default_models_dir())?;
//!
//! let pixels = vec![128u8; 80 * 96 * 3]; // an 80x96 BGR crop, rows tightly packed
//! let face = BgrImage::packed(80, 96, &pixels)?;
//! for estimate in estimator.estimate(&[face])? {
//!     println!("{} (gender score {})", estimate.label(), estimate.gender_score); // "Male,32"
//! }
//! # Ok(())
//! # }
//! ```
//!
//! Preprocessing reproduces the original Python program bit for bit (see [`preprocess`]);
//! [`SsrNet::run_blob`] runs the nets on a ready-made input blob.
//!
//! The example `examples/estimate-crops` estimates a folder of face photos with this crate alone.

mod aligned;
mod alignment;
mod backend;
pub mod caffe;
mod config;
mod denormals;
pub mod dlib;
mod ensemble;
mod error;
mod estimate;
mod estimator;
mod face_input;
pub mod faceapi;
mod flip;
mod models;
mod net_pair;
mod onnx_net;
mod pair;
pub mod preprocess;
mod ssrnet;

pub use alignment::{
    AlignmentConfig, DEFAULT_FACEAPI_PADDING, LandmarkSource, MAX_CHIP_PADDING,
    SHAPE_PREDICTOR_MODEL,
};
pub use caffe::{CaffeNets, RawCaffeOutputs};
pub use config::{
    ALIGNED_PADDING_RATIO, CAFFE_AGE_MODEL, CAFFE_GENDER_MODEL, CAFFE_PADDING_RATIO,
    DLIB_AGE_MODEL, DLIB_GENDER_MODEL, EstimatorConfig, EstimatorKind, MAX_PADDING_RATIO,
    SSRNET_AGE_MODEL, SSRNET_GENDER_MODEL, SSRNET_PADDING_RATIO,
};
pub use dlib::{DlibNets, RawDlibOutputs};
pub use ensemble::{DEFAULT_DLIB_AGE_WEIGHT, DEFAULT_DLIB_GENDER_WEIGHT, EnsembleConfig};
pub use error::{BoxedSource, EstimateError, FETCH_MODELS_HINT};
pub use estimator::Estimator;
// The `face` types this crate's API takes and returns, so that a program using the estimators
// alone needs no other import.
pub use face::{
    AGE_GROUP_COUNT, AGE_GROUPS, AgeEstimate, BGR_CHANNELS, BgrImage, Estimate, FaceBox, FaceError,
    Gender, LandmarkScheme, Landmarks, MALE_PROBABILITY_THRESHOLD, Point, SSRNET_MALE_THRESHOLD,
};
pub use face::{MODELS_DIR_ENV, default_models_dir};
pub use face_input::{ChipSource, FaceEstimate, FaceInput};
pub use faceapi::{FACEAPI_AGE_GENDER_MODEL, FaceApiNet, RawFaceApiOutputs};
pub use models::ModelPaths;
pub use ssrnet::{RawSsrOutputs, SsrNet};
