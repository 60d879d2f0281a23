//! The one error type of this crate.

use std::path::PathBuf;

/// The command that produces the converted models in `<workspace>/models/`.
pub const FETCH_MODELS_HINT: &str = "run `cargo xtask fetch-models --mirror ../shared/mirror` \
     (or without `--mirror` to download), or point AGENDER_MODELS / the config's model paths at them";

/// Boxed upstream error (tract reports `anyhow` errors; they are kept as the `source`).
pub type BoxedSource = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Everything that can go wrong while loading the nets or estimating age and gender.
#[derive(Debug, thiserror::Error)]
pub enum EstimateError {
    /// A face image or its landmarks do not hold together (see [`crate::BgrImage::new`]).
    #[error(transparent)]
    InvalidImage(#[from] face::FaceError),

    /// A face chip does not have the size its net takes (a bug of the caller, not of the input).
    #[error("a {width}x{height} face chip was given to a net that takes {expected}x{expected}")]
    ChipSize {
        /// Width of the chip given.
        width: usize,
        /// Height of the chip given.
        height: usize,
        /// The side the net takes.
        expected: usize,
    },

    /// A face's crop lies wholly outside its frame.
    #[error(
        "the face crop {left},{top}..{right},{bottom} has no pixel inside the {width}x{height} frame"
    )]
    CropOutsideFrame {
        /// Left column of the crop.
        left: i32,
        /// Top row of the crop.
        top: i32,
        /// Right column of the crop (inclusive).
        right: i32,
        /// Bottom row of the crop (inclusive).
        bottom: i32,
        /// Frame width.
        width: usize,
        /// Frame height.
        height: usize,
    },

    /// A setting of the estimator is out of range.
    #[error("{key} = {value} is out of range: use a value from {range}")]
    InvalidSetting {
        /// The configuration key.
        key: &'static str,
        /// The value given.
        value: f64,
        /// The accepted range, in words.
        range: &'static str,
    },

    /// A name in the configuration or on the command line that is not one of the choices.
    #[error("{key} = {value:?} is not known: use {expected}")]
    UnknownName {
        /// The configuration key.
        key: &'static str,
        /// The name given.
        value: String,
        /// The accepted names, in words.
        expected: &'static str,
    },

    /// An aligned estimator's nets gave no estimate for some faces (a bug, not an input error).
    #[error("the {kind} estimator's nets did not give one estimate per face")]
    NoAlignedNet {
        /// The estimator.
        kind: crate::EstimatorKind,
    },

    /// dlib's shape predictor or a face chip failed.
    #[error(transparent)]
    Align(#[from] align::AlignError),

    /// A resize target was empty or too large to allocate.
    #[error(
        "cannot resize to {width}x{height}: the target must be non-empty and fit in memory; \
         use a positive, reasonable size"
    )]
    InvalidResizeTarget {
        /// Requested width in pixels.
        width: usize,
        /// Requested height in pixels.
        height: usize,
    },

    /// A model file is not where the configuration says it is.
    #[error("model file {} not found; {FETCH_MODELS_HINT}", path.display())]
    ModelMissing {
        /// The path that was looked up.
        path: PathBuf,
    },

    /// tract could not read, type-check or optimise a model file.
    #[error(
        "cannot load model {}: it is not a valid ONNX net with a {expected_input} input; \
         delete it and {FETCH_MODELS_HINT}",
        path.display()
    )]
    ModelLoad {
        /// The model file.
        path: PathBuf,
        /// The input the crate expected the model to take, e.g. `f32 [N,64,64,3]`.
        expected_input: String,
        /// What tract reported.
        #[source]
        source: BoxedSource,
    },

    /// Running a net failed.
    #[error("running model {} on a batch of {batch} faces failed", path.display())]
    Inference {
        /// The model file.
        path: PathBuf,
        /// Number of faces in the batch.
        batch: usize,
        /// What tract reported.
        #[source]
        source: BoxedSource,
    },

    /// A net returned an output of an unexpected shape: the file is not the net this crate
    /// expects.
    #[error(
        "model {} returned an output of shape {actual:?}, expected {expected:?}; the file is not \
         the expected conversion: delete it and {FETCH_MODELS_HINT}",
        path.display()
    )]
    UnexpectedOutput {
        /// The model file.
        path: PathBuf,
        /// Shape the model produced.
        actual: Vec<usize>,
        /// Shape that was expected.
        expected: Vec<usize>,
    },

    /// A pre-built input blob does not hold `batch` faces.
    #[error(
        "input blob has {len} values but {batch} faces need {expected}; pass a [N,64,64,3] \
         little-endian HWC BGR f32 blob and the matching N"
    )]
    BlobSize {
        /// Number of values passed.
        len: usize,
        /// Number of faces claimed.
        batch: usize,
        /// Number of values that many faces need.
        expected: usize,
    },

    /// The configured padding ratio cannot be used to enlarge a face box.
    #[error(
        "invalid estimator setting 'estimator.padding_ratio' = {value}: expected a finite number \
         from 0.0 to 1.0 (the original uses 0.10 for ssrnet, 0.0 for caffe)"
    )]
    InvalidPaddingRatio {
        /// The configured value.
        value: f32,
    },

    /// A chip for face-api's AgeGenderNet is not of the net's input size.
    #[error(
        "face-api chip is {width}x{height}, the AgeGenderNet needs {expected}x{expected}; \
         align or resize the face to that size first"
    )]
    FaceApiChipSize {
        /// Width of the chip given.
        width: usize,
        /// Height of the chip given.
        height: usize,
        /// The net's input side (112).
        expected: usize,
    },
}
