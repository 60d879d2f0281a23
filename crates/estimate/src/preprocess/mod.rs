//! Turning face crops into the exact input tensors the original program fed its nets.
//!
//! SSR-Net: each face is resized to 64x64 with OpenCV's bilinear interpolation
//! ([`resize_bilinear`], bit-exact), min-max normalised to 0..255 over all three channels
//! ([`minmax_normalize`]), and stacked into an NHWC BGR `f32` blob ([`ssrnet_blob`]).

mod normalize;
mod resize;

pub use normalize::minmax_normalize;
pub use resize::resize_bilinear;

use crate::error::EstimateError;
use face::{BGR_CHANNELS, BgrImage};

/// Side of the square SSR-Net input in pixels (`face_size = 64` in the original).
pub const SSRNET_INPUT_SIZE: usize = 64;

/// Number of `f32` values one face occupies in an SSR-Net blob (64 * 64 * 3).
pub const SSRNET_FACE_LEN: usize = SSRNET_INPUT_SIZE * SSRNET_INPUT_SIZE * BGR_CHANNELS;

/// Preprocesses one face into `out` (`SSRNET_FACE_LEN` values, HWC BGR): bilinear resize to
/// 64x64, then min-max normalisation to 0..255.
pub fn ssrnet_face_into(face: &BgrImage<'_>, out: &mut [f32]) -> Result<(), EstimateError> {
    let resized = resize_bilinear(face, SSRNET_INPUT_SIZE, SSRNET_INPUT_SIZE)?;
    minmax_normalize(&resized, out);
    Ok(())
}

/// Builds the `[N, 64, 64, 3]` SSR-Net input blob (row-major, HWC, BGR, 0..255) for `faces`,
/// exactly as the original program's `predictAgeGender` did.
pub fn ssrnet_blob(faces: &[BgrImage<'_>]) -> Result<Vec<f32>, EstimateError> {
    let mut blob = vec![0f32; faces.len() * SSRNET_FACE_LEN];
    for (face, out) in faces.iter().zip(blob.chunks_exact_mut(SSRNET_FACE_LEN)) {
        ssrnet_face_into(face, out)?;
    }
    Ok(blob)
}
