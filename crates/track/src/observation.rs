//! The tracker's own small estimate types: what the app feeds in per estimated face
//! ([`FaceObservation`]) and what it gets back per track ([`StableEstimate`]).

use std::fmt;

/// Number of Levi & Hassner age groups, `(0-2)` ... `(60-100)` (estimate's `AGE_GROUPS`).
pub const AGE_GROUP_COUNT: usize = 8;

/// A gender decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Gender {
    /// Male (SSR-Net score >= 0.5, or Caffe class 0).
    Male,
    /// Female (SSR-Net score < 0.5, or Caffe class 1).
    Female,
}

impl fmt::Display for Gender {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Gender::Male => "Male",
            Gender::Female => "Female",
        })
    }
}

/// An age: years from SSR-Net or an age group from the Caffe age net.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum AgeValue {
    /// Age in years (SSR-Net regression output).
    Years(f32),
    /// Age group: index into the 8 groups and the probability of each group.
    Group {
        /// Index of the chosen group, `< AGE_GROUP_COUNT`.
        index: usize,
        /// Probability of each of the 8 groups.
        probabilities: [f32; AGE_GROUP_COUNT],
    },
}

/// One face's per-frame estimate, as the estimator produced it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FaceObservation {
    /// The estimator's own per-frame gender decision (returned unchanged with `none` smoothing).
    pub gender: Gender,
    /// SSR-Net's raw gender output (>= 0.5 is Male), or the Caffe net's P(Male).
    pub gender_score: f32,
    /// The Caffe gender net's `[P(Male), P(Female)]`; `None` for SSR-Net.
    pub gender_probabilities: Option<[f32; 2]>,
    /// The estimated age.
    pub age: AgeValue,
}

/// A track's displayed estimate: the latest observation passed through the configured smoothing.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StableEstimate {
    /// Gender to display.
    pub gender: Gender,
    /// Gender score behind it: the input score, or the mean score over the window.
    pub gender_score: f32,
    /// `[P(Male), P(Female)]` behind it: the input, or the mean over the window (`None` when the
    /// input had none and the mode does not derive them).
    pub gender_probabilities: Option<[f32; 2]>,
    /// Age to display.
    pub age: AgeValue,
    /// Whether `gender*` come from a smoothing mode (false: the latest observation verbatim).
    pub gender_smoothed: bool,
    /// Whether `age` comes from a smoothing mode (false: the latest observation verbatim).
    pub age_smoothed: bool,
    /// Number of per-frame estimates recorded on this track so far.
    pub observations: u64,
    /// Tracker frame index at which the latest estimate was recorded.
    pub estimated_at_frame: u64,
}
