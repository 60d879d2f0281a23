//! `DetectorConfig`: TOML with defaults, unknown keys, validation messages, building errors.

use std::path::{Path, PathBuf};

use detect::{DetectError, DetectorConfig, DetectorKind, DetectorRuntime, build_detector};

fn parse(text: &str) -> Result<DetectorConfig, toml::de::Error> {
    toml::from_str(text)
}

#[test]
fn an_empty_section_gives_the_original_values() {
    let config = parse("").expect("empty TOML");
    assert_eq!(config, DetectorConfig::default());
    assert_eq!(config.kind, DetectorKind::Haar);
    assert_eq!(config.haar.scale_factor, 1.1);
    assert_eq!(config.haar.min_neighbors, 5);
    assert_eq!(config.haar.min_size, None);
    assert_eq!(config.dnn.input_width, 300);
    assert_eq!(config.dnn.input_height, 300);
    assert_eq!(config.dnn.scale, 1.0);
    assert_eq!(config.dnn.mean, [104.0, 117.0, 123.0]);
    assert!(config.dnn.swap_rb);
    assert!(!config.dnn.crop);
    assert_eq!(config.dnn.confidence_threshold, 0.7);
    assert_eq!(
        config.haar.cascade_path(Path::new("/m")),
        PathBuf::from("/m/haarcascade_frontalface_alt.xml")
    );
    assert_eq!(
        config.dnn.model_path(Path::new("/m")),
        PathBuf::from("/m/opencv_face_detector_uint8.pb")
    );
    config.validate().expect("defaults are valid");
}

#[test]
fn every_parameter_can_be_set() {
    let config = parse(
        r#"
        kind = "dnn"
        [haar]
        cascade = "/abs/cascade.xml"
        scale_factor = 1.2
        min_neighbors = 3
        min_size = { width = 20, height = 24 }
        max_size = { width = 200, height = 240 }
        [dnn]
        model = "m.pb"
        config = "m.pbtxt"
        input_width = 320
        input_height = 240
        scale = 0.5
        mean = [1.0, 2.0, 3.0]
        swap_rb = false
        crop = true
        confidence_threshold = 0.5
        "#,
    )
    .expect("full config");
    assert_eq!(config.kind, DetectorKind::Dnn);
    assert_eq!(
        config.haar.cascade_path(Path::new("/m")),
        PathBuf::from("/abs/cascade.xml")
    );
    assert_eq!(
        config.haar.min_size.map(|s| (s.width, s.height)),
        Some((20, 24))
    );
    assert_eq!(config.dnn.input_width, 320);
    assert!(config.dnn.crop);
    config.validate().expect("valid");
}

#[test]
fn opencv_runs_haar_and_dnn_and_tract_runs_yunet() {
    assert_eq!(DetectorKind::Haar.runtime(), DetectorRuntime::OpenCv);
    assert_eq!(DetectorKind::Dnn.runtime(), DetectorRuntime::OpenCv);
    assert_eq!(DetectorKind::Yunet.runtime(), DetectorRuntime::Tract);
}

#[test]
fn unknown_keys_and_kinds_are_rejected_naming_them() {
    let err = parse("[haar]\nscale = 1.2").expect_err("unknown key");
    assert!(err.to_string().contains("scale"), "{err}");
    let err = parse("kind = \"mtcnn\"").expect_err("unknown kind");
    let message = err.to_string();
    assert!(
        message.contains("mtcnn") && message.contains("haar"),
        "{message}"
    );
    let err = "mtcnn".parse::<DetectorKind>().expect_err("unknown kind");
    assert!(
        err.to_string().contains("\"haar\", \"dnn\", \"yunet\""),
        "{err}"
    );
    assert_eq!("DNN".parse::<DetectorKind>().ok(), Some(DetectorKind::Dnn));
}

#[test]
fn out_of_range_values_name_the_key_and_value() {
    for (text, key, value) in [
        (
            "[haar]\nscale_factor = 1.0",
            "detector.haar.scale_factor",
            "1",
        ),
        (
            "[haar]\nmin_neighbors = -1",
            "detector.haar.min_neighbors",
            "-1",
        ),
        (
            "[haar]\nmin_size = { width = 0, height = 5 }",
            "detector.haar.min_size",
            "width = 0",
        ),
        (
            "[haar]\nmin_size = { width = 50, height = 50 }\nmax_size = { width = 40, height = 60 }",
            "detector.haar.max_size",
            "40x60",
        ),
        (
            "[dnn]\nconfidence_threshold = 1.5",
            "detector.dnn.confidence_threshold",
            "1.5",
        ),
        ("[dnn]\ninput_width = 0", "detector.dnn.input_width", "0"),
        ("[dnn]\nscale = -1.0", "detector.dnn.scale", "-1"),
    ] {
        let config = parse(text).expect("well-formed TOML");
        let err = config.validate().expect_err(text);
        let message = err.to_string();
        assert!(
            matches!(err, DetectError::InvalidConfig { .. }),
            "{message}"
        );
        assert!(
            message.contains(key) && message.contains(value),
            "{text}: {message}"
        );
        // build_detector validates before touching any file.
        let err = build_detector(&config, Path::new("/nonexistent"))
            .err()
            .expect(text);
        assert!(err.to_string().contains(key), "{err}");
    }
}

#[test]
fn missing_model_files_say_how_to_fetch_them() {
    for kind in [DetectorKind::Haar, DetectorKind::Dnn] {
        let config = DetectorConfig {
            kind,
            ..DetectorConfig::default()
        };
        let err = build_detector(&config, Path::new("/nonexistent/models"))
            .err()
            .expect("no models there");
        let message = err.to_string();
        assert!(matches!(err, DetectError::ModelMissing { .. }), "{message}");
        assert!(message.contains("/nonexistent/models/"), "{message}");
        assert!(message.contains("cargo xtask fetch-models"), "{message}");
    }
}

#[test]
fn a_file_that_is_not_a_model_is_a_load_error_naming_it() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("detect_bad_models");
    std::fs::create_dir_all(&dir).expect("scratch dir");
    std::fs::write(
        dir.join("haarcascade_frontalface_alt.xml"),
        "<not a cascade/>",
    )
    .expect("write");
    std::fs::write(dir.join("opencv_face_detector_uint8.pb"), "garbage").expect("write");
    std::fs::write(dir.join("opencv_face_detector.pbtxt"), "garbage").expect("write");
    for (kind, file) in [
        (DetectorKind::Haar, "haarcascade_frontalface_alt.xml"),
        (DetectorKind::Dnn, "opencv_face_detector_uint8.pb"),
    ] {
        let config = DetectorConfig {
            kind,
            ..DetectorConfig::default()
        };
        let err = build_detector(&config, &dir).err().expect("not a model");
        assert!(matches!(err, DetectError::ModelLoad { .. }), "{err}");
        assert!(err.to_string().contains(file), "{err}");
    }
}
