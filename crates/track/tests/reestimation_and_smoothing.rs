//! The re-estimation policy (K = 1, K = 5, box growth) and per-track smoothing through the
//! tracker's public API.

mod common;

use common::{ids, square, ssrnet};
use face::{AgeEstimate, FaceBox, Gender};
use track::{
    AgeSmoothing, EstimateDecision, EstimateReason, GenderSmoothing, TrackError, TrackId, Tracker,
    TrackerConfig,
};

/// A compact form of a decision for exact comparisons.
#[derive(Debug, PartialEq)]
enum Step {
    Estimate(EstimateReason),
    Reuse { estimated_at: u64 },
}

fn step(decision: &EstimateDecision) -> Step {
    match decision {
        EstimateDecision::Estimate(reason) => Step::Estimate(*reason),
        EstimateDecision::Reuse(estimate) => Step::Reuse {
            estimated_at: estimate.estimated_at_frame,
        },
    }
}

/// Runs one face through `boxes`, recording an estimate (age = frame index) whenever told to.
fn decisions(config: TrackerConfig, boxes: &[FaceBox]) -> Vec<Step> {
    let mut tracker = Tracker::new(config).expect("valid config");
    boxes
        .iter()
        .enumerate()
        .map(|(frame, face)| {
            let assignments = tracker.update(&[*face]);
            let assignment = assignments.first().expect("one box, one assignment");
            assert_eq!(assignment.track_id, TrackId::FIRST);
            if assignment.decision.needs_estimate() {
                tracker
                    .record_estimate(assignment.track_id, &ssrnet(frame as f32, 0.9))
                    .expect("track is live");
            }
            step(&assignment.decision)
        })
        .collect()
}

fn with_interval(interval: u32, box_growth: f32) -> TrackerConfig {
    TrackerConfig {
        reestimate_interval: interval,
        box_growth,
        ..TrackerConfig::default()
    }
}

#[test]
fn interval_one_estimates_every_frame() {
    let boxes = vec![square(50, 50, 40); 4];
    assert_eq!(
        decisions(with_interval(1, 1.5), &boxes),
        vec![
            Step::Estimate(EstimateReason::NewTrack),
            Step::Estimate(EstimateReason::IntervalElapsed),
            Step::Estimate(EstimateReason::IntervalElapsed),
            Step::Estimate(EstimateReason::IntervalElapsed),
        ]
    );
}

#[test]
fn interval_five_estimates_every_fifth_frame_and_reuses_in_between() {
    let boxes = vec![square(50, 50, 40); 11];
    let reuse0 = || Step::Reuse { estimated_at: 0 };
    let reuse5 = || Step::Reuse { estimated_at: 5 };
    assert_eq!(
        decisions(with_interval(5, 1.5), &boxes),
        vec![
            Step::Estimate(EstimateReason::NewTrack),
            reuse0(),
            reuse0(),
            reuse0(),
            reuse0(),
            Step::Estimate(EstimateReason::IntervalElapsed),
            reuse5(),
            reuse5(),
            reuse5(),
            reuse5(),
            Step::Estimate(EstimateReason::IntervalElapsed),
        ]
    );
}

#[test]
fn growing_box_is_re_estimated_before_the_interval() {
    // Side 20, 22, 24, ... px: areas 400, 484, 576, 676 (> 1.5 * 400 = 600), 784, 900,
    // 1024 (> 1.5 * 676 = 1014), 1156 (< 1.5 * 1024).
    let boxes: Vec<FaceBox> = (0..8)
        .map(|frame| {
            let side = 20 + 2 * frame;
            square(100 - frame, 100 - frame, side)
        })
        .collect();
    assert_eq!(
        decisions(with_interval(100, 1.5), &boxes),
        vec![
            Step::Estimate(EstimateReason::NewTrack),
            Step::Reuse { estimated_at: 0 },
            Step::Reuse { estimated_at: 0 },
            Step::Estimate(EstimateReason::BoxGrew),
            Step::Reuse { estimated_at: 3 },
            Step::Reuse { estimated_at: 3 },
            Step::Estimate(EstimateReason::BoxGrew),
            Step::Reuse { estimated_at: 6 },
        ]
    );
    // An infinite factor disables the rule.
    let never = decisions(with_interval(100, f32::INFINITY), &boxes);
    assert!(never[1..].iter().all(|s| matches!(s, Step::Reuse { .. })));
}

#[test]
fn a_track_never_estimated_asks_again_next_frame() {
    let mut tracker = Tracker::new(with_interval(5, 1.5)).expect("valid config");
    let face = square(0, 0, 40);
    tracker.update(&[face]);
    // The app skipped the estimate (e.g. the crop failed): it is requested again.
    let again = tracker.update(&[face]);
    assert_eq!(
        step(&again[0].decision),
        Step::Estimate(EstimateReason::NoEstimateYet)
    );
}

