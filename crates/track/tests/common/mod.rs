//! Helpers shared by the track integration tests: synthetic boxes and observations.

#![allow(dead_code)]

use track::{AgeValue, FaceObservation, Gender, TrackAssignment, TrackBox};

/// A square face box with its top-left corner at (`x`, `y`).
pub fn square(x: f32, y: f32, side: f32) -> TrackBox {
    TrackBox::new(x, y, x + side, y + side)
}

/// The track IDs of one frame's assignments, in input order.
pub fn ids(assignments: &[TrackAssignment]) -> Vec<u64> {
    assignments.iter().map(|a| a.track_id.get()).collect()
}

/// An SSR-Net-like observation: age in years and raw gender score.
pub fn ssrnet(years: f32, score: f32) -> FaceObservation {
    FaceObservation {
        gender: if score >= 0.5 {
            Gender::Male
        } else {
            Gender::Female
        },
        gender_score: score,
        gender_probabilities: None,
        age: AgeValue::Years(years),
    }
}
