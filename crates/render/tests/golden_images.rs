//! Golden-image tests: annotations drawn on fixed synthetic frames must match the reference PNGs
//! in `tests/golden/` pixel for pixel. A missing reference is written and the test fails, asking
//! for it to be inspected and committed.

use std::path::PathBuf;

use face::FaceBox;
use opencv::core::{CV_8UC3, Mat, Point, Rect, Scalar, Vector, absdiff, count_non_zero};
use opencv::imgcodecs::{self, IMREAD_COLOR, IMWRITE_PNG_COMPRESSION};
use opencv::imgproc::{self, FILLED, LINE_8};
use opencv::prelude::*;
use render::{Annotation, draw_annotations};

/// Strongest PNG compression, to keep the committed references small.
const PNG_COMPRESSION: i32 = 9;

/// A synthetic frame: a dark background with two lighter "face" ellipses, scaled by `scale` from
/// a 400x224 layout (the size of the sample clips).
fn synthetic_frame(scale: f64) -> Mat {
    let s = |v: i32| (f64::from(v) * scale).round() as i32;
    let mut frame = Mat::new_rows_cols_with_default(
        s(224),
        s(400),
        CV_8UC3,
        Scalar::new(60.0, 50.0, 40.0, 0.0),
    )
    .expect("allocate the frame");
    imgproc::rectangle(
        &mut frame,
        Rect::new(0, s(180), s(400), s(44)),
        Scalar::new(90.0, 110.0, 120.0, 0.0),
        FILLED,
        LINE_8,
        0,
    )
    .expect("draw the floor");
    for (x, y, w, h) in [(195, 105, 40, 48), (60, 30, 35, 40), (365, 130, 30, 38)] {
        imgproc::ellipse(
            &mut frame,
            Point::new(s(x), s(y)),
            opencv::core::Size::new(s(w), s(h)),
            0.0,
            0.0,
            360.0,
            Scalar::new(140.0, 170.0, 210.0, 0.0),
            FILLED,
            LINE_8,
            0,
        )
        .expect("draw a face");
    }
    frame
}

/// Three faces: one in the middle, one touching the top edge, one touching the right edge.
fn annotations(scale: f64) -> Vec<Annotation> {
    let s = |v: i32| (f64::from(v) * scale).round() as i32;
    vec![
        Annotation::new(FaceBox::new(s(150), s(55), s(240), s(155)), "Male,32"),
        Annotation::new(FaceBox::new(s(20), 0, s(100), s(75)), "Female,(25-32)"),
        Annotation::new(
            FaceBox::new(s(330), s(88), s(400) - 1, s(172)),
            "Male,(60-100)",
        ),
    ]
}

fn golden_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(format!("{name}.png"))
}

fn write_png(path: &PathBuf, image: &Mat) {
    let params = Vector::from_slice(&[IMWRITE_PNG_COMPRESSION, PNG_COMPRESSION]);
    let written = imgcodecs::imwrite(path, image, &params).expect("encode PNG");
    assert!(written, "could not write {}", path.display());
}

/// Renders at `scale` and compares with `tests/golden/<name>.png`.
fn check_golden(name: &str, scale: f64) {
    let mut frame = synthetic_frame(scale);
    draw_annotations(&mut frame, &annotations(scale)).expect("draw");
    let reference_path = golden_path(name);
    if !reference_path.is_file() {
        write_png(&reference_path, &frame);
        panic!(
            "golden image {} was missing and has been written: inspect and commit it",
            reference_path.display()
        );
    }
    let reference = imgcodecs::imread(&reference_path, IMREAD_COLOR).expect("decode PNG");
    assert_eq!(
        (reference.cols(), reference.rows()),
        (frame.cols(), frame.rows()),
        "size differs from {}",
        reference_path.display()
    );
    let mut difference = Mat::default();
    absdiff(&frame, &reference, &mut difference).expect("difference");
    let mut gray = Mat::default();
    imgproc::cvt_color_def(&difference, &mut gray, imgproc::COLOR_BGR2GRAY).expect("gray");
    let differing = count_non_zero(&gray).expect("count");
    if differing > 0 {
        let actual = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("{name}.actual.png"));
        write_png(&actual, &frame);
        panic!(
            "{differing} pixels differ from {}; the rendering is at {} (delete the reference and \
             rerun to accept a deliberate change, then inspect and commit it)",
            reference_path.display(),
            actual.display()
        );
    }
}

#[test]
fn annotations_on_a_400x224_frame_match_the_golden_image() {
    check_golden("annotations_400x224", 1.0);
}

#[test]
fn annotations_on_a_1280x717_frame_match_the_golden_image() {
    // 3.2x the small layout; the height is odd on purpose.
    check_golden("annotations_1280x717", 3.2);
}

#[test]
fn drawing_on_a_frame_that_is_not_bgr_is_an_error() {
    let mut gray = Mat::new_rows_cols_with_default(10, 12, opencv::core::CV_8UC1, Scalar::all(0.0))
        .expect("allocate");
    let err = draw_annotations(&mut gray, &annotations(1.0)).expect_err("gray frame");
    assert!(err.to_string().contains("12x10"), "{err}");
    let err = draw_annotations(&mut Mat::default(), &[]).expect_err("empty frame");
    assert!(err.to_string().contains("0x0"), "{err}");
}

#[test]
fn absurd_boxes_and_labels_do_not_panic() {
    let mut frame = synthetic_frame(0.1);
    let boxes = [
        FaceBox::new(i32::MIN, i32::MIN, i32::MAX, i32::MAX),
        FaceBox::new(30, 20, -10, -5),
        FaceBox::new(1000, 1000, 2000, 2000),
    ];
    let annotations: Vec<Annotation> = boxes
        .iter()
        .map(|b| Annotation::new(*b, "Female,(60-100) and a very long label ünïcode"))
        .collect();
    draw_annotations(&mut frame, &annotations).expect("draw whatever is visible");
}
