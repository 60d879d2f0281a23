//! Helpers of the tracking end-to-end tests: configs derived from `config/ssrnet-stable.toml`,
//! runs of the real binary, and the measures of docs/STABILITY.md.

#![allow(dead_code)] // each test file uses a different subset

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

use crate::support::{read_json_lines, run_app_ok, test_video, workspace_root};

/// The shipped stable config, relative to the workspace root.
pub const STABLE_CONFIG: &str = "config/ssrnet-stable.toml";
/// Header of the section every variant replaces.
const TRACKING_HEADER: &str = "\n[tracking]\n";

/// The stable config's text up to (without) its `[tracking]` section, and the section's body.
fn stable_config_parts() -> (String, String) {
    let path = workspace_root().join(STABLE_CONFIG);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|err| panic!("cannot read {}: {err}", path.display()));
    let (head, body) = text
        .split_once(TRACKING_HEADER)
        .unwrap_or_else(|| panic!("{} has no [tracking] section", path.display()));
    (head.to_owned(), body.to_owned())
}

/// The stable config's `[tracking]` section body.
pub fn stable_tracking() -> String {
    stable_config_parts().1
}

/// A `[tracking]` body with `key = value` replacing the key's line, or appended.
pub fn with_key(section: &str, key: &str, value: &str) -> String {
    let mut found = false;
    let mut lines: Vec<String> = section
        .lines()
        .map(|line| {
            let is_key = line
                .split_once('=')
                .is_some_and(|(name, _)| name.trim() == key);
            if is_key {
                found = true;
                format!("{key} = {value}")
            } else {
                line.to_owned()
            }
        })
        .collect();
    if !found {
        lines.push(format!("{key} = {value}"));
    }
    lines.join("\n") + "\n"
}

/// The stable `[tracking]` body estimating every frame with no smoothing at all.
pub fn per_frame_tracking() -> String {
    let section = with_key(&stable_tracking(), "reestimate_interval", "1");
    let section = with_key(&section, "age_smoothing", r#"{ mode = "none" }"#);
    with_key(&section, "gender_smoothing", r#"{ mode = "none" }"#)
}

/// Runs the app on a shared test clip with the stable config's other sections and this
/// `[tracking]` body (`None`: tracking off), and returns the JSON Lines it wrote.
pub fn run_clip(clip: &str, tracking: Option<&str>, max_frames: Option<u32>) -> Vec<Value> {
    let dir = crate::support::temp_dir();
    let (head, _) = stable_config_parts();
    let body = tracking.unwrap_or("enabled = false\n");
    let config = dir.path().join("config.toml");
    std::fs::write(&config, format!("{head}{TRACKING_HEADER}{body}")).expect("config written");
    let json = dir.path().join("frames.jsonl");
    let input = test_video(clip);
    let max = max_frames.map(|n| n.to_string());
    let mut args = vec![
        "--config",
        path_str(&config),
        "--input",
        path_str(&input),
        "--headless",
        "--no-output",
        "--json",
        path_str(&json),
    ];
    if let Some(max) = &max {
        args.extend(["--max-frames", max.as_str()]);
    }
    run_app_ok(&args);
    read_json_lines(&json)
}

fn path_str(path: &Path) -> &str {
    path.to_str().expect("utf-8 path")
}

/// The faces of a frame.
pub fn faces(frame: &Value) -> &[Value] {
    frame["faces"].as_array().expect("faces array")
}

/// A face's track ID (tracking on).
pub fn track_id(face: &Value) -> u64 {
    face["track_id"].as_u64().expect("track_id on every face")
}

/// The age shown in the label (`Male,32`): SSR-Net's years truncated, as the original's int().
pub fn displayed_age(face: &Value) -> i64 {
    let label = face["label"].as_str().expect("label");
    let (_, age) = label.split_once(',').expect("label `Gender,age`");
    age.parse().expect("SSR-Net label ends with whole years")
}

/// A face and the index of its frame.
pub type FrameFace<'a> = (u64, &'a Value);

/// Every track's faces in frame order, by track ID.
pub fn tracks(frames: &[Value]) -> BTreeMap<u64, Vec<FrameFace<'_>>> {
    let mut tracks: BTreeMap<u64, Vec<FrameFace<'_>>> = BTreeMap::new();
    for frame in frames {
        let index = frame["frame"].as_u64().expect("frame index");
        for face in faces(frame) {
            tracks
                .entry(track_id(face))
                .or_default()
                .push((index, face));
        }
    }
    tracks
}

/// The faces of the track present in the most frames.
pub fn main_track(frames: &[Value]) -> Vec<FrameFace<'_>> {
    tracks(frames)
        .into_values()
        .max_by_key(Vec::len)
        .expect("at least one track")
}

/// Number of frames with at least one face.
pub fn face_frames(frames: &[Value]) -> usize {
    frames.iter().filter(|f| !faces(f).is_empty()).count()
}

/// Population standard deviation.
pub fn pstdev(values: &[f64]) -> f64 {
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    (values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n).sqrt()
}

/// Standard deviation of the differences between consecutive shown ages of a series of faces
/// (a track's consecutive appearances; detection gaps are skipped).
pub fn consecutive_difference_std(faces: &[&Value]) -> f64 {
    let ages: Vec<f64> = faces.iter().map(|f| displayed_age(f) as f64).collect();
    let diffs: Vec<f64> = ages.windows(2).map(|pair| pair[1] - pair[0]).collect();
    pstdev(&diffs)
}

/// The faces alone.
pub fn faces_of<'a>(track: &[FrameFace<'a>]) -> Vec<&'a Value> {
    track.iter().map(|(_, face)| *face).collect()
}

/// The tracking-off faces in the same frames with the same boxes as a track's faces (detection
/// does not depend on tracking, so both runs find identical boxes).
pub fn same_faces_untracked<'a>(untracked: &'a [Value], track: &[FrameFace<'_>]) -> Vec<&'a Value> {
    track
        .iter()
        .map(|(index, face)| {
            let frame = untracked
                .iter()
                .find(|frame| frame["frame"].as_u64() == Some(*index))
                .unwrap_or_else(|| panic!("frame {index} missing without tracking"));
            let same: Vec<&Value> = faces(frame)
                .iter()
                .filter(|other| other["box"] == face["box"])
                .collect();
            assert_eq!(
                same.len(),
                1,
                "frame {index}: box {} found once",
                face["box"]
            );
            same[0]
        })
        .collect()
}
