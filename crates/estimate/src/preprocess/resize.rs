//! Bilinear resize of 8-bit BGR images, bit-exact with OpenCV's `cv::resize(.., INTER_LINEAR)`.
//!
//! OpenCV does not interpolate 8-bit images in floating point. It
//! 1. maps each output coordinate to the source (`(d + 0.5) * scale - 0.5`, rounded to `float`),
//!    and turns the fractional part into two 11-bit fixed-point weights that sum to 2048;
//! 2. runs a horizontal pass into `i32` rows (`s0 * w0 + s1 * w1`, exact);
//! 3. runs a vertical pass that blends two such rows, NOT with the exact
//!    `(a * w0 + b * w1 + 2^21) >> 22` but the way its SIMD kernel (`VResizeLinearVec_32s8u`)
//!    and the matching scalar tail do: shift each row value right by 4, keep the high 16 bits of
//!    its product with the weight, add both, then round off 2 more bits. The intermediate
//!    truncations make about one value in ten differ by 1 from exact rounding, so they are
//!    reproduced here.
//!
//! `cv::resize` copies same-size images, and switches an exact 2x downscale on both axes to its
//! 2x2 area average `(a + b + c + d + 2) >> 2`; with weights 1024/1024 on both axes the vertical
//! pass above computes exactly that, so no special case is needed for it.

use crate::error::EstimateError;
use face::{BGR_CHANNELS, BgrImage};

/// Fixed-point precision of the interpolation weights (OpenCV `INTER_RESIZE_COEF_BITS`).
const COEF_BITS: u32 = 11;
/// Weight of a source sample hit exactly (OpenCV `INTER_RESIZE_COEF_SCALE`, 1 << 11).
const COEF_SCALE: i32 = 1 << COEF_BITS;
/// Right shift of the horizontal sums before OpenCV's vertical pass (`v_shr<4>` / `S0[x] >> 4`).
const VERTICAL_PRE_SHIFT: u32 = 4;
/// `v_mul_hi` keeps the high 16 bits of the 32-bit product (`(b0 * s) >> 16` in the scalar tail).
const VERTICAL_MUL_HI_SHIFT: u32 = 16;
/// Final rounding shift of OpenCV's vertical pass (`v_rshr_pack_u<2>`); 4 + 16 + 2 = 2 * 11.
const VERTICAL_FINAL_SHIFT: u32 = 2;

/// Resizes `src` to `dst_width` x `dst_height` exactly as OpenCV's
/// `cv::resize(src, dst, Size(dst_width, dst_height), 0, 0, INTER_LINEAR)` does on a `CV_8UC3`
/// image, and returns the packed BGR result (`dst_width * dst_height * 3` bytes, no padding).
///
/// Fails with [`EstimateError::InvalidResizeTarget`] when the target is empty or its size
/// overflows.
pub fn resize_bilinear(
    src: &BgrImage<'_>,
    dst_width: usize,
    dst_height: usize,
) -> Result<Vec<u8>, EstimateError> {
    let invalid_target = EstimateError::InvalidResizeTarget {
        width: dst_width,
        height: dst_height,
    };
    let row_len = dst_width
        .checked_mul(BGR_CHANNELS)
        .filter(|_| dst_width > 0 && dst_height > 0)
        .ok_or(invalid_target)?;
    let total = row_len
        .checked_mul(dst_height)
        .ok_or(EstimateError::InvalidResizeTarget {
            width: dst_width,
            height: dst_height,
        })?;
    let mut dst = vec![0u8; total];
    let rows = dst.chunks_exact_mut(row_len);
    if (dst_width, dst_height) == (src.width(), src.height()) {
        copy_rows(src, rows);
    } else {
        interpolate_linear(src, dst_width, dst_height, rows);
    }
    Ok(dst)
}

/// Source rows, clamped to the image (every index used here is already in range).
fn source_row<'a>(src: &BgrImage<'a>, y: usize) -> &'a [u8] {
    src.row(y.min(src.height() - 1)).unwrap_or_default()
}

fn copy_rows<'d>(src: &BgrImage<'_>, rows: impl Iterator<Item = &'d mut [u8]>) {
    for (y, out) in rows.enumerate() {
        out.copy_from_slice(source_row(src, y));
    }
}

