//! Helpers shared by the YuNet integration tests: where the shared data and models are, frame
//! decoding with the system OpenCV, and the pipeline's processing-size resize.

#![allow(dead_code, unused_imports)] // each test crate uses a different subset

use std::path::{Path, PathBuf};

use opencv::core::{Mat, Size, Vec3b};
use opencv::prelude::*;
use opencv::{imgproc, videoio};

pub use test_data::{shared_dir, test_video};

/// The models directory, failing with the fetch command when the YuNet model is not in it.
pub fn models_dir_with_yunet() -> PathBuf {
    test_data::model(detect::DEFAULT_YUNET_MODEL);
    test_data::models_dir()
}

/// The models directory, failing with the fetch command when the Haar cascade is not in it.
pub fn models_dir_with_haar() -> PathBuf {
    test_data::model(detect::DEFAULT_HAAR_CASCADE);
    test_data::models_dir()
}

/// Every frame of a video, decoded by the system OpenCV, in order.
pub fn decode_all(path: &Path) -> Vec<Mat> {
    let mut capture =
        videoio::VideoCapture::from_file(path.to_str().expect("UTF-8 test path"), videoio::CAP_ANY)
            .expect("VideoCapture::from_file");
    assert!(
        capture.is_opened().expect("is_opened"),
        "cannot open {}",
        path.display()
    );
    let mut frames = Vec::new();
    loop {
        let mut frame = Mat::default();
        if !capture.read(&mut frame).expect("VideoCapture::read") || frame.empty() {
            break;
        }
        frames.push(frame);
    }
    frames
}

/// The frame resized to `(width, height)` with INTER_LINEAR, as the pipeline does.
pub fn resize(frame: &Mat, width: i32, height: i32) -> Mat {
    let mut resized = Mat::default();
    imgproc::resize(
        frame,
        &mut resized,
        Size::new(width, height),
        0.0,
        0.0,
        imgproc::INTER_LINEAR,
    )
    .expect("imgproc::resize");
    resized
}

/// The original program's processing size of a frame (about 480x340 pixels of area).
pub fn processing_size_of(frame: &Mat) -> face::ImageSize {
    detect::processing_size(
        face::ImageSize::new(frame.cols(), frame.rows()),
        detect::ORIGINAL_PROCESSING_AREA,
    )
    .expect("processing size")
}

/// The frame resized to its processing size, as the pipeline does before detection.
pub fn to_processing_frame(frame: &Mat) -> Mat {
    let size = processing_size_of(frame);
    resize(frame, size.width, size.height)
}

/// Sum and sum of squares of every byte of a BGR frame (the oracle script's checksums).
pub fn checksums(image: &Mat) -> (u64, u64) {
    let mut sum = 0u64;
    let mut sum_sq = 0u64;
    for y in 0..image.rows() {
        for pixel in image.at_row::<Vec3b>(y).expect("BGR row") {
            for &value in pixel.iter() {
                sum += u64::from(value);
                sum_sq += u64::from(value) * u64::from(value);
            }
        }
    }
    (sum, sum_sq)
}
