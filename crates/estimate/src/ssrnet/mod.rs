//! The SSR-Net backend: the original Keras age and gender nets, converted to ONNX by
//! `cargo xtask fetch-models`, run by tract.

use std::path::Path;

use crate::error::EstimateError;
use crate::models::ModelPaths;
use crate::net_pair::NetPair;
use crate::onnx_net::OnnxNet;
use crate::preprocess::{SSRNET_INPUT_SIZE, ssrnet_blob};
use face::{BGR_CHANNELS, BgrImage, Estimate};

/// Per-face input shape of both nets: NHWC without the batch axis.
const SSRNET_ITEM_SHAPE: [usize; 3] = [SSRNET_INPUT_SIZE, SSRNET_INPUT_SIZE, BGR_CHANNELS];
/// Each net returns one value per face (`[N, 1]`).
const SSRNET_OUTPUTS_PER_FACE: usize = 1;

/// Raw outputs of the two SSR-Net nets for a batch, in input order.
#[derive(Debug, Clone, PartialEq)]
pub struct RawSsrOutputs {
    /// Age in years, one per face.
    pub ages: Vec<f32>,
    /// Gender score, one per face (>= 0.5 is Male).
    pub genders: Vec<f32>,
}

/// The SSR-Net age and gender nets, loaded and optimised once.
#[derive(Debug)]
pub struct SsrNet {
    nets: NetPair,
}

impl SsrNet {
    /// Loads both nets (in parallel) from the converted ONNX files.
    ///
    /// Fails with [`EstimateError::ModelMissing`] if a file does not exist and
    /// [`EstimateError::ModelLoad`] if tract cannot use it as a `f32 [N,64,64,3]` net.
    pub fn load(age_path: &Path, gender_path: &Path) -> Result<Self, EstimateError> {
        let (age, gender) = rayon::join(
            || OnnxNet::load(age_path, &SSRNET_ITEM_SHAPE),
            || OnnxNet::load(gender_path, &SSRNET_ITEM_SHAPE),
        );
        Ok(Self {
            nets: NetPair::new(age?, gender?),
        })
    }

    /// The files the nets were loaded from.
    pub fn model_paths(&self) -> &ModelPaths {
        self.nets.paths()
    }

    /// Runs both nets on a ready-made blob of `n` faces (`[n, 64, 64, 3]`, HWC, BGR, 0..255,
    /// row-major). For parity tests and callers that preprocess themselves.
    pub fn run_blob(&self, blob: &[f32], n: usize) -> Result<RawSsrOutputs, EstimateError> {
        self.run_owned_blob(blob.to_vec(), n)
    }

    /// Preprocesses `faces` exactly as the original program and estimates each one.
    /// An empty slice returns an empty vector without running the nets.
    pub fn estimate(&self, faces: &[BgrImage<'_>]) -> Result<Vec<Estimate>, EstimateError> {
        if faces.is_empty() {
            return Ok(Vec::new());
        }
        let blob = ssrnet_blob(faces)?;
        let raw = self.run_owned_blob(blob, faces.len())?;
        Ok(raw
            .genders
            .iter()
            .zip(&raw.ages)
            .map(|(&gender, &age)| Estimate::from_ssrnet(gender, age))
            .collect())
    }

    /// One batch through both nets, gender and age in parallel.
    fn run_owned_blob(&self, blob: Vec<f32>, n: usize) -> Result<RawSsrOutputs, EstimateError> {
        let outputs = self
            .nets
            .run(blob, n, SSRNET_OUTPUTS_PER_FACE, SSRNET_OUTPUTS_PER_FACE)?;
        tracing::trace!(faces = n, "ran SSR-Net age and gender nets");
        Ok(RawSsrOutputs {
            ages: outputs.ages,
            genders: outputs.genders,
        })
    }
}

impl crate::backend::Backend for SsrNet {
    fn estimate(&self, faces: &[BgrImage<'_>]) -> Result<Vec<Estimate>, EstimateError> {
        SsrNet::estimate(self, faces)
    }

    fn model_paths(&self) -> &ModelPaths {
        SsrNet::model_paths(self)
    }

    fn threads(&self) -> String {
        self.nets.threads()
    }
}
