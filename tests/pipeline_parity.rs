//! The real binary on the original's sample clip, compared frame by frame with what the original
//! Python program produced (`shared/parity/pipeline/*.jsonl`; boxes in the 539x302 processing
//! frame). The original ran OpenCV 4.10 and we run Debian's 4.6, so boxes may move by a few pixels.

mod support;

use serde_json::Value;
use support::*;

/// Thresholds of one comparison.
struct Expectations {
    detector: &'static str,
    reference: &'static str,
    min_box_iou: f64,
}

/// Size of `input1.mp4`.
const INPUT1_SIZE: (i32, i32) = (400, 224);
/// Share of frames on which we and the original must agree about face / no face.
const MIN_PRESENCE_AGREEMENT: f64 = 0.90;
/// Share of shared face frames whose boxes must overlap by at least `min_box_iou`.
const MIN_BOX_AGREEMENT: f64 = 0.90;
/// Boxes this close are the same crop, so the age must match closely.
const SAME_CROP_IOU: f64 = 0.97;
/// Age tolerance on the same crop, in years.
const SAME_CROP_AGE_TOLERANCE: f64 = 0.5;
/// Mean absolute age difference over all shared face frames, in years.
const MAX_MEAN_AGE_DIFFERENCE: f64 = 2.0;

fn compare_with_original(expect: &Expectations) {
    let dir = temp_dir();
    let video = dir.path().join("annotated.mp4");
    let json = dir.path().join("frames.jsonl");
    let input = test_video("input1.mp4");
    run_app_ok(&[
        "--config",
        "config/ssrnet.toml",
        "--detector",
        expect.detector,
        "--input",
        input.to_str().unwrap(),
        "--output",
        video.to_str().unwrap(),
        "--json",
        json.to_str().unwrap(),
        "--headless",
    ]);

    let (frames, width, height) = video_stats(&video);
    assert_eq!(
        frames, INPUT1_FRAMES,
        "the annotated video has every input frame"
    );
    assert_eq!(
        (width, height),
        INPUT1_SIZE,
        "the annotated video keeps the input size"
    );

    let ours = read_json_lines(&json);
    let original = read_json_lines(&shared_dir().join("parity/pipeline").join(expect.reference));
    assert_eq!(ours.len(), INPUT1_FRAMES);
    assert_eq!(original.len(), INPUT1_FRAMES);

    let mut presence_agree = 0;
    let mut shared_frames = 0;
    let mut boxes_agree = 0;
    let mut age_differences = Vec::new();
    for (frame, (mine, theirs)) in ours.iter().zip(&original).enumerate() {
        let my_faces = mine["faces"].as_array().expect("faces");
        let their_faces = theirs["faces"].as_array().expect("faces");
        for face in my_faces {
            assert_eq!(
                face["gender"], "Male",
                "frame {frame}: the man is labelled Male"
            );
            assert!(face["label"].as_str().unwrap().starts_with("Male,"));
        }
        if my_faces.is_empty() == their_faces.is_empty() {
            presence_agree += 1;
        }
        let (Some(theirs), false) = (their_faces.first(), my_faces.is_empty()) else {
            continue;
        };
        shared_frames += 1;
        let their_box = json_box(&theirs["box"]);
        let mine = best_match(my_faces, their_box);
        let overlap = iou(json_box(&mine["box_processing"]), their_box);
        if overlap >= expect.min_box_iou {
            boxes_agree += 1;
        }
        let difference =
            (mine["age_years"].as_f64().unwrap() - theirs["age"].as_f64().unwrap()).abs();
        if overlap >= SAME_CROP_IOU {
            assert!(
                difference <= SAME_CROP_AGE_TOLERANCE,
                "frame {frame}: same crop (IoU {overlap:.3}) but age differs by {difference:.3} years"
            );
        }
        age_differences.push(difference);
    }

    let presence = presence_agree as f64 / INPUT1_FRAMES as f64;
    assert!(
        presence >= MIN_PRESENCE_AGREEMENT,
        "face/no-face agreement {presence:.2}"
    );
    assert!(shared_frames > 0, "no frame where both found a face");
    let box_rate = boxes_agree as f64 / shared_frames as f64;
    assert!(
        box_rate >= MIN_BOX_AGREEMENT,
        "box IoU >= {} on only {box_rate:.2} of frames",
        expect.min_box_iou
    );
    let mean_difference = age_differences.iter().sum::<f64>() / age_differences.len() as f64;
    assert!(
        mean_difference <= MAX_MEAN_AGE_DIFFERENCE,
        "mean age difference {mean_difference:.2} years"
    );
}

fn best_match(faces: &[Value], target: [f64; 4]) -> &Value {
    faces
        .iter()
        .max_by(|a, b| {
            iou(json_box(&a["box_processing"]), target)
                .total_cmp(&iou(json_box(&b["box_processing"]), target))
        })
        .expect("at least one face")
}

#[test]
fn haar_and_ssrnet_on_input1_match_the_original_program() {
    compare_with_original(&Expectations {
        detector: "haar",
        reference: "input1_haar.jsonl",
        min_box_iou: 0.85,
    });
}

#[test]
fn dnn_and_ssrnet_on_input1_match_the_original_program() {
    compare_with_original(&Expectations {
        detector: "dnn",
        reference: "input1_net.jsonl",
        min_box_iou: 0.8,
    });
}
