//! Runs the example over a folder of two shared clips: one JSON Lines file per video, a record
//! for every frame, and the faces the clips show.

use std::process::Command;

/// Frames of `input1.mp4` and `young_woman_closeup.mp4`, as their containers announce them.
const CLIPS: [(&str, usize); 2] = [("input1.mp4", 70), ("young_woman_closeup.mp4", 0)];

#[test]
fn every_video_of_the_folder_gets_its_records() {
    let videos = tempfile::tempdir().expect("a folder");
    let outputs = tempfile::tempdir().expect("a folder");
    for (clip, _) in CLIPS {
        std::os::unix::fs::symlink(test_data::test_video(clip), videos.path().join(clip))
            .expect("link a clip");
    }
    let output = Command::new(env!("CARGO_BIN_EXE_pipeline-folder"))
        .arg(videos.path())
        .arg(outputs.path())
        .env(test_data::MODELS_ENV, test_data::models_dir())
        .env("RUST_LOG", "warn")
        .output()
        .expect("the example runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let summary = String::from_utf8(output.stdout).expect("UTF-8");
    assert_eq!(summary.lines().count(), CLIPS.len(), "{summary}");
    for (clip, announced) in CLIPS {
        let stem = clip.trim_end_matches(".mp4");
        let text = std::fs::read_to_string(outputs.path().join(format!("{stem}.jsonl")))
            .expect("the clip's records");
        let frames: Vec<serde_json::Value> = text
            .lines()
            .map(|line| serde_json::from_str(line).expect("a JSON record"))
            .collect();
        if announced > 0 {
            assert_eq!(frames.len(), announced, "{clip}: one record per frame");
        }
        let with_faces = frames
            .iter()
            .filter(|frame| !frame["faces"].as_array().expect("faces").is_empty())
            .count();
        assert!(
            with_faces * 2 > frames.len(),
            "{clip}: faces in {with_faces} of {} frames",
            frames.len()
        );
        let tracked = frames
            .iter()
            .flat_map(|frame| frame["faces"].as_array().expect("faces").iter())
            .all(|face| face["track_id"].is_u64());
        assert!(tracked, "{clip}: every face has a track");
    }
}
