//! The tracker: associates each frame's face boxes with tracks by optimal IoU assignment, keeps
//! their IDs through short detection gaps, and decides per face whether to estimate it or reuse
//! its track's (smoothed) estimate.

use face::{AGE_GROUP_COUNT, AgeEstimate, Estimate, FaceBox};

use crate::assignment::{CostMatrix, minimum_cost_assignment};
use crate::config::TrackerConfig;
use crate::error::TrackError;
use crate::geometry::TrackBox;
use crate::reestimation::{EstimateDecision, EstimateReason, ReestimationPolicy};
use crate::stable::StableEstimate;
use crate::track::Track;
use crate::track_id::TrackId;

/// The track one input box was assigned to on this frame, and what to do about its estimate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrackAssignment {
    /// The track this box belongs to.
    pub track_id: TrackId,
    /// Whether the track was created on this frame.
    pub is_new: bool,
    /// Estimate this face now, or reuse the track's last estimate.
    pub decision: EstimateDecision,
}

/// A read-only view of one live track.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrackSnapshot {
    /// The track's ID.
    pub id: TrackId,
    /// Box of its latest matched detection.
    pub last_box: FaceBox,
    /// Where it is expected on the next frame, rounded to whole pixels (equal to `last_box`
    /// without motion prediction).
    pub predicted_box: FaceBox,
    /// Frame index on which it was created.
    pub first_frame: u64,
    /// Frame index of its latest matched detection.
    pub last_seen_frame: u64,
    /// Number of frames on which it was matched.
    pub hits: u64,
    /// Frames since its latest matched detection (0 = matched on the latest frame).
    pub missed_frames: u64,
    /// Its latest recorded (smoothed) estimate.
    pub estimate: Option<StableEstimate>,
}

/// Multi-face tracker with per-track smoothing and re-estimation policy.
#[derive(Debug, Clone)]
pub struct Tracker {
    config: TrackerConfig,
    policy: ReestimationPolicy,
    /// Live tracks, ordered by ID.
    tracks: Vec<Track>,
    next_id: u64,
    frames_seen: u64,
}

impl Tracker {
    /// A tracker with no tracks; fails if `config` does not validate.
    pub fn new(config: TrackerConfig) -> Result<Self, TrackError> {
        config.validate()?;
        Ok(Self {
            policy: config.reestimation_policy(),
            config,
            tracks: Vec::new(),
            next_id: TrackId::FIRST.get(),
            frames_seen: 0,
        })
    }

    /// The settings in use.
    pub fn config(&self) -> &TrackerConfig {
        &self.config
    }

    /// Index of the latest frame given to [`Tracker::update`] (0-based), `None` before the first.
    pub fn frame_index(&self) -> Option<u64> {
        self.frames_seen.checked_sub(1)
    }

    /// Processes the face boxes detected on the next frame. Returns one assignment per box, in
    /// the order given; no two boxes of a frame share a track. Tracks without a box for more than
    /// `max_missed_frames` frames are dropped.
    pub fn update(&mut self, boxes: &[FaceBox]) -> Vec<TrackAssignment> {
        let boxes: Vec<TrackBox> = boxes.iter().map(TrackBox::of).collect();
        self.update_boxes(&boxes)
    }

    /// [`Tracker::update`] on the tracker's own continuous boxes.
    pub(crate) fn update_boxes(&mut self, boxes: &[TrackBox]) -> Vec<TrackAssignment> {
        let frame = self.frames_seen;
        self.frames_seen += 1;
        let track_of_box = self.associate(boxes, frame);

        let mut assignments = Vec::with_capacity(boxes.len());
        for (bbox, matched) in boxes.iter().zip(track_of_box) {
            let assignment = match matched.and_then(|index| self.tracks.get_mut(index)) {
                Some(track) => {
                    track.observe(*bbox, frame);
                    TrackAssignment {
                        track_id: track.id,
                        is_new: false,
                        decision: self.policy.decide(
                            track.last_estimate.as_ref(),
                            frame,
                            bbox.area(),
                        ),
                    }
                }
                None => self.start_track(*bbox, frame),
            };
            assignments.push(assignment);
        }

        let max_missed = u64::from(self.config.max_missed_frames);
        self.tracks.retain(|track| {
            let keep = track.missed_frames(frame) <= max_missed;
            if !keep {
                tracing::debug!(
                    track = track.id.get(),
                    frame,
                    hits = track.hits,
                    "track dropped"
                );
            }
            keep
        });
        assignments
    }

