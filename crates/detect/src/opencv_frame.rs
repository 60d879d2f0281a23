//! The bridge between OpenCV images and [`BgrImage`]: [`bgr_view`] views a `Mat` for the
//! detectors, and [`MatBuffer`] gives the OpenCV detectors a `Mat` of a [`BgrImage`].

use face::BgrImage;
use opencv::core::{CV_8UC3, Mat, Scalar};
use opencv::prelude::*;

use crate::error::DetectError;

/// Views a continuous, non-empty 8-bit BGR `Mat` (`CV_8UC3`) as a [`BgrImage`], without
/// copying. Errors with [`DetectError::InvalidFrame`] for any other `Mat` (a region of interest
/// of a larger image is not continuous: clone it first).
pub fn bgr_view(frame: &Mat) -> Result<BgrImage<'_>, DetectError> {
    let invalid = || DetectError::InvalidFrame {
        width: frame.cols(),
        height: frame.rows(),
        mat_type: frame.typ(),
    };
    if frame.empty() || frame.typ() != CV_8UC3 || frame.dims() != 2 {
        return Err(invalid());
    }
    let bytes = frame.data_bytes().map_err(|_| invalid())?;
    let (width, height) = (frame.cols().unsigned_abs(), frame.rows().unsigned_abs());
    BgrImage::packed(width as usize, height as usize, bytes).map_err(|_| invalid())
}

/// A reusable `Mat` the OpenCV detectors copy each frame into (the copy takes a fraction of a
/// millisecond, the cascade or the net tens of milliseconds).
#[derive(Debug, Default)]
pub(crate) struct MatBuffer {
    mat: Mat,
}

impl MatBuffer {
    /// `image` as a `CV_8UC3` `Mat`, row by row into the buffer (reallocated only when the size
    /// changes).
    pub(crate) fn fill(&mut self, image: &BgrImage<'_>) -> Result<&Mat, DetectError> {
        let side = |pixels: usize| i32::try_from(pixels).ok();
        let (Some(cols), Some(rows)) = (side(image.width()), side(image.height())) else {
            return Err(DetectError::InvalidFrame {
                width: i32::MAX,
                height: i32::MAX,
                mat_type: CV_8UC3,
            });
        };
        if self.mat.rows() != rows || self.mat.cols() != cols || self.mat.typ() != CV_8UC3 {
            self.mat = Mat::new_rows_cols_with_default(rows, cols, CV_8UC3, Scalar::all(0.0))
                .map_err(DetectError::opencv("allocate the detector's frame"))?;
        }
        let row_bytes = image.width() * face::BGR_CHANNELS;
        let bytes = self
            .mat
            .data_bytes_mut()
            .map_err(DetectError::opencv("write the detector's frame"))?;
        for (y, target) in bytes.chunks_exact_mut(row_bytes).enumerate() {
            if let Some(source) = image.row(y) {
                target.copy_from_slice(source);
            }
        }
        Ok(&self.mat)
    }
}
