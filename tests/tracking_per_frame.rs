//! Tracking with `reestimate_interval = 1` and every smoothing `none` changes nothing but the
//! track IDs: the same faces with the same per-frame estimates as with tracking off.

mod support;
mod tracking_support;

use serde_json::Value;
use tracking_support::*;

/// Frames of man_and_girl.mp4 compared (both people are in all of them).
const TWO_FACE_FRAMES: u32 = 60;

/// The per-frame output without the tracking keys, in box order (the order of faces within a
/// frame is not part of the comparison).
fn without_tracking_keys(frame: &Value) -> Vec<Value> {
    let mut list: Vec<Value> = faces(frame)
        .iter()
        .map(|face| {
            let mut face = face.clone();
            let object = face.as_object_mut().expect("face object");
            object.remove("track_id");
            face
        })
        .collect();
    list.sort_by_key(|face| face["box"].to_string());
    list
}

fn check_same_as_untracked(clip: &str, max_frames: Option<u32>) {
    let untracked = run_clip(clip, None, max_frames);
    let per_frame = per_frame_tracking();
    let tracked = run_clip(clip, Some(per_frame.as_str()), max_frames);
    assert_eq!(tracked.len(), untracked.len(), "{clip}: same frames");
    let mut faces_seen = 0;
    for (with, without) in tracked.iter().zip(&untracked) {
        assert_eq!(with["frame"], without["frame"]);
        for face in faces(with) {
            assert!(face["track_id"].as_u64().is_some(), "{clip}: a track ID");
            assert_eq!(face["smoothed"], false, "{clip}: nothing smoothed");
            assert_eq!(face["reused"], false, "{clip}: nothing reused");
        }
        assert!(faces(without).iter().all(|f| f.get("track_id").is_none()));
        // Boxes, genders, scores, ages in years and labels, bit for bit.
        assert_eq!(
            without_tracking_keys(with),
            without_tracking_keys(without),
            "{clip}: frame {}",
            with["frame"]
        );
        faces_seen += faces(with).len();
    }
    assert!(faces_seen > 0, "{clip}: no face compared");
}

#[test]
fn input1_per_frame_tracking_reproduces_tracking_off() {
    check_same_as_untracked("input1.mp4", None);
}

#[test]
fn man_and_girl_per_frame_tracking_reproduces_tracking_off() {
    check_same_as_untracked("man_and_girl.mp4", Some(TWO_FACE_FRAMES));
}
