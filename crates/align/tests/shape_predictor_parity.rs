//! Our shape predictor against dlib's own (`scripts/dlib_reference/landmarks.py`, PyPI
//! `dlib-bin`): on 46 photos of `../shared/testdata` (All-Age-Faces and UTKFace), for dlib's
//! detector box, a shifted and enlarged box and a box partly outside the image, every landmark
//! must be where dlib put it. The photos are decoded by OpenCV here and by Pillow there; their
//! checksums prove both saw the same pixels.

use std::path::Path;

use align::{AlignError, ShapePredictor};
use face::{BgrImage, FaceBox};
use opencv::core::Mat;
use opencv::imgcodecs;
use opencv::prelude::*;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use test_data::shared_dir;

/// The acceptance: every point within 0.1 px of dlib's.
const MAX_POINT_ERROR_PX: f64 = 0.1;
/// File name of dlib's 5-point model.
const MODEL_FILE: &str = "shape_predictor_5_face_landmarks.dat";

#[derive(Deserialize)]
struct Reference {
    photos: Vec<Photo>,
}

#[derive(Deserialize)]
struct Photo {
    path: String,
    rgb_sha256: String,
    cases: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    name: String,
    #[serde(rename = "box")]
    rect: [i32; 4],
    points: Vec<[f64; 2]>,
}

fn reference() -> Reference {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/shape_predictor_dlib.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Decodes a photo with OpenCV, as the pipeline does, into packed BGR bytes.
fn decode(path: &Path) -> (usize, usize, Vec<u8>) {
    let mat: Mat = imgcodecs::imread(path, imgcodecs::IMREAD_COLOR).unwrap();
    assert!(!mat.empty(), "{} could not be decoded", path.display());
    let (width, height) = (mat.cols() as usize, mat.rows() as usize);
    let mut bgr = Vec::with_capacity(width * height * 3);
    for y in 0..height as i32 {
        for pixel in mat.at_row::<opencv::core::Vec3b>(y).unwrap() {
            bgr.extend_from_slice(&pixel.0);
        }
    }
    (width, height, bgr)
}

/// sha256 of the pixels in RGB order, as the reference script hashes them.
fn rgb_sha256(bgr: &[u8]) -> String {
    let mut hasher = Sha256::new();
    for pixel in bgr.chunks_exact(3) {
        hasher.update([pixel[2], pixel[1], pixel[0]]);
    }
    hex::encode(hasher.finalize())
}

#[test]
fn landmarks_equal_dlibs_on_every_photo_and_box() {
    let predictor = ShapePredictor::load(&test_data::model_or_mirror(MODEL_FILE)).unwrap();
    let reference = reference();
    assert!(reference.photos.len() >= 40, "too few reference photos");
    let (mut worst, mut sum, mut count, mut unrounded_sum) = (0.0f64, 0.0f64, 0usize, 0.0f64);
    let mut failures = Vec::new();
    for photo in &reference.photos {
        let path = shared_dir().join(&photo.path);
        let (width, height, bgr) = decode(&path);
        assert_eq!(
            rgb_sha256(&bgr),
            photo.rgb_sha256,
            "{}: OpenCV decoded other pixels than the reference script's decoder; the comparison \
             would be meaningless (different libjpeg?)",
            photo.path
        );
        let image = BgrImage::packed(width, height, &bgr).unwrap();
        for case in &photo.cases {
            let [left, top, right, bottom] = case.rect;
            let rect = FaceBox::new(left, top, right, bottom);
            let ours = predictor.predict(&image, &rect);
            let unrounded = predictor.predict_unrounded(&image, &rect);
            assert_eq!(case.points.len(), ours.points().len());
            for ((point, raw), dlib) in ours
                .points()
                .iter()
                .zip(unrounded.points())
                .zip(&case.points)
            {
                let error = (f64::from(point.x) - dlib[0])
                    .abs()
                    .max((f64::from(point.y) - dlib[1]).abs());
                unrounded_sum += (f64::from(raw.x) - dlib[0]).hypot(f64::from(raw.y) - dlib[1]);
                worst = worst.max(error);
                sum += error;
                count += 1;
                if error > MAX_POINT_ERROR_PX {
                    failures.push(format!(
                        "{} {}: ours {point:?}, dlib {dlib:?}",
                        photo.path, case.name
                    ));
                }
            }
        }
    }
    eprintln!(
        "{count} points: max deviation {worst} px, mean {} px; unrounded points {} px from dlib's \
         on average",
        sum / count as f64,
        unrounded_sum / count as f64
    );
    assert!(
        failures.is_empty(),
        "{} points off:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn a_truncated_or_corrupted_model_file_is_refused_with_a_message() {
    let bytes = std::fs::read(test_data::model_or_mirror(MODEL_FILE)).unwrap();
    let dir = std::env::temp_dir().join(format!("align-sp-parity-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("broken.dat");
    let mut corrupted = bytes.clone();
    // The version (control byte 0x01, value byte 0x01) turned into 9.
    corrupted[1] = 0x09;
    for (name, content) in [
        ("truncated", &bytes[..bytes.len() / 2]),
        ("one byte short", &bytes[..bytes.len() - 1]),
        ("corrupted", &corrupted[..]),
    ] {
        std::fs::write(&path, content).unwrap();
        match ShapePredictor::load(&path) {
            Err(error @ AlignError::ModelFormat { .. }) => {
                let message = error.to_string();
                assert!(
                    message.contains("broken.dat") && message.contains("at byte"),
                    "{name}: {message}"
                );
            }
            other => panic!("{name}: expected a format error, got {other:?}"),
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
