//! Detection workers (`processing.detect_workers`) change the speed, never the output: the same
//! frames, in the same order, with the same faces and labels, whether faces are detected on the
//! frame loop's thread or on several workers that each take whole frames. With stable labels on,
//! the tracker sees the frames in order or its smoothing would differ.

mod support;

use serde_json::Value;
use support::*;

/// Frames of man_and_girl.mp4 compared: enough for the re-estimation interval and smoothing to
/// matter, with two faces per frame.
const FRAMES: &str = "60";
/// Worker counts compared with the inline run: the automatic count (one worker, then one per core
/// once the frame loop waits for detection, which it does with SSR-Net), two, and more workers
/// than cores, so workers finish frames out of turn.
const WORKER_COUNTS: [&str; 3] = ["0", "2", "3"];
/// Largest difference allowed between ages from two runs (the same arithmetic gives the same
/// bits; the margin only absorbs JSON printing).
const AGE_TOLERANCE: f64 = 1e-4;

/// Runs the stable-labels config on man_and_girl.mp4 with `workers` detection workers and returns
/// the JSON Lines it wrote.
fn run_with_workers(workers: &str) -> Vec<Value> {
    json_frames(
        "config/ssrnet-stable.toml",
        "man_and_girl.mp4",
        &["--max-frames", FRAMES, "--detect-workers", workers],
    )
}

/// The faces of a frame as (box, gender, age), sorted by box: OpenCV's multi-threaded Haar
/// cascade may list the faces of a frame in another order.
fn face_set(frame: &Value) -> Vec<(String, String, f64)> {
    let mut faces: Vec<(String, String, f64)> = frame["faces"]
        .as_array()
        .expect("faces array")
        .iter()
        .map(|face| {
            (
                face["box"].to_string(),
                face["gender"].to_string(),
                face["age_years"].as_f64().expect("age in years"),
            )
        })
        .collect();
    faces.sort_by(|a, b| a.0.cmp(&b.0));
    faces
}

#[test]
fn detection_workers_do_not_change_the_output() {
    let inline = run_with_workers("1");
    let expected_frames: usize = FRAMES.parse().expect("frame count");
    assert_eq!(inline.len(), expected_frames, "every frame is written");
    let faces_seen: usize = inline.iter().map(|frame| face_set(frame).len()).sum();
    assert!(
        faces_seen > expected_frames,
        "man_and_girl shows more than one face per frame on average ({faces_seen} faces)"
    );
    for workers in WORKER_COUNTS {
        let parallel = run_with_workers(workers);
        assert_eq!(
            parallel.len(),
            inline.len(),
            "{workers} workers: same frames"
        );
        for (with, without) in parallel.iter().zip(&inline) {
            assert_eq!(
                with["frame"], without["frame"],
                "{workers} workers: frame order"
            );
            let (with, without) = (face_set(with), face_set(without));
            assert_eq!(with.len(), without.len(), "{workers} workers: same faces");
            for (a, b) in with.iter().zip(&without) {
                assert_eq!(
                    (&a.0, &a.1),
                    (&b.0, &b.1),
                    "{workers} workers: box and gender"
                );
                assert!(
                    (a.2 - b.2).abs() <= AGE_TOLERANCE,
                    "{workers} workers: age {} vs {}",
                    a.2,
                    b.2
                );
            }
        }
    }
}
