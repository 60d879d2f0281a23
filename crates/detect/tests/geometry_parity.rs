//! The box geometry against the original program's own numbers (`../shared/parity`).

mod pipeline_common;

use detect::dnn::NormalizedBox;
use detect::{
    DEFAULT_DNN_CONFIDENCE, ORIGINAL_PROCESSING_AREA, crop_rect, pad_and_clamp, processing_size,
    to_original,
};
use face::{FaceBox, ImageSize};
use pipeline_common::{input_processing_size, original_frames, shared_file};
use serde_json::Value;

/// SSR-Net's padding ratio in the original (`face_padding_ratio = 0.10`), the one the parity
/// records were made with.
const SSRNET_PADDING: f64 = 0.10;

fn ints(value: &Value) -> Vec<i32> {
    value
        .as_array()
        .expect("array")
        .iter()
        .map(|v| v.as_i64().expect("integer") as i32)
        .collect()
}

#[test]
fn expected_json_boxes_map_back_and_crop_exactly() {
    let text = std::fs::read_to_string(shared_file("parity/expected.json")).expect("read");
    let expected: Value = serde_json::from_str(&text).expect("JSON");
    let crops = expected["crops"].as_array().expect("crops");
    let mut checked = 0;
    for crop in crops {
        let source = &crop["source"];
        if source.is_null() || source["box_proc_xyxy"].is_null() {
            continue;
        }
        let orig = ints(&source["orig_wh"]);
        let proc = ints(&source["proc_wh"]);
        let original = ImageSize::new(orig[0], orig[1]);
        let processing = ImageSize::new(proc[0], proc[1]);
        assert_eq!(
            processing_size(original, ORIGINAL_PROCESSING_AREA).ok(),
            Some(processing)
        );
        let b = ints(&source["box_proc_xyxy"]);
        let mapped = to_original(&FaceBox::new(b[0], b[1], b[2], b[3]), processing, original);
        let o = ints(&source["box_orig_xyxy"]);
        assert_eq!(
            mapped,
            FaceBox::new(o[0], o[1], o[2], o[3]),
            "crop {}",
            crop["index"]
        );
        let rect = crop_rect(&mapped, original).expect("a non-empty crop");
        let rows = ints(&source["crop_slice_rows"]);
        let cols = ints(&source["crop_slice_cols"]);
        // Inclusive corners: the slice's exclusive end is one past them.
        assert_eq!([rect.y1, rect.y2 + 1], [rows[0], rows[1]]);
        assert_eq!([rect.x1, rect.x2 + 1], [cols[0], cols[1]]);
        let hw = ints(&crop["crop_hw"]);
        assert_eq!(
            [rect.pixel_height(), rect.pixel_width()],
            [i64::from(hw[0]), i64::from(hw[1])]
        );
        checked += 1;
    }
    assert_eq!(
        checked, 5,
        "the five crops of expected.json with a source box"
    );
}

#[test]
fn haar_raw_boxes_pad_to_the_originals_boxes() {
    let frame = input_processing_size();
    let mut boxes = 0;
    for name in ["input1_haar", "input2_haar"] {
        for record in original_frames(name) {
            let padded: Vec<FaceBox> = record
                .det_raw
                .iter()
                .map(|r| {
                    let raw =
                        FaceBox::from_xywh(r[0] as i32, r[1] as i32, r[2] as i32, r[3] as i32);
                    pad_and_clamp(&raw, SSRNET_PADDING, frame)
                })
                .collect();
            assert_eq!(padded, record.boxes, "{name} frame {}", record.frame);
            boxes += padded.len();
        }
    }
    assert!(boxes >= 100, "only {boxes} Haar boxes checked");
}

#[test]
fn dnn_raw_rows_threshold_scale_and_pad_to_the_originals_boxes() {
    let frame = input_processing_size();
    let mut boxes = 0;
    for name in ["input1_net", "input2_net"] {
        for record in original_frames(name) {
            let padded: Vec<FaceBox> = record
                .det_raw
                .iter()
                .filter(|r| r[0] as f32 >= DEFAULT_DNN_CONFIDENCE)
                .map(|r| {
                    let corners = NormalizedBox {
                        x1: r[1] as f32,
                        y1: r[2] as f32,
                        x2: r[3] as f32,
                        y2: r[4] as f32,
                    };
                    pad_and_clamp(&corners.to_pixels(frame), SSRNET_PADDING, frame)
                })
                .collect();
            assert_eq!(padded, record.boxes, "{name} frame {}", record.frame);
            boxes += padded.len();
        }
    }
    assert!(boxes >= 100, "only {boxes} DNN boxes checked");
}
