//! [`Estimator`]: the configured backend behind one type, as the app uses it.

use std::path::{Path, PathBuf};

use face::{BgrImage, Estimate};

use crate::aligned::AlignedNets;
use crate::alignment::MAX_CHIP_PADDING;
use crate::backend::Backend;
use crate::caffe::CaffeNets;
use crate::config::{EstimatorConfig, EstimatorKind, MAX_PADDING_RATIO};
use crate::error::EstimateError;
use crate::estimate::mean_of;
use crate::face_input::{ChipSource, FaceEstimate, FaceInput};
use crate::flip::MirroredImage;
use crate::models::ModelPaths;
use crate::ssrnet::SsrNet;

/// The nets behind an [`Estimator`].
#[derive(Debug)]
enum Nets {
    /// SSR-Net or the Caffe nets, on the original program's box crops.
    Crop(Box<dyn Backend>),
    /// dlib, face-api.js or both, on aligned chips.
    Aligned(Box<AlignedNets>),
}

/// A gender and age estimator: the nets chosen by an [`EstimatorConfig`], loaded once.
///
/// It is `Send + Sync`; [`Estimator::estimate`] takes `&self`.
#[derive(Debug)]
pub struct Estimator {
    kind: EstimatorKind,
    padding_ratio: f32,
    flip_average: bool,
    nets: Nets,
}

impl Estimator {
    /// Loads the nets `config` names, resolving default and relative model paths against
    /// `models_dir` (usually [`crate::default_models_dir`]).
    ///
    /// Fails with [`EstimateError::ModelMissing`] / [`EstimateError::ModelLoad`] for missing or
    /// unusable model files, [`EstimateError::Align`] for an unusable shape predictor and
    /// [`EstimateError::InvalidPaddingRatio`] / [`EstimateError::InvalidSetting`] for settings
    /// out of range.
    pub fn from_config(config: &EstimatorConfig, models_dir: &Path) -> Result<Self, EstimateError> {
        let padding_ratio = config.effective_padding_ratio();
        if !(0.0..=MAX_PADDING_RATIO).contains(&padding_ratio) {
            return Err(EstimateError::InvalidPaddingRatio {
                value: padding_ratio,
            });
        }
        validate_aligned_settings(config)?;
        let nets = match config.kind {
            EstimatorKind::Ssrnet => Nets::Crop(Box::new(SsrNet::load(
                &config.age_model_path(models_dir),
                &config.gender_model_path(models_dir),
            )?)),
            EstimatorKind::Caffe => Nets::Crop(Box::new(CaffeNets::load(
                &config.age_model_path(models_dir),
                &config.gender_model_path(models_dir),
            )?)),
            EstimatorKind::Dlib | EstimatorKind::Faceapi | EstimatorKind::Ensemble => {
                Nets::Aligned(Box::new(AlignedNets::load(
                    config,
                    models_dir,
                    padding_ratio,
                )?))
            }
        };
        let estimator = Self {
            kind: config.kind,
            padding_ratio,
            flip_average: config.flip_average,
            nets,
        };
        let files: Vec<String> = estimator
            .model_files()
            .iter()
            .map(|path| path.display().to_string())
            .collect();
        tracing::info!(
            kind = %config.kind,
            models = %files.join(", "),
            landmarks = estimator.landmark_source().unwrap_or("none"),
            flip_average = config.flip_average,
            // Display, so the f32 prints as written in the config, not widened to f64.
            padding_ratio = %padding_ratio,
            "age/gender estimator ready"
        );
        Ok(estimator)
    }

    /// Wraps already loaded SSR-Net nets, with the original padding ratio 0.10.
    pub fn from_ssrnet(nets: SsrNet) -> Self {
        Self {
            kind: EstimatorKind::Ssrnet,
            padding_ratio: EstimatorKind::Ssrnet.default_padding_ratio(),
            flip_average: false,
            nets: Nets::Crop(Box::new(nets)),
        }
    }