/// The source-to-destination scale as OpenCV computes it: `1 / (dst / src)` in `f64`.
fn axis_scale(src_len: usize, dst_len: usize) -> f64 {
    1.0 / (dst_len as f64 / src_len as f64)
}

/// The two source samples one output coordinate blends, with their fixed-point weights.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct AxisTap {
    /// Index of the first source sample.
    first: usize,
    /// Index of the second source sample (equal to `first` at the borders).
    second: usize,
    /// Weight of `first`, in 1/2048.
    first_weight: i32,
    /// Weight of `second`, in 1/2048.
    second_weight: i32,
}

/// Where output coordinate `d` falls in the source: integer part and fraction, as OpenCV
/// computes them (`float fx = (float)((d + 0.5) * scale - 0.5); sx = cvFloor(fx); fx -= sx`).
fn source_position(d: usize, scale: f64) -> (i64, f32) {
    let position = ((d as f64 + 0.5) * scale - 0.5) as f32;
    let integer = position.floor();
    (integer as i64, position - integer)
}

/// `saturate_cast<short>(w * INTER_RESIZE_COEF_SCALE)` for both weights (round half to even).
fn fixed_point_weights(fraction: f32) -> (i32, i32) {
    let scale = COEF_SCALE as f32;
    (
        ((1.0 - fraction) * scale).round_ties_even() as i32,
        (fraction * scale).round_ties_even() as i32,
    )
}

/// Horizontal taps: OpenCV clamps the position itself at both borders (weight 1 on the edge).
fn horizontal_taps(src_len: usize, dst_len: usize) -> Vec<AxisTap> {
    let scale = axis_scale(src_len, dst_len);
    let last = src_len as i64 - 1;
    (0..dst_len)
        .map(|d| {
            let (mut integer, mut fraction) = source_position(d, scale);
            if integer < 0 {
                integer = 0;
                fraction = 0.0;
            }
            if integer >= last {
                integer = last;
                fraction = 0.0;
            }
            let (first_weight, second_weight) = fixed_point_weights(fraction);
            let first = integer as usize;
            AxisTap {
                first,
                second: (first + 1).min(src_len - 1),
                first_weight,
                second_weight,
            }
        })
        .collect()
}

/// Vertical taps: OpenCV keeps the fractional weights and clamps only the row indices.
fn vertical_taps(src_len: usize, dst_len: usize) -> Vec<AxisTap> {
    let scale = axis_scale(src_len, dst_len);
    let last = src_len as i64 - 1;
    (0..dst_len)
        .map(|d| {
            let (integer, fraction) = source_position(d, scale);
            let (first_weight, second_weight) = fixed_point_weights(fraction);
            AxisTap {
                first: integer.clamp(0, last) as usize,
                second: (integer + 1).clamp(0, last) as usize,
                first_weight,
                second_weight,
            }
        })
        .collect()
}

/// OpenCV's horizontal pass (`HResizeLinear<uchar, int, short, 2048>`): exact integer sums.
fn horizontal_pass(row: &[u8], taps: &[AxisTap], out: &mut [i32]) {
    for (tap, pixel) in taps.iter().zip(out.chunks_exact_mut(BGR_CHANNELS)) {
        let first = tap.first * BGR_CHANNELS;
        let second = tap.second * BGR_CHANNELS;
        for (c, value) in pixel.iter_mut().enumerate() {
            *value = i32::from(row[first + c]) * tap.first_weight
                + i32::from(row[second + c]) * tap.second_weight;
        }
    }
}

/// One value of OpenCV's vertical pass for 8-bit images (`VResizeLinearVec_32s8u` and the
/// scalar tail of `VResizeLinear<uchar, int, short, ...>`, which computes the same).
fn vertical_blend(upper: i32, lower: i32, tap: &AxisTap) -> u8 {
    let mul_hi =
        |value: i32, weight: i32| ((value >> VERTICAL_PRE_SHIFT) * weight) >> VERTICAL_MUL_HI_SHIFT;
    let blended = mul_hi(upper, tap.first_weight) + mul_hi(lower, tap.second_weight);
    let rounded = (blended + (1 << (VERTICAL_FINAL_SHIFT - 1))) >> VERTICAL_FINAL_SHIFT;
    // Weights sum to 2048 and inputs are at most 255 * 2048, so this never exceeds 255.
    rounded.clamp(0, u8::MAX.into()) as u8
}