    /// For each box, the index of the live track it continues, if any: the assignment that
    /// maximises the summed IoU over pairs whose IoU reaches `min_iou`.
    fn associate(&self, boxes: &[TrackBox], frame: u64) -> Vec<Option<usize>> {
        let mut track_of_box = vec![None; boxes.len()];
        if self.tracks.is_empty() || boxes.is_empty() {
            return track_of_box;
        }
        let min_iou = self.config.min_iou;
        let prediction = self.config.motion_prediction;
        let affinity = |track: usize, bbox: usize| -> f32 {
            match (self.tracks.get(track), boxes.get(bbox)) {
                (Some(track), Some(bbox)) => {
                    let iou = track.affinity(bbox, frame, prediction);
                    if iou >= min_iou { iou } else { 0.0 }
                }
                _ => 0.0,
            }
        };
        let costs = CostMatrix::from_fn(self.tracks.len(), boxes.len(), |track, bbox| {
            1.0 - f64::from(affinity(track, bbox))
        });
        for (track, bbox) in minimum_cost_assignment(&costs).into_iter().enumerate() {
            if let Some(bbox) = bbox
                && affinity(track, bbox) > 0.0
                && let Some(slot) = track_of_box.get_mut(bbox)
            {
                *slot = Some(track);
            }
        }
        track_of_box
    }

    fn start_track(&mut self, bbox: TrackBox, frame: u64) -> TrackAssignment {
        let id = TrackId::new(self.next_id);
        self.next_id += 1;
        tracing::debug!(track = id.get(), frame, "new track");
        self.tracks.push(Track::new(id, bbox, frame, &self.config));
        TrackAssignment {
            track_id: id,
            is_new: true,
            decision: EstimateDecision::Estimate(EstimateReason::NewTrack),
        }
    }

    /// Records the estimator's output for a live track's face on the latest frame and returns
    /// the estimate to display (smoothed as configured; with `none` modes the input verbatim).
    pub fn record_estimate(
        &mut self,
        id: TrackId,
        observation: &Estimate,
    ) -> Result<StableEstimate, TrackError> {
        validate_observation(id, observation)?;
        let frame = self.frame_index().unwrap_or(0);
        let track = self
            .tracks
            .iter_mut()
            .find(|track| track.id == id)
            .ok_or(TrackError::UnknownTrack { id })?;
        Ok(track.record(observation, frame))
    }

    /// The latest recorded estimate of a live track.
    pub fn last_estimate(&self, id: TrackId) -> Option<StableEstimate> {
        self.find(id)?.last_estimate.map(|last| last.estimate)
    }

    /// All live tracks (including those in a detection gap), ordered by ID.
    pub fn tracks(&self) -> Vec<TrackSnapshot> {
        self.tracks
            .iter()
            .map(|track| self.snapshot(track))
            .collect()
    }

    /// One live track, if it exists.
    pub fn track(&self, id: TrackId) -> Option<TrackSnapshot> {
        self.find(id).map(|track| self.snapshot(track))
    }

    fn find(&self, id: TrackId) -> Option<&Track> {
        self.tracks.iter().find(|track| track.id == id)
    }

    fn snapshot(&self, track: &Track) -> TrackSnapshot {
        let latest = self.frame_index().unwrap_or(0);
        TrackSnapshot {
            id: track.id,
            last_box: track.last_box.to_face_box(),
            predicted_box: if self.config.motion_prediction {
                track.predicted_box(latest + 1)
            } else {
                track.last_box
            }
            .to_face_box(),
            first_frame: track.first_frame,
            last_seen_frame: track.last_seen_frame,
            hits: track.hits,
            missed_frames: track.missed_frames(latest),
            estimate: track.last_estimate.map(|last| last.estimate),
        }
    }
}

