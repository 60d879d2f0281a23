//! Tests of loading and running on a tiny model written here in dlib's serialisation.

use super::*;

/// dlib's `pack_int` of an unsigned value.
fn unsigned(out: &mut Vec<u8>, mut value: u64) {
    let mut bytes = Vec::new();
    loop {
        bytes.push((value & 0xFF) as u8);
        value >>= 8;
        if value == 0 {
            break;
        }
    }
    out.push(bytes.len() as u8);
    out.extend(bytes);
}

/// dlib's `pack_int` of a signed value.
fn signed(out: &mut Vec<u8>, value: i64) {
    let start = out.len();
    unsigned(out, value.unsigned_abs());
    if value < 0 {
        out[start] |= 0x80;
    }
}

/// dlib's float format for values that are whole multiples of 2^-16.
fn float(out: &mut Vec<u8>, value: f32) {
    signed(out, (value * 65536.0) as i64);
    signed(out, -16);
}

fn column(out: &mut Vec<u8>, values: &[f32]) {
    signed(out, -(values.len() as i64));
    signed(out, -1);
    values.iter().for_each(|&v| float(out, v));
}

/// The mean shape of the tiny model: five points inside the unit square.
const MEAN: [f32; SHAPE_LEN] = [0.25, 0.25, 0.75, 0.25, 0.5, 0.5, 0.25, 0.75, 0.75, 0.75];
/// How far the tiny model's one tree moves every coordinate, by leaf.
const LEFT_UPDATE: f32 = 0.125;
const RIGHT_UPDATE: f32 = -0.0625;

/// One cascade, one tree of one split comparing a pixel at the first landmark with one at the
/// centre landmark: left leaf when the first is brighter by more than 10.
fn tiny_model(version: i64) -> Vec<u8> {
    let mut out = Vec::new();
    signed(&mut out, version);
    column(&mut out, &MEAN);
    unsigned(&mut out, 1); // cascades
    unsigned(&mut out, 1); // trees
    unsigned(&mut out, 1); // splits
    unsigned(&mut out, 0);
    unsigned(&mut out, 1);
    float(&mut out, 10.0);
    unsigned(&mut out, 2); // leaves
    column(&mut out, &[LEFT_UPDATE; SHAPE_LEN]);
    column(&mut out, &[RIGHT_UPDATE; SHAPE_LEN]);
    unsigned(&mut out, 1);
    unsigned(&mut out, 2);
    unsigned(&mut out, 0);
    unsigned(&mut out, 2);
    unsigned(&mut out, 1);
    unsigned(&mut out, 2);
    float(&mut out, 0.0);
    float(&mut out, 0.0);
    float(&mut out, 0.0);
    float(&mut out, 0.0);
    out
}

/// A 100x100 image, dark except a bright square around (25, 25).
fn image_with_bright_corner() -> Vec<u8> {
    let mut pixels = vec![20u8; 100 * 100 * 3];
    for y in 20..30 {
        for x in 20..30 {
            let at = (y * 100 + x) * 3;
            pixels[at..at + 3].copy_from_slice(&[200, 210, 220]);
        }
    }
    pixels
}

#[test]
fn the_tiny_model_moves_every_point_by_the_leaf_its_pixels_choose() {
    let predictor = ShapePredictor::from_bytes(&tiny_model(1)).unwrap();
    assert_eq!((predictor.part_count(), predictor.cascade_count()), (5, 1));
    let pixels = image_with_bright_corner();
    let image = BgrImage::packed(100, 100, &pixels).unwrap();
    // The box maps the unit square onto 0..=100, so the first landmark reads pixel (25, 25).
    let rect = FaceBox::new(0, 0, 100, 100);
    let bright = predictor.predict_unrounded(&image, &rect);
    let expected_x = 100.0 * (MEAN[0] + LEFT_UPDATE);
    assert!(
        (bright.points()[0].x - expected_x).abs() < 1e-4,
        "{bright:?}"
    );
    // Shifted up-left by 50 px the first landmark falls outside the image and reads 0, darker
    // than the centre landmark's pixel (0, 0): the right leaf.
    let shifted = FaceBox::new(-50, -50, 50, 50);
    let dark = predictor.predict_unrounded(&image, &shifted);
    let expected = -50.0 + 100.0 * (MEAN[0] + RIGHT_UPDATE);
    assert!((dark.points()[0].x - expected).abs() < 1e-4, "{dark:?}");
    // Rounded as dlib rounds, floor(v + 0.5): -31.25 -> -31.
    assert_eq!(predictor.predict(&image, &shifted).points()[0].x, -31.0);
}

