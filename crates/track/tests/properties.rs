//! Property test: `none` smoothing returns every per-frame estimate verbatim. (That IDs are unique
//! within every frame and never reused is checked on continuous boxes, in the tracker's unit
//! tests.)

use face::{AgeEstimate, Estimate, FaceBox, Gender};
use proptest::prelude::*;
use track::{Tracker, TrackerConfig};

fn any_estimate() -> impl Strategy<Value = Estimate> {
    let gender = prop_oneof![Just(Gender::Male), Just(Gender::Female)];
    let age = prop_oneof![
        (0.0_f32..100.0).prop_map(AgeEstimate::Years),
        (0_usize..8, proptest::array::uniform8(0.0_f32..1.0)).prop_map(|(index, probabilities)| {
            AgeEstimate::Group {
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
        proptest::option::of(0.0_f32..20.0),
    )
        .prop_map(
            |(gender, gender_score, gender_probabilities, age, age_uncertainty)| Estimate {
                gender,
                gender_score,
                gender_probabilities,
                age,
                age_uncertainty,
            },
        )
}

proptest! {
    #[test]
    fn none_smoothing_reproduces_every_per_frame_estimate(
        observations in proptest::collection::vec(any_estimate(), 1..30),
    ) {
        let mut tracker = Tracker::new(TrackerConfig::default()).expect("default is valid");
        let face = FaceBox::new(10, 10, 59, 59);
        for observation in &observations {
            let assignment = tracker.update(&[face])[0];
            prop_assert!(assignment.decision.needs_estimate());
            let shown = tracker
                .record_estimate(assignment.track_id, observation)
                .expect("track is live");
            prop_assert_eq!(shown.estimate.gender, observation.gender);
            prop_assert_eq!(
                shown.estimate.gender_score.to_bits(),
                observation.gender_score.to_bits()
            );
            prop_assert_eq!(shown.estimate.gender_probabilities, observation.gender_probabilities);
            prop_assert_eq!(shown.estimate.age, observation.age);
            prop_assert_eq!(shown.estimate.age_uncertainty, observation.age_uncertainty);
            prop_assert!(!shown.age_smoothed && !shown.gender_smoothed);
        }
    }
}
