//! The Haar and DNN detectors on the real frames of `input1.mp4` (and `input2.mp4`), against the
//! original program's raw detections (`../shared/parity/pipeline/*.jsonl`). The original ran
//! OpenCV 4.10, this machine has Debian's 4.6, so boxes are compared by agreement rates and IoU
//! with some slack; measured on Debian's 4.6, every frame's boxes are identical to the
//! original's (presence 100%, IoU 1.0), which the thresholds below sit just under.

mod pipeline_common;

use detect::dnn::NormalizedBox;
use detect::{
    DEFAULT_DNN_CONFIDENCE, DEFAULT_DNN_MODEL, DEFAULT_HAAR_CASCADE, DetectorConfig, DetectorKind,
    FaceDetector, bgr_view, build_detector,
};
use face::FaceBox;
use pipeline_common::{
    Agreement, input_processing_size, models_dir_with, original_frames, processing_frames,
};

/// Raw boxes of every frame from our detector.
fn detect_all(detector: &mut dyn FaceDetector, video: &str) -> Vec<Vec<FaceBox>> {
    processing_frames(video)
        .iter()
        .map(|frame| {
            detector
                .detect(&bgr_view(frame).expect("a BGR frame"))
                .expect("detect")
                .iter()
                .map(|d| d.face)
                .collect()
        })
        .collect()
}

/// The original's raw Haar boxes (`det_raw` = x, y, w, h) per frame.
fn original_haar(name: &str) -> Vec<Vec<FaceBox>> {
    original_frames(name)
        .iter()
        .map(|f| {
            f.det_raw
                .iter()
                .map(|r| FaceBox::from_xywh(r[0] as i32, r[1] as i32, r[2] as i32, r[3] as i32))
                .collect()
        })
        .collect()
}

/// The original's raw DNN detections above the threshold (processing-frame pixels, score), per
/// frame.
fn original_dnn_scored(name: &str) -> Vec<Vec<(FaceBox, f32)>> {
    let frame = input_processing_size();
    original_frames(name)
        .iter()
        .map(|f| {
            f.det_raw
                .iter()
                .filter(|r| r[0] as f32 >= DEFAULT_DNN_CONFIDENCE)
                .map(|r| {
                    let corners = NormalizedBox {
                        x1: r[1] as f32,
                        y1: r[2] as f32,
                        x2: r[3] as f32,
                        y2: r[4] as f32,
                    };
                    (corners.to_pixels(frame), r[0] as f32)
                })
                .collect()
        })
        .collect()
}

/// The original's raw DNN boxes above the threshold, in processing-frame pixels, per frame.
fn original_dnn(name: &str) -> Vec<Vec<FaceBox>> {
    original_dnn_scored(name)
        .into_iter()
        .map(|frame| frame.into_iter().map(|(face, _)| face).collect())
        .collect()
}

/// The agreement every detector/video pair must reach against the original (see the module
/// docs for the measured values).
fn assert_close_to_the_original(a: &Agreement, face_frames: usize) {
    assert!(a.presence_rate() >= 0.97, "face/no-face agreement: {a:?}");
    assert!(a.both_found + 2 >= face_frames, "faces missed: {a:?}");
    assert!(a.iou_rate() >= 0.95, "IoU >= 0.85 on too few frames: {a:?}");
    assert!(a.mean_iou >= 0.97, "mean IoU: {a:?}");
    assert!(
        a.identical_rate() >= 0.90,
        "identical boxes on too few frames: {a:?}"
    );
}

/// Frames where the original found at least one face.
fn face_frames(theirs: &[Vec<FaceBox>]) -> usize {
    theirs.iter().filter(|f| !f.is_empty()).count()
}

fn detector(kind: DetectorKind, model_file: &str) -> Box<dyn FaceDetector> {
    let config = DetectorConfig {
        kind,
        ..DetectorConfig::default()
    };
    build_detector(&config, &models_dir_with(model_file)).expect("build the detector")
}

#[test]
fn haar_finds_the_single_face_of_input1_like_the_original() {
    let mut haar = detector(DetectorKind::Haar, DEFAULT_HAAR_CASCADE);
    let ours = detect_all(haar.as_mut(), "input1.mp4");
    let theirs = original_haar("input1_haar");
    assert_eq!(ours.len(), 70);
    assert_eq!(
        face_frames(&theirs),
        59,
        "the original found the face in 59 of 70 frames"
    );
    let a = Agreement::measure(&ours, &theirs, 0.85);
    eprintln!("haar input1: {a:?}");
    assert_close_to_the_original(&a, 59);
}

