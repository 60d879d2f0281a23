//! The Caffe nets' input blob, as the original program built it with
//! `cv.dnn.blobFromImages(faces, 1.0, (227, 227), mean=(78.43, 87.77, 114.90), swapRB=False)`:
//! each face resized to 227x227 with OpenCV's bilinear interpolation, kept in BGR order, each
//! channel minus its mean (in `f32`, as OpenCV subtracts), no scaling, laid out NCHW.

use crate::error::EstimateError;
use crate::preprocess::resize_bilinear;
use face::{BGR_CHANNELS, BgrImage};

/// Side of the square input of both Levi-Hassner nets (`input_dim: 227` in deploy_*.prototxt).
pub const CAFFE_INPUT_SIZE: usize = 227;

/// Per-channel means subtracted from the B, G, R planes (the original program's `MODEL_MEAN_VALUES`).
pub const CAFFE_MEAN_BGR: [f64; BGR_CHANNELS] =
    [78.426_337_760_3, 87.768_914_374_4, 114.895_847_746];

/// Number of pixels of one plane of a face's blob (227 * 227).
const PLANE_LEN: usize = CAFFE_INPUT_SIZE * CAFFE_INPUT_SIZE;

/// Number of `f32` values one face occupies in the blob (3 * 227 * 227).
pub const CAFFE_FACE_LEN: usize = BGR_CHANNELS * PLANE_LEN;

/// Writes one face's `[3, 227, 227]` planes into `out` (`CAFFE_FACE_LEN` values).
pub fn caffe_face_into(face: &BgrImage<'_>, out: &mut [f32]) -> Result<(), EstimateError> {
    let resized = resize_bilinear(face, CAFFE_INPUT_SIZE, CAFFE_INPUT_SIZE)?;
    // OpenCV converts the Scalar mean to the blob's depth (float) before subtracting.
    let means = CAFFE_MEAN_BGR.map(|m| m as f32);
    for (channel, plane) in out.chunks_exact_mut(PLANE_LEN).enumerate() {
        let mean = means[channel];
        for (value, pixel) in plane.iter_mut().zip(resized.chunks_exact(BGR_CHANNELS)) {
            *value = f32::from(pixel[channel]) - mean;
        }
    }
    Ok(())
}

/// Builds the `[N, 3, 227, 227]` input blob (row-major NCHW, BGR, mean-subtracted) for `faces`.
pub fn caffe_blob(faces: &[BgrImage<'_>]) -> Result<Vec<f32>, EstimateError> {
    let mut blob = vec![0f32; faces.len() * CAFFE_FACE_LEN];
    for (face, out) in faces.iter().zip(blob.chunks_exact_mut(CAFFE_FACE_LEN)) {
        caffe_face_into(face, out)?;
    }
    Ok(blob)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_227_face_is_copied_planar_minus_the_means() {
        // A 227x227 face is not resized (cv::resize copies on equal size).
        let mut pixels = vec![0u8; PLANE_LEN * BGR_CHANNELS];
        for (i, px) in pixels.chunks_exact_mut(BGR_CHANNELS).enumerate() {
            px.copy_from_slice(&[(i % 256) as u8, 100, 255]);
        }
        let face = BgrImage::packed(CAFFE_INPUT_SIZE, CAFFE_INPUT_SIZE, &pixels).unwrap();
        let blob = caffe_blob(&[face, face]).unwrap();
        assert_eq!(blob.len(), 2 * CAFFE_FACE_LEN);
        let mean = CAFFE_MEAN_BGR.map(|m| m as f32);
        assert_eq!(blob[300], (300 % 256) as f32 - mean[0]);
        assert!((mean[0] - 78.426_34).abs() < 1e-5);
        assert_eq!(blob[PLANE_LEN + 5], 100.0 - mean[1]);
        assert_eq!(blob[2 * PLANE_LEN + 7], 255.0 - mean[2]);
        assert_eq!(blob[CAFFE_FACE_LEN..], blob[..CAFFE_FACE_LEN]);
    }
}
