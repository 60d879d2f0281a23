//! [`AlignedNets`]: the estimators that take aligned face chips (`dlib`, `faceapi`, `ensemble`):
//! landmarks, chips, the nets of the kind, and how their outputs become one estimate per face.

use std::path::{Path, PathBuf};

use align::Chip;
use face::{BgrImage, Estimate};

use crate::alignment::{AlignedFace, Aligner};
use crate::config::{EstimatorConfig, EstimatorKind};
use crate::dlib::{DLIB_AGE_CHIP_SIZE, DLIB_CHIP_PADDING, DLIB_GENDER_CHIP_SIZE, DlibNets};
use crate::ensemble::EnsembleConfig;
use crate::error::EstimateError;
use crate::estimate::mean_of;
use crate::face_input::{FaceEstimate, FaceInput};
use crate::faceapi::{FACEAPI_INPUT_SIZE, FaceApiNet, faceapi_blob};
use crate::flip::MirroredImage;

/// Side of face-api.js's chip, in the chip code's unit.
const FACEAPI_CHIP_SIZE: u32 = FACEAPI_INPUT_SIZE as u32;

/// The chips of a batch, one per face, and with `flip_average` their mirror images after them.
struct ChipBatch {
    chips: Vec<Chip>,
    mirrored: Vec<MirroredImage>,
}

impl ChipBatch {
    fn new(chips: Vec<Chip>, flip: bool) -> Self {
        let mirrored = if flip {
            chips
                .iter()
                .map(|chip| MirroredImage::of(&chip.view()))
                .collect()
        } else {
            Vec::new()
        };
        Self { chips, mirrored }
    }

    /// Views of every chip, the mirrored ones last.
    fn views(&self) -> Result<Vec<BgrImage<'_>>, EstimateError> {
        let mut views: Vec<BgrImage<'_>> = self.chips.iter().map(Chip::view).collect();
        for mirrored in &self.mirrored {
            views.push(mirrored.view()?);
        }
        Ok(views)
    }
}

/// The nets of an aligned estimator and its aligner, loaded once.
#[derive(Debug)]
pub(crate) struct AlignedNets {
    kind: EstimatorKind,
    aligner: Aligner,
    dlib: Option<DlibNets>,
    faceapi: Option<FaceApiNet>,
    faceapi_padding: f64,
    /// Where face-api.js's chips take their landmarks from, when not from the aligner's source.
    faceapi_landmarks: Option<crate::alignment::LandmarkSource>,
    ensemble: EnsembleConfig,
    flip_average: bool,
}

impl AlignedNets {
    /// Loads the shape predictor and the nets of `config.kind` (which must be an aligned kind).
    pub(crate) fn load(
        config: &EstimatorConfig,
        models_dir: &Path,
        padding_ratio: f32,
    ) -> Result<Self, EstimateError> {
        let kind = config.kind;
        let dlib = kind
            .runs_dlib()
            .then(|| {
                DlibNets::load(
                    &config.age_model_path(models_dir),
                    &config.gender_model_path(models_dir),
                )
            })
            .transpose()?;
        let faceapi = kind
            .runs_faceapi()
            .then(|| FaceApiNet::load(&config.faceapi_model_path(models_dir)))
            .transpose()?;
        Ok(Self {
            kind,
            aligner: Aligner::load(&config.alignment, models_dir, padding_ratio)?,
            dlib,
            faceapi,
            faceapi_padding: config.alignment.faceapi_padding,
            faceapi_landmarks: config
                .alignment
                .faceapi_landmarks
                .filter(|&source| source != config.alignment.landmarks),
            ensemble: config.ensemble,
            flip_average: config.flip_average,
        })
    }

    /// Every file loaded: the nets, then the shape predictor.
    pub(crate) fn model_files(&self) -> Vec<PathBuf> {
        let mut files = Vec::new();
        if let Some(dlib) = &self.dlib {
            files.push(dlib.model_paths().age.clone());
            files.push(dlib.model_paths().gender.clone());
        }
        if let Some(net) = &self.faceapi {
            files.push(net.model_path().to_path_buf());
        }
        files.push(self.aligner.shape_predictor_path().to_path_buf());
        files
    }

    /// Which threads run the nets, for the start-up log.
    pub(crate) fn threads(&self) -> String {
        match (&self.dlib, &self.faceapi) {
            (Some(dlib), Some(_)) => format!(
                "{}; face-api.js's net after the gender net, on its thread",
                dlib.threads()
            ),
            (Some(dlib), None) => dlib.threads(),
            _ => "face-api.js's net on the calling thread".to_owned(),
        }
    }

