//! Synthetic box sequences: crossing faces, detection gaps, faces appearing and leaving, and the
//! optimal assignment where greedy matching would fail.

mod common;

use common::{ids, pixel_iou, square};
use face::FaceBox;
use track::{Tracker, TrackerConfig};

/// Side of the synthetic face boxes, pixels.
const FACE: i32 = 40;

fn tracker(config: TrackerConfig) -> Tracker {
    Tracker::new(config).expect("test config is valid")
}

/// Face A walks right from x = 20, face B walks left from x = 200, both at 7 px per frame on the
/// same row; they pass through each other between frames 12 (A 12 px left of B) and 13 (A 2 px
/// right of B). The detector reports boxes sorted left to right, so the input order flips at the
/// crossing. Returns per frame the boxes and, for each, which face (0 = A, 1 = B) it is.
fn crossing_frames() -> Vec<(Vec<FaceBox>, Vec<usize>)> {
    (0..28)
        .map(|frame| {
            let step = 7 * frame;
            let a = square(20 + step, 100, FACE);
            let b = square(200 - step, 100, FACE);
            if a.x1 <= b.x1 {
                (vec![a, b], vec![0, 1])
            } else {
                (vec![b, a], vec![1, 0])
            }
        })
        .collect()
}

#[test]
fn two_faces_crossing_paths_keep_their_ids() {
    let mut tracker = tracker(TrackerConfig::default());
    for (frame, (boxes, faces)) in crossing_frames().into_iter().enumerate() {
        let assigned = ids(&tracker.update(&boxes));
        // Face A was created first (ID 1), face B second (ID 2).
        let expected: Vec<u64> = faces.iter().map(|&face| face as u64 + 1).collect();
        assert_eq!(assigned, expected, "frame {frame}");
    }
    assert_eq!(tracker.tracks().len(), 2);
}

#[test]
fn without_motion_prediction_the_crossing_faces_swap() {
    // The same sequence, associating with last boxes only. On frame 13 each detection is 5 px
    // from the other face's last box but 7 px from its own (IoU 0.78 + 0.78 > 0.70 + 0.70), so
    // the IDs swap and stay swapped: why prediction is on by default.
    let config = TrackerConfig {
        motion_prediction: false,
        ..TrackerConfig::default()
    };
    let mut tracker = tracker(config);
    let mut swapped_frames = Vec::new();
    for (frame, (boxes, faces)) in crossing_frames().into_iter().enumerate() {
        let assigned = ids(&tracker.update(&boxes));
        let expected: Vec<u64> = faces.iter().map(|&face| face as u64 + 1).collect();
        if assigned != expected {
            swapped_frames.push(frame);
        }
    }
    assert_eq!(swapped_frames, (13..28).collect::<Vec<_>>());
}

/// A static face at (100, 100) with +-1 px detector jitter, absent on `missing` frames.
fn static_face_with_gap(
    tracker: &mut Tracker,
    frames: u64,
    missing: std::ops::Range<u64>,
) -> Vec<Vec<u64>> {
    (0..frames)
        .map(|frame| {
            let jitter = if frame % 2 == 0 { 1 } else { -1 };
            let boxes = if missing.contains(&frame) {
                vec![]
            } else {
                vec![square(100 + jitter, 100 - jitter, FACE)]
            };
            ids(&tracker.update(&boxes))
        })
        .collect()
}

#[test]
fn face_missing_for_max_missed_frames_keeps_its_id() {
    let config = TrackerConfig {
        max_missed_frames: 3,
        ..TrackerConfig::default()
    };
    let mut tracker = tracker(config);
    // Missing on frames 4, 5, 6 (3 frames = max_missed_frames).
    let per_frame = static_face_with_gap(&mut tracker, 7, 4..7);
    assert_eq!(
        per_frame,
        vec![vec![1], vec![1], vec![1], vec![1], vec![], vec![], vec![]]
    );
    let snapshot = tracker.tracks();
    assert_eq!(snapshot.len(), 1);
    assert_eq!(snapshot[0].missed_frames, 3);
    assert_eq!(snapshot[0].last_seen_frame, 3);
    assert_eq!(ids(&tracker.update(&[square(101, 99, FACE)])), vec![1]);
    assert_eq!(tracker.tracks()[0].hits, 5);
}

#[test]
fn face_missing_longer_than_max_missed_frames_gets_a_new_id() {
    let config = TrackerConfig {
        max_missed_frames: 3,
        ..TrackerConfig::default()
    };
    let mut tracker = tracker(config);
    // Missing on frames 4..=7 (4 frames): track 1 is dropped on frame 7.
    let per_frame = static_face_with_gap(&mut tracker, 9, 4..8);
    assert_eq!(
        per_frame,
        vec![
            vec![1],
            vec![1],
            vec![1],
            vec![1],
            vec![],
            vec![],
            vec![],
            vec![],
            vec![2]
        ]
    );
    let live: Vec<u64> = tracker.tracks().iter().map(|t| t.id.get()).collect();
    assert_eq!(live, vec![2]);
}

