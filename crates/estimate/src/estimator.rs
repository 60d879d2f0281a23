//! [`Estimator`]: the configured backend behind one type, as the app uses it.

use std::path::Path;

use crate::caffe::CaffeNets;
use crate::config::{EstimatorConfig, EstimatorKind, MAX_PADDING_RATIO};
use crate::error::EstimateError;
use crate::estimate::Estimate;
use face::BgrImage;
use crate::models::ModelPaths;
use crate::ssrnet::SsrNet;

/// What every backend (pair of nets) provides to [`Estimator`].
pub(crate) trait Backend: Send + Sync + std::fmt::Debug {
    /// One estimate per face, in order; all faces go through each net as one batch.
    fn estimate(&self, faces: &[BgrImage<'_>]) -> Result<Vec<Estimate>, EstimateError>;
    /// The files the nets were loaded from.
    fn model_paths(&self) -> &ModelPaths;
    /// Which threads run the age and gender nets, for the start-up log.
    fn threads(&self) -> String;
}

/// A gender and age estimator: the nets chosen by an [`EstimatorConfig`], loaded once.
///
/// It is `Send + Sync`; [`Estimator::estimate`] takes `&self`.
#[derive(Debug)]
pub struct Estimator {
    kind: EstimatorKind,
    padding_ratio: f32,
    backend: Box<dyn Backend>,
}

impl Estimator {
    /// Loads the nets `config` names, resolving default and relative model paths against
    /// `models_dir` (usually [`crate::default_models_dir`]).
    ///
    /// Fails with [`EstimateError::ModelMissing`] / [`EstimateError::ModelLoad`] for missing or
    /// unusable model files and [`EstimateError::InvalidPaddingRatio`] for a padding ratio outside
    /// 0..=1.
    pub fn from_config(config: &EstimatorConfig, models_dir: &Path) -> Result<Self, EstimateError> {
        let padding_ratio = config.effective_padding_ratio();
        if !(0.0..=MAX_PADDING_RATIO).contains(&padding_ratio) {
            return Err(EstimateError::InvalidPaddingRatio {
                value: padding_ratio,
            });
        }
        let age_path = config.age_model_path(models_dir);
        let gender_path = config.gender_model_path(models_dir);
        let backend: Box<dyn Backend> = match config.kind {
            EstimatorKind::Ssrnet => Box::new(SsrNet::load(&age_path, &gender_path)?),
            EstimatorKind::Caffe => Box::new(CaffeNets::load(&age_path, &gender_path)?),
        };
        tracing::info!(
            kind = %config.kind,
            age_model = %age_path.display(),
            gender_model = %gender_path.display(),
            // Display, so the f32 prints as written in the config, not widened to f64.
            padding_ratio = %padding_ratio,
            "age/gender estimator ready"
        );
        Ok(Self {
            kind: config.kind,
            padding_ratio,
            backend,
        })
    }

    /// Wraps already loaded SSR-Net nets, with the original padding ratio 0.10.
    pub fn from_ssrnet(nets: SsrNet) -> Self {
        Self {
            kind: EstimatorKind::Ssrnet,
            padding_ratio: EstimatorKind::Ssrnet.default_padding_ratio(),
            backend: Box::new(nets),
        }
    }

    /// Estimates gender and age of every face (BGR crops of any size), one [`Estimate`] per
    /// face in the same order. All faces go through each net as one batch; the gender and age
    /// nets run in parallel. An empty slice returns an empty vector without running the nets.
    pub fn estimate(&self, faces: &[BgrImage<'_>]) -> Result<Vec<Estimate>, EstimateError> {
        if faces.is_empty() {
            return Ok(Vec::new());
        }
        self.backend.estimate(faces)
    }

    /// Which nets this estimator runs.
    pub fn kind(&self) -> EstimatorKind {
        self.kind
    }

    /// How much to enlarge each detected face box on every side, as a fraction of its width /
    /// height, before cropping (0.10 for SSR-Net, 0.0 for the Caffe nets, as the original).
    pub fn padding_ratio(&self) -> f32 {
        self.padding_ratio
    }

    /// The model files in use.
    pub fn model_paths(&self) -> &ModelPaths {
        self.backend.model_paths()
    }

    /// Which threads run the age and gender nets of each batch (for the start-up log), e.g.
    /// "the age net on the calling thread and the gender net on the estimator's helper thread
    /// (estimate-pair), in parallel". Called from a rayon pool thread, both nets go through
    /// `rayon::join` instead.
    pub fn threads(&self) -> String {
        self.backend.threads()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_models_name_the_path_and_the_fetch_command() {
        let dir = Path::new("/nonexistent-agender-models");
        let error = Estimator::from_config(&EstimatorConfig::default(), dir).unwrap_err();
        let message = error.to_string();
        assert!(
            matches!(error, EstimateError::ModelMissing { .. }),
            "{message}"
        );
        assert!(
            message.contains("/nonexistent-agender-models/ssrnet_"),
            "{message}"
        );
        assert!(message.contains("cargo xtask fetch-models"), "{message}");
    }

    #[test]
    fn out_of_range_padding_is_rejected_before_loading() {
        let config = EstimatorConfig {
            padding_ratio: Some(f32::NAN),
            ..EstimatorConfig::default()
        };
        let error = Estimator::from_config(&config, Path::new("/nowhere")).unwrap_err();
        assert!(matches!(error, EstimateError::InvalidPaddingRatio { .. }));
    }
}