fn vertical_pass(upper: &[i32], lower: &[i32], tap: &AxisTap, out: &mut [u8]) {
    for ((value, &a), &b) in out.iter_mut().zip(upper).zip(lower) {
        *value = vertical_blend(a, b, tap);
    }
}

fn interpolate_linear<'d>(
    src: &BgrImage<'_>,
    dst_width: usize,
    dst_height: usize,
    rows: impl Iterator<Item = &'d mut [u8]>,
) {
    let x_taps = horizontal_taps(src.width(), dst_width);
    let y_taps = vertical_taps(src.height(), dst_height);
    let row_len = dst_width * BGR_CHANNELS;
    let mut upper = vec![0i32; row_len];
    let mut lower = vec![0i32; row_len];
    // Source rows currently held in `upper` / `lower`: consecutive output rows mostly share them.
    let mut held: Option<(usize, usize)> = None;
    for (tap, out) in y_taps.iter().zip(rows) {
        if held != Some((tap.first, tap.second)) {
            horizontal_pass(source_row(src, tap.first), &x_taps, &mut upper);
            horizontal_pass(source_row(src, tap.second), &x_taps, &mut lower);
            held = Some((tap.first, tap.second));
        }
        vertical_pass(&upper, &lower, tap, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_always_sum_to_one_in_fixed_point() {
        for taps in [
            horizontal_taps(81, 64),
            vertical_taps(7, 64),
            vertical_taps(200, 3),
        ] {
            for tap in taps {
                assert_eq!(tap.first_weight + tap.second_weight, COEF_SCALE, "{tap:?}");
            }
        }
    }

    #[test]
    fn upscaled_borders_repeat_the_edge_pixel() {
        let taps = horizontal_taps(2, 8);
        assert_eq!(
            taps[0],
            AxisTap {
                first: 0,
                second: 1,
                first_weight: 2048,
                second_weight: 0
            }
        );
        assert_eq!(
            taps[7],
            AxisTap {
                first: 1,
                second: 1,
                first_weight: 2048,
                second_weight: 0
            }
        );
        // Vertically OpenCV keeps the fraction (-0.375 -> row -1, 0.625) but reads row 0 twice.
        let taps = vertical_taps(2, 8);
        assert_eq!(
            taps[0],
            AxisTap {
                first: 0,
                second: 0,
                first_weight: 768,
                second_weight: 1280
            }
        );
    }

    #[test]
    fn vertical_blend_truncates_before_rounding_like_opencv() {
        // Exact fixed point: (22565 * 125 + 28185 * 1923 + 2^21) >> 22 = 14. OpenCV truncates
        // each product first and gets 13.
        let tap = AxisTap {
            first: 0,
            second: 1,
            first_weight: 125,
            second_weight: 1923,
        };
        assert_eq!(vertical_blend(22565, 28185, &tap), 13);
        let flat = AxisTap {
            first: 0,
            second: 1,
            first_weight: 1024,
            second_weight: 1024,
        };
        assert_eq!(vertical_blend(255 * 2048, 255 * 2048, &flat), 255);
    }

    #[test]
    fn same_size_is_a_copy_and_empty_target_is_an_error() {
        let data: Vec<u8> = (0..2 * 3 * 3).map(|v| v as u8).collect();
        let image = BgrImage::packed(3, 2, &data).unwrap();
        assert_eq!(resize_bilinear(&image, 3, 2).unwrap(), data);
        assert!(resize_bilinear(&image, 0, 2).is_err());
        assert!(resize_bilinear(&image, usize::MAX, 2).is_err());
    }

    #[test]
    fn exact_half_is_opencvs_rounded_box_average() {
        // 2x2 -> 1x1 is `(a + b + c + d + 2) >> 2`: green (0 + 1 + 1 + 0 + 2) >> 2 = 1 rounds
        // half up, where round-half-even of 0.5 would give 0.
        let data = [10, 0, 255, 11, 1, 255, 12, 1, 254, 13, 0, 255];
        let image = BgrImage::packed(2, 2, &data).unwrap();
        assert_eq!(resize_bilinear(&image, 1, 1).unwrap(), vec![12, 1, 255]);
    }
}
