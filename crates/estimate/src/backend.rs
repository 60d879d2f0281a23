//! [`Backend`]: what the crop estimators (SSR-Net, the Caffe nets) give the [`Estimator`](crate::Estimator).

use face::{BgrImage, Estimate};

use crate::error::EstimateError;
use crate::models::ModelPaths;

/// What every backend (pair of nets) provides to [`Estimator`](crate::Estimator).
pub(crate) trait Backend: Send + Sync + std::fmt::Debug {
    /// One estimate per face, in order; all faces go through each net as one batch.
    fn estimate(&self, faces: &[BgrImage<'_>]) -> Result<Vec<Estimate>, EstimateError>;
    /// The files the nets were loaded from.
    fn model_paths(&self) -> &ModelPaths;
    /// Which threads run the age and gender nets, for the start-up log.
    fn threads(&self) -> String;
}
