//! Parity of the Caffe backend with OpenCV's own Caffe importer (`dnn::readNetFromCaffe` on the
//! original prototxt + caffemodel), the oracle for our converter and preprocessing.
//!
//! On the five face crops of `../shared/parity` and the astronaut crop, OpenCV gets the blob of
//! `cv::dnn::blobFromImages` (as the original program) and tract the blob of our own
//! preprocessing; the blobs must be identical and the softmax outputs agree within 1e-4 with the
//! same argmax.

use std::path::PathBuf;

use estimate::caffe::{CAFFE_INPUT_SIZE, CAFFE_MEAN_BGR, GENDER_CLASS_COUNT, caffe_blob};
use estimate::{
    AGE_GROUP_COUNT, AGE_GROUPS, BgrImage, CaffeNets, Estimator, EstimatorConfig, EstimatorKind,
};
use opencv::core::{CV_32F, Mat, Scalar, Size, Vector};
use opencv::dnn;
use opencv::imgcodecs;
use opencv::prelude::*;

/// Largest accepted difference between tract's and OpenCV's softmax outputs.
const PROBABILITY_TOLERANCE: f32 = 1e-4;

/// The crops: the five from the original pipeline on input1/input2 and the astronaut's face.
const CROPS: [&str; 6] = [
    "crop_0.png",
    "crop_1.png",
    "crop_2.png",
    "crop_3.png",
    "crop_4.png",
    "extra_astronaut_face_crop.png",
];

fn shared_dir() -> PathBuf {
    test_data::shared_dir()
}

/// A converted model in the models folder; a missing one fails the test with the fix.
fn converted_model(file: &str) -> PathBuf {
    test_data::model(file)
}

fn read_crops() -> Vec<Mat> {
    let parity = shared_dir().join("parity");
    CROPS
        .iter()
        .map(|name| {
            let path = parity.join(name);
            let mat =
                imgcodecs::imread(path.to_str().expect("UTF-8 path"), imgcodecs::IMREAD_COLOR)
                    .expect("imread");
            assert!(!mat.empty(), "cannot read {}", path.display());
            mat
        })
        .collect()
}

fn bgr_view(mat: &Mat) -> BgrImage<'_> {
    let size = mat.size().expect("size");
    let step = mat.step1(0).expect("step");
    BgrImage::new(
        size.width as usize,
        size.height as usize,
        step,
        mat.data_bytes().expect("continuous Mat"),
    )
    .expect("valid BGR view")
}

fn opencv_blob(crops: &[Mat]) -> Mat {
    let images: Vector<Mat> = crops.iter().cloned().collect();
    let side = CAFFE_INPUT_SIZE as i32;
    let [b, g, r] = CAFFE_MEAN_BGR;
    dnn::blob_from_images(
        &images,
        1.0,
        Size::new(side, side),
        Scalar::new(b, g, r, 0.0),
        false,
        false,
        CV_32F,
    )
    .expect("blobFromImages")
}

/// OpenCV's forward pass of the original Caffe files on `blob`, one row per face.
fn opencv_forward(prototxt: &str, caffemodel: &str, blob: &Mat, classes: usize) -> Vec<Vec<f32>> {
    let mirror = shared_dir().join("mirror");
    let mut net = dnn::read_net_from_caffe(
        mirror.join(prototxt).to_str().expect("UTF-8 path"),
        mirror.join(caffemodel).to_str().expect("UTF-8 path"),
    )
    .expect("readNetFromCaffe");
    net.set_input(blob, "", 1.0, Scalar::default())
        .expect("setInput");
    let output = net.forward_single("").expect("forward");
    let values = output.data_typed::<f32>().expect("f32 output");
    assert_eq!(values.len(), CROPS.len() * classes);
    values.chunks(classes).map(<[f32]>::to_vec).collect()
}

fn argmax(values: &[f32]) -> usize {
    (0..values.len()).fold(0, |best, i| if values[i] > values[best] { i } else { best })
}

fn assert_rows_match(what: &str, ours: &[&[f32]], oracle: &[Vec<f32>]) -> f32 {
    let mut worst = 0f32;
    for (face, (ours, oracle)) in ours.iter().zip(oracle).enumerate() {
        for (a, b) in ours.iter().zip(oracle) {
            worst = worst.max((a - b).abs());
        }
        assert_eq!(
            argmax(ours),
            argmax(oracle),
            "{what}, {}: argmax differs: {ours:?} vs {oracle:?}",
            CROPS[face]
        );
    }
    assert!(
        worst <= PROBABILITY_TOLERANCE,
        "{what}: max |tract - OpenCV| = {worst}"
    );
    worst
}

#[test]
fn preprocessing_matches_blob_from_images_exactly() {
    let crops = read_crops();
    let faces: Vec<BgrImage<'_>> = crops.iter().map(bgr_view).collect();
    let ours = caffe_blob(&faces).expect("our blob");
    let blob = opencv_blob(&crops);
    let theirs = blob.data_typed::<f32>().expect("f32 blob");
    assert_eq!(ours.len(), theirs.len());
    let mismatches = ours
        .iter()
        .zip(theirs)
        .filter(|(a, b)| a.to_bits() != b.to_bits())
        .count();
    assert_eq!(
        mismatches, 0,
        "our blob differs from blobFromImages in {mismatches} values"
    );
}