/// Rejects values no estimator produces, so that one broken frame cannot poison a history.
fn validate_observation(id: TrackId, observation: &Estimate) -> Result<(), TrackError> {
    let invalid =
        |field: &'static str, value: String| TrackError::InvalidObservation { id, field, value };
    if !observation.gender_score.is_finite() {
        return Err(invalid(
            "gender_score",
            format!("{:?}", observation.gender_score),
        ));
    }
    if let Some(probabilities) = observation.gender_probabilities
        && !probabilities.iter().all(|p| p.is_finite())
    {
        return Err(invalid(
            "gender_probabilities",
            format!("{probabilities:?}"),
        ));
    }
    match observation.age {
        AgeEstimate::Years(years) if !years.is_finite() => {
            Err(invalid("age.years", format!("{years:?}")))
        }
        AgeEstimate::Group { index, .. } if index >= AGE_GROUP_COUNT => {
            Err(invalid("age.index", format!("{index:?}")))
        }
        AgeEstimate::Group { probabilities, .. }
            if !probabilities.iter().all(|p| p.is_finite()) =>
        {
            Err(invalid("age.probabilities", format!("{probabilities:?}")))
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    //! Boxes no `FaceBox` can express (fractional, non-finite), through the continuous boxes
    //! [`Tracker::update`] converts to.

    use std::collections::HashSet;

    use proptest::prelude::*;

    use super::*;

    fn any_box() -> impl Strategy<Value = TrackBox> {
        (0.0_f32..300.0, 0.0_f32..300.0, 1.0_f32..80.0, 1.0_f32..80.0)
            .prop_map(|(x, y, w, h)| TrackBox::new(x, y, x + w, y + h))
    }

    fn any_config() -> impl Strategy<Value = TrackerConfig> {
        (0.05_f32..=1.0, 0_u32..5, any::<bool>(), 1_u32..6).prop_map(
            |(min_iou, max_missed_frames, motion_prediction, reestimate_interval)| TrackerConfig {
                min_iou,
                max_missed_frames,
                motion_prediction,
                reestimate_interval,
                ..TrackerConfig::default()
            },
        )
    }

    fn ids(assignments: &[TrackAssignment]) -> Vec<u64> {
        assignments.iter().map(|a| a.track_id.get()).collect()
    }

    #[test]
    fn degenerate_and_non_finite_boxes_never_panic_and_get_own_ids() {
        let mut tracker = Tracker::new(TrackerConfig::default()).expect("default is valid");
        let broken = [
            TrackBox::new(f32::NAN, 0.0, 10.0, 10.0),
            TrackBox::new(5.0, 5.0, 5.0, 5.0),
            TrackBox::new(0.0, 0.0, f32::INFINITY, 10.0),
        ];
        assert_eq!(ids(&tracker.update_boxes(&broken)), vec![1, 2, 3]);
        assert_eq!(ids(&tracker.update_boxes(&broken)), vec![4, 5, 6]);
        assert_eq!(tracker.update_boxes(&[]), vec![]);
    }

    proptest! {
        #[test]
        fn ids_are_unique_per_frame_and_never_reused(
            config in any_config(),
            frames in proptest::collection::vec(proptest::collection::vec(any_box(), 0..6), 1..40),
        ) {
            let mut tracker = Tracker::new(config).expect("generated config is valid");
            let mut retired: HashSet<u64> = HashSet::new();
            let mut highest = 0_u64;
            for boxes in &frames {
                let before: HashSet<u64> = tracker.tracks().iter().map(|t| t.id.get()).collect();
                let assignments = tracker.update_boxes(boxes);
                prop_assert_eq!(assignments.len(), boxes.len());
                let mut seen = HashSet::new();
                for assignment in &assignments {
                    let id = assignment.track_id.get();
                    prop_assert!(seen.insert(id), "ID {} twice in one frame", id);
                    prop_assert!(!retired.contains(&id), "dropped ID {} reused", id);
                    if assignment.is_new {
                        prop_assert!(id > highest, "new ID {} not above {}", id, highest);
                        prop_assert!(assignment.decision.needs_estimate());
                    } else {
                        prop_assert!(before.contains(&id));
                    }
                    highest = highest.max(id);
                }
                let after: HashSet<u64> = tracker.tracks().iter().map(|t| t.id.get()).collect();
                retired.extend(before.difference(&after));
            }
        }
    }
}
