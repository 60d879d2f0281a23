//! Detector configuration: [`DetectorKind`] and [`DetectorConfig`] with one section per
//! detector. Defaults are the original program's values (`docs/models.md`, section 3).

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::DetectError;
use crate::yunet::YunetConfig;

/// Which face detector to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DetectorKind {
    /// OpenCV Haar cascade (`haarcascade_frontalface_alt.xml`), the original's default.
    #[default]
    Haar,
    /// OpenCV DNN SSD (ResNet-10, `opencv_face_detector_uint8.pb`).
    Dnn,
    /// YuNet (`face_detection_yunet_2023mar.onnx`) run by tract.
    Yunet,
}

impl DetectorKind {
    /// Every kind, in the order the configuration documents them.
    pub const ALL: [DetectorKind; 3] = [DetectorKind::Haar, DetectorKind::Dnn, DetectorKind::Yunet];

    /// The name used in configuration files and on the command line.
    pub const fn name(self) -> &'static str {
        match self {
            DetectorKind::Haar => "haar",
            DetectorKind::Dnn => "dnn",
            DetectorKind::Yunet => "yunet",
        }
    }

    /// What runs this detector, and so which threads one detection uses.
    pub const fn runtime(self) -> DetectorRuntime {
        match self {
            DetectorKind::Haar | DetectorKind::Dnn => DetectorRuntime::OpenCv,
            DetectorKind::Yunet => DetectorRuntime::Tract,
        }
    }
}

/// What runs a detector's cascade or network.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DetectorRuntime {
    /// OpenCV, which spreads one detection over its own worker threads (`cv::setNumThreads`).
    OpenCv,
    /// tract, single-threaded on the calling thread.
    Tract,
}

impl fmt::Display for DetectorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for DetectorKind {
    type Err = DetectError;

    /// Parses `haar`, `dnn` or `yunet` (case-insensitive).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        DetectorKind::ALL
            .into_iter()
            .find(|kind| kind.name().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| DetectError::InvalidConfig {
                key: "detector.kind",
                value: format!("{s:?}"),
                expected: "one of \"haar\", \"dnn\", \"yunet\"",
            })
    }
}

/// The `[detector]` section: which detector to run and the parameters of each.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DetectorConfig {
    /// The detector to build.
    pub kind: DetectorKind,
    /// Parameters of the Haar cascade detector.
    pub haar: HaarConfig,
    /// Parameters of the DNN SSD detector.
    pub dnn: DnnConfig,
    /// Parameters of the YuNet detector.
    pub yunet: YunetConfig,
}

impl DetectorConfig {
    /// Checks every value of every section (not only the selected kind's, so a typo is caught
    /// before someone switches detectors). Errors name the key and the value.
    pub fn validate(&self) -> Result<(), DetectError> {
        self.haar.validate()?;
        self.dnn.validate()?;
        self.yunet.validate()
    }

    /// The model files the selected detector loads, resolved against `models_dir`.
    pub fn model_files(&self, models_dir: &Path) -> Vec<PathBuf> {
        match self.kind {
            DetectorKind::Haar => vec![self.haar.cascade_path(models_dir)],
            DetectorKind::Dnn => vec![
                self.dnn.model_path(models_dir),
                self.dnn.config_path(models_dir),
            ],
            DetectorKind::Yunet => vec![self.yunet.model_path(models_dir)],
        }
    }
}

/// A minimum or maximum object size in pixels of the processing frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ObjectSize {
    /// Width in pixels.
    pub width: i32,
    /// Height in pixels.
    pub height: i32,
}

/// The Haar cascade's file name in the models directory (`models/manifest.toml`).
pub const DEFAULT_HAAR_CASCADE: &str = "haarcascade_frontalface_alt.xml";
/// `scaleFactor` of the original's `detectMultiScale` call.
pub const DEFAULT_HAAR_SCALE_FACTOR: f64 = 1.1;
/// `minNeighbors` of the original's `detectMultiScale` call.
pub const DEFAULT_HAAR_MIN_NEIGHBORS: i32 = 5;

/// The `[detector.haar]` section: `CascadeClassifier::detectMultiScale` on the grayscale frame.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct HaarConfig {
    /// Cascade XML file; a relative path is taken relative to the models directory.
    pub cascade: PathBuf,
    /// How much the image shrinks between scales; must be greater than 1.
    pub scale_factor: f64,
    /// How many overlapping candidates a face needs to be kept; 0 or more.
    pub min_neighbors: i32,
    /// Smallest face to look for (OpenCV's default, no limit, when absent).
    pub min_size: Option<ObjectSize>,
    /// Largest face to look for (no limit when absent).
    pub max_size: Option<ObjectSize>,
}

impl Default for HaarConfig {
    fn default() -> Self {
        Self {
            cascade: PathBuf::from(DEFAULT_HAAR_CASCADE),
            scale_factor: DEFAULT_HAAR_SCALE_FACTOR,
            min_neighbors: DEFAULT_HAAR_MIN_NEIGHBORS,
            min_size: None,
            max_size: None,
        }
    }
}

impl HaarConfig {
    /// The cascade file, resolved against `models_dir` when relative.
    pub fn cascade_path(&self, models_dir: &Path) -> PathBuf {
        models_dir.join(&self.cascade)
    }

