//! face-api's AgeGenderNet input, as `TinyXception.forwardInput` prepares it (face-api.js at the
//! weights' commit): `NetInput.toBatchTensor(112, true)` (pad to square with zeros, centred, then
//! `resizeBilinear` to 112x112: both the identity for a 112x112 image), then
//! `normalize(x, meanRgb).div(256)`, i.e. `(x - mean) / 256` per RGB channel in float32, NHWC.

use crate::error::EstimateError;
use face::{BGR_CHANNELS, BgrImage};

/// Side of the square AgeGenderNet input (`input.toBatchTensor(112, true)` in `forwardInput`).
pub const FACEAPI_INPUT_SIZE: usize = 112;

/// Mean R, G, B subtracted from every pixel (`meanRgb` in `TinyXception.forwardInput`).
pub const FACEAPI_MEAN_RGB: [f32; 3] = [122.782, 117.001, 104.298];

/// Divisor applied after the mean (`.div(tf.scalar(256))` in face-api.js 0.22.2, the weights'
/// project; the `@vladmandic/face-api` fork divides by 255 instead).
pub const FACEAPI_INPUT_DIVISOR: f32 = 256.0;

/// Number of `f32` values one face occupies in the blob (112 * 112 * 3).
pub const FACEAPI_FACE_LEN: usize = FACEAPI_INPUT_SIZE * FACEAPI_INPUT_SIZE * BGR_CHANNELS;

/// Builds the `[N, 112, 112, 3]` AgeGenderNet input (row-major, HWC, RGB, `(x - mean) / 256`)
/// from 112x112 BGR chips. Refuses a chip of any other size with
/// [`EstimateError::FaceApiChipSize`]: resizing is the aligner's job, not hidden here.
pub fn faceapi_blob(chips: &[BgrImage<'_>]) -> Result<Vec<f32>, EstimateError> {
    let mut blob = Vec::with_capacity(chips.len() * FACEAPI_FACE_LEN);
    for chip in chips {
        if chip.width() != FACEAPI_INPUT_SIZE || chip.height() != FACEAPI_INPUT_SIZE {
            return Err(EstimateError::FaceApiChipSize {
                width: chip.width(),
                height: chip.height(),
                expected: FACEAPI_INPUT_SIZE,
            });
        }
        for y in 0..FACEAPI_INPUT_SIZE {
            let row = chip.row(y).ok_or(EstimateError::FaceApiChipSize {
                width: chip.width(),
                height: chip.height(),
                expected: FACEAPI_INPUT_SIZE,
            })?;
            for bgr in row.chunks_exact(BGR_CHANNELS).take(FACEAPI_INPUT_SIZE) {
                // BGR in, RGB out; the subtraction and the division are float32, as in TF.js.
                for (channel, mean) in FACEAPI_MEAN_RGB.iter().enumerate() {
                    let value = f32::from(bgr[BGR_CHANNELS - 1 - channel]);
                    blob.push((value - mean) / FACEAPI_INPUT_DIVISOR);
                }
            }
        }
    }
    Ok(blob)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chips_become_normalised_rgb_in_row_order() {
        let mut pixels = vec![0u8; FACEAPI_FACE_LEN];
        // Pixel (x 1, y 0) is B 10, G 20, R 30.
        pixels[3..6].copy_from_slice(&[10, 20, 30]);
        let chip = BgrImage::packed(FACEAPI_INPUT_SIZE, FACEAPI_INPUT_SIZE, &pixels).expect("chip");
        let blob = faceapi_blob(&[chip, chip]).expect("blob");
        assert_eq!(blob.len(), 2 * FACEAPI_FACE_LEN);
        assert_eq!(blob[0], -122.782f32 / 256.0);
        assert_eq!(blob[3], (30.0 - 122.782f32) / 256.0);
        assert_eq!(blob[4], (20.0 - 117.001f32) / 256.0);
        assert_eq!(blob[5], (10.0 - 104.298f32) / 256.0);
        assert_eq!(blob[FACEAPI_FACE_LEN + 3], blob[3]);
    }

    #[test]
    fn a_chip_of_another_size_is_refused_with_its_size() {
        let pixels = vec![0u8; 111 * 112 * 3];
        let chip = BgrImage::packed(111, 112, &pixels).expect("chip");
        let error = faceapi_blob(&[chip]).expect_err("wrong size").to_string();
        assert!(
            error.contains("111x112") && error.contains("112x112"),
            "{error}"
        );
    }
}
