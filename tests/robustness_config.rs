//! Robustness of the configuration: every bad config file is refused before any processing with
//! exit code 2 and one message naming the file, key and value and saying what to do. Also the
//! exit-code and backtrace conventions of the binary.

mod robustness_support;

use robustness_support::*;

/// Area of the rows recorded for `docs/ROBUSTNESS.md`.
const AREA: &str = "config";

/// Writes `text` to a config file in `dir` and runs the app on it (a real input, no output).
fn run_config(dir: &tempfile::TempDir, text: &str) -> (String, Outcome) {
    let path = dir.path().join("agender.toml");
    std::fs::write(&path, text).expect("write the config");
    let video = shared_dir().join("testdata/videos/input1.mp4");
    let outcome = run_app_limited(
        &[
            "--config",
            s(&path),
            "--input",
            s(&video),
            "--no-output",
            "--headless",
            "--max-frames",
            "1",
        ],
        QUICK_LIMIT,
    );
    (s(&path).to_owned(), outcome)
}

/// Asserts a config error (exit 2) mentioning `needles`, and records the row.
fn check_config(input: &str, text: &str, needles: &[&str]) {
    let dir = temp_dir();
    let (path, outcome) = run_config(&dir, text);
    assert_failure(&outcome, EXIT_USAGE, needles);
    let message = outcome.message().replace(&path, "<config>");
    record_message(
        AREA,
        input,
        "refused before processing",
        &message,
        outcome.code,
    );
}

#[test]
fn missing_config_file() {
    let dir = temp_dir();
    let path = dir.path().join("absent.toml");
    let outcome = run_app_limited(&["--config", s(&path), "--headless"], QUICK_LIMIT);
    assert_failure(
        &outcome,
        EXIT_USAGE,
        &[s(&path), "cannot read the config file", "check the path"],
    );
    record_message(
        AREA,
        "missing file",
        "refused before processing",
        &outcome.message().replace(s(&path), "<config>"),
        outcome.code,
    );
}

#[test]
fn config_that_is_not_toml() {
    check_config(
        "not TOML",
        "models_dir = \"models\"\n[input\nsource =",
        &["invalid config file", "agender.toml", "line 2"],
    );
}

#[test]
fn config_that_is_binary_garbage() {
    let dir = temp_dir();
    let path = dir.path().join("agender.toml");
    std::fs::write(&path, [0xff_u8, 0xfe, 0x00, 0x9c, 0x80, 0x01]).expect("write");
    let outcome = run_app_limited(&["--config", s(&path), "--headless"], QUICK_LIMIT);
    assert_failure(&outcome, EXIT_USAGE, &[s(&path)]);
    record_message(
        AREA,
        "binary bytes (not UTF-8)",
        "refused before processing",
        &outcome.message().replace(s(&path), "<config>"),
        outcome.code,
    );
}

#[test]
fn unknown_key() {
    check_config(
        "unknown key",
        "bogus = 1\n",
        &[
            "agender.toml",
            "unknown field `bogus`",
            "expected one of",
            "`tracking`, or `display`",
        ],
    );
}

#[test]
fn unknown_key_in_a_section() {
    check_config(
        "unknown key in [detector.dnn]",
        "[detector]\nkind = \"dnn\"\n[detector.dnn]\nconfidence = 0.5\n",
        &["unknown field `confidence`", "confidence_threshold"],
    );
}

#[test]
fn wrong_type() {
    check_config(
        "wrong type",
        "[processing]\narea = \"big\"\n",
        &["agender.toml", "area", "invalid type: string \"big\""],
    );
}

#[test]
fn negative_size() {
    check_config(
        "negative processing.area",
        "[processing]\narea = -5\n",
        &["agender.toml", "area = -5", "invalid value"],
    );
}

#[test]
fn zero_size() {
    check_config(
        "processing.area = 0",
        "[processing]\narea = 0\n",
        &["processing.area", "positive", "got 0"],
    );
}

#[test]
fn processing_area_too_small_for_the_frame() {
    check_config(
        "processing.area = 1",
        "[processing]\narea = 1\n",
        &["processing.area", "raise"],
    );
}

#[test]
fn too_many_detection_workers() {
    check_config(
        "processing.detect_workers = 1000",
        "[processing]\ndetect_workers = 1000\n",
        &["processing.detect_workers", "1000", "one per core"],
    );
}

#[test]
fn zero_dnn_input_width() {
    check_config(
        "detector.dnn.input_width = 0",
        "[detector]\nkind = \"dnn\"\n[detector.dnn]\ninput_width = 0\n",
        &["detector.dnn.input_width", "= 0", "positive"],
    );
}

#[test]
fn confidence_above_one() {
    check_config(
        "confidence 1.5",
        "[detector]\nkind = \"dnn\"\n[detector.dnn]\nconfidence_threshold = 1.5\n",
        &["detector.dnn.confidence_threshold", "1.5", "from 0 to 1"],
    );
}

#[test]
fn confidence_below_zero() {
    check_config(
        "score threshold -1",
        "[detector]\nkind = \"yunet\"\n[detector.yunet]\nscore_threshold = -1\n",
        &["detector.yunet.score_threshold", "-1", "from 0 to 1"],
    );
}

