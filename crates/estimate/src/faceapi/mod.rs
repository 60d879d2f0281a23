//! face-api.js's AgeGenderNet (Tiny Xception, 112x112), converted from its TensorFlow.js weights
//! to ONNX by `cargo xtask fetch-models`, run by tract.
//!
//! The converted net takes `[N, 112, 112, 3]` (NHWC RGB, normalised by [`faceapi_blob`]) and
//! returns `[N, 3]` per face: age in years, P(male), P(female) (face-api's softmax order,
//! `probMale = gender[0]`). Age and gender share one output because the crate's net runner reads
//! a net's first output.

mod preprocess;

use std::path::Path;

pub use preprocess::{
    FACEAPI_FACE_LEN, FACEAPI_INPUT_DIVISOR, FACEAPI_INPUT_SIZE, FACEAPI_MEAN_RGB, faceapi_blob,
};

use crate::error::EstimateError;
use crate::onnx_net::OnnxNet;
use face::BGR_CHANNELS;

/// File name of the converted AgeGenderNet in the models folder (written by `cargo xtask
/// fetch-models` from face-api's `age_gender_model` weights).
pub const FACEAPI_AGE_GENDER_MODEL: &str = "faceapi_age_gender.onnx";

/// Per-face input shape: NHWC without the batch axis.
const ITEM_SHAPE: [usize; 3] = [FACEAPI_INPUT_SIZE, FACEAPI_INPUT_SIZE, BGR_CHANNELS];
/// Output values per face: age, P(male), P(female).
const OUTPUTS_PER_FACE: usize = 3;
/// Position of each value in a face's output row.
const AGE_INDEX: usize = 0;
const MALE_INDEX: usize = 1;

/// AgeGenderNet's outputs for a batch, in input order.
#[derive(Debug, Clone, PartialEq)]
pub struct RawFaceApiOutputs {
    /// Age in years, one per face (face-api's `age`, a regression, not clamped).
    pub ages: Vec<f32>,
    /// Probability that the face is male, one per face (softmax of the gender head).
    pub male_probabilities: Vec<f32>,
}

/// face-api's AgeGenderNet, loaded and optimised once.
#[derive(Debug)]
pub struct FaceApiNet {
    net: OnnxNet,
}

impl FaceApiNet {
    /// Loads the converted net from `path` ([`FACEAPI_AGE_GENDER_MODEL`] in the models folder).
    ///
    /// Fails with [`EstimateError::ModelMissing`] if the file does not exist and
    /// [`EstimateError::ModelLoad`] if tract cannot use it as a `f32 [N,112,112,3]` net.
    pub fn load(path: &Path) -> Result<Self, EstimateError> {
        Ok(Self {
            net: OnnxNet::load(path, &ITEM_SHAPE)?,
        })
    }

    /// The file the net was loaded from.
    pub fn model_path(&self) -> &Path {
        self.net.path()
    }

    /// Runs the net on a ready-made blob of `n` faces (`[n, 112, 112, 3]` as [`faceapi_blob`]
    /// builds it). An empty batch returns empty outputs without running the net.
    pub fn run_blob(&self, blob: &[f32], n: usize) -> Result<RawFaceApiOutputs, EstimateError> {
        if n == 0 && blob.is_empty() {
            return Ok(RawFaceApiOutputs {
                ages: Vec::new(),
                male_probabilities: Vec::new(),
            });
        }
        let input = self.net.input(blob.to_vec(), n)?;
        let values = self.net.run(input, n, OUTPUTS_PER_FACE)?;
        tracing::trace!(faces = n, "ran face-api AgeGenderNet");
        let rows = values.chunks_exact(OUTPUTS_PER_FACE);
        Ok(RawFaceApiOutputs {
            ages: rows.clone().map(|row| row[AGE_INDEX]).collect(),
            male_probabilities: rows.map(|row| row[MALE_INDEX]).collect(),
        })
    }
}
