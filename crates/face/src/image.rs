//! [`BgrImage`]: a borrowed, validated view of an 8-bit BGR image (for example a face crop).

use crate::error::FaceError;

/// Bytes per pixel of a BGR u8 image.
pub const BGR_CHANNELS: usize = 3;

/// A borrowed 8-bit, 3-channel, BGR image with an arbitrary row stride.
///
/// It maps zero-copy onto an OpenCV `Mat` region of interest of type `CV_8UC3`: pass the ROI's
/// width, height, `step` (bytes per row) and the bytes from its first pixel to the end of its last
/// row. Rows may be padded (`stride_bytes > width * 3`); the last row may end right after its last
/// pixel.
#[derive(Debug, Clone, Copy)]
pub struct BgrImage<'a> {
    width: usize,
    height: usize,
    stride: usize,
    data: &'a [u8],
}

impl<'a> BgrImage<'a> {
    /// Validates and wraps `data` as a `width` x `height` BGR image whose rows start every
    /// `stride_bytes` bytes.
    ///
    /// Fails with [`FaceError::InvalidImage`] when the image is empty, the stride is shorter
    /// than a row, or the buffer is too short for the last row.
    pub fn new(
        width: usize,
        height: usize,
        stride_bytes: usize,
        data: &'a [u8],
    ) -> Result<Self, FaceError> {
        let invalid = |reason| FaceError::InvalidImage {
            width,
            height,
            stride: stride_bytes,
            len: data.len(),
            reason,
        };
        if width == 0 || height == 0 {
            return Err(invalid("the image is empty"));
        }
        let row_bytes = width
            .checked_mul(BGR_CHANNELS)
            .ok_or_else(|| invalid("the width overflows"))?;
        if stride_bytes < row_bytes {
            return Err(invalid("the stride is shorter than width * 3"));
        }
        let needed = (height - 1)
            .checked_mul(stride_bytes)
            .and_then(|bytes| bytes.checked_add(row_bytes))
            .ok_or_else(|| invalid("the size overflows"))?;
        if data.len() < needed {
            return Err(invalid(
                "the buffer is shorter than (height - 1) * stride + width * 3",
            ));
        }
        Ok(Self {
            width,
            height,
            stride: stride_bytes,
            data,
        })
    }

    /// Wraps a tightly packed image (stride = `width * 3`).
    pub fn packed(width: usize, height: usize, data: &'a [u8]) -> Result<Self, FaceError> {
        let stride = width.saturating_mul(BGR_CHANNELS);
        Self::new(width, height, stride, data)
    }

    /// Width in pixels (at least 1).
    pub fn width(&self) -> usize {
        self.width
    }

    /// Height in pixels (at least 1).
    pub fn height(&self) -> usize {
        self.height
    }

    /// Bytes from the start of one row to the start of the next.
    pub fn stride(&self) -> usize {
        self.stride
    }

    /// The underlying bytes, starting at the first pixel.
    pub fn data(&self) -> &'a [u8] {
        self.data
    }

    /// The `width * 3` bytes (B, G, R, B, G, R, ...) of row `y`, or `None` past the last row.
    pub fn row(&self, y: usize) -> Option<&'a [u8]> {
        if y >= self.height {
            return None;
        }
        let start = y * self.stride;
        self.data.get(start..start + self.width * BGR_CHANNELS)
    }

    /// The part of this image inside `rect` (inclusive corners, clipped to the image), viewed
    /// without copying; `None` when no pixel of `rect` is inside.
    pub fn sub_image(&self, rect: &crate::FaceBox) -> Option<BgrImage<'a>> {
        let clip = |low: i32, high: i32, size: usize| -> Option<(usize, usize)> {
            let last = i64::try_from(size).ok()? - 1;
            let low = i64::from(low).max(0);
            let high = i64::from(high).min(last);
            (low <= high).then(|| (low as usize, (high - low + 1) as usize))
        };
        let (left, width) = clip(rect.x1, rect.x2, self.width)?;
        let (top, height) = clip(rect.y1, rect.y2, self.height)?;
        let start = top * self.stride + left * BGR_CHANNELS;
        Some(BgrImage {
            width,
            height,
            stride: self.stride,
            data: self.data.get(start..)?,
        })
    }

    /// The `[b, g, r]` value of pixel (`x`, `y`), or `None` outside the image.
    pub fn pixel(&self, x: usize, y: usize) -> Option<[u8; 3]> {
        if x >= self.width {
            return None;
        }
        let row = self.row(y)?;
        let at = x * BGR_CHANNELS;
        Some([*row.get(at)?, *row.get(at + 1)?, *row.get(at + 2)?])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strided_rows_and_pixels_are_read_from_the_right_place() {
        // 2x2 image, stride 8: each row has 2 padding bytes, the last row is not padded.
        let data = [1, 2, 3, 4, 5, 6, 99, 99, 7, 8, 9, 10, 11, 12];
        let image = BgrImage::new(2, 2, 8, &data).unwrap();
        assert_eq!(image.row(1), Some(&data[8..14]));
        assert_eq!(image.pixel(1, 0), Some([4, 5, 6]));
        assert_eq!(image.pixel(0, 1), Some([7, 8, 9]));
        assert_eq!(image.pixel(2, 0), None);
        assert_eq!(image.row(2), None);
    }

    #[test]
    fn inconsistent_geometry_is_rejected_not_panicking() {
        let data = [0u8; 12];
        assert!(BgrImage::new(0, 1, 3, &data).is_err());
        assert!(BgrImage::new(2, 2, 5, &data).is_err());
        assert!(BgrImage::new(2, 3, 6, &data).is_err());
        assert!(BgrImage::new(usize::MAX, 1, usize::MAX, &data).is_err());
        assert!(BgrImage::new(1, usize::MAX, 3, &data).is_err());
        assert!(BgrImage::packed(2, 2, &data).is_ok());
    }

    #[test]
    fn sub_images_are_clipped_to_the_image() {
        // 3x2 image whose pixel (x, y) is [x, y, 7].
        let data: Vec<u8> = (0..2u8)
            .flat_map(|y| (0..3u8).flat_map(move |x| [x, y, 7]))
            .collect();
        let image = BgrImage::packed(3, 2, &data).unwrap();
        let inner = image.sub_image(&crate::FaceBox::new(1, 1, 2, 1)).unwrap();
        assert_eq!((inner.width(), inner.height()), (2, 1));
        assert_eq!(inner.pixel(0, 0), Some([1, 1, 7]));
        assert_eq!(inner.pixel(1, 0), Some([2, 1, 7]));
        let clipped = image.sub_image(&crate::FaceBox::new(-5, -5, 0, 9)).unwrap();
        assert_eq!((clipped.width(), clipped.height()), (1, 2));
        assert_eq!(clipped.pixel(0, 1), Some([0, 1, 7]));
        assert!(image.sub_image(&crate::FaceBox::new(3, 0, 4, 1)).is_none());
        assert!(image.sub_image(&crate::FaceBox::new(2, 0, 1, 1)).is_none());
    }
}
