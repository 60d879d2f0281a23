//! Stable labels: the faces of a frame go through the tracker, only the faces whose track is due
//! are estimated (one batch), and each face shows its track's smoothed estimate.

use estimate::Estimator;
use face::{Estimate, FaceBox};
use opencv::core::Mat;
use track::{EstimateDecision, Tracker};

use crate::error::Result;
use crate::estimation::{FaceResult, estimate_found};
use crate::finder::FoundFace;

/// Tracks, estimates where due, and attaches the tracks' stable estimates to the faces.
pub fn estimate_tracked(
    tracker: &mut Tracker,
    estimator: &Estimator,
    frame: &Mat,
    faces: Vec<FoundFace>,
) -> Result<Vec<FaceResult>> {
    let boxes: Vec<FaceBox> = faces.iter().map(|face| face.box_original).collect();
    let assignments = tracker.update(&boxes);

    let due: Vec<usize> = assignments
        .iter()
        .enumerate()
        .filter(|(_, assignment)| assignment.decision.needs_estimate())
        .map(|(index, _)| index)
        .collect();
    let fresh = if due.is_empty() {
        Vec::new()
    } else {
        let due_faces: Vec<&FoundFace> = due.iter().map(|&index| &faces[index]).collect();
        estimate_found(estimator, frame, &due_faces)?
    };
    let mut fresh = due.into_iter().zip(fresh).peekable();

    let mut results = Vec::with_capacity(faces.len());
    for (index, (face, assignment)) in faces.into_iter().zip(assignments).enumerate() {
        let (estimate, smoothed, reused, landmarks, chip_source) = match assignment.decision {
            EstimateDecision::Reuse(stable) => {
                // A reused estimate is not this frame's, so it has no spread of this frame's age.
                let shown = Estimate {
                    age_uncertainty: None,
                    ..stable.estimate
                };
                (shown, stable.is_smoothed(), true, None, None)
            }
            EstimateDecision::Estimate(_) => {
                let Some((_, fresh)) = fresh.next_if(|(due_index, _)| *due_index == index) else {
                    continue;
                };
                let raw = fresh.estimate;
                let landmarks = fresh.landmarks;
                let source = Some(fresh.source);
                match tracker.record_estimate(assignment.track_id, &raw) {
                    Ok(stable) => (
                        stable.estimate,
                        stable.is_smoothed(),
                        false,
                        landmarks,
                        source,
                    ),
                    Err(err) => {
                        tracing::warn!(track = %assignment.track_id, "estimate not added to the track: {err}");
                        (raw, false, false, landmarks, source)
                    }
                }
            }
        };
        results.push(FaceResult {
            detection: face.detection,
            box_processing: face.box_processing,
            box_original: face.box_original,
            estimate,
            track_id: Some(assignment.track_id.get()),
            smoothed,
            reused,
            landmarks,
            chip_source,
        });
    }
    Ok(results)
}