#[test]
fn haar_on_input2_agrees_with_the_original() {
    let mut haar = detector(DetectorKind::Haar, DEFAULT_HAAR_CASCADE);
    let theirs = original_haar("input2_haar");
    let a = Agreement::measure(&detect_all(haar.as_mut(), "input2.mp4"), &theirs, 0.85);
    eprintln!("haar input2: {a:?}");
    assert_close_to_the_original(&a, face_frames(&theirs));
}

#[test]
fn dnn_finds_the_single_face_of_input1_like_the_original() {
    let mut dnn = detector(DetectorKind::Dnn, DEFAULT_DNN_MODEL);
    let ours = detect_all(dnn.as_mut(), "input1.mp4");
    let theirs = original_dnn("input1_net");
    assert_eq!(
        face_frames(&theirs),
        59,
        "the original found the face in 59 of 70 frames"
    );
    let a = Agreement::measure(&ours, &theirs, 0.85);
    eprintln!("dnn input1: {a:?}");
    assert_close_to_the_original(&a, 59);
}

#[test]
fn dnn_on_input2_agrees_with_the_original() {
    let mut dnn = detector(DetectorKind::Dnn, DEFAULT_DNN_MODEL);
    let theirs = original_dnn("input2_net");
    let a = Agreement::measure(&detect_all(dnn.as_mut(), "input2.mp4"), &theirs, 0.85);
    eprintln!("dnn input2: {a:?}");
    assert_close_to_the_original(&a, face_frames(&theirs));
}

#[test]
fn dnn_confidences_match_the_originals_scores() {
    let mut dnn = detector(DetectorKind::Dnn, DEFAULT_DNN_MODEL);
    let theirs = original_dnn_scored("input1_net");
    let mut compared = 0;
    let mut max_difference = 0.0f32;
    for (frame, original) in processing_frames("input1.mp4").iter().zip(&theirs) {
        let ours = dnn
            .detect(&bgr_view(frame).expect("a BGR frame"))
            .expect("detect");
        for detection in &ours {
            let confidence = detection.confidence.expect("the SSD has a score");
            assert!(confidence >= DEFAULT_DNN_CONFIDENCE, "{detection:?}");
            assert!(detection.landmarks.is_none());
            if let Some((_, score)) = original.iter().find(|(face, _)| *face == detection.face) {
                max_difference = max_difference.max((confidence - score).abs());
                compared += 1;
            }
        }
    }
    eprintln!("dnn confidences: {compared} compared, max |difference| {max_difference}");
    assert!(
        compared >= 57,
        "only {compared} detections matched the original's boxes"
    );
    assert!(
        max_difference <= 0.01,
        "max |confidence difference| {max_difference}"
    );
}

#[test]
fn detectors_are_reused_across_frames_and_sizes() {
    let mut haar = detector(DetectorKind::Haar, DEFAULT_HAAR_CASCADE);
    let frames = processing_frames("input1.mp4");
    let view = |frame| bgr_view(frame).expect("a BGR frame");
    let first = haar.detect(&view(&frames[0])).expect("detect");
    // A differently sized frame in between must not disturb the reusable buffers.
    let mut larger = opencv::core::Mat::default();
    opencv::imgproc::resize(
        &frames[0],
        &mut larger,
        opencv::core::Size::new(800, 448),
        0.0,
        0.0,
        opencv::imgproc::INTER_LINEAR,
    )
    .expect("resize");
    let on_larger = haar
        .detect(&view(&larger))
        .expect("detect on the larger frame");
    assert_eq!(on_larger.len(), 1, "{on_larger:?}");
    assert_eq!(haar.detect(&view(&frames[0])).expect("detect again"), first);
}

#[test]
fn frames_that_are_not_bgr_are_rejected_not_crashed_on() {
    // The detectors take a `BgrImage`; an OpenCV frame that is not one is refused on the way in.
    use opencv::core::{CV_8UC1, Mat, Scalar};
    let err = bgr_view(&Mat::default()).expect_err("empty frame");
    assert!(err.to_string().contains("0x0"), "{err}");
    let gray =
        Mat::new_rows_cols_with_default(20, 30, CV_8UC1, Scalar::all(0.0)).expect("allocate");
    let err = bgr_view(&gray).expect_err("grayscale frame");
    assert!(err.to_string().contains("30x20"), "{err}");
}
