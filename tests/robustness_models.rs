//! Robustness of model loading in the app: a missing, truncated, empty or wrong kind of model file
//! stops the app before processing with exit code 2 and a message naming the file and saying how
//! to get a good one, never a panic.

mod robustness_support;

use std::path::Path;

use robustness_support::*;

/// Area of the rows recorded for `docs/ROBUSTNESS.md`.
const AREA: &str = "models";

/// Bytes kept of a truncated model file.
const TRUNCATED_BYTES: usize = 50_000;

/// A models folder holding a copy of the named real files from `models/`.
fn models_with(files: &[&str]) -> tempfile::TempDir {
    let dir = temp_dir();
    for file in files {
        let source = root().join("models").join(file);
        assert!(
            source.is_file(),
            "{} is missing: run `cargo xtask fetch-models --mirror ../shared/mirror` first",
            source.display()
        );
        std::fs::copy(&source, dir.path().join(file)).expect("copy a model");
    }
    dir
}

/// Runs one frame of input1 with the models in `dir` and extra arguments.
fn run_with_models(dir: &Path, extra: &[&str]) -> Outcome {
    let video = shared_dir().join("testdata/videos/input1.mp4");
    let mut args = vec![
        "--models-dir",
        s(dir),
        "--input",
        s(&video),
        "--no-output",
        "--headless",
        "--max-frames",
        "1",
    ];
    args.extend_from_slice(extra);
    run_app_limited(&args, QUICK_LIMIT)
}

/// Checks exit 2 naming the file and the fix, and records the row.
fn check(input: &str, dir: &Path, file: &str, extra: &[&str], needles: &[&str]) {
    let outcome = run_with_models(dir, extra);
    let bad = dir.join(file);
    let mut all = vec![s(&bad)];
    all.extend_from_slice(needles);
    assert_failure(&outcome, EXIT_USAGE, &all);
    record_message(
        AREA,
        input,
        "refused at start-up",
        &outcome.message().replace(s(dir), "<models>"),
        outcome.code,
    );
}

#[test]
fn missing_model() {
    let dir = models_with(&["haarcascade_frontalface_alt.xml", "ssrnet_gender.onnx"]);
    check(
        "missing ssrnet_age.onnx",
        dir.path(),
        "ssrnet_age.onnx",
        &[],
        &["not found", "cargo xtask fetch-models"],
    );
}

#[test]
fn truncated_onnx_model() {
    let dir = models_with(&["haarcascade_frontalface_alt.xml", "ssrnet_gender.onnx"]);
    let bytes = std::fs::read(root().join("models/ssrnet_age.onnx")).expect("read the model");
    std::fs::write(
        dir.path().join("ssrnet_age.onnx"),
        &bytes[..TRUNCATED_BYTES.min(bytes.len() / 2)],
    )
    .expect("write");
    check(
        "truncated ONNX",
        dir.path(),
        "ssrnet_age.onnx",
        &[],
        &[
            "not a valid ONNX net",
            "delete it",
            "cargo xtask fetch-models",
        ],
    );
}

#[test]
fn empty_onnx_model() {
    let dir = models_with(&["haarcascade_frontalface_alt.xml", "ssrnet_gender.onnx"]);
    std::fs::write(dir.path().join("ssrnet_age.onnx"), b"").expect("write");
    check(
        "empty ONNX file",
        dir.path(),
        "ssrnet_age.onnx",
        &[],
        &["not a valid ONNX net", "cargo xtask fetch-models"],
    );
}

#[test]
fn h5_given_as_onnx() {
    let dir = models_with(&["haarcascade_frontalface_alt.xml", "ssrnet_gender.onnx"]);
    std::fs::copy(
        root().join("models/ssrnet_age_3_3_3_64_1.0_1.0.h5"),
        dir.path().join("ssrnet_age.onnx"),
    )
    .expect("copy");
    check(
        ".h5 given as ONNX",
        dir.path(),
        "ssrnet_age.onnx",
        &[],
        &["not a valid ONNX net", "delete it"],
    );
}

#[test]
fn wrong_onnx_net() {
    // A valid ONNX file, but the YuNet detector instead of the SSR-Net age net.
    let dir = models_with(&["haarcascade_frontalface_alt.xml", "ssrnet_gender.onnx"]);
    std::fs::copy(
        root().join("models/face_detection_yunet_2023mar.onnx"),
        dir.path().join("ssrnet_age.onnx"),
    )
    .expect("copy");
    check(
        "valid ONNX of another net (YuNet as SSR-Net)",
        dir.path(),
        "ssrnet_age.onnx",
        &[],
        &["[N,64,64,3]"],
    );
}

#[test]
fn text_given_as_caffe_net() {
    let dir = models_with(&[
        "haarcascade_frontalface_alt.xml",
        "levi_hassner_gender.onnx",
    ]);
    std::fs::write(
        dir.path().join("levi_hassner_age.onnx"),
        "name: \"AgeNet\"\n",
    )
    .expect("write");
    check(
        "text as the converted Caffe net",
        dir.path(),
        "levi_hassner_age.onnx",
        &["--estimator", "caffe"],
        &["not a valid ONNX net", "cargo xtask fetch-models"],
    );
}

#[test]
fn damaged_haar_cascade() {
    let dir = models_with(&["ssrnet_age.onnx", "ssrnet_gender.onnx"]);
    std::fs::write(
        dir.path().join("haarcascade_frontalface_alt.xml"),
        "<opencv_storage>garbage",
    )
    .expect("write");
    check(
        "damaged Haar cascade",
        dir.path(),
        "haarcascade_frontalface_alt.xml",
        &[],
        &["cannot load Haar cascade", "delete it"],
    );
}

#[test]
fn damaged_dnn_detector() {
    let dir = models_with(&[
        "opencv_face_detector.pbtxt",
        "ssrnet_age.onnx",
        "ssrnet_gender.onnx",
    ]);
    std::fs::write(dir.path().join("opencv_face_detector_uint8.pb"), "junk").expect("write");
    check(
        "text as the DNN detector's .pb",
        dir.path(),
        "opencv_face_detector_uint8.pb",
        &["--detector", "dnn"],
        &["cannot load DNN face detector", "delete it"],
    );
}

#[test]
fn truncated_yunet() {
    let dir = models_with(&["ssrnet_age.onnx", "ssrnet_gender.onnx"]);
    let bytes =
        std::fs::read(root().join("models/face_detection_yunet_2023mar.onnx")).expect("read YuNet");
    std::fs::write(
        dir.path().join("face_detection_yunet_2023mar.onnx"),
        &bytes[..bytes.len() / 2],
    )
    .expect("write");
    check(
        "truncated YuNet",
        dir.path(),
        "face_detection_yunet_2023mar.onnx",
        &["--detector", "yunet"],
        &["cannot load YuNet model", "delete it"],
    );
}

#[test]
fn models_dir_that_does_not_exist() {
    let dir = temp_dir();
    let absent = dir.path().join("no-models-here");
    let outcome = run_with_models(&absent, &[]);
    assert_failure(
        &outcome,
        EXIT_USAGE,
        &[s(&absent), "not found", "cargo xtask fetch-models"],
    );
    record_message(
        AREA,
        "models folder does not exist",
        "refused at start-up",
        &outcome.message().replace(s(dir.path()), "<tmp>"),
        outcome.code,
    );
}