    /// Estimates gender and age of every face (BGR crops of any size), one [`Estimate`] per
    /// face in the same order. All faces go through each net as one batch; the gender and age
    /// nets run in parallel. An empty slice returns an empty vector without running the nets.
    ///
    /// The aligned estimators (`dlib`, `faceapi`, `ensemble`) take each crop as a face whose box
    /// is the whole crop: dlib's shape predictor finds its landmarks there.
    pub fn estimate(&self, faces: &[BgrImage<'_>]) -> Result<Vec<Estimate>, EstimateError> {
        if faces.is_empty() {
            return Ok(Vec::new());
        }
        match &self.nets {
            Nets::Crop(backend) => self.estimate_crops(backend.as_ref(), faces),
            Nets::Aligned(nets) => {
                let inputs: Vec<FaceInput<'_>> = faces
                    .iter()
                    .map(|face| FaceInput::whole_image(*face))
                    .collect();
                Ok(nets
                    .estimate(&inputs)?
                    .into_iter()
                    .map(|face| face.estimate)
                    .collect())
            }
        }
    }

    /// Estimates gender and age of every face of a frame, one [`FaceEstimate`] per face in the
    /// same order: SSR-Net and the Caffe nets on each face's `crop`, the aligned estimators on
    /// chips aligned on its landmarks (the detector's or dlib's, as configured). All faces go
    /// through each net as one batch. An empty slice returns an empty vector.
    pub fn estimate_faces(
        &self,
        faces: &[FaceInput<'_>],
    ) -> Result<Vec<FaceEstimate>, EstimateError> {
        if faces.is_empty() {
            return Ok(Vec::new());
        }
        match &self.nets {
            Nets::Crop(backend) => {
                let crops = faces
                    .iter()
                    .map(|face| {
                        face.frame.sub_image(&face.crop).ok_or_else(|| {
                            EstimateError::CropOutsideFrame {
                                left: face.crop.x1,
                                top: face.crop.y1,
                                right: face.crop.x2,
                                bottom: face.crop.y2,
                                width: face.frame.width(),
                                height: face.frame.height(),
                            }
                        })
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(self
                    .estimate_crops(backend.as_ref(), &crops)?
                    .into_iter()
                    .map(|estimate| FaceEstimate {
                        estimate,
                        landmarks: None,
                        source: ChipSource::Crop,
                    })
                    .collect())
            }
            Nets::Aligned(nets) => nets.estimate(faces),
        }
    }

    /// The crop nets on `crops`, and on their mirror images too with `flip_average`.
    fn estimate_crops(
        &self,
        backend: &dyn Backend,
        crops: &[BgrImage<'_>],
    ) -> Result<Vec<Estimate>, EstimateError> {
        if !self.flip_average {
            return backend.estimate(crops);
        }
        let mirrored: Vec<MirroredImage> = crops.iter().map(MirroredImage::of).collect();
        let mut all = crops.to_vec();
        for image in &mirrored {
            all.push(image.view()?);
        }
        let estimates = backend.estimate(&all)?;
        let (own, mirror) = estimates.split_at(crops.len());
        Ok(own.iter().zip(mirror).map(|(a, b)| mean_of(a, b)).collect())
    }

    /// Which nets this estimator runs.
    pub fn kind(&self) -> EstimatorKind {
        self.kind
    }

    /// How much to enlarge each detected face box on every side, as a fraction of its width /
    /// height, before cropping (0.10 for SSR-Net, 0.0 for the Caffe nets, as the original; for
    /// the aligned estimators, the crop of a face without usable landmarks).
    pub fn padding_ratio(&self) -> f32 {
        self.padding_ratio
    }

    /// Whether each face is also estimated mirrored and the two estimates averaged.
    pub fn flip_average(&self) -> bool {
        self.flip_average
    }

    /// Where the aligned estimators take landmarks from (`"detector"` or `"dlib"`); `None` for
    /// the crop estimators.
    pub fn landmark_source(&self) -> Option<&'static str> {
        match &self.nets {
            Nets::Crop(_) => None,
            Nets::Aligned(nets) => Some(nets.landmark_source()),
        }
    }

    /// The age and gender model files of the crop estimators (SSR-Net, Caffe); for the aligned
    /// ones, see [`Estimator::model_files`].
    pub fn model_paths(&self) -> Option<&ModelPaths> {
        match &self.nets {
            Nets::Crop(backend) => Some(backend.model_paths()),
            Nets::Aligned(_) => None,
        }
    }

    /// Every file the estimator loaded: its nets (and dlib's shape predictor for the aligned
    /// estimators).
    pub fn model_files(&self) -> Vec<PathBuf> {
        match &self.nets {
            Nets::Crop(backend) => {
                let paths = backend.model_paths();
                vec![paths.age.clone(), paths.gender.clone()]
            }
            Nets::Aligned(nets) => nets.model_files(),
        }
    }

    /// Which threads run the age and gender nets of each batch (for the start-up log), e.g.
    /// "the age net on the calling thread and the gender net on the estimator's helper thread
    /// (estimate-pair), in parallel". Called from a rayon pool thread, both nets go through
    /// `rayon::join` instead.
    pub fn threads(&self) -> String {
        match &self.nets {
            Nets::Crop(backend) => backend.threads(),
            Nets::Aligned(nets) => nets.threads(),
        }
    }
}

/// Refuses the aligned estimators' settings that are out of range, naming the key.
fn validate_aligned_settings(config: &EstimatorConfig) -> Result<(), EstimateError> {
    let padding = config.alignment.faceapi_padding;
    if !(0.0..=MAX_CHIP_PADDING).contains(&padding) {
        return Err(EstimateError::InvalidSetting {
            key: "estimator.alignment.faceapi_padding",
            value: padding,
            range: "0 to 1",
        });
    }
    if let Some((key, value)) = config.ensemble.invalid_weight() {
        return Err(EstimateError::InvalidSetting {
            key,
            value: f64::from(value),
            range: "0 to 1",
        });
    }
    Ok(())
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
