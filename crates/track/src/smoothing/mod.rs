//! Per-track temporal smoothing of ages and genders: the configurable modes and the state each
//! track keeps for them.

mod age;
mod gender;
mod stats;
mod window;

pub(crate) use age::AgeSmoother;
pub(crate) use gender::GenderSmoother;

use serde::{Deserialize, Serialize};

/// How a track's ages in years (SSR-Net) are smoothed over time.
///
/// TOML: `age_smoothing = { mode = "none" }`, `{ mode = "ema", alpha = 0.3 }`,
/// `{ mode = "median", window = 15 }`, `{ mode = "winsorised_mean", window = 15, trim = 0.2 }`.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(tag = "mode", rename_all = "snake_case", deny_unknown_fields)]
pub enum AgeSmoothing {
    /// The latest per-frame age, unchanged (the original program's behaviour).
    #[default]
    None,
    /// Exponential moving average: `s = alpha * age + (1 - alpha) * s`, starting at the first
    /// age; `alpha` in `(0, 1]` (1 = no smoothing).
    Ema {
        /// Weight of the newest age, in `(0, 1]`.
        alpha: f32,
    },
    /// Median of the latest `window` ages (mean of the two middle ones for an even count).
    Median {
        /// Number of latest estimates considered, >= 1.
        window: usize,
    },
    /// Winsorised mean of the latest `window` ages: the `floor(trim * n)` lowest and highest
    /// ages are clamped to their neighbours before averaging.
    WinsorisedMean {
        /// Number of latest estimates considered, >= 1.
        window: usize,
        /// Fraction clamped at each end, in `[0, 0.5)`.
        trim: f32,
    },
}

/// How a track's age-group probabilities (Caffe age net) are accumulated over time.
///
/// TOML: `age_group_smoothing = { mode = "none" }` or
/// `{ mode = "summed_probabilities", window = 15 }`.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(tag = "mode", rename_all = "snake_case", deny_unknown_fields)]
pub enum AgeGroupSmoothing {
    /// The latest per-frame group, unchanged.
    #[default]
    None,
    /// The group with the largest summed probability over the latest `window` estimates (first
    /// on ties); reported probabilities are the window means.
    SummedProbabilities {
        /// Number of latest estimates considered, >= 1.
        window: usize,
    },
}

/// How a track's gender evidence is accumulated over time.
///
/// TOML: `gender_smoothing = { mode = "none" }`, `{ mode = "mean_score", window = 15 }`,
/// `{ mode = "summed_probabilities", window = 15 }`.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(tag = "mode", rename_all = "snake_case", deny_unknown_fields)]
pub enum GenderSmoothing {
    /// The latest per-frame gender, unchanged.
    #[default]
    None,
    /// Mean of the latest `window` gender scores; Male when the mean is >= 0.5 (for SSR-Net's
    /// raw score; for the Caffe nets the score is P(Male)).
    MeanScore {
        /// Number of latest estimates considered, >= 1.
        window: usize,
    },
    /// Sum of the latest `window` `[P(Male), P(Female)]` (Caffe nets); the larger sum wins, Male
    /// on a tie. An observation without probabilities counts as `[score, 1 - score]`.
    SummedProbabilities {
        /// Number of latest estimates considered, >= 1.
        window: usize,
    },
}