    /// Checks the values; errors name the key and the value.
    pub fn validate(&self) -> Result<(), DetectError> {
        if !(self.scale_factor.is_finite() && self.scale_factor > 1.0) {
            return Err(DetectError::InvalidConfig {
                key: "detector.haar.scale_factor",
                value: self.scale_factor.to_string(),
                expected: "a number greater than 1 (the original uses 1.1)",
            });
        }
        if self.min_neighbors < 0 {
            return Err(DetectError::InvalidConfig {
                key: "detector.haar.min_neighbors",
                value: self.min_neighbors.to_string(),
                expected: "an integer of 0 or more (the original uses 5)",
            });
        }
        validate_object_size("detector.haar.min_size", self.min_size)?;
        validate_object_size("detector.haar.max_size", self.max_size)?;
        if let (Some(min), Some(max)) = (self.min_size, self.max_size)
            && (max.width < min.width || max.height < min.height)
        {
            return Err(DetectError::InvalidConfig {
                key: "detector.haar.max_size",
                value: format!("{}x{}", max.width, max.height),
                expected: "a size at least as large as detector.haar.min_size",
            });
        }
        Ok(())
    }
}

fn validate_object_size(key: &'static str, size: Option<ObjectSize>) -> Result<(), DetectError> {
    match size {
        Some(s) if s.width <= 0 || s.height <= 0 => Err(DetectError::InvalidConfig {
            key,
            value: format!("{{ width = {}, height = {} }}", s.width, s.height),
            expected: "positive width and height in pixels",
        }),
        _ => Ok(()),
    }
}

/// The SSD's frozen TensorFlow graph in the models directory (`models/manifest.toml`).
pub const DEFAULT_DNN_MODEL: &str = "opencv_face_detector_uint8.pb";
/// The SSD's text graph description in the models directory (`models/manifest.toml`).
pub const DEFAULT_DNN_CONFIG: &str = "opencv_face_detector.pbtxt";
/// The original's `blobFromImage` size, 300x300.
pub const DEFAULT_DNN_INPUT_SIDE: i32 = 300;
/// The original's `blobFromImage` scale factor.
pub const DEFAULT_DNN_SCALE: f64 = 1.0;
/// The original's `blobFromImage` mean, as passed (it applies after the R/B swap).
pub const DEFAULT_DNN_MEAN: [f64; 3] = [104.0, 117.0, 123.0];
/// The original's minimum confidence (`findFaces(img, confidence_threshold=0.7)`).
pub const DEFAULT_DNN_CONFIDENCE: f32 = 0.7;

/// The `[detector.dnn]` section: OpenCV DNN SSD, parameters of `blobFromImage` and the
/// confidence threshold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DnnConfig {
    /// Frozen graph (`.pb`); a relative path is taken relative to the models directory.
    pub model: PathBuf,
    /// Text graph (`.pbtxt`); a relative path is taken relative to the models directory.
    pub config: PathBuf,
    /// Blob width in pixels.
    pub input_width: i32,
    /// Blob height in pixels.
    pub input_height: i32,
    /// Multiplier applied to pixel values after mean subtraction.
    pub scale: f64,
    /// Mean subtracted from each channel, in the order `blobFromImage` takes it.
    pub mean: [f64; 3],
    /// Swap the first and last channels (BGR to RGB) before subtracting the mean.
    pub swap_rb: bool,
    /// Crop the centre instead of resizing the whole frame.
    pub crop: bool,
    /// Minimum confidence of a kept detection, in 0..=1.
    pub confidence_threshold: f32,
}

impl Default for DnnConfig {
    fn default() -> Self {
        Self {
            model: PathBuf::from(DEFAULT_DNN_MODEL),
            config: PathBuf::from(DEFAULT_DNN_CONFIG),
            input_width: DEFAULT_DNN_INPUT_SIDE,
            input_height: DEFAULT_DNN_INPUT_SIDE,
            scale: DEFAULT_DNN_SCALE,
            mean: DEFAULT_DNN_MEAN,
            swap_rb: true,
            crop: false,
            confidence_threshold: DEFAULT_DNN_CONFIDENCE,
        }
    }
}

impl DnnConfig {
    /// The frozen graph, resolved against `models_dir` when relative.
    pub fn model_path(&self, models_dir: &Path) -> PathBuf {
        models_dir.join(&self.model)
    }

    /// The text graph, resolved against `models_dir` when relative.
    pub fn config_path(&self, models_dir: &Path) -> PathBuf {
        models_dir.join(&self.config)
    }

    /// Checks the values; errors name the key and the value.
    pub fn validate(&self) -> Result<(), DetectError> {
        for (key, side) in [
            ("detector.dnn.input_width", self.input_width),
            ("detector.dnn.input_height", self.input_height),
        ] {
            if side <= 0 {
                return Err(DetectError::InvalidConfig {
                    key,
                    value: side.to_string(),
                    expected: "a positive number of pixels (the original uses 300)",
                });
            }
        }
        if !(self.scale.is_finite() && self.scale > 0.0) {
            return Err(DetectError::InvalidConfig {
                key: "detector.dnn.scale",
                value: self.scale.to_string(),
                expected: "a positive number (the original uses 1.0)",
            });
        }
        if !self.mean.iter().all(|m| m.is_finite()) {
            return Err(DetectError::InvalidConfig {
                key: "detector.dnn.mean",
                value: format!("{:?}", self.mean),
                expected: "three finite numbers (the original uses [104, 117, 123])",
            });
        }
        if !(0.0..=1.0).contains(&self.confidence_threshold) {
            return Err(DetectError::InvalidConfig {
                key: "detector.dnn.confidence_threshold",
                value: self.confidence_threshold.to_string(),
                expected: "a number from 0 to 1 (the original uses 0.7)",
            });
        }
        Ok(())
    }
}
