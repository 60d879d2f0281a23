//! When a track's face must be estimated again, and when its last estimate is reused (the
//! semantics of DeepStream's secondary-inference `secondary-reinfer-interval`).

use crate::stable::StableEstimate;

/// Per-track re-estimation policy: estimate a new track, then again once `interval` frames have
/// passed since its last recorded estimate, or earlier when its box area has grown by more than
/// the factor `box_growth` since then; reuse the last estimate otherwise.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ReestimationPolicy {
    /// Frames between two estimates of the same track (K). 1 = every frame, the per-frame
    /// behaviour of the original program; 0 behaves as 1.
    pub interval: u32,
    /// Re-estimate early when `area > box_growth * area at the last estimate`; `f32::INFINITY`
    /// disables the rule.
    pub box_growth: f32,
}

/// Why a face must be estimated on this frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EstimateReason {
    /// The track was created on this frame.
    NewTrack,
    /// The track exists but no estimate has been recorded for it yet.
    NoEstimateYet,
    /// `interval` frames have passed since the last recorded estimate.
    IntervalElapsed,
    /// The box area grew by more than `box_growth` since the last recorded estimate.
    BoxGrew,
}

/// What to do with one tracked face on this frame.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum EstimateDecision {
    /// Run the estimator on this face and record the result with `Tracker::record_estimate`.
    Estimate(EstimateReason),
    /// Skip the estimator and display the track's last estimate, given here.
    Reuse(StableEstimate),
}

impl EstimateDecision {
    /// Whether the estimator must run on this face.
    pub fn needs_estimate(&self) -> bool {
        matches!(self, EstimateDecision::Estimate(_))
    }
}

/// What the policy needs to remember about a track's latest recorded estimate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct LastEstimate {
    /// The displayed estimate recorded then.
    pub estimate: StableEstimate,
    /// The track's box area at that frame.
    pub area: f32,
}

impl ReestimationPolicy {
    /// The decision for an existing (matched) track on frame `frame` whose box now has `area`.
    pub(crate) fn decide(
        &self,
        last: Option<&LastEstimate>,
        frame: u64,
        area: f32,
    ) -> EstimateDecision {
        let Some(last) = last else {
            return EstimateDecision::Estimate(EstimateReason::NoEstimateYet);
        };
        let frames_since = frame.saturating_sub(last.estimate.estimated_at_frame);
        if frames_since >= u64::from(self.interval) {
            EstimateDecision::Estimate(EstimateReason::IntervalElapsed)
        } else if area > self.box_growth * last.area {
            EstimateDecision::Estimate(EstimateReason::BoxGrew)
        } else {
            EstimateDecision::Reuse(last.estimate)
        }
    }
}
