//! [`MirroredImage`]: a face mirrored left to right, for `flip_average` (the nets see each face
//! and its mirror image, and their two estimates are averaged).

use face::{BGR_CHANNELS, BgrImage};

use crate::error::EstimateError;

/// An owned, tightly packed BGR image: another image mirrored left to right.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct MirroredImage {
    width: usize,
    height: usize,
    data: Vec<u8>,
}

impl MirroredImage {
    /// `image` mirrored left to right.
    pub(crate) fn of(image: &BgrImage<'_>) -> Self {
        let (width, height) = (image.width(), image.height());
        let mut data = Vec::with_capacity(width * height * BGR_CHANNELS);
        for y in 0..height {
            if let Some(row) = image.row(y) {
                for pixel in row.chunks_exact(BGR_CHANNELS).rev() {
                    data.extend_from_slice(pixel);
                }
            }
        }
        Self {
            width,
            height,
            data,
        }
    }

    /// A view of the mirrored pixels.
    pub(crate) fn view(&self) -> Result<BgrImage<'_>, EstimateError> {
        Ok(BgrImage::packed(self.width, self.height, &self.data)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_reversed_pixel_by_pixel() {
        let data = [1, 2, 3, 4, 5, 6, 9, 9, 7, 8, 9, 10, 11, 12];
        let image = BgrImage::new(2, 2, 8, &data).unwrap();
        let mirrored = MirroredImage::of(&image);
        let view = mirrored.view().unwrap();
        assert_eq!(view.pixel(0, 0), Some([4, 5, 6]));
        assert_eq!(view.pixel(1, 0), Some([1, 2, 3]));
        assert_eq!(view.pixel(0, 1), Some([10, 11, 12]));
        assert_eq!(MirroredImage::of(&view), MirroredImage::of(&view));
        assert_eq!(
            MirroredImage::of(&view).view().unwrap().pixel(0, 0),
            Some([1, 2, 3])
        );
    }
}
