//! The JSON Lines and CSV outputs of real runs, validated against the documented schema
//! (`docs/output.schema.json`, described in `docs/OUTPUT.md`).

mod support;

use serde_json::Value;
use support::*;

fn schema_validator() -> jsonschema::Validator {
    let path = workspace_root().join("docs/output.schema.json");
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    jsonschema::validator_for(&schema).expect("the schema itself is valid")
}

fn assert_valid(validator: &jsonschema::Validator, frames: &[Value]) {
    for frame in frames {
        let errors: Vec<String> = validator
            .iter_errors(frame)
            .map(|err| format!("{err} at {}", err.instance_path()))
            .collect();
        assert!(
            errors.is_empty(),
            "frame {} breaks the schema: {errors:?}\n{frame}",
            frame["frame"]
        );
    }
}

/// Runs the app on `input1.mp4` with the given options and returns the JSON lines and CSV text.
fn run_with(options: &[&str]) -> (Vec<Value>, String) {
    let dir = temp_dir();
    let json = dir.path().join("frames.jsonl");
    let csv = dir.path().join("faces.csv");
    let input = test_video("input1.mp4");
    let mut args = vec![
        "--input",
        input.to_str().unwrap(),
        "--no-output",
        "--headless",
        "--json",
        json.to_str().unwrap(),
        "--csv",
        csv.to_str().unwrap(),
    ];
    args.extend_from_slice(options);
    run_app_ok(&args);
    (
        read_json_lines(&json),
        std::fs::read_to_string(&csv).unwrap(),
    )
}

fn face_count(frames: &[Value]) -> usize {
    frames
        .iter()
        .map(|frame| frame["faces"].as_array().unwrap().len())
        .sum()
}

#[test]
fn ssrnet_output_matches_the_schema_and_the_csv_has_a_row_per_face() {
    let validator = schema_validator();
    let (frames, csv) = run_with(&["--config", "config/ssrnet.toml"]);
    assert_eq!(frames.len(), INPUT1_FRAMES);
    assert_valid(&validator, &frames);
    for (index, frame) in frames.iter().enumerate() {
        assert_eq!(frame["frame"], index as u64, "frames in order");
        assert!(
            (frame["timestamp_ms"].as_f64().unwrap() - index as f64 * 100.0).abs() < 1e-6,
            "10 fps timestamps"
        );
    }
    let lines: Vec<&str> = csv.lines().collect();
    assert!(
        lines[0].starts_with("frame,timestamp_ms,face,track_id,x1,y1,x2,y2"),
        "{}",
        lines[0]
    );
    assert_eq!(lines.len() - 1, face_count(&frames), "one CSV row per face");
    let first_face = &frames
        .iter()
        .find(|f| !f["faces"].as_array().unwrap().is_empty())
        .unwrap()["faces"][0];
    let first_row: Vec<&str> = lines[1].split(',').collect();
    assert_eq!(
        first_row[4..8],
        ["142", "51", "222", "131"],
        "the CSV box is the JSON box {}",
        first_face["box"]
    );
}

#[test]
fn caffe_output_with_tracking_matches_the_schema() {
    let validator = schema_validator();
    let dir = temp_dir();
    let config = dir.path().join("tracked.toml");
    std::fs::write(
        &config,
        "[detector]\nkind = \"dnn\"\n[estimator]\nkind = \"caffe\"\n[tracking]\nenabled = true\nshow_track_id = true\n",
    )
    .unwrap();
    let (frames, _) = run_with(&["--config", config.to_str().unwrap()]);
    assert_valid(&validator, &frames);
    let faces: Vec<&Value> = frames
        .iter()
        .flat_map(|frame| frame["faces"].as_array().unwrap())
        .collect();
    assert!(!faces.is_empty());
    for face in faces {
        assert!(
            face["track_id"].as_u64().is_some(),
            "tracking on: every face has a track ID"
        );
        assert!(
            face["detector_confidence"].as_f64().unwrap() >= 0.7,
            "the DNN threshold"
        );
        let probabilities: f64 = face["age_probabilities"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p.as_f64().unwrap())
            .sum();
        assert!(
            (probabilities - 1.0).abs() < 1e-3,
            "age probabilities sum to 1: {probabilities}"
        );
        let label = face["label"].as_str().unwrap();
        assert!(
            label.starts_with("Male,(") || label.starts_with("Female,("),
            "an age-group label: {label}"
        );
    }
}
