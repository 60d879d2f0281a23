//! [`build_detector`]: the one place that turns a [`DetectorConfig`] into a detector.

use std::path::Path;

use crate::config::{DetectorConfig, DetectorKind};
use crate::detector::FaceDetector;
#[cfg(feature = "opencv")]
use crate::dnn::DnnDetector;
use crate::error::DetectError;
#[cfg(feature = "opencv")]
use crate::haar::HaarDetector;
use crate::yunet::YunetDetector;

/// Validates `config` and builds the detector it selects, loading its model files (relative
/// paths are taken relative to `models_dir`). Build once, reuse for every frame.
///
/// Without the `opencv` feature, Haar and DNN give [`DetectError::Unavailable`].
pub fn build_detector(
    config: &DetectorConfig,
    models_dir: &Path,
) -> Result<Box<dyn FaceDetector>, DetectError> {
    config.validate()?;
    let detector: Box<dyn FaceDetector> = match config.kind {
        #[cfg(feature = "opencv")]
        DetectorKind::Haar => Box::new(HaarDetector::new(&config.haar, models_dir)?),
        #[cfg(feature = "opencv")]
        DetectorKind::Dnn => Box::new(DnnDetector::new(&config.dnn, models_dir)?),
        #[cfg(not(feature = "opencv"))]
        kind @ (DetectorKind::Haar | DetectorKind::Dnn) => {
            return Err(DetectError::Unavailable { kind });
        }
        DetectorKind::Yunet => Box::new(YunetDetector::new(&config.yunet, models_dir)?),
    };
    let files: Vec<String> = config
        .model_files(models_dir)
        .iter()
        .map(|path| path.display().to_string())
        .collect();
    tracing::info!(detector = detector.name(), model_files = %files.join(", "), "face detector ready");
    Ok(detector)
}