#[test]
fn negative_padding() {
    check_config(
        "negative padding",
        "[estimator]\npadding_ratio = -0.5\n",
        &["estimator.padding_ratio", "-0.5", "0.0 to 1.0"],
    );
}

#[test]
fn haar_scale_factor_below_one() {
    check_config(
        "haar scale_factor 0.5",
        "[detector.haar]\nscale_factor = 0.5\n",
        &["detector.haar.scale_factor", "0.5", "greater than 1"],
    );
}

#[test]
fn negative_min_neighbors() {
    check_config(
        "haar min_neighbors -3",
        "[detector.haar]\nmin_neighbors = -3\n",
        &["detector.haar.min_neighbors", "-3", "0 or more"],
    );
}

#[test]
fn zero_max_frames() {
    // Given on the command line: the config's value would be overridden by run_config's
    // `--max-frames 1`.
    let outcome = run_app_limited(&["--max-frames", "0", "--headless"], QUICK_LIMIT);
    assert_failure(&outcome, EXIT_USAGE, &["input.max_frames", "at least 1"]);
    record(
        AREA,
        "--max-frames 0",
        "refused before processing",
        &outcome,
    );
}

#[test]
fn unknown_codec() {
    check_config(
        "unknown output.codec",
        "[output]\ncodec = \"zzzzzz\"\n",
        &["output.codec", "zzzzzz"],
    );
}

#[test]
fn unknown_h264_preset() {
    check_config(
        "unknown output.preset",
        "[output]\npreset = \"quick\"\n",
        &["preset", "quick", "veryfast"],
    );
}

#[test]
fn unknown_h264_tune() {
    check_config(
        "unknown output.tune",
        "[output]\ntune = \"sharp\"\n",
        &["tune", "sharp", "zerolatency"],
    );
}

#[test]
fn h264_crf_out_of_range() {
    check_config(
        "output.crf above 51",
        "[output]\ncrf = 60\n",
        &["output.crf", "60", "51"],
    );
}

#[test]
fn unknown_detector_kind() {
    check_config(
        "unknown detector kind",
        "[detector]\nkind = \"foo\"\n",
        &[
            "agender.toml",
            "unknown variant `foo`",
            "haar",
            "dnn",
            "yunet",
        ],
    );
}

#[test]
fn unknown_estimator_kind() {
    check_config(
        "unknown estimator kind",
        "[estimator]\nkind = \"foo\"\n",
        &["agender.toml", "unknown variant `foo`", "ssrnet", "caffe"],
    );
}

#[test]
fn model_path_that_does_not_exist() {
    check_config(
        "age_model does not exist",
        "[estimator]\nage_model = \"nope.onnx\"\n",
        &["nope.onnx", "not found", "cargo xtask fetch-models"],
    );
}

#[test]
fn cascade_path_that_does_not_exist() {
    check_config(
        "haar cascade does not exist",
        "[detector.haar]\ncascade = \"/nonexistent/cascade.xml\"\n",
        &[
            "/nonexistent/cascade.xml",
            "not found",
            "cargo xtask fetch-models",
        ],
    );
}

#[test]
fn unknown_command_line_option_is_a_usage_error() {
    let outcome = run_app_limited(&["--frobnicate"], QUICK_LIMIT);
    assert_no_panic(&outcome);
    assert_eq!(outcome.code, Some(EXIT_USAGE), "{}", outcome.log());
    assert!(outcome.stderr.contains("--frobnicate"), "{}", outcome.log());
    record_message(
        "command line",
        "unknown option",
        "clap's usage error",
        outcome.stderr.lines().next().unwrap_or_default(),
        outcome.code,
    );
}

#[test]
fn no_backtrace_by_default_but_one_with_rust_backtrace() {
    let dir = temp_dir();
    let path = dir.path().join("absent.toml");
    let quiet = run_app_limited(&["--config", s(&path), "--headless"], QUICK_LIMIT);
    assert_failure(&quiet, EXIT_USAGE, &["absent.toml"]);
    let error_lines = quiet
        .stderr
        .lines()
        .filter(|l| l.contains(" ERROR "))
        .count();
    assert_eq!(error_lines, 1, "one error message:\n{}", quiet.log());
    assert!(
        !quiet.stderr.contains("Stack backtrace") && !quiet.stderr.contains("stack backtrace"),
        "{}",
        quiet.log()
    );
    assert!(
        !quiet.raw_stderr.contains('\u{1b}'),
        "no terminal colour codes when stderr is not a terminal:\n{:?}",
        quiet.raw_stderr
    );

    let loud = run_with_limit(
        app_command(&["--config", s(&path), "--headless"]).env("RUST_BACKTRACE", "1"),
        QUICK_LIMIT,
    );
    assert_eq!(loud.code, Some(EXIT_USAGE), "{}", loud.log());
    assert!(
        loud.stderr.to_lowercase().contains("backtrace"),
        "RUST_BACKTRACE=1 shows the backtrace:\n{}",
        loud.log()
    );
}
