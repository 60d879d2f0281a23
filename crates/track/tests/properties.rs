//! Property tests: IDs are unique within every frame and never reused, and `none` smoothing
//! returns every per-frame estimate verbatim.

mod common;

use std::collections::HashSet;

use proptest::prelude::*;
use track::{AgeValue, FaceObservation, Gender, TrackBox, Tracker, TrackerConfig};

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

fn any_observation() -> impl Strategy<Value = FaceObservation> {
    let gender = prop_oneof![Just(Gender::Male), Just(Gender::Female)];
    let age = prop_oneof![
        (0.0_f32..100.0).prop_map(AgeValue::Years),
        (0_usize..8, proptest::array::uniform8(0.0_f32..1.0)).prop_map(|(index, probabilities)| {
            AgeValue::Group {
                index,
                probabilities,
            }
        }),
    ];
    (
        gender,
        0.0_f32..1.0,
        proptest::option::of((0.0_f32..1.0).prop_map(|p| [p, 1.0 - p])),
        age,
    )
        .prop_map(
            |(gender, gender_score, gender_probabilities, age)| FaceObservation {
                gender,
                gender_score,
                gender_probabilities,
                age,
            },
        )
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
            let assignments = tracker.update(boxes);
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

    #[test]
    fn none_smoothing_reproduces_every_per_frame_estimate(
        observations in proptest::collection::vec(any_observation(), 1..30),
    ) {
        let mut tracker = Tracker::new(TrackerConfig::default()).expect("default is valid");
        let face = TrackBox::new(10.0, 10.0, 60.0, 60.0);
        for observation in &observations {
            let assignment = tracker.update(&[face])[0];
            prop_assert!(assignment.decision.needs_estimate());
            let shown = tracker
                .record_estimate(assignment.track_id, observation)
                .expect("track is live");
            prop_assert_eq!(shown.gender, observation.gender);
            prop_assert_eq!(shown.gender_score.to_bits(), observation.gender_score.to_bits());
            prop_assert_eq!(shown.gender_probabilities, observation.gender_probabilities);
            prop_assert_eq!(shown.age, observation.age);
            prop_assert!(!shown.age_smoothed && !shown.gender_smoothed);
        }
    }
}
