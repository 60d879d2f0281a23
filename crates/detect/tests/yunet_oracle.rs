//! YuNet against its independent oracle: OpenCV's own `cv2.FaceDetectorYN` (PyPI
//! opencv-python-headless 4.14, see `scripts/yunet_oracle/`) run on the same frames at the same
//! input sizes; its boxes, landmarks and scores are committed in `data/yunet_oracle.json`.

mod yunet_common;

use detect::{YunetConfig, YunetDetector, YunetFace};
use opencv::core::Mat;
use opencv::prelude::*;
use serde::Deserialize;
use yunet_common::{checksums, decode_all, models_dir_with_yunet, resize, test_video};

/// Largest allowed difference, in pixels, of any box coordinate or landmark (the bound).
const MAX_PIXEL_DIFFERENCE: f32 = 2.0;
/// Largest allowed score difference (OpenCV DNN and tract sum in different orders).
const MAX_SCORE_DIFFERENCE: f32 = 0.01;

#[derive(Debug, Deserialize)]
struct Oracle {
    opencv_version: String,
    model: String,
    score_threshold: f32,
    nms_threshold: f32,
    top_k: usize,
    cases: Vec<OracleCase>,
}

#[derive(Debug, Deserialize)]
struct OracleCase {
    video: String,
    input_width: i32,
    input_height: i32,
    frames: Vec<OracleFrame>,
}

#[derive(Debug, Deserialize)]
struct OracleFrame {
    index: usize,
    frame_sum: u64,
    frame_sum_sq: u64,
    input_sum: u64,
    input_sum_sq: u64,
    faces: Vec<OracleFace>,
}

#[derive(Debug, Deserialize)]
struct OracleFace {
    x: f32,
    y: f32,
    w: f32,
    h: f32,
    landmarks: [[f32; 2]; 5],
    score: f32,
}

fn oracle() -> Oracle {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/yunet_oracle.json");
    let text = std::fs::read_to_string(&path).expect("tests/data/yunet_oracle.json");
    serde_json::from_str(&text).expect("valid oracle JSON")
}

/// Every oracle frame: (case, frame, decoded frame, detector input), decoded here by the system
/// OpenCV (4.6) and resized with INTER_LINEAR exactly as the oracle script did.
fn oracle_inputs(oracle: &Oracle) -> Vec<(&OracleCase, &OracleFrame, Mat, Mat)> {
    let mut inputs = Vec::new();
    for case in &oracle.cases {
        let frames = decode_all(&test_video(&case.video));
        for expected in &case.frames {
            let frame = frames
                .get(expected.index)
                .unwrap_or_else(|| panic!("{} has no frame {}", case.video, expected.index))
                .clone();
            let input = if frame.cols() == case.input_width && frame.rows() == case.input_height {
                frame.clone()
            } else {
                resize(&frame, case.input_width, case.input_height)
            };
            inputs.push((case, expected, frame, input));
        }
    }
    inputs
}

#[test]
fn oracle_file_covers_both_videos_and_three_input_sizes() {
    let oracle = oracle();
    assert!(
        oracle.opencv_version.starts_with("4."),
        "{}",
        oracle.opencv_version
    );
    assert_eq!(oracle.model, detect::DEFAULT_YUNET_MODEL);
    let sizes: Vec<(i32, i32)> = oracle
        .cases
        .iter()
        .map(|c| (c.input_width, c.input_height))
        .collect();
    assert_eq!(sizes, vec![(539, 302), (425, 383), (800, 720)]);
    let faces: usize = oracle
        .cases
        .iter()
        .flat_map(|c| &c.frames)
        .map(|f| f.faces.len())
        .sum();
    assert_eq!(faces, 23, "the committed oracle holds 23 faces");
}

#[test]
fn system_opencv_decodes_and_resizes_the_same_pixels_as_the_oracle_script() {
    let oracle = oracle();
    for (case, expected, frame, input) in oracle_inputs(&oracle) {
        let label = format!("{} frame {}", case.video, expected.index);
        assert_eq!(
            checksums(&frame),
            (expected.frame_sum, expected.frame_sum_sq),
            "{label}: decoded pixels differ from PyPI OpenCV's"
        );
        assert_eq!(
            checksums(&input),
            (expected.input_sum, expected.input_sum_sq),
            "{label}: resized pixels differ from PyPI OpenCV's"
        );
    }
}

/// Largest coordinate difference between our face and the oracle's.
fn max_pixel_difference(ours: &YunetFace, theirs: &OracleFace) -> f32 {
    let mut differences = vec![
        (ours.x - theirs.x).abs(),
        (ours.y - theirs.y).abs(),
        (ours.width - theirs.w).abs(),
        (ours.height - theirs.h).abs(),
    ];
    for (point, [x, y]) in ours.landmarks.iter().zip(theirs.landmarks) {
        differences.push((point.x - x).abs());
        differences.push((point.y - y).abs());
    }
    differences.into_iter().fold(0.0, f32::max)
}

#[test]
fn yunet_agrees_with_opencv_face_detector_yn_within_two_pixels() {
    let oracle = oracle();
    let config = YunetConfig {
        score_threshold: oracle.score_threshold,
        nms_threshold: oracle.nms_threshold,
        top_k: oracle.top_k,
        ..YunetConfig::default()
    };
    let mut detector = YunetDetector::new(&config, &models_dir_with_yunet()).expect("YuNet");
    let mut worst_pixels = 0.0f32;
    let mut worst_score = 0.0f32;
    let mut compared = 0;
    for (case, expected, _frame, input) in oracle_inputs(&oracle) {
        let label = format!(
            "{} frame {} at {}x{}",
            case.video, expected.index, case.input_width, case.input_height
        );
        let faces = detector
            .detect_faces(&detect::bgr_view(&input).expect("a BGR frame"))
            .expect("detect_faces");
        assert_eq!(
            faces.len(),
            expected.faces.len(),
            "{label}: ours {faces:?}, OpenCV {:?}",
            expected.faces
        );
        for theirs in &expected.faces {
            // Pair by nearest box rather than by rank, so near-equal scores cannot swap pairs.
            let ours = faces
                .iter()
                .min_by(|a, b| {
                    let distance = |f: &&YunetFace| (f.x - theirs.x).abs() + (f.y - theirs.y).abs();
                    distance(a).total_cmp(&distance(b))
                })
                .expect("at least one face");
            let pixels = max_pixel_difference(ours, theirs);
            let score = (ours.score - theirs.score).abs();
            assert!(
                pixels <= MAX_PIXEL_DIFFERENCE && score <= MAX_SCORE_DIFFERENCE,
                "{label}: ours {ours:?}, OpenCV {theirs:?} (max difference {pixels} px, score {score})"
            );
            worst_pixels = worst_pixels.max(pixels);
            worst_score = worst_score.max(score);
            compared += 1;
        }
    }
    eprintln!(
        "{compared} faces compared with OpenCV FaceDetectorYN: max difference {worst_pixels:.4} px, \
         max score difference {worst_score:.5}"
    );
    assert_eq!(compared, 23);
}
