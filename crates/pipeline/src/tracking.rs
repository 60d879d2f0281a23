//! Stable labels: the faces of a frame go through the tracker, only the faces whose track is due
//! are estimated (one batch), and each face shows its track's smoothed estimate.

use crate::error::Result;
use estimate::{AgeEstimate, Estimate, Estimator, Gender};
use opencv::core::Mat;
use track::{AgeValue, EstimateDecision, FaceObservation, StableEstimate, TrackBox, Tracker};

use crate::analysis::{FaceResult, FoundFace, estimate_found};

/// Tracks, estimates where due, and attaches the tracks' stable estimates to the faces.
pub fn estimate_tracked(
    tracker: &mut Tracker,
    estimator: &Estimator,
    frame: &Mat,
    faces: Vec<FoundFace>,
) -> Result<Vec<FaceResult>> {
    let boxes: Vec<TrackBox> = faces
        .iter()
        .map(|face| {
            let b = &face.box_original;
            TrackBox::from_inclusive_corners(b.x1, b.y1, b.x2, b.y2)
        })
        .collect();
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
                (from_stable(&stable), is_smoothed(&stable), true, None, None)
            }
            EstimateDecision::Estimate(_) => {
                let Some((_, fresh)) = fresh.next_if(|(due_index, _)| *due_index == index) else {
                    continue;
                };
                let raw = fresh.estimate;
                let landmarks = fresh.landmarks;
                let source = Some(fresh.source);
                match tracker.record_estimate(assignment.track_id, &observation(&raw)) {
                    Ok(stable) => {
                        let mut shown = from_stable(&stable);
                        // The spread belongs to this frame's age; a smoothed age has none.
                        if !stable.age_smoothed {
                            shown.age_uncertainty = raw.age_uncertainty;
                        }
                        (shown, is_smoothed(&stable), false, landmarks, source)
                    }
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

fn is_smoothed(stable: &StableEstimate) -> bool {
    stable.gender_smoothed || stable.age_smoothed
}

/// The tracker's view of an estimate.
fn observation(estimate: &Estimate) -> FaceObservation {
    FaceObservation {
        gender: match estimate.gender {
            Gender::Male => track::Gender::Male,
            Gender::Female => track::Gender::Female,
        },
        gender_score: estimate.gender_score,
        gender_probabilities: estimate.gender_probabilities,
        age: match estimate.age {
            AgeEstimate::Years(years) => AgeValue::Years(years),
            AgeEstimate::Group {
                index,
                probabilities,
            } => AgeValue::Group {
                index,
                probabilities,
            },
        },
    }
}

/// An estimate built from a track's stable estimate.
fn from_stable(stable: &StableEstimate) -> Estimate {
    Estimate {
        gender: match stable.gender {
            track::Gender::Male => Gender::Male,
            track::Gender::Female => Gender::Female,
        },
        gender_score: stable.gender_score,
        gender_probabilities: stable.gender_probabilities,
        age: match stable.age {
            AgeValue::Years(years) => AgeEstimate::Years(years),
            AgeValue::Group {
                index,
                probabilities,
            } => AgeEstimate::Group {
                index,
                probabilities,
            },
        },
        age_uncertainty: None,
    }
}