#[test]
fn a_box_wholly_outside_the_image_reads_zeros_and_does_not_panic() {
    let predictor = ShapePredictor::from_bytes(&tiny_model(1)).unwrap();
    let pixels = image_with_bright_corner();
    let image = BgrImage::packed(100, 100, &pixels).unwrap();
    for rect in [
        FaceBox::new(-500, -500, -400, -400),
        FaceBox::new(i32::MIN, i32::MIN, i32::MAX, i32::MAX),
        FaceBox::new(10, 10, 5, 5),
    ] {
        let landmarks = predictor.predict(&image, &rect);
        assert!(landmarks.is_finite(), "{rect:?}: {landmarks:?}");
    }
}

#[test]
fn every_truncation_of_the_file_is_refused_with_an_offset() {
    let bytes = tiny_model(1);
    for end in 0..bytes.len() {
        let error = ShapePredictor::from_bytes(&bytes[..end]).unwrap_err();
        assert!(error.offset <= end, "cut at {end}: {error}");
    }
    let mut longer = bytes.clone();
    longer.push(0);
    let error = ShapePredictor::from_bytes(&longer).unwrap_err();
    assert!(error.what.contains("follow the end"), "{error}");
}

#[test]
fn a_wrong_version_is_refused() {
    let error = ShapePredictor::from_bytes(&tiny_model(2)).unwrap_err();
    assert_eq!(error.to_string(), "version 2, expected 1 at byte 0");
}

#[test]
fn inconsistent_sizes_are_refused_naming_them() {
    let good = tiny_model(1);
    // The split's second pixel index (1, after the split count at the cascade's start) set to 7.
    let mut model = good.clone();
    let mut prefix = Vec::new();
    signed(&mut prefix, 1);
    column(&mut prefix, &MEAN);
    let split_second = prefix.len() + 3 * 2 + 2 + 1;
    assert_eq!(model[split_second], 1);
    model[split_second] = 7;
    let error = ShapePredictor::from_bytes(&model).unwrap_err();
    assert!(error.what.contains("uses pixel 7 of 2"), "{error}");

    // A tree count of 2^40 in a small file.
    let mut model = prefix.clone();
    unsigned(&mut model, 1);
    unsigned(&mut model, 1 << 40);
    let error = ShapePredictor::from_bytes(&model).unwrap_err();
    assert!(error.what.contains("cannot fit"), "{error}");

    // The 68-point model's mean shape is refused, not misread.
    let mut model = Vec::new();
    signed(&mut model, 1);
    column(&mut model, &[0.5; 136]);
    let error = ShapePredictor::from_bytes(&model).unwrap_err();
    assert!(error.what.contains("136 values"), "{error}");
}

#[test]
fn load_names_the_file_and_the_problem() {
    let dir = std::env::temp_dir().join(format!("align-sp-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("truncated.dat");
    std::fs::write(&path, &tiny_model(1)[..20]).unwrap();
    let error = ShapePredictor::load(&path).unwrap_err();
    let message = error.to_string();
    assert!(matches!(error, AlignError::ModelFormat { .. }), "{message}");
    assert!(
        message.contains("truncated.dat") && message.contains("truncated"),
        "{message}"
    );
    let missing = ShapePredictor::load(&dir.join("absent.dat")).unwrap_err();
    assert!(
        matches!(missing, AlignError::ModelMissing { .. }),
        "{missing}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
