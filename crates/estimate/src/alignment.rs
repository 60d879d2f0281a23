//! [`Aligner`]: the landmarks of each face (the detector's, or dlib's shape predictor run on the
//! face box) and the aligned chips cut from the frame with them.

use std::path::{Path, PathBuf};

use align::{Chip, ChipDetails, ShapePredictor};
use face::{FaceBox, Landmarks};
use serde::{Deserialize, Serialize};

use crate::error::EstimateError;
use crate::face_input::{ChipSource, FaceInput};

/// Default dlib 5-point shape predictor, relative to the models directory.
pub const SHAPE_PREDICTOR_MODEL: &str = "shape_predictor_5_face_landmarks.dat";

/// Default padding of face-api.js's chip (see [`AlignmentConfig::faceapi_padding`]).
pub const DEFAULT_FACEAPI_PADDING: f64 = 0.2;
/// Largest accepted chip padding: the chip spans three times the template's face.
pub const MAX_CHIP_PADDING: f64 = 1.0;

/// Where the aligned estimators take each face's landmarks from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LandmarkSource {
    /// The detector's own landmarks (YuNet's five points); dlib's shape predictor for faces the
    /// detector gives none for (Haar, DNN). `"detector"`.
    Detector,
    /// dlib's 5-point shape predictor on every face box, whatever the detector. `"dlib"`. The
    /// default: on the All-Age-Faces sample it gives every aligned estimator 1-2 points more
    /// gender accuracy than YuNet's points (docs/ACCURACY.md).
    #[default]
    Dlib,
}

impl std::str::FromStr for LandmarkSource {
    type Err = crate::EstimateError;

    /// Parses `detector` or `dlib` (case-insensitive).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|source| source.name().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| crate::EstimateError::UnknownName {
                key: "estimator.alignment.landmarks",
                value: s.to_owned(),
                expected: "\"detector\" or \"dlib\"",
            })
    }
}

impl LandmarkSource {
    /// Every source, in the order the configuration documents them.
    pub const ALL: [LandmarkSource; 2] = [Self::Detector, Self::Dlib];

    /// The name used in the configuration.
    pub fn name(self) -> &'static str {
        match self {
            Self::Detector => "detector",
            Self::Dlib => "dlib",
        }
    }
}

/// The `[estimator.alignment]` section: how the aligned estimators find landmarks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AlignmentConfig {
    /// Where the landmarks come from.
    pub landmarks: LandmarkSource,
    /// dlib's shape predictor; `None` is [`SHAPE_PREDICTOR_MODEL`] in the models directory.
    pub shape_predictor: Option<PathBuf>,
    /// Where face-api.js's net takes its landmarks from, when not from `landmarks` (the
    /// `ensemble` can align each family of nets on the points that suit it best).
    pub faceapi_landmarks: Option<LandmarkSource>,
    /// Padding of face-api.js's 112 x 112 chip, in dlib's sense (a share of the template's
    /// face on each side). dlib's nets keep the 0.2 they were trained with.
    pub faceapi_padding: f64,
}

impl Default for AlignmentConfig {
    fn default() -> Self {
        Self {
            landmarks: LandmarkSource::default(),
            shape_predictor: None,
            faceapi_landmarks: None,
            faceapi_padding: DEFAULT_FACEAPI_PADDING,
        }
    }
}

impl AlignmentConfig {
    /// The shape predictor path: the configured one (relative paths joined to `models_dir`) or
    /// the default file in `models_dir`.
    pub fn shape_predictor_path(&self, models_dir: &Path) -> PathBuf {
        let default = Path::new(SHAPE_PREDICTOR_MODEL);
        models_dir.join(self.shape_predictor.as_deref().unwrap_or(default))
    }
}

/// One face made ready for the aligned nets: its landmarks (if any were usable) and what the
/// chips are cut from.
#[derive(Debug, Clone)]
pub(crate) struct AlignedFace {
    /// The landmarks the chips are aligned on, in frame pixels.
    pub(crate) landmarks: Option<Landmarks>,
    /// How the chips are made.
    pub(crate) source: ChipSource,
}

/// Finds landmarks and cuts chips; loaded once per estimator.
#[derive(Debug)]
pub(crate) struct Aligner {
    source: LandmarkSource,
    /// Loaded when some face may need it: always for `dlib`, for faces without detector
    /// landmarks otherwise.
    shape_predictor: ShapePredictor,
    shape_predictor_path: PathBuf,
    /// The box crop's padding for faces without usable landmarks.
    fallback_padding: f32,
}

impl Aligner {
    /// Loads the shape predictor the configuration names.
    pub(crate) fn load(
        config: &AlignmentConfig,
        models_dir: &Path,
        fallback_padding: f32,
    ) -> Result<Self, EstimateError> {
        let path = config.shape_predictor_path(models_dir);
        let shape_predictor = ShapePredictor::load(&path)?;
        Ok(Self {
            source: config.landmarks,
            shape_predictor,
            shape_predictor_path: path,
            fallback_padding,
        })
    }

