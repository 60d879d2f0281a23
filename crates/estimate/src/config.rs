//! [`EstimatorConfig`]: the `[estimator]` section of the app's configuration.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// Default SSR-Net age model, relative to the models directory (written by `cargo xtask
/// fetch-models`).
pub const SSRNET_AGE_MODEL: &str = "ssrnet_age.onnx";
/// Default SSR-Net gender model, relative to the models directory.
pub const SSRNET_GENDER_MODEL: &str = "ssrnet_gender.onnx";
/// Default Levi & Hassner age model, relative to the models directory.
pub const CAFFE_AGE_MODEL: &str = "levi_hassner_age.onnx";
/// Default Levi & Hassner gender model, relative to the models directory.
pub const CAFFE_GENDER_MODEL: &str = "levi_hassner_gender.onnx";
/// Face box padding for SSR-Net (`face_padding_ratio = 0.10` in the original program).
pub const SSRNET_PADDING_RATIO: f32 = 0.10;
/// Face box padding for the Caffe nets (`face_padding_ratio = 0.0` in the original program).
pub const CAFFE_PADDING_RATIO: f32 = 0.0;
/// Largest accepted padding ratio: a box enlarged by its own size on each side.
pub const MAX_PADDING_RATIO: f32 = 1.0;
/// Default dlib (Cydral) age model, relative to the models directory.
pub const DLIB_AGE_MODEL: &str = "age-v1.onnx";
/// Default dlib (Cydral) gender model, relative to the models directory.
pub const DLIB_GENDER_MODEL: &str = "gender-v1.onnx";
/// Face box padding of the aligned estimators' fallback crop (a face without usable landmarks):
/// about the margin an aligned chip at dlib's padding 0.2 leaves around a detector's box.
pub const ALIGNED_PADDING_RATIO: f32 = 0.10;

/// Which pair of nets estimates gender and age.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EstimatorKind {
    /// SSR-Net (Keras, converted to ONNX): age in years, gender score. `"ssrnet"`.
    #[default]
    Ssrnet,
    /// Levi & Hassner Caffe nets (converted to ONNX): 8 age groups, 2 genders. `"caffe"`.
    Caffe,
    /// dlib's (Cydral) age predictor and gender classifier on aligned face chips: age in years
    /// (expected value over 81 bins, with its spread), gender probability. `"dlib"`.
    Dlib,
    /// face-api.js's AgeGenderNet on an aligned face chip: age in years, gender probability.
    /// `"faceapi"`.
    Faceapi,
    /// The mean of `dlib` and `faceapi` (ages and male probabilities). `"ensemble"`.
    Ensemble,
}

impl EstimatorKind {
    /// Every kind, in the order the configuration documents them.
    pub const ALL: [EstimatorKind; 5] = [
        Self::Ssrnet,
        Self::Caffe,
        Self::Dlib,
        Self::Faceapi,
        Self::Ensemble,
    ];

    /// The name used in configuration files and on the command line.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Ssrnet => "ssrnet",
            Self::Caffe => "caffe",
            Self::Dlib => "dlib",
            Self::Faceapi => "faceapi",
            Self::Ensemble => "ensemble",
        }
    }

    /// File names of the default (age, gender) models inside the models directory.
    pub fn default_model_files(self) -> (&'static str, &'static str) {
        match self {
            Self::Ssrnet => (SSRNET_AGE_MODEL, SSRNET_GENDER_MODEL),
            Self::Caffe => (CAFFE_AGE_MODEL, CAFFE_GENDER_MODEL),
            Self::Dlib | Self::Faceapi | Self::Ensemble => (DLIB_AGE_MODEL, DLIB_GENDER_MODEL),
        }
    }

    /// Whether this estimator's nets take aligned face chips (built from landmarks) rather than
    /// the box crop of the original program.
    pub fn uses_aligned_chips(self) -> bool {
        matches!(self, Self::Dlib | Self::Faceapi | Self::Ensemble)
    }

    /// Whether the dlib (Cydral) nets run.
    pub fn runs_dlib(self) -> bool {
        matches!(self, Self::Dlib | Self::Ensemble)
    }

    /// Whether face-api.js's AgeGenderNet runs.
    pub fn runs_faceapi(self) -> bool {
        matches!(self, Self::Faceapi | Self::Ensemble)
    }

    /// The padding ratio the original program used with these nets.
    pub fn default_padding_ratio(self) -> f32 {
        match self {
            Self::Ssrnet => SSRNET_PADDING_RATIO,
            Self::Caffe => CAFFE_PADDING_RATIO,
            Self::Dlib | Self::Faceapi | Self::Ensemble => ALIGNED_PADDING_RATIO,
        }
    }
}

impl fmt::Display for EstimatorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for EstimatorKind {
    type Err = crate::EstimateError;

    /// Parses `ssrnet`, `caffe`, `dlib`, `faceapi` or `ensemble` (case-insensitive).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|kind| kind.name().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| crate::EstimateError::UnknownName {
                key: "estimator.kind",
                value: s.to_owned(),
                expected: "one of \"ssrnet\", \"caffe\", \"dlib\", \"faceapi\", \"ensemble\"",
            })
    }
}

