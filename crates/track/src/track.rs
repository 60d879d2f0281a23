//! One tracked face: its box and motion, and its estimate history.

use face::Estimate;

use crate::config::TrackerConfig;
use crate::geometry::{BoxVelocity, TrackBox};
use crate::reestimation::LastEstimate;
use crate::smoothing::{AgeSmoother, GenderSmoother};
use crate::stable::StableEstimate;
use crate::track_id::TrackId;

/// Weight of the newest measured velocity in the track's velocity estimate: an equal blend
/// damps detector jitter while following a real change of direction within two frames.
const VELOCITY_BLEND: f32 = 0.5;

/// A live track's full state.
#[derive(Debug, Clone)]
pub(crate) struct Track {
    /// Stable identifier.
    pub id: TrackId,
    /// The box of the latest matched detection.
    pub last_box: TrackBox,
    /// Estimated per-frame edge motion; `None` until the track has been matched twice.
    velocity: Option<BoxVelocity>,
    /// Frame on which the track was created.
    pub first_frame: u64,
    /// Frame of the latest matched detection.
    pub last_seen_frame: u64,
    /// Number of frames with a matched detection.
    pub hits: u64,
    age: AgeSmoother,
    gender: GenderSmoother,
    /// The latest recorded estimate, for the re-estimation policy and for reuse.
    pub last_estimate: Option<LastEstimate>,
    observations: u64,
}

impl Track {
    /// A track born from a detection on `frame`.
    pub(crate) fn new(id: TrackId, bbox: TrackBox, frame: u64, config: &TrackerConfig) -> Self {
        Self {
            id,
            last_box: bbox,
            velocity: None,
            first_frame: frame,
            last_seen_frame: frame,
            hits: 1,
            age: AgeSmoother::new(config.age_smoothing, config.age_group_smoothing),
            gender: GenderSmoother::new(config.gender_smoothing),
            last_estimate: None,
            observations: 0,
        }
    }

    /// Frames since the latest matched detection, as of `frame`.
    pub(crate) fn missed_frames(&self, frame: u64) -> u64 {
        frame.saturating_sub(self.last_seen_frame)
    }

    /// Where the face should be on `frame` if it keeps moving as it did (the last box when the
    /// velocity is unknown).
    pub(crate) fn predicted_box(&self, frame: u64) -> TrackBox {
        match &self.velocity {
            Some(velocity) => self
                .last_box
                .advanced(velocity, self.missed_frames(frame) as f32),
            None => self.last_box,
        }
    }

    /// How well `detection` continues this track on `frame`: IoU with the last box, or the
    /// better of that and the IoU with the motion-predicted box (a static face with jittery
    /// velocity is then still found where it was).
    pub(crate) fn affinity(
        &self,
        detection: &TrackBox,
        frame: u64,
        motion_prediction: bool,
    ) -> f32 {
        let with_last = self.last_box.iou(detection);
        if motion_prediction {
            with_last.max(self.predicted_box(frame).iou(detection))
        } else {
            with_last
        }
    }

    /// Continues the track with a matched detection on `frame`.
    pub(crate) fn observe(&mut self, bbox: TrackBox, frame: u64) {
        let measured = BoxVelocity::between(&self.last_box, &bbox, self.missed_frames(frame));
        self.velocity = Some(match &self.velocity {
            Some(previous) => previous.blended(&measured, VELOCITY_BLEND),
            None => measured,
        });
        self.last_box = bbox;
        self.last_seen_frame = frame;
        self.hits += 1;
    }

    /// Adds a per-frame estimate recorded on `frame` and returns the estimate to display.
    pub(crate) fn record(&mut self, observation: &Estimate, frame: u64) -> StableEstimate {
        let age = self.age.push(observation.age);
        let gender = self.gender.push(observation);
        self.observations += 1;
        let estimate = StableEstimate {
            estimate: Estimate {
                gender: gender.gender,
                gender_score: gender.score,
                gender_probabilities: gender.probabilities,
                age: age.value,
                age_uncertainty: observation.age_uncertainty.filter(|_| !age.smoothed),
            },
            gender_smoothed: gender.smoothed,
            age_smoothed: age.smoothed,
            observations: self.observations,
            estimated_at_frame: frame,
        };
        self.last_estimate = Some(LastEstimate {
            estimate,
            area: self.last_box.area(),
        });
        estimate
    }
}