    /// The shape predictor's file.
    pub(crate) fn shape_predictor_path(&self) -> &Path {
        &self.shape_predictor_path
    }

    /// Where the landmarks come from.
    pub(crate) fn source(&self) -> LandmarkSource {
        self.source
    }

    /// The landmarks of `face` and how its chips are made, from the configured source.
    pub(crate) fn align(&self, face: &FaceInput<'_>) -> AlignedFace {
        self.align_from(face, self.source)
    }

    /// The landmarks of `face` from `source` and how its chips are made.
    pub(crate) fn align_from(&self, face: &FaceInput<'_>, source: LandmarkSource) -> AlignedFace {
        let detector = match source {
            LandmarkSource::Detector => face.landmarks.clone().filter(Landmarks::is_finite),
            LandmarkSource::Dlib => None,
        };
        let landmarks = detector.or_else(|| {
            let found = self.shape_predictor.predict(&face.frame, &face.face_box);
            found.is_finite().then_some(found)
        });
        match landmarks {
            Some(landmarks) => AlignedFace {
                source: ChipSource::Aligned(landmarks.scheme()),
                landmarks: Some(landmarks),
            },
            None => AlignedFace {
                landmarks: None,
                source: ChipSource::BoxFallback,
            },
        }
    }

    /// Cuts the `size` x `size` chip of `face` at template padding `padding`: aligned on its
    /// landmarks, or the padded square box when it has none (or they are degenerate, which then
    /// turns `aligned.source` into [`ChipSource::BoxFallback`]).
    pub(crate) fn chip(
        &self,
        face: &FaceInput<'_>,
        aligned: &mut AlignedFace,
        size: u32,
        padding: f64,
    ) -> Result<Chip, EstimateError> {
        if let Some(landmarks) = &aligned.landmarks {
            match ChipDetails::from_landmarks(landmarks, size, padding) {
                Ok(details) => return Ok(align::extract_chip(&face.frame, &details)?),
                Err(error) => {
                    tracing::debug!(%error, "landmarks unusable for a chip; using the face box");
                    aligned.landmarks = None;
                    aligned.source = ChipSource::BoxFallback;
                }
            }
        }
        let square = padded_square(&face.face_box, self.fallback_padding);
        Ok(align::extract_chip(
            &face.frame,
            &ChipDetails::from_box(&square, size),
        )?)
    }
}

/// The square around `rect`'s centre with the side of its larger dimension, grown by
/// `padding` of that side on each side: the face as the seed's nets see it, without squeezing.
fn padded_square(rect: &FaceBox, padding: f32) -> FaceBox {
    let side = rect.pixel_width().max(rect.pixel_height()) as f64;
    let span = (side * (1.0 + 2.0 * f64::from(padding)))
        .round()
        .clamp(1.0, f64::from(i32::MAX)) as i64;
    // In whole pixels from the corner sums, so the centre does not move with float rounding.
    let start = |low: i32, high: i32| (i64::from(low) + i64::from(high) + 1 - span).div_euclid(2);
    let clamp = |v: i64| v.clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32;
    let (left, top) = (start(rect.x1, rect.x2), start(rect.y1, rect.y2));
    FaceBox::new(
        clamp(left),
        clamp(top),
        clamp(left + span - 1),
        clamp(top + span - 1),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fallback_square_is_centred_and_padded() {
        // A 40 x 60 box: a 60-pixel square grown by 10% of 60 on each side = 72 pixels.
        let square = padded_square(&FaceBox::new(100, 200, 139, 259), 0.1);
        assert_eq!(square.pixel_width(), 72);
        assert_eq!(square.pixel_height(), 72);
        assert_eq!((square.x1 + square.x2), 100 + 139, "{square:?}");
        assert_eq!((square.y1 + square.y2), 200 + 259, "{square:?}");
        // An odd-sized box of an even square side centres exactly.
        let odd = padded_square(&FaceBox::new(10, 10, 20, 20), 0.0);
        assert_eq!((odd.pixel_width(), odd.x1 + odd.x2), (11, 30));
    }

    #[test]
    fn landmark_sources_parse_by_name() {
        let config: AlignmentConfig = serde_json::from_str(r#"{"landmarks": "dlib"}"#).unwrap();
        assert_eq!(config.landmarks, LandmarkSource::Dlib);
        assert!(serde_json::from_str::<AlignmentConfig>(r#"{"landmarks": "yunet"}"#).is_err());
        assert_eq!(
            AlignmentConfig::default().shape_predictor_path(Path::new("/m")),
            Path::new("/m/shape_predictor_5_face_landmarks.dat")
        );
    }
}
