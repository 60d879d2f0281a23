//! [`Raster`] and [`OwnedRaster`]: BGR u8 images that may be empty, the sources a chip is sampled
//! from (a window of the frame, or a level of dlib's image pyramid).

use face::BGR_CHANNELS;

/// A borrowed BGR u8 image that may have no pixels (dlib's pyramid turns small images into
/// empty ones, from which every sample is black).
#[derive(Debug, Clone, Copy)]
pub struct Raster<'a> {
    /// Width in pixels.
    pub width: usize,
    /// Height in pixels.
    pub height: usize,
    /// Bytes from one row to the next.
    pub stride: usize,
    /// The bytes from the first pixel on (at least `(height - 1) * stride + width * 3` of them
    /// when not empty).
    pub data: &'a [u8],
}

impl Raster<'_> {
    /// The B, G, R bytes of row `y` (empty past the last row or when the slice is short, which
    /// the constructors rule out).
    pub fn row(&self, y: usize) -> &[u8] {
        let start = y * self.stride;
        self.data
            .get(start..start + self.width * BGR_CHANNELS)
            .unwrap_or(&[])
    }
}

/// An owned, tightly packed BGR u8 image that may be empty.
#[derive(Debug, Clone, Default)]
pub struct OwnedRaster {
    /// Width in pixels.
    pub width: usize,
    /// Height in pixels.
    pub height: usize,
    /// `width * height * 3` bytes, row by row.
    pub data: Vec<u8>,
}

impl OwnedRaster {
    /// A borrowed view.
    pub fn view(&self) -> Raster<'_> {
        Raster {
            width: self.width,
            height: self.height,
            stride: self.width * BGR_CHANNELS,
            data: &self.data,
        }
    }
}
