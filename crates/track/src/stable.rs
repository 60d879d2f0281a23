//! [`StableEstimate`]: what the tracker returns per track, a [`face::Estimate`] passed through
//! the configured smoothing, with how it was obtained.

use face::Estimate;

/// A track's displayed estimate: the latest per-frame estimate passed through the configured
/// smoothing.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StableEstimate {
    /// Gender and age to display. The gender score is the input score or the mean score over
    /// the window; the probabilities are the input or the mean over the window (`None` when the
    /// input had none and the mode does not derive them); the age uncertainty is the latest
    /// estimate's when the age is not smoothed, `None` when it is (a smoothed age has no spread
    /// of its own).
    pub estimate: Estimate,
    /// Whether the gender fields come from a smoothing mode (false: the latest estimate
    /// verbatim).
    pub gender_smoothed: bool,
    /// Whether the age comes from a smoothing mode (false: the latest estimate verbatim).
    pub age_smoothed: bool,
    /// Number of per-frame estimates recorded on this track so far.
    pub observations: u64,
    /// Tracker frame index at which the latest estimate was recorded.
    pub estimated_at_frame: u64,
}

impl StableEstimate {
    /// Whether any part of the estimate comes from a smoothing mode.
    pub fn is_smoothed(&self) -> bool {
        self.gender_smoothed || self.age_smoothed
    }
}
