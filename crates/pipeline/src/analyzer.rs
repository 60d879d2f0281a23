//! The frame analyzer: the faces a frame's detection found, estimated directly or through the
//! tracker when labels are stabilised.

use estimate::Estimator;
use opencv::core::Mat;
use track::Tracker;

use crate::error::Result;
use crate::estimation::{FaceResult, estimate_faces};
use crate::finder::FoundFace;
use crate::stats::{RunStats, Stage};

/// Estimates the faces found in video frames, through the tracker when labels are stabilised.
pub struct FrameAnalyzer {
    estimator: Estimator,
    tracker: Option<Tracker>,
}

impl FrameAnalyzer {
    /// Wraps a ready estimator, and a tracker when labels are to be stabilised.
    pub fn new(estimator: Estimator, tracker: Option<Tracker>) -> Self {
        Self { estimator, tracker }
    }

    /// The estimator's padding ratio, which the face finders must apply to their boxes.
    pub fn padding_ratio(&self) -> f32 {
        self.estimator.padding_ratio()
    }

    /// Which threads run the estimator's age and gender nets (see [`Estimator::threads`]).
    pub fn estimator_threads(&self) -> String {
        self.estimator.threads()
    }

    /// Estimates the `faces` found in the BGR `frame` (frames must come in order when tracking).
    pub fn analyze(
        &mut self,
        frame: &Mat,
        faces: Vec<FoundFace>,
        stats: &mut RunStats,
    ) -> Result<Vec<FaceResult>> {
        stats.time(Stage::Estimate, || match self.tracker.as_mut() {
            Some(tracker) => {
                crate::tracking::estimate_tracked(tracker, &self.estimator, frame, faces)
            }
            None => estimate_faces(&self.estimator, frame, faces),
        })
    }
}