/// Configuration of the age/gender estimator. Every field is optional in a config file:
///
/// ```toml
/// kind = "ssrnet"                 # or "caffe", "dlib", "faceapi", "ensemble"
/// age_model = "ssrnet_age.onnx"   # relative paths are inside the models directory
/// gender_model = "/abs/gender.onnx"
/// padding_ratio = 0.1             # face box padding on each side, fraction of the box size
/// flip_average = false            # also estimate the mirrored face and average
///
/// [alignment]                     # the aligned estimators (dlib, faceapi, ensemble)
/// landmarks = "detector"          # or "dlib"
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EstimatorConfig {
    /// Which nets to run.
    pub kind: EstimatorKind,
    /// Age model; `None` is the kind's default file in the models directory.
    pub age_model: Option<PathBuf>,
    /// Gender model; `None` is the kind's default file in the models directory.
    pub gender_model: Option<PathBuf>,
    /// Face box padding ratio; `None` is the kind's default (0.10 SSR-Net, 0.0 Caffe, 0.10 for
    /// the aligned estimators' fallback crop).
    pub padding_ratio: Option<f32>,
    /// face-api.js's AgeGenderNet (`faceapi`, `ensemble`); `None` is
    /// [`crate::faceapi::FACEAPI_AGE_GENDER_MODEL`] in the models directory.
    pub faceapi_model: Option<PathBuf>,
    /// Also estimate each face mirrored left to right and average the two estimates.
    pub flip_average: bool,
    /// How the aligned estimators find landmarks and cut chips.
    pub alignment: crate::alignment::AlignmentConfig,
    /// `ensemble`: how to combine the dlib and face-api.js estimates.
    pub ensemble: crate::ensemble::EnsembleConfig,
}

impl EstimatorConfig {
    /// A default configuration for `kind`.
    pub fn for_kind(kind: EstimatorKind) -> Self {
        Self {
            kind,
            ..Self::default()
        }
    }

    /// The age model path: the configured one (relative paths joined to `models_dir`) or the
    /// kind's default file in `models_dir`.
    pub fn age_model_path(&self, models_dir: &Path) -> PathBuf {
        let default = self.kind.default_model_files().0;
        models_dir.join(self.age_model.as_deref().unwrap_or(Path::new(default)))
    }

    /// The gender model path, resolved like [`Self::age_model_path`].
    pub fn gender_model_path(&self, models_dir: &Path) -> PathBuf {
        let default = self.kind.default_model_files().1;
        models_dir.join(self.gender_model.as_deref().unwrap_or(Path::new(default)))
    }

    /// face-api.js's AgeGenderNet path, resolved like [`Self::age_model_path`].
    pub fn faceapi_model_path(&self, models_dir: &Path) -> PathBuf {
        let default = Path::new(crate::faceapi::FACEAPI_AGE_GENDER_MODEL);
        models_dir.join(self.faceapi_model.as_deref().unwrap_or(default))
    }

    /// The padding ratio to apply: the configured one or the kind's default.
    pub fn effective_padding_ratio(&self) -> f32 {
        self.padding_ratio
            .unwrap_or_else(|| self.kind.default_padding_ratio())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_follow_the_original_program() {
        let dir = Path::new("/m");
        let ssrnet = EstimatorConfig::default();
        assert_eq!(ssrnet.age_model_path(dir), Path::new("/m/ssrnet_age.onnx"));
        assert_eq!(
            ssrnet.gender_model_path(dir),
            Path::new("/m/ssrnet_gender.onnx")
        );
        assert_eq!(ssrnet.effective_padding_ratio(), 0.10);
        let caffe = EstimatorConfig::for_kind(EstimatorKind::Caffe);
        assert_eq!(
            caffe.age_model_path(dir),
            Path::new("/m/levi_hassner_age.onnx")
        );
        assert_eq!(caffe.effective_padding_ratio(), 0.0);
    }

    #[test]
    fn config_parses_from_json_and_rejects_unknown_keys() {
        let config: EstimatorConfig = serde_json::from_str(
            r#"{"kind": "caffe", "gender_model": "/abs/g.onnx", "padding_ratio": 0.2}"#,
        )
        .unwrap();
        assert_eq!(config.kind, EstimatorKind::Caffe);
        assert_eq!(
            config.gender_model_path(Path::new("/m")),
            Path::new("/abs/g.onnx")
        );
        assert_eq!(config.effective_padding_ratio(), 0.2);
        assert!(serde_json::from_str::<EstimatorConfig>(r#"{"knd": "ssrnet"}"#).is_err());
        assert!(serde_json::from_str::<EstimatorConfig>(r#"{"kind": "keras"}"#).is_err());
        let empty: EstimatorConfig = serde_json::from_str("{}").unwrap();
        assert_eq!(empty, EstimatorConfig::default());
    }
}