#[test]
fn tract_matches_opencv_caffe_on_the_parity_crops() {
    let crops = read_crops();
    let faces: Vec<BgrImage<'_>> = crops.iter().map(bgr_view).collect();
    let nets = CaffeNets::load(
        &converted_model(estimate::CAFFE_AGE_MODEL),
        &converted_model(estimate::CAFFE_GENDER_MODEL),
    )
    .expect("load converted nets");
    let raw = nets
        .run_blob(&caffe_blob(&faces).expect("blob"), faces.len())
        .expect("tract");
    let blob = opencv_blob(&crops);
    let age_oracle = opencv_forward(
        "deploy_age.prototxt",
        "age_net.caffemodel",
        &blob,
        AGE_GROUP_COUNT,
    );
    let gender_oracle = opencv_forward(
        "deploy_gender.prototxt",
        "gender_net.caffemodel",
        &blob,
        GENDER_CLASS_COUNT,
    );
    let ages: Vec<&[f32]> = raw.ages.iter().map(|r| r.as_slice()).collect();
    let genders: Vec<&[f32]> = raw.genders.iter().map(|r| r.as_slice()).collect();
    let age_worst = assert_rows_match("age", &ages, &age_oracle);
    let gender_worst = assert_rows_match("gender", &genders, &gender_oracle);
    for (i, name) in CROPS.iter().enumerate() {
        eprintln!(
            "{name}: age {} p={:.4} (OpenCV {:.4}), P(Male)={:.4} (OpenCV {:.4})",
            AGE_GROUPS[argmax(ages[i])],
            ages[i][argmax(ages[i])],
            age_oracle[i][argmax(ages[i])],
            genders[i][0],
            gender_oracle[i][0]
        );
    }
    eprintln!("max |tract - OpenCV|: age {age_worst:e}, gender {gender_worst:e}");
}

#[test]
fn a_face_alone_gets_the_same_outputs_as_in_a_batch() {
    let crops = read_crops();
    let faces: Vec<BgrImage<'_>> = crops.iter().map(bgr_view).collect();
    let nets = CaffeNets::load(
        &converted_model(estimate::CAFFE_AGE_MODEL),
        &converted_model(estimate::CAFFE_GENDER_MODEL),
    )
    .expect("load converted nets");
    let batch = nets
        .run_blob(&caffe_blob(&faces).expect("blob"), faces.len())
        .expect("batch");
    let last = faces.len() - 1;
    let alone = nets
        .run_blob(&caffe_blob(&faces[last..]).expect("blob"), 1)
        .expect("single");
    for (a, b) in alone.ages[0]
        .iter()
        .zip(&batch.ages[last])
        .chain(alone.genders[0].iter().zip(&batch.genders[last]))
    {
        assert!((a - b).abs() <= 1e-5, "{a} vs {b}");
    }
}

#[test]
fn caffe_estimator_labels_the_crops_as_the_oracle_does() {
    let crops = read_crops();
    let faces: Vec<BgrImage<'_>> = crops.iter().map(bgr_view).collect();
    let models = converted_model(estimate::CAFFE_AGE_MODEL)
        .parent()
        .expect("models dir")
        .to_path_buf();
    converted_model(estimate::CAFFE_GENDER_MODEL);
    let estimator =
        Estimator::from_config(&EstimatorConfig::for_kind(EstimatorKind::Caffe), &models)
            .expect("estimator");
    assert_eq!(estimator.padding_ratio(), 0.0);
    let estimates = estimator.estimate(&faces).expect("estimates");
    assert_eq!(estimates.len(), faces.len());
    let blob = opencv_blob(&crops);
    let age_oracle = opencv_forward(
        "deploy_age.prototxt",
        "age_net.caffemodel",
        &blob,
        AGE_GROUP_COUNT,
    );
    let gender_oracle = opencv_forward(
        "deploy_gender.prototxt",
        "gender_net.caffemodel",
        &blob,
        GENDER_CLASS_COUNT,
    );
    for (i, estimate) in estimates.iter().enumerate() {
        let expected_gender = ["Male", "Female"][argmax(&gender_oracle[i])];
        let expected = format!("{expected_gender},{}", AGE_GROUPS[argmax(&age_oracle[i])]);
        assert_eq!(estimate.label(), expected, "{}", CROPS[i]);
        let probabilities = estimate
            .gender_probabilities
            .expect("Caffe estimates carry gender probabilities");
        assert!((probabilities[0] + probabilities[1] - 1.0).abs() < 1e-5);
        assert_eq!(estimate.gender_score, probabilities[0]);
    }
    // The five crops from the sample clips show the same adult man.
    assert!(
        estimates[..5]
            .iter()
            .all(|e| e.label().starts_with("Male,")),
        "{:?}",
        estimates.iter().map(|e| e.label()).collect::<Vec<_>>()
    );
}
