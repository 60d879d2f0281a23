//! YuNet as a program without OpenCV uses it: a photo decoded by the `image` crate and viewed as
//! a `face::BgrImage`. Runs with and without the `opencv` feature
//! (`cargo test -p detect --no-default-features` builds the crate with YuNet alone).

use detect::{DetectorConfig, DetectorKind, build_detector};
use face::{BgrImage, LandmarkScheme};

/// A UTKFace photo (200x200, one face) of the shared test data.
const PHOTO: &str = "faces/utkface/26_0_0_20170113210127348.jpg.chip.jpg";

fn config(kind: DetectorKind) -> DetectorConfig {
    DetectorConfig {
        kind,
        ..DetectorConfig::default()
    }
}

#[test]
fn yunet_finds_the_one_face_of_a_photo_given_as_bgr_bytes() {
    let photo = image::open(test_data::testdata(PHOTO))
        .expect("decode the photo")
        .to_rgb8();
    let bgr: Vec<u8> = photo.pixels().flat_map(|p| [p[2], p[1], p[0]]).collect();
    let (width, height) = (photo.width() as usize, photo.height() as usize);
    let frame = BgrImage::packed(width, height, &bgr).expect("a BGR image");
    let mut detector =
        build_detector(&config(DetectorKind::Yunet), &test_data::models_dir()).expect("YuNet");
    let detections = detector.detect(&frame).expect("detect");
    assert_eq!(detections.len(), 1, "{detections:?}");
    let face = &detections[0];
    let score = face.confidence.expect("YuNet reports a score");
    assert!((0.7..=1.0).contains(&score), "{score}");
    // A chip of a face that fills most of the photo: a square box of 100 to 200 pixels.
    let side = face.face.corner_width();
    assert!((100..=200).contains(&side), "{face:?}");
    assert_eq!(face.face.corner_height(), side, "{face:?}");
    let landmarks = face.landmarks.as_ref().expect("YuNet reports landmarks");
    assert_eq!(landmarks.scheme(), LandmarkScheme::Yunet5);
    let points = landmarks.points();
    // Eyes above the nose above the mouth; the right eye on the image's left.
    assert!(
        points[0].y < points[2].y && points[2].y < points[3].y,
        "{points:?}"
    );
    assert!(points[0].x < points[1].x, "{points:?}");
}

#[cfg(not(feature = "opencv"))]
#[test]
fn the_detectors_opencv_runs_are_refused_naming_the_feature() {
    for kind in [DetectorKind::Haar, DetectorKind::Dnn] {
        let err = build_detector(&config(kind), &test_data::models_dir())
            .err()
            .expect("no OpenCV in this build");
        assert!(
            matches!(err, detect::DetectError::Unavailable { kind: refused } if refused == kind),
            "{err}"
        );
        assert!(err.to_string().contains("`opencv` feature"), "{err}");
    }
}