#[test]
fn faces_appearing_and_leaving_get_fresh_ids_that_are_never_reused() {
    let config = TrackerConfig {
        max_missed_frames: 2,
        ..TrackerConfig::default()
    };
    let mut tracker = tracker(config);
    let a = square(10, 10, FACE);
    let b = square(200, 10, FACE);
    let c = square(10, 200, FACE);
    let d = square(200, 200, FACE);
    let script: Vec<(Vec<FaceBox>, Vec<u64>, Vec<bool>)> = vec![
        (vec![a], vec![1], vec![true]),
        (vec![a, b], vec![1, 2], vec![false, true]),
        (vec![c, b, a], vec![3, 2, 1], vec![true, false, false]),
        // A leaves.
        (vec![b, c], vec![2, 3], vec![false, false]),
        (vec![b, c], vec![2, 3], vec![false, false]),
        // Third miss of A (max 2): track 1 is dropped after this frame.
        (vec![c, b], vec![3, 2], vec![false, false]),
        // D appears (ID 4); a face where A used to be is then a new track, ID 5, not 1.
        (vec![d], vec![4], vec![true]),
        (vec![d, a], vec![4, 5], vec![false, true]),
    ];
    for (frame, (boxes, expected_ids, expected_new)) in script.into_iter().enumerate() {
        let assignments = tracker.update(&boxes);
        assert_eq!(ids(&assignments), expected_ids, "frame {frame}");
        let new: Vec<bool> = assignments.iter().map(|a| a.is_new).collect();
        assert_eq!(new, expected_new, "frame {frame}");
    }
    // B and C missed frames 6 and 7 (2 misses): still live; A's first track is gone.
    let live: Vec<u64> = tracker.tracks().iter().map(|t| t.id.get()).collect();
    assert_eq!(live, vec![2, 3, 4, 5]);
    assert_eq!(tracker.frame_index(), Some(7));
}

#[test]
fn optimal_assignment_continues_both_tracks_where_greedy_would_lose_one() {
    let config = TrackerConfig {
        motion_prediction: false,
        ..TrackerConfig::default()
    };
    let mut tracker = tracker(config);
    // 10 px tall strips; only x matters.
    let strip = |left: i32| square(left, 0, 10);
    assert_eq!(ids(&tracker.update(&[strip(0), strip(5)])), vec![1, 2]);
    // IoU(track 1, d1) = 9/11 = 0.82 is the single best pair; greedy takes it and leaves
    // track 2 with d2 at IoU 2/18 = 0.11 < 0.3, so d2 would become a new face.
    // Optimal: track 1 -> d2 (7/13 = 0.54) and track 2 -> d1 (6/14 = 0.43), sum 0.97 > 0.82.
    let d1 = strip(1);
    let d2 = strip(-3);
    assert!((pixel_iou(&strip(0), &d1) - 9.0 / 11.0).abs() < 1e-6);
    assert!(pixel_iou(&strip(5), &d2) < 0.3);
    let assignments = tracker.update(&[d1, d2]);
    assert_eq!(ids(&assignments), vec![2, 1]);
    assert!(assignments.iter().all(|a| !a.is_new));
}

#[test]
fn boxes_below_min_iou_start_new_tracks() {
    let mut tracker = tracker(TrackerConfig::default());
    assert_eq!(ids(&tracker.update(&[square(0, 0, FACE)])), vec![1]);
    // Shifted by 25 of 40 px: IoU = 15/65 = 0.23 < 0.3.
    assert_eq!(ids(&tracker.update(&[square(25, 0, FACE)])), vec![2]);
}

#[test]
fn moving_face_is_found_after_a_gap_where_its_velocity_puts_it() {
    let config = TrackerConfig {
        max_missed_frames: 3,
        ..TrackerConfig::default()
    };
    let mut tracker = tracker(config);
    // 10 px per frame; absent on frames 3, 4, 5. On frame 6 it is 40 px (a whole face) from its
    // last box (IoU 0) but exactly where the constant-velocity prediction expects it.
    let at = |frame: i32| square(10 * frame, 50, FACE);
    for frame in 0..3 {
        assert_eq!(ids(&tracker.update(&[at(frame)])), vec![1]);
    }
    for _ in 3..6 {
        assert_eq!(tracker.update(&[]), vec![]);
    }
    assert_eq!(tracker.tracks()[0].predicted_box, at(6));
    assert_eq!(pixel_iou(&at(2), &at(6)), 0.0);
    assert_eq!(ids(&tracker.update(&[at(6)])), vec![1]);

    let mut static_tracker = Tracker::new(TrackerConfig {
        motion_prediction: false,
        max_missed_frames: 3,
        ..TrackerConfig::default()
    })
    .expect("valid config");
    for frame in 0..3 {
        static_tracker.update(&[at(frame)]);
    }
    for _ in 3..6 {
        static_tracker.update(&[]);
    }
    assert_eq!(ids(&static_tracker.update(&[at(6)])), vec![2]);
}
