//! Per-frame cost of the YuNet detector against the original's Haar cascade on the processing
//! frames of `input1.mp4` (539x302), plus YuNet on the same frames letterboxed into its file's
//! native 640x640 input, the design the `yunet` module rejected.
//!
//! Run: `cargo bench -p detect --bench yunet_vs_haar` (needs the models: `cargo xtask
//! fetch-models --mirror ../shared/mirror`, or `AGENDER_MODELS` pointing at them).

#[path = "../tests/yunet_common/mod.rs"]
mod yunet_common;

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use detect::{DetectorConfig, DetectorKind, FaceDetector, bgr_view, build_detector};
use face::BgrImage;
use opencv::core::{BORDER_CONSTANT, Mat, Scalar, copy_make_border};
use opencv::prelude::*;

/// Side of the square input the ONNX file declares.
const NATIVE_SIDE: i32 = 640;

fn processing_frames() -> Vec<Mat> {
    yunet_common::decode_all(&yunet_common::test_video("input1.mp4"))
        .iter()
        .map(yunet_common::to_processing_frame)
        .collect()
}

fn letterboxed(frames: &[Mat]) -> Vec<Mat> {
    frames
        .iter()
        .map(|frame| {
            let mut padded = Mat::default();
            copy_make_border(
                frame,
                &mut padded,
                0,
                NATIVE_SIDE - frame.rows(),
                0,
                NATIVE_SIDE - frame.cols(),
                BORDER_CONSTANT,
                Scalar::all(0.0),
            )
            .expect("letterbox");
            padded
        })
        .collect()
}

fn detector(kind: DetectorKind) -> Box<dyn FaceDetector> {
    let models = match kind {
        DetectorKind::Yunet => yunet_common::models_dir_with_yunet(),
        _ => yunet_common::models_dir_with_haar(),
    };
    let config = DetectorConfig {
        kind,
        ..DetectorConfig::default()
    };
    build_detector(&config, &models).expect("detector")
}

/// Benchmarks `detector` cycling through `frames`, one frame per iteration.
fn bench_frames(
    c: &mut Criterion,
    name: &str,
    mut detector: Box<dyn FaceDetector>,
    frames: &[Mat],
) {
    let views: Vec<BgrImage<'_>> = frames
        .iter()
        .map(|frame| bgr_view(frame).expect("a BGR frame"))
        .collect();
    // Warm up outside the measurement: YuNet builds its plan on the first frame of a size.
    detector.detect(&views[0]).expect("warm-up");
    let mut next = 0;
    c.bench_function(name, |b| {
        b.iter(|| {
            let frame = &views[next % views.len()];
            next += 1;
            black_box(detector.detect(black_box(frame)).expect("detect"))
        })
    });
}

fn detectors(c: &mut Criterion) {
    let frames = processing_frames();
    bench_frames(c, "haar_539x302", detector(DetectorKind::Haar), &frames);
    bench_frames(c, "yunet_539x302", detector(DetectorKind::Yunet), &frames);
    bench_frames(
        c,
        "yunet_letterbox_640x640",
        detector(DetectorKind::Yunet),
        &letterboxed(&frames),
    );
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(50);
    targets = detectors
}
criterion_main!(benches);