#[test]
fn reused_decision_carries_the_last_smoothed_estimate() {
    let config = TrackerConfig {
        reestimate_interval: 3,
        age_smoothing: AgeSmoothing::Ema { alpha: 0.5 },
        ..TrackerConfig::default()
    };
    let mut tracker = Tracker::new(config).expect("valid config");
    let face = square(0, 0, 40);
    let ages = [30.0, 99.0, 99.0, 34.0, 99.0, 99.0];
    let mut shown = Vec::new();
    for age in ages {
        let assignment = tracker.update(&[face])[0];
        let estimate = match assignment.decision {
            EstimateDecision::Estimate(_) => tracker
                .record_estimate(assignment.track_id, &ssrnet(age, 0.9))
                .expect("track is live"),
            EstimateDecision::Reuse(estimate) => estimate,
        };
        shown.push(estimate.estimate.age);
    }
    // Ages 99 are never estimated (frames 1, 2, 4, 5 reuse); EMA of 30 then 34 = 32.
    let years = |y: f32| AgeEstimate::Years(y);
    assert_eq!(
        shown,
        vec![
            years(30.0),
            years(30.0),
            years(30.0),
            years(32.0),
            years(32.0),
            years(32.0)
        ]
    );
    assert_eq!(
        tracker
            .last_estimate(TrackId::FIRST)
            .map(|e| e.observations),
        Some(2)
    );
}

#[test]
fn each_track_smooths_its_own_history() {
    let config = TrackerConfig {
        age_smoothing: AgeSmoothing::Median { window: 3 },
        gender_smoothing: GenderSmoothing::MeanScore { window: 3 },
        ..TrackerConfig::default()
    };
    let mut tracker = Tracker::new(config).expect("valid config");
    let man = square(0, 0, 40);
    let girl = square(200, 0, 30);
    let frames = [
        ((50.0, 0.9), (6.0, 0.1)),
        ((47.0, 0.2), (9.0, 0.8)),
        ((52.0, 0.8), (7.0, 0.2)),
    ];
    let mut last = Vec::new();
    for (man_obs, girl_obs) in frames {
        let assignments = tracker.update(&[man, girl]);
        assert_eq!(ids(&assignments), vec![1, 2]);
        last = vec![
            tracker
                .record_estimate(assignments[0].track_id, &ssrnet(man_obs.0, man_obs.1))
                .expect("live"),
            tracker
                .record_estimate(assignments[1].track_id, &ssrnet(girl_obs.0, girl_obs.1))
                .expect("live"),
        ];
    }
    // Man: median(50, 47, 52) = 50, mean score 1.9 / 3 >= 0.5 -> Male despite the 0.2 frame.
    assert_eq!(last[0].estimate.age, AgeEstimate::Years(50.0));
    assert_eq!(last[0].estimate.gender, Gender::Male);
    assert_eq!(last[0].estimate.gender_score, (1.9_f64 / 3.0) as f32);
    // Girl: median(6, 9, 7) = 7, mean score 1.1 / 3 < 0.5 -> Female despite the 0.8 frame.
    assert_eq!(last[1].estimate.age, AgeEstimate::Years(7.0));
    assert_eq!(last[1].estimate.gender, Gender::Female);
    assert!(last.iter().all(|e| e.age_smoothed && e.gender_smoothed));
    assert_eq!(last[1].observations, 3);
}

#[test]
fn estimates_for_unknown_tracks_or_broken_values_are_rejected() {
    let mut tracker = Tracker::new(TrackerConfig::default()).expect("valid config");
    let id = tracker.update(&[square(0, 0, 40)])[0].track_id;
    let unknown = tracker.record_estimate(TrackId::FIRST, &ssrnet(30.0, 0.9));
    assert!(unknown.is_ok());
    let other = tracker.update(&[square(500, 0, 40)])[0].track_id;
    assert_eq!(other.get(), 2);
    assert!(matches!(
        tracker.record_estimate(id, &ssrnet(f32::NAN, 0.9)),
        Err(TrackError::InvalidObservation {
            field: "age.years",
            ..
        })
    ));
    let mut bad_group = ssrnet(30.0, 0.9);
    bad_group.age = AgeEstimate::Group {
        index: 8,
        probabilities: [0.125; 8],
    };
    assert!(matches!(
        tracker.record_estimate(other, &bad_group),
        Err(TrackError::InvalidObservation {
            field: "age.index",
            ..
        })
    ));
    let mut fresh = Tracker::new(TrackerConfig::default()).expect("valid config");
    assert_eq!(
        fresh.record_estimate(TrackId::FIRST, &ssrnet(30.0, 0.9)),
        Err(TrackError::UnknownTrack { id: TrackId::FIRST })
    );
}
