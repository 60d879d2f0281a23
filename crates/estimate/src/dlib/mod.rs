//! dlib's age predictor and gender classifier (Cydral Technology, CC0), as ONNX files run by
//! tract. Every number of their input and output is in the model bundle's manifest
//! (`cydral-manifest.json` in the mirror): RGB chips, `(byte - channel mean) / 256`, NCHW; the
//! age net gives a softmax over 81 ages, the gender net `[female, male]`.

mod age_bins;
mod graph_rewrite;
#[cfg(test)]
pub(crate) mod test_input;

use std::path::Path;

use face::BgrImage;
use tract_onnx::prelude::{TractResult, TypedModel};

use crate::error::EstimateError;
use crate::net_pair::{NetPair, PairOutputs};
use crate::onnx_net::OnnxNet;

pub use age_bins::{AGE_BIN_COUNT, AGE_BIN_YEARS, AgeDistribution};
pub use graph_rewrite::{NEGLIGIBLE_WEIGHT, flush_negligible_weights};

/// Side of the age net's square chip (manifest: input shape `[N, 3, 64, 64]`).
pub const DLIB_AGE_CHIP_SIZE: u32 = 64;
/// Side of the gender net's square chip (manifest: input shape `[N, 3, 32, 32]`).
pub const DLIB_GENDER_CHIP_SIZE: u32 = 32;
/// Face-chip padding both nets were trained with (manifest: `face_chip_padding`).
pub const DLIB_CHIP_PADDING: f64 = 0.2;
/// Per-channel means subtracted from the R, G, B bytes (manifest: `normalization.means`).
/// Written as f64 with the manifest's digits; the nets' input subtracts them as f32, as the
/// package's numpy code does.
const CHANNEL_MEANS_RGB: [f64; 3] = [122.781_998, 117.000_999, 104.297_997];
/// The normalised value is `(byte - mean) * this` (manifest: `normalization.scale`, 1 / 256).
const INPUT_SCALE: f32 = 0.003_906_25;
/// Colour planes of the nets' input.
const CHANNELS: usize = 3;
/// Outputs of the gender net per face: `[female, male]` (manifest: `labels`).
const GENDER_OUTPUTS: usize = 2;
/// Index of male in the gender net's output.
const MALE_INDEX: usize = 1;

/// The raw outputs of both nets for a batch, in input order.
#[derive(Debug, Clone, PartialEq)]
pub struct RawDlibOutputs {
    /// The age distribution of each face.
    pub ages: Vec<AgeDistribution>,
    /// The probability of male of each face.
    pub male_probabilities: Vec<f32>,
}

/// The dlib age and gender nets, loaded and optimised once.
#[derive(Debug)]
pub struct DlibNets {
    nets: NetPair,
}

impl DlibNets {
    /// Loads both nets (in parallel), with their negligible convolution weights set to zero (see
    /// [`flush_negligible_weights`]: 15 of the age net's 18 ms per face went on denormals).
    ///
    /// Fails with [`EstimateError::ModelMissing`] if a file does not exist and
    /// [`EstimateError::ModelLoad`] if tract cannot use it with the input the manifest gives.
    pub fn load(age_path: &Path, gender_path: &Path) -> Result<Self, EstimateError> {
        let age_shape = item_shape(DLIB_AGE_CHIP_SIZE);
        let gender_shape = item_shape(DLIB_GENDER_CHIP_SIZE);
        let (age, gender) = rayon::join(
            || OnnxNet::load_with(age_path, &age_shape, flush_rewrite),
            || OnnxNet::load_with(gender_path, &gender_shape, flush_rewrite),
        );
        Ok(Self {
            nets: NetPair::new(age?, gender?),
        })
    }

    /// The files the nets were loaded from.
    pub fn model_paths(&self) -> &crate::ModelPaths {
        self.nets.paths()
    }

    /// Which threads run the two nets, for the start-up log.
    pub(crate) fn threads(&self) -> String {
        self.nets.threads()
    }

    /// Runs both nets on `n` faces' chips: `age_chips` of 64 x 64 and `gender_chips` of 32 x 32
    /// (BGR, as [`align::extract_chip`] cuts them). `alongside` runs on the gender net's thread
    /// after it (another net of the same estimator).
    pub(crate) fn run_with<T: Send>(
        &self,
        age_chips: &[BgrImage<'_>],
        gender_chips: &[BgrImage<'_>],
        alongside: impl FnOnce() -> Result<T, EstimateError> + Send,
    ) -> Result<(RawDlibOutputs, T), EstimateError> {
        let n = age_chips.len();
        let age_blob = dlib_blob(age_chips, DLIB_AGE_CHIP_SIZE)?;
        let gender_blob = dlib_blob(gender_chips, DLIB_GENDER_CHIP_SIZE)?;
        let (PairOutputs { ages, genders }, other) = self.nets.run_each(
            age_blob,
            gender_blob,
            n,
            (AGE_BIN_COUNT, GENDER_OUTPUTS),
            alongside,
        )?;
        let ages = ages
            .chunks_exact(AGE_BIN_COUNT)
            .map(AgeDistribution::from_probabilities)
            .collect();
        let male_probabilities = genders
            .chunks_exact(GENDER_OUTPUTS)
            .map(|row| row[MALE_INDEX])
            .collect();
        Ok((
            RawDlibOutputs {
                ages,
                male_probabilities,
            },
            other,
        ))
    }
}

/// [`flush_negligible_weights`] as a load-time rewrite, logging what it did.
fn flush_rewrite(model: &mut TypedModel) -> TractResult<()> {
    let zeroed = flush_negligible_weights(model)?;
    tracing::debug!(zeroed, "set negligible convolution weights to zero");
    Ok(())
}

/// Per-face input shape: `[3, size, size]` (NCHW without the batch axis).
fn item_shape(size: u32) -> [usize; 3] {
    [CHANNELS, size as usize, size as usize]
}

/// The nets' input for `chips` of `size` x `size`: RGB planes of `(byte - mean) / 256`.
pub fn dlib_blob(chips: &[BgrImage<'_>], size: u32) -> Result<Vec<f32>, EstimateError> {
    let side = size as usize;
    let plane = side * side;
    let mut blob = vec![0f32; chips.len() * CHANNELS * plane];
    for (chip, item) in chips.iter().zip(blob.chunks_exact_mut(CHANNELS * plane)) {
        if chip.width() != side || chip.height() != side {
            return Err(EstimateError::ChipSize {
                width: chip.width(),
                height: chip.height(),
                expected: side,
            });
        }
        for y in 0..side {
            let row = chip.row(y).unwrap_or_default();
            for (x, bgr) in row.chunks_exact(CHANNELS).enumerate() {
                // The chip is BGR; plane 0 of the nets is red.
                for (channel, mean) in CHANNEL_MEANS_RGB.iter().enumerate() {
                    let byte = bgr[CHANNELS - 1 - channel];
                    item[channel * plane + y * side + x] =
                        (f32::from(byte) - *mean as f32) * INPUT_SCALE;
                }
            }
        }
    }
    Ok(blob)
}
