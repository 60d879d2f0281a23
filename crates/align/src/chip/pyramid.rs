//! dlib's `pyramid_down<2>`: the 2:1 downsampling that `extract_image_chips` applies before
//! bilinear sampling when a chip is much smaller than the rectangle it covers.

use face::BGR_CHANNELS;

use super::details::ChipRect;
use super::raster::{OwnedRaster, Raster};

/// dlib's pyramid_down_2_1 turns images of at most this many rows or columns into empty ones.
const MIN_SIDE_EXCLUSIVE: usize = 8;

/// The offset dlib's `pyramid_down_2_1::point_down` subtracts after halving (x, y).
const POINT_DOWN_OFFSET: [f64; 2] = [1.25, 0.75];

/// dlib's 5-tap binomial filter [1 4 6 4 1]: `v0 + 4 v1 + 6 v2 + 4 v3 + v4`; applied across
/// rows and columns it sums to 256.
fn tap_sum(value: impl Fn(usize) -> u16) -> u16 {
    value(0) + 4 * value(1) + 6 * value(2) + 4 * value(3) + value(4)
}

/// dlib's `pyramid_down_2_1::point_down`: where a point lands one level down.
pub fn point_down(p: [f64; 2]) -> [f64; 2] {
    [
        p[0] / 2.0 - POINT_DOWN_OFFSET[0],
        p[1] / 2.0 - POINT_DOWN_OFFSET[1],
    ]
}

/// dlib's `pyramid_down_2_1::rect_down`: both corners moved one level down.
pub fn rect_down(rect: &ChipRect) -> ChipRect {
    let [left, top] = point_down([rect.left, rect.top]);
    let [right, bottom] = point_down([rect.right, rect.bottom]);
    ChipRect {
        left,
        top,
        right,
        bottom,
    }
}

/// One level of dlib's `pyramid_down<2>` on a BGR u8 image: a separable [1 4 6 4 1] filter on
/// every other row and column, summed in integers and divided by 256 with truncation, giving a
/// `(width - 3) / 2` x `(height - 3) / 2` image (empty for images of 8 pixels or fewer in
/// either direction), exactly as dlib's RGB overload (16-bit sums, no overflow: 16 * 16 * 255 < 65536).
pub fn pyramid_down(image: &Raster<'_>) -> OwnedRaster {
    if image.width <= MIN_SIDE_EXCLUSIVE || image.height <= MIN_SIDE_EXCLUSIVE {
        return OwnedRaster::default();
    }
    let out_w = (image.width - 3) / 2;
    let out_h = (image.height - 3) / 2;
    // Horizontal pass on every row: output column c filters input columns 2c .. 2c + 4. The
    // sums stay below 16 * 255, so 16 bits hold them as in dlib.
    let line = out_w * BGR_CHANNELS;
    let mut horizontal = vec![0u16; image.height * line];
    for (y, out_line) in horizontal.chunks_exact_mut(line).enumerate() {
        let row = image.row(y);
        // `(width - 3) / 2` outputs read up to column width - 1: every row is long enough.
        if row.len() < (2 * out_w + 3) * BGR_CHANNELS {
            continue;
        }
        for (c, out) in out_line.chunks_exact_mut(BGR_CHANNELS).enumerate() {
            let taps = &row[2 * c * BGR_CHANNELS..(2 * c + 5) * BGR_CHANNELS];
            for (ch, value) in out.iter_mut().enumerate() {
                *value = tap_sum(|k| u16::from(taps[k * BGR_CHANNELS + ch]));
            }
        }
    }
    // Vertical pass: output row d filters filtered rows 2d .. 2d + 4 (dlib's r - 2 .. r + 2
    // for r = 2, 4, ...); the sums stay below 256 * 255.
    let mut data = vec![0u8; out_h * line];
    for (d, out_row) in data.chunks_exact_mut(line).enumerate() {
        let rows = &horizontal[2 * d * line..(2 * d + 5) * line];
        for (i, out) in out_row.iter_mut().enumerate() {
            let sum = tap_sum(|k| rows[k * line + i]);
            // At most 255 after dividing the 256-weight sum.
            *out = (sum / 256) as u8;
        }
    }
    OwnedRaster {
        width: out_w,
        height: out_h,
        data,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flat_image_stays_flat_and_shrinks_as_dlib() {
        let data = vec![200u8; 13 * 10 * 3];
        let image = Raster {
            width: 13,
            height: 10,
            stride: 39,
            data: &data,
        };
        let down = pyramid_down(&image);
        assert_eq!((down.width, down.height), (5, 3));
        assert!(down.data.iter().all(|&v| v == 200));
        let small = Raster {
            width: 8,
            height: 10,
            stride: 24,
            data: &data,
        };
        assert_eq!(pyramid_down(&small).data.len(), 0);
    }

    #[test]
    fn the_filter_weights_and_truncation_are_dlibs() {
        // One bright pixel at (4, 4) of a 9x9 image: output (1, 1) filters rows and columns
        // 2..6, where (4, 4) is the centre tap: 6 * 6 * 255 / 256 = 35.86 -> 35. Output (0, 0)
        // filters 0..4, where (4, 4) is the last tap: 255 / 256 -> 0.
        let mut data = vec![0u8; 9 * 9 * 3];
        let at = (4 * 9 + 4) * 3;
        data[at..at + 3].copy_from_slice(&[255, 255, 255]);
        let image = Raster {
            width: 9,
            height: 9,
            stride: 27,
            data: &data,
        };
        let down = pyramid_down(&image);
        assert_eq!((down.width, down.height), (3, 3));
        assert_eq!(&down.data[(3 + 1) * 3..(3 + 1) * 3 + 3], &[35, 35, 35]);
        assert_eq!(down.data[0], 0);
        // (1, 0): columns 2..6 (centre tap 6), rows 0..4 (last tap 1): 6 * 255 / 256 -> 5.
        assert_eq!(down.data[3], 5);
    }

    #[test]
    fn rectangles_go_down_by_dlibs_offsets() {
        let rect = ChipRect {
            left: 10.0,
            top: 20.0,
            right: 109.0,
            bottom: 119.0,
        };
        let down = rect_down(&rect);
        assert_eq!(
            (down.left, down.top, down.right, down.bottom),
            (3.75, 9.25, 53.25, 58.75)
        );
    }
}
