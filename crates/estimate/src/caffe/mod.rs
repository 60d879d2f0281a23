//! The Levi & Hassner backend: the original Caffe age-group and gender nets, converted to ONNX by
//! `cargo xtask fetch-models` (our own converter), run by tract.
//!
//! Each call preprocesses all faces into one `[N, 3, 227, 227]` blob ([`caffe_blob`]) and runs
//! the gender and age nets on it in parallel; the softmax outputs become [`Estimate`]s whose age
//! is one of [`crate::AGE_GROUPS`] (argmax, first on ties, as numpy's `argmax`).

mod preprocess;

use std::path::Path;

pub use preprocess::{
    CAFFE_FACE_LEN, CAFFE_INPUT_SIZE, CAFFE_MEAN_BGR, caffe_blob, caffe_face_into,
};

use crate::error::EstimateError;
use crate::estimate::argmax;
use crate::models::ModelPaths;
use crate::net_pair::NetPair;
use crate::onnx_net::OnnxNet;
use face::{AGE_GROUP_COUNT, AgeEstimate, BGR_CHANNELS, BgrImage, Estimate, Gender};

/// Per-face input shape of both nets: NCHW without the batch axis.
const CAFFE_ITEM_SHAPE: [usize; 3] = [BGR_CHANNELS, CAFFE_INPUT_SIZE, CAFFE_INPUT_SIZE];

/// Number of classes of the gender net, in output order `['Male', 'Female']` (the original's
/// `Genders`).
pub const GENDER_CLASS_COUNT: usize = 2;

/// Index of "Male" in the gender net's output.
const MALE_INDEX: usize = 0;

/// Softmax outputs of the two Caffe nets for a batch, in input order.
#[derive(Debug, Clone, PartialEq)]
pub struct RawCaffeOutputs {
    /// Probabilities of every age group (in [`crate::AGE_GROUPS`] order), one row per face.
    pub ages: Vec<[f32; AGE_GROUP_COUNT]>,
    /// Probabilities `[Male, Female]`, one row per face.
    pub genders: Vec<[f32; GENDER_CLASS_COUNT]>,
}

/// The Levi-Hassner age and gender nets, loaded and optimised once.
#[derive(Debug)]
pub struct CaffeNets {
    nets: NetPair,
}

impl CaffeNets {
    /// Loads both converted nets.
    ///
    /// Fails with [`EstimateError::ModelMissing`] if a file does not exist and
    /// [`EstimateError::ModelLoad`] if tract cannot use it as a `f32 [N,3,227,227]` net.
    pub fn load(age_path: &Path, gender_path: &Path) -> Result<Self, EstimateError> {
        // One after the other, not in parallel: loading and optimising one net briefly holds three
        // copies of its 45 MB of weights, and two loads at once raised the process's peak RSS
        // from 264 to 325 MiB for no gain in start-up time (0.56 s either way here).
        let age = OnnxNet::load(age_path, &CAFFE_ITEM_SHAPE)?;
        let gender = OnnxNet::load(gender_path, &CAFFE_ITEM_SHAPE)?;
        Ok(Self {
            nets: NetPair::new(age, gender),
        })
    }

    /// The files the nets were loaded from.
    pub fn model_paths(&self) -> &ModelPaths {
        self.nets.paths()
    }

    /// Runs both nets on a ready-made blob of `n` faces (`[n, 3, 227, 227]`, NCHW, BGR, mean
    /// subtracted, row-major), gender and age in parallel. For parity tests, benchmarks and
    /// callers that preprocess themselves.
    pub fn run_blob(&self, blob: &[f32], n: usize) -> Result<RawCaffeOutputs, EstimateError> {
        self.run_owned_blob(blob.to_vec(), n)
    }

    /// Preprocesses `faces` as the original program and estimates each one. An empty slice
    /// returns an empty vector without running the nets.
    pub fn estimate(&self, faces: &[BgrImage<'_>]) -> Result<Vec<Estimate>, EstimateError> {
        if faces.is_empty() {
            return Ok(Vec::new());
        }
        let raw = self.run_owned_blob(caffe_blob(faces)?, faces.len())?;
        Ok(raw
            .genders
            .iter()
            .zip(&raw.ages)
            .map(|(gender, age)| estimate_from(gender, age))
            .collect())
    }

    fn run_owned_blob(&self, blob: Vec<f32>, n: usize) -> Result<RawCaffeOutputs, EstimateError> {
        let outputs = self
            .nets
            .run(blob, n, AGE_GROUP_COUNT, GENDER_CLASS_COUNT)?;
        tracing::trace!(faces = n, "ran Levi-Hassner age and gender nets");
        Ok(RawCaffeOutputs {
            ages: rows(&outputs.ages),
            genders: rows(&outputs.genders),
        })
    }
}

/// Splits a `[n, K]` output (already checked to be that shape) into rows.
fn rows<const K: usize>(values: &[f32]) -> Vec<[f32; K]> {
    values
        .chunks_exact(K)
        .map(|row| {
            let mut out = [0f32; K];
            out.copy_from_slice(row);
            out
        })
        .collect()
}

/// The estimate of one face from the two nets' softmax rows.
pub fn estimate_from(gender: &[f32; GENDER_CLASS_COUNT], age: &[f32; AGE_GROUP_COUNT]) -> Estimate {
    Estimate {
        gender: if argmax(gender) == MALE_INDEX {
            Gender::Male
        } else {
            Gender::Female
        },
        gender_score: gender[MALE_INDEX],
        gender_probabilities: Some(*gender),
        age: AgeEstimate::Group {
            index: argmax(age),
            probabilities: *age,
        },
        age_uncertainty: None,
    }
}

impl crate::backend::Backend for CaffeNets {
    fn estimate(&self, faces: &[BgrImage<'_>]) -> Result<Vec<Estimate>, EstimateError> {
        CaffeNets::estimate(self, faces)
    }

    fn model_paths(&self) -> &ModelPaths {
        CaffeNets::model_paths(self)
    }

    fn threads(&self) -> String {
        self.nets.threads()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn estimates_take_the_most_probable_classes_first_on_ties() {
        let age = [0.05, 0.05, 0.1, 0.1, 0.3, 0.3, 0.05, 0.05];
        let estimate = estimate_from(&[0.25, 0.75], &age);
        assert_eq!(estimate.gender, Gender::Female);
        assert_eq!(estimate.gender_score, 0.25);
        assert_eq!(estimate.gender_probabilities, Some([0.25, 0.75]));
        assert_eq!(
            estimate.age,
            AgeEstimate::Group {
                index: 4,
                probabilities: age
            }
        );
        assert_eq!(estimate.label(), "Female,(25-32)");
        assert_eq!(estimate_from(&[0.5, 0.5], &age).gender, Gender::Male);
        assert_eq!(estimate_from(&[f32::NAN, 0.5], &age).gender, Gender::Male);
        assert_eq!(estimate_from(&[0.5, f32::NAN], &age).gender, Gender::Female);
    }
}
