//! Per-face min-max normalisation to 0..255, as the original's
//! `cv.normalize(face_f64, None, alpha=0, beta=255, norm_type=cv.NORM_MINMAX)`.

/// Lower end of the normalised range (`alpha` of the original call).
const RANGE_MIN: f64 = 0.0;
/// Upper end of the normalised range (`beta` of the original call).
const RANGE_MAX: f64 = 255.0;

/// Stretches `pixels` (all channels together) to 0..255 and writes them to `out` as `f32`.
///
/// The arithmetic is OpenCV's `normalize(NORM_MINMAX)` on a `float64` image, so the result is
/// bit-identical to the original's blob: `scale = 255 * (1 / (max - min))` (0 when
/// `max - min <= f64::EPSILON`, giving all zeros), `shift = 0 - min * scale`, and each value is
/// `fma(src, scale, shift)` (OpenCV's SIMD `convertTo` uses fused multiply-add), then rounded to
/// `f32`. This equals `(src - min) * 255 / (max - min)` up to the last bit of an `f64`.
///
/// Only the first `min(pixels.len(), out.len())` values are written.
pub fn minmax_normalize(pixels: &[u8], out: &mut [f32]) {
    let (low, high) = pixels.iter().fold((u8::MAX, u8::MIN), |(low, high), &v| {
        (low.min(v), high.max(v))
    });
    let (low, high) = (f64::from(low), f64::from(high));
    let inverse_range = if high - low > f64::EPSILON {
        1.0 / (high - low)
    } else {
        0.0
    };
    let scale = (RANGE_MAX - RANGE_MIN) * inverse_range;
    let shift = RANGE_MIN - low * scale;
    for (value, &pixel) in out.iter_mut().zip(pixels) {
        *value = f64::from(pixel).mul_add(scale, shift) as f32;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stretches_to_the_full_range() {
        let mut out = [0f32; 4];
        minmax_normalize(&[10, 20, 60, 110], &mut out);
        // The minimum maps to the rounding residue of `min * scale` (as in OpenCV, whose fused
        // multiply-add leaves -2.2e-16 in the original's blob_0.bin), not to an exact 0.
        assert!(out[0].abs() < 1e-12, "{}", out[0]);
        assert_eq!(out[1..], [25.5, 127.5, 255.0]);
    }

    #[test]
    fn a_flat_face_becomes_all_zeros() {
        let mut out = [1f32; 3];
        minmax_normalize(&[42, 42, 42], &mut out);
        assert_eq!(out, [0.0; 3]);
    }
}
