//! YuNet on bad input: missing or corrupt model files, invalid thresholds, frames that are
//! empty, grey, tiny, cut out of a larger image, or change size between calls.

mod yunet_common;

use std::path::PathBuf;

use detect::{
    DetectError, DetectorConfig, DetectorKind, YunetConfig, YunetDetector, bgr_view, build_detector,
};
use face::BgrImage;
use opencv::core::{CV_8UC1, CV_8UC3, Mat, Rect, Scalar};
use opencv::prelude::*;
use yunet_common::{decode_all, models_dir_with_yunet, resize, test_video, to_processing_frame};

/// A scratch directory unique to this test process and name.
fn scratch_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("agender-yunet-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("create scratch dir");
    dir
}

fn yunet_config() -> DetectorConfig {
    DetectorConfig {
        kind: DetectorKind::Yunet,
        ..DetectorConfig::default()
    }
}

fn first_frame_of_input1() -> Mat {
    let frames = decode_all(&test_video("input1.mp4"));
    to_processing_frame(frames.first().expect("input1.mp4 has frames"))
}

#[test]
fn a_missing_model_says_how_to_fetch_it() {
    let dir = scratch_dir("missing");
    let error = build_detector(&yunet_config(), &dir)
        .err()
        .expect("no model in an empty directory");
    assert!(
        matches!(error, DetectError::ModelMissing { .. }),
        "{error:?}"
    );
    let message = error.to_string();
    assert!(
        message.contains("face_detection_yunet_2023mar.onnx"),
        "{message}"
    );
    assert!(message.contains("cargo xtask fetch-models"), "{message}");
}

#[test]
fn a_corrupt_model_is_a_load_error_naming_the_file() {
    let dir = scratch_dir("corrupt");
    let path = dir.join(detect::DEFAULT_YUNET_MODEL);
    std::fs::write(&path, b"not an onnx file").expect("write corrupt model");
    let error = build_detector(&yunet_config(), &dir)
        .err()
        .expect("garbage cannot load");
    assert!(matches!(error, DetectError::ModelLoad { .. }), "{error:?}");
    assert!(error.to_string().contains(&path.display().to_string()));
}

#[test]
fn invalid_thresholds_are_rejected_before_loading() {
    let mut config = yunet_config();
    config.yunet.score_threshold = 2.0;
    let error = build_detector(&config, &models_dir_with_yunet())
        .err()
        .expect("threshold 2 is invalid");
    assert!(
        matches!(
            error,
            DetectError::InvalidConfig {
                key: "detector.yunet.score_threshold",
                ..
            }
        ),
        "{error:?}"
    );
}

#[test]
fn empty_and_grey_frames_are_errors_not_panics() {
    // The detector takes a `BgrImage`; an OpenCV frame that is not one is refused on the way in.
    let empty = Mat::default();
    assert!(matches!(
        bgr_view(&empty),
        Err(DetectError::InvalidFrame { .. })
    ));
    let grey =
        Mat::new_rows_cols_with_default(302, 539, CV_8UC1, Scalar::all(128.0)).expect("grey frame");
    assert!(matches!(
        bgr_view(&grey),
        Err(DetectError::InvalidFrame { .. })
    ));
}

#[test]
fn tiny_and_odd_sized_frames_run_and_find_nothing() {
    let mut detector = build_detector(&yunet_config(), &models_dir_with_yunet()).expect("YuNet");
    for (width, height) in [(1, 1), (31, 17), (33, 65), (7, 300)] {
        let frame = Mat::new_rows_cols_with_default(height, width, CV_8UC3, Scalar::all(90.0))
            .expect("flat frame");
        let detections = detector
            .detect(&bgr_view(&frame).expect("a BGR frame"))
            .expect("a tiny frame is valid input");
        assert!(detections.is_empty(), "{width}x{height}: {detections:?}");
    }
}

#[test]
fn alternating_frame_sizes_give_the_same_faces_as_fresh_detectors() {
    let models = models_dir_with_yunet();
    let config = YunetConfig::default();
    let small_frame = first_frame_of_input1();
    let large_frame = resize(&small_frame, 800, 450);
    let small = bgr_view(&small_frame).expect("a BGR frame");
    let large = bgr_view(&large_frame).expect("a BGR frame");
    let expected_small = YunetDetector::new(&config, &models)
        .expect("YuNet")
        .detect_faces(&small)
        .expect("detect")
        .to_vec();
    let expected_large = YunetDetector::new(&config, &models)
        .expect("YuNet")
        .detect_faces(&large)
        .expect("detect")
        .to_vec();
    assert_eq!(expected_small.len(), 1);
    assert_eq!(expected_large.len(), 1);
    let mut detector = YunetDetector::new(&config, &models).expect("YuNet");
    for _ in 0..2 {
        assert_eq!(
            detector.detect_faces(&small).expect("small"),
            expected_small
        );
        assert_eq!(
            detector.detect_faces(&large).expect("large"),
            expected_large
        );
    }
}

#[test]
fn a_region_of_a_larger_image_is_read_through_its_stride() {
    let frame = first_frame_of_input1();
    // The same pixels as a region of a wider canvas, viewed in place: rows stay
    // `canvas.cols() * 3` bytes apart.
    let mut canvas = Mat::new_rows_cols_with_default(
        frame.rows() + 20,
        frame.cols() + 50,
        CV_8UC3,
        Scalar::all(255.0),
    )
    .expect("canvas");
    let region = Rect::new(30, 10, frame.cols(), frame.rows());
    {
        let mut view = Mat::roi_mut(&mut canvas, region).expect("canvas region");
        frame.copy_to(&mut view).expect("copy into the region");
    }
    let canvas_bytes = canvas.data_bytes().expect("continuous canvas");
    let stride = 3 * canvas.cols() as usize;
    let start = region.y as usize * stride + 3 * region.x as usize;
    let view = BgrImage::new(
        region.width as usize,
        region.height as usize,
        stride,
        &canvas_bytes[start..],
    )
    .expect("view over the canvas");
    assert!(view.stride() > 3 * view.width());
    let mut detector = build_detector(&yunet_config(), &models_dir_with_yunet()).expect("YuNet");
    let direct = detector
        .detect(&bgr_view(&frame).expect("a BGR frame"))
        .expect("direct");
    let through_view = detector.detect(&view).expect("region view");
    assert_eq!(direct.len(), 1);
    assert_eq!(through_view, direct);
}