    /// Where the landmarks come from, for the start-up log.
    pub(crate) fn landmark_source(&self) -> &'static str {
        self.aligner.source().name()
    }

    /// One estimate per face, in order: landmarks, chips, every net of the kind as one batch.
    pub(crate) fn estimate(
        &self,
        faces: &[FaceInput<'_>],
    ) -> Result<Vec<FaceEstimate>, EstimateError> {
        if faces.is_empty() {
            return Ok(Vec::new());
        }
        let mut aligned: Vec<AlignedFace> =
            faces.iter().map(|face| self.aligner.align(face)).collect();
        let cut = |size: u32, padding: f64, aligned: &mut [AlignedFace]| {
            faces
                .iter()
                .zip(aligned.iter_mut())
                .map(|(face, aligned)| self.aligner.chip(face, aligned, size, padding))
                .collect::<Result<Vec<_>, _>>()
                .map(|chips| ChipBatch::new(chips, self.flip_average))
        };
        let dlib_chips = match self.dlib {
            Some(_) => Some((
                cut(DLIB_AGE_CHIP_SIZE, DLIB_CHIP_PADDING, &mut aligned)?,
                cut(DLIB_GENDER_CHIP_SIZE, DLIB_CHIP_PADDING, &mut aligned)?,
            )),
            None => None,
        };
        let faceapi_chips = match (&self.faceapi, self.faceapi_landmarks) {
            (Some(_), Some(source)) => {
                let mut own: Vec<AlignedFace> = faces
                    .iter()
                    .map(|face| self.aligner.align_from(face, source))
                    .collect();
                Some(cut(FACEAPI_CHIP_SIZE, self.faceapi_padding, &mut own)?)
            }
            (Some(_), None) => Some(cut(FACEAPI_CHIP_SIZE, self.faceapi_padding, &mut aligned)?),
            (None, _) => None,
        };

        let run_faceapi = || -> Result<Option<Vec<(f32, f32)>>, EstimateError> {
            let (Some(net), Some(chips)) = (&self.faceapi, &faceapi_chips) else {
                return Ok(None);
            };
            let views = chips.views()?;
            let raw = net.run_blob(&faceapi_blob(&views)?, views.len())?;
            Ok(Some(
                raw.ages.into_iter().zip(raw.male_probabilities).collect(),
            ))
        };
        let (dlib_outputs, faceapi_outputs) = match (&self.dlib, &dlib_chips) {
            (Some(dlib), Some((age_chips, gender_chips))) => {
                let (raw, faceapi) =
                    dlib.run_with(&age_chips.views()?, &gender_chips.views()?, run_faceapi)?;
                (Some(raw), faceapi)
            }
            _ => (None, run_faceapi()?),
        };

        // Per chip (faces, then mirror images): one estimate of the kind.
        let per_chip: Vec<Estimate> = match (dlib_outputs, faceapi_outputs) {
            (Some(dlib), Some(faceapi)) => dlib
                .ages
                .iter()
                .zip(&dlib.male_probabilities)
                .zip(faceapi)
                .map(|((age, &male), (faceapi_years, faceapi_male))| {
                    let (years, spread) =
                        self.ensemble
                            .age(age.mean_years, age.spread_years, faceapi_years);
                    let male = self.ensemble.male_probability(male, faceapi_male);
                    Estimate::from_probability(male, years, Some(spread))
                })
                .collect(),
            (Some(dlib), None) => dlib
                .ages
                .iter()
                .zip(&dlib.male_probabilities)
                .map(|(age, &male)| {
                    Estimate::from_probability(male, age.mean_years, Some(age.spread_years))
                })
                .collect(),
            (None, Some(faceapi)) => faceapi
                .into_iter()
                .map(|(years, male)| Estimate::from_probability(male, years, None))
                .collect(),
            (None, None) => Vec::new(),
        };
        if per_chip.len() != faces.len() * if self.flip_average { 2 } else { 1 } {
            return Err(EstimateError::NoAlignedNet { kind: self.kind });
        }
        let (own, mirrored) = per_chip.split_at(faces.len());
        Ok(aligned
            .into_iter()
            .enumerate()
            .map(|(index, aligned)| {
                let estimate = match mirrored.get(index) {
                    Some(mirror) => mean_of(&own[index], mirror),
                    None => own[index],
                };
                FaceEstimate {
                    estimate,
                    landmarks: aligned.landmarks,
                    source: aligned.source,
                }
            })
            .collect())
    }
}
