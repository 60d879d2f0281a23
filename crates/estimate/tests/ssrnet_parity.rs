//! SSR-Net in tract against the ORIGINAL Keras outputs (`../shared/parity/expected.json`):
//! on the original's own input blobs (single and batched) and on the crops through our own
//! preprocessing, including the non-face extras and the astronaut (the one Female case).

mod common;

use common::{Fixture, fixtures, load_ssrnet, parity_file, read_f32_blob, read_png_as_bgr};
use estimate::preprocess::SSRNET_FACE_LEN;
use estimate::{AgeEstimate, EstimateError, Estimator, EstimatorConfig, EstimatorKind, Gender};

/// Age tolerance on the original's blobs, years.
const BLOB_AGE_TOLERANCE: f32 = 1e-3;
/// Gender score tolerance on the original's blobs.
const BLOB_GENDER_TOLERANCE: f32 = 1e-4;
/// Age tolerance from the crops through our preprocessing, years.
const CROP_AGE_TOLERANCE: f32 = 0.05;

fn assert_close(what: &str, ours: f32, original: f32, tolerance: f32) {
    assert!(
        (ours - original).abs() <= tolerance,
        "{what}: ours {ours} vs original {original} (|d| = {} > {tolerance})",
        (ours - original).abs()
    );
}

fn five_faces() -> Vec<Fixture> {
    fixtures()
        .into_iter()
        .filter(|f| f.resized_png.is_some())
        .collect()
}

#[test]
fn every_original_blob_gives_the_keras_age_and_gender() {
    let nets = load_ssrnet();
    for fixture in fixtures() {
        let blob = read_f32_blob(&parity_file(&fixture.blob_bin));
        let raw = nets.run_blob(&blob, 1).unwrap();
        assert_close(
            &format!("{} age", fixture.name),
            raw.ages[0],
            fixture.age,
            BLOB_AGE_TOLERANCE,
        );
        assert_close(
            &format!("{} gender", fixture.name),
            raw.genders[0],
            fixture.gender,
            BLOB_GENDER_TOLERANCE,
        );
    }
}

#[test]
fn the_batch_of_five_blob_gives_the_keras_batch_outputs() {
    let nets = load_ssrnet();
    let expected = common::expected();
    let crops = expected["crops"].as_array().unwrap();
    let blob = read_f32_blob(&parity_file("blob_batch5.bin"));
    assert_eq!(blob.len(), 5 * SSRNET_FACE_LEN);
    let raw = nets.run_blob(&blob, 5).unwrap();
    assert_eq!((raw.ages.len(), raw.genders.len()), (5, 5));
    for (i, crop) in crops.iter().enumerate() {
        let age = crop["age_batch5"].as_f64().unwrap() as f32;
        let gender = crop["gender_batch5"].as_f64().unwrap() as f32;
        assert_close(
            &format!("batch item {i} age"),
            raw.ages[i],
            age,
            BLOB_AGE_TOLERANCE,
        );
        assert_close(
            &format!("batch item {i} gender"),
            raw.genders[i],
            gender,
            BLOB_GENDER_TOLERANCE,
        );
    }
}

#[test]
fn crops_through_our_preprocessing_give_the_original_estimates_and_labels() {
    let estimator = Estimator::from_config(&EstimatorConfig::default(), &test_data::models_dir())
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(estimator.kind(), EstimatorKind::Ssrnet);
    assert_eq!(estimator.padding_ratio(), 0.10);
    let all = fixtures();
    let crops: Vec<_> = all
        .iter()
        .map(|f| read_png_as_bgr(&parity_file(&f.crop_png)))
        .collect();
    let views: Vec<_> = crops.iter().map(|c| c.view()).collect();
    // All nine faces as one batch, as a frame's faces go through the nets.
    let estimates = estimator.estimate(&views).unwrap();
    assert_eq!(estimates.len(), all.len());
    let mut females = Vec::new();
    for (fixture, estimate) in all.iter().zip(&estimates) {
        let AgeEstimate::Years(age) = estimate.age else {
            panic!(
                "{}: SSR-Net must estimate years, got {:?}",
                fixture.name, estimate.age
            );
        };
        assert_close(
            &format!("{} age", fixture.name),
            age,
            fixture.age,
            CROP_AGE_TOLERANCE,
        );
        assert_close(
            &format!("{} gender", fixture.name),
            estimate.gender_score,
            fixture.gender,
            BLOB_GENDER_TOLERANCE,
        );
        assert_eq!(estimate.label(), fixture.label, "{}", fixture.name);
        assert_eq!(estimate.gender_probabilities, None);
        if estimate.gender == Gender::Female {
            females.push(fixture.name.as_str());
        }
    }
    assert_eq!(females, ["astronaut_face"], "only the astronaut is Female");
}

#[test]
fn one_face_at_a_time_matches_the_same_faces_in_one_batch() {
    let nets = load_ssrnet();
    let crops: Vec<_> = five_faces()
        .iter()
        .map(|f| read_png_as_bgr(&parity_file(&f.crop_png)))
        .collect();
    let views: Vec<_> = crops.iter().map(|c| c.view()).collect();
    let batch = nets.estimate(&views).unwrap();
    for (view, batched) in views.iter().zip(&batch) {
        let single = nets.estimate(std::slice::from_ref(view)).unwrap();
        let (Some(a), Some(b)) = (single[0].age.years(), batched.age.years()) else {
            panic!("SSR-Net must estimate years");
        };
        assert_close("single vs batch age", a, b, BLOB_AGE_TOLERANCE);
        assert_close(
            "single vs batch gender",
            single[0].gender_score,
            batched.gender_score,
            BLOB_GENDER_TOLERANCE,
        );
    }
}

#[test]
fn an_empty_batch_gives_no_estimates() {
    let nets = load_ssrnet();
    assert!(nets.estimate(&[]).unwrap().is_empty());
    let raw = nets.run_blob(&[], 0).unwrap();
    assert!(raw.ages.is_empty() && raw.genders.is_empty());
}

#[test]
fn a_blob_of_the_wrong_length_is_an_error_naming_the_sizes() {
    let nets = load_ssrnet();
    let error = nets
        .run_blob(&vec![0.0; SSRNET_FACE_LEN + 1], 1)
        .unwrap_err();
    assert!(
        matches!(error, EstimateError::BlobSize { len, batch: 1, expected } if len == SSRNET_FACE_LEN + 1 && expected == SSRNET_FACE_LEN),
        "{error:?}"
    );
}
