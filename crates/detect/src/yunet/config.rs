//! The `[detector.yunet]` configuration section.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::DetectError;

/// YuNet's file name in the models directory (`models/manifest.toml`).
pub const DEFAULT_YUNET_MODEL: &str = "face_detection_yunet_2023mar.onnx";
/// Minimum face score. Lower than OpenCV's `FaceDetectorYN` default (0.9), which this model's
/// compressed scores make too strict: on the shared test videos frontal faces score 0.90-0.94,
/// turned faces 0.60-0.89 and the best non-face 0.56 (a hand in `input1.mp4`); see the
/// `yunet` module docs.
pub const DEFAULT_YUNET_SCORE_THRESHOLD: f32 = 0.7;
/// IoU above which the lower-scored of two boxes is suppressed: `FaceDetectorYN`'s default.
pub const DEFAULT_YUNET_NMS_THRESHOLD: f32 = 0.3;
/// Number of best candidates kept before suppression: `FaceDetectorYN`'s default.
pub const DEFAULT_YUNET_TOP_K: usize = 5000;

/// The `[detector.yunet]` section: the model file and the thresholds of the post-processing
/// (OpenCV's `FaceDetectorYN` defaults, except the score threshold).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct YunetConfig {
    /// The ONNX model; a relative path is taken relative to the models directory.
    pub model: PathBuf,
    /// Minimum face score `sqrt(cls * obj)`, in 0..=1.
    pub score_threshold: f32,
    /// Non-maximum suppression IoU threshold, in 0..=1.
    pub nms_threshold: f32,
    /// How many best-scoring candidates enter the suppression; at least 1.
    pub top_k: usize,
    /// Grow each box to a square of its height, centred sideways on the five landmarks (YuNet's
    /// boxes are about 0.73 as wide as tall; the estimators squeeze every crop into a square
    /// input, and the original program fed them Haar's square boxes). `false` keeps YuNet's own
    /// boxes.
    pub square_boxes: bool,
}

impl Default for YunetConfig {
    fn default() -> Self {
        Self {
            model: PathBuf::from(DEFAULT_YUNET_MODEL),
            score_threshold: DEFAULT_YUNET_SCORE_THRESHOLD,
            nms_threshold: DEFAULT_YUNET_NMS_THRESHOLD,
            top_k: DEFAULT_YUNET_TOP_K,
            square_boxes: true,
        }
    }
}

impl YunetConfig {
    /// The model file, resolved against `models_dir` when relative.
    pub fn model_path(&self, models_dir: &Path) -> PathBuf {
        models_dir.join(&self.model)
    }

    /// Checks the values; errors name the key and the value.
    pub fn validate(&self) -> Result<(), DetectError> {
        for (key, value, default) in [
            (
                "detector.yunet.score_threshold",
                self.score_threshold,
                "a number from 0 to 1 (default 0.7)",
            ),
            (
                "detector.yunet.nms_threshold",
                self.nms_threshold,
                "a number from 0 to 1 (default 0.3)",
            ),
        ] {
            if !(0.0..=1.0).contains(&value) {
                return Err(DetectError::InvalidConfig {
                    key,
                    value: value.to_string(),
                    expected: default,
                });
            }
        }
        if self.top_k == 0 {
            return Err(DetectError::InvalidConfig {
                key: "detector.yunet.top_k",
                value: self.top_k.to_string(),
                expected: "a positive number of candidates (default 5000)",
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_follow_opencv_except_the_score_threshold() {
        let config = YunetConfig::default();
        assert_eq!(config.score_threshold, 0.7);
        assert_eq!(config.nms_threshold, 0.3);
        assert_eq!(config.top_k, 5000);
        assert!(config.validate().is_ok());
        assert_eq!(
            config.model_path(Path::new("/m")),
            PathBuf::from("/m/face_detection_yunet_2023mar.onnx")
        );
    }

    #[test]
    fn out_of_range_values_are_rejected_with_their_key() {
        let bad_score = YunetConfig {
            score_threshold: 1.5,
            ..YunetConfig::default()
        };
        let message = bad_score.validate().unwrap_err().to_string();
        assert!(
            message.contains("detector.yunet.score_threshold"),
            "{message}"
        );
        let nan_nms = YunetConfig {
            nms_threshold: f32::NAN,
            ..YunetConfig::default()
        };
        let message = nan_nms.validate().unwrap_err().to_string();
        assert!(
            message.contains("detector.yunet.nms_threshold"),
            "{message}"
        );
        let no_candidates = YunetConfig {
            top_k: 0,
            ..YunetConfig::default()
        };
        let message = no_candidates.validate().unwrap_err().to_string();
        assert!(message.contains("detector.yunet.top_k"), "{message}");
    }
}
