//! YuNet on whole test videos, as the pipeline runs it: every frame resized to the original
//! program's processing size (INTER_LINEAR) and given to the detector built from the default
//! configuration with `kind = "yunet"`.

mod yunet_common;

use detect::{DetectorConfig, DetectorKind, FaceDetector, bgr_view, build_detector};
use face::FaceBox;
use opencv::prelude::*;
use serde::Deserialize;
use yunet_common::{
    decode_all, models_dir_with_yunet, shared_dir, test_video, to_processing_frame,
};

/// The bound: the face must be found in at least this share of `input1.mp4`'s frames.
const INPUT1_MIN_DETECTION_RATE: f64 = 0.95;
/// Share of `man_and_girl.mp4`'s frames in which both faces must be found. The girl turns away
/// for a while (scores down to 0.6); 192 of 205 frames have both at the default threshold (the
/// app's Haar cascade: 132, the DNN SSD: 143, and neither finds both in a frame where YuNet does
/// not).
const MAN_AND_GIRL_MIN_BOTH_RATE: f64 = 0.90;
/// The bound: every YuNet box must overlap the original's Haar box at least this much
/// where both detect. With the default `square_boxes` both boxes are squares; YuNet's is centred
/// sideways on its landmarks, as Haar's is on the face's features (measured: 59 of 59 frames,
/// median 0.858, minimum 0.741; squares centred on YuNet's own box: 52 of 59, minimum 0.634,
/// as the box follows the side of a turning head).
const MIN_IOU_WITH_HAAR: f64 = 0.7;

fn yunet() -> Box<dyn FaceDetector> {
    let config = DetectorConfig {
        kind: DetectorKind::Yunet,
        ..DetectorConfig::default()
    };
    let detector = build_detector(&config, &models_dir_with_yunet()).expect("build YuNet");
    assert_eq!(detector.name(), "yunet");
    detector
}

/// One line of the original program's per-frame output (`parity/pipeline/*.jsonl`).
#[derive(Debug, Deserialize)]
struct ParityFrame {
    frame: usize,
    /// Raw Haar boxes `[x, y, w, h]` in the 539x302 processing frame.
    det_raw: Vec<[i32; 4]>,
}

fn original_haar_boxes(name: &str) -> Vec<Vec<FaceBox>> {
    let path = shared_dir().join("parity").join("pipeline").join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}; set AGENDER_SHARED", path.display()));
    text.lines()
        .enumerate()
        .map(|(index, line)| {
            let parsed: ParityFrame = serde_json::from_str(line).expect("parity JSON line");
            assert_eq!(parsed.frame, index);
            parsed
                .det_raw
                .iter()
                .map(|&[x, y, w, h]| FaceBox::from_xywh(x, y, w, h))
                .collect()
        })
        .collect()
}

#[test]
fn yunet_finds_the_face_in_input1_and_overlaps_the_original_haar_box() {
    let frames = decode_all(&test_video("input1.mp4"));
    let haar = original_haar_boxes("input1_haar.jsonl");
    assert_eq!(frames.len(), 70);
    assert_eq!(haar.len(), frames.len());
    let mut detector = yunet();
    let mut found = 0;
    let mut ious = Vec::new();
    for (index, (frame, haar_boxes)) in frames.iter().zip(&haar).enumerate() {
        let small = to_processing_frame(frame);
        assert_eq!((small.cols(), small.rows()), (539, 302));
        let detections = detector
            .detect(&bgr_view(&small).expect("a BGR frame"))
            .expect("detect");
        assert!(
            detections.len() <= 1,
            "frame {index}: one person, but {detections:?}"
        );
        let Some(detection) = detections.first() else {
            continue;
        };
        found += 1;
        let confidence = detection.confidence.expect("YuNet reports a score");
        assert!(
            (0.7..=1.0).contains(&confidence),
            "frame {index}: {confidence}"
        );
        let landmarks = detection
            .landmarks
            .as_ref()
            .expect("YuNet reports landmarks")
            .points();
        let face = detection.face;
        // Eyes above the nose above the mouth, all inside the box.
        assert!(landmarks.iter().all(|p| {
            (face.x1 as f32..=face.x2 as f32).contains(&p.x)
                && (face.y1 as f32..=face.y2 as f32).contains(&p.y)
        }));
        assert!(landmarks[0].y < landmarks[2].y && landmarks[2].y < landmarks[3].y);
        assert!(
            landmarks[0].x < landmarks[1].x,
            "right eye on the image's left"
        );
        if let Some(haar_box) = haar_boxes.first() {
            let iou = face.iou(haar_box);
            assert!(
                iou >= MIN_IOU_WITH_HAAR,
                "frame {index}: YuNet {face:?} vs Haar {haar_box:?}: IoU {iou:.3}"
            );
            ious.push(iou);
        }
    }
    let rate = f64::from(found) / frames.len() as f64;
    ious.sort_by(f64::total_cmp);
    eprintln!(
        "input1.mp4: face in {found}/{} frames; IoU with Haar over {} frames: min {:.3}, median {:.3}",
        frames.len(),
        ious.len(),
        ious[0],
        ious[ious.len() / 2]
    );
    assert!(
        rate >= INPUT1_MIN_DETECTION_RATE,
        "detection rate {rate:.3}"
    );
    assert_eq!(
        ious.len(),
        59,
        "the original Haar finds the face in 59 frames"
    );
}

#[test]
fn yunet_finds_both_the_man_and_the_girl_in_most_frames_and_nothing_else() {
    let frames = decode_all(&test_video("man_and_girl.mp4"));
    assert_eq!(frames.len(), 205);
    let mut detector = yunet();
    let mut both = 0;
    for (index, frame) in frames.iter().enumerate() {
        let small = to_processing_frame(frame);
        let detections = detector
            .detect(&bgr_view(&small).expect("a BGR frame"))
            .expect("detect");
        assert!(detections.len() <= 2, "frame {index}: {detections:?}");
        if let [a, b] = detections.as_slice() {
            assert!(
                a.face.iou(&b.face) < 0.1,
                "frame {index}: two boxes on one face: {detections:?}"
            );
            both += 1;
        }
        // Face-sized boxes for a 425x383 frame (the two faces are 90-150 px tall).
        for detection in &detections {
            let height = detection.face.corner_height();
            assert!((60..=200).contains(&height), "frame {index}: {detection:?}");
        }
    }
    let rate = f64::from(both) / frames.len() as f64;
    eprintln!(
        "man_and_girl.mp4: both faces in {both}/{} frames",
        frames.len()
    );
    assert!(
        rate >= MAN_AND_GIRL_MIN_BOTH_RATE,
        "both faces in only {rate:.3} of the frames"
    );
}
