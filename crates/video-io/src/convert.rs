//! Conversion of decoded pixels to the one format the pipeline uses: BGR 8-bit (`CV_8UC3`).

use opencv::core::{CV_8U, CV_16U, Mat};
use opencv::imgproc;
use opencv::prelude::*;

use crate::error::VideoError;

/// Scale from 16-bit to 8-bit samples (65535 maps to 255).
const SCALE_16_TO_8: f64 = 1.0 / 257.0;

/// Returns `image` as BGR 8-bit: 3-channel 8-bit input is returned as is (no copy), grayscale
/// and BGRA are converted, 16-bit samples are scaled to 8 bits.
pub fn to_bgr8(image: Mat) -> Result<Mat, VideoError> {
    let (channels, depth) = (image.channels(), image.depth());
    let unsupported = || VideoError::UnsupportedPixelFormat { channels, depth };
    let eight_bit = match depth {
        CV_8U => image,
        CV_16U => {
            let mut converted = Mat::default();
            image
                .convert_to(&mut converted, CV_8U, SCALE_16_TO_8, 0.0)
                .map_err(VideoError::opencv("convert 16-bit pixels to 8-bit"))?;
            converted
        }
        _ => return Err(unsupported()),
    };
    let code = match channels {
        3 => return Ok(eight_bit),
        1 => imgproc::COLOR_GRAY2BGR,
        4 => imgproc::COLOR_BGRA2BGR,
        _ => return Err(unsupported()),
    };
    let mut bgr = Mat::default();
    imgproc::cvt_color_def(&eight_bit, &mut bgr, code)
        .map_err(VideoError::opencv("convert pixels to BGR"))?;
    Ok(bgr)
}

#[cfg(test)]
mod tests {
    use opencv::core::{CV_8UC1, CV_8UC3, CV_8UC4, CV_16UC3, CV_32FC3, Scalar};

    use super::*;

    fn filled(typ: i32, value: Scalar) -> Mat {
        Mat::new_rows_cols_with_default(2, 3, typ, value).expect("allocate a tiny test image")
    }

    fn pixel(image: &Mat) -> [u8; 3] {
        let v = image
            .at_2d::<opencv::core::Vec3b>(1, 2)
            .expect("pixel (1, 2)");
        [v[0], v[1], v[2]]
    }

    #[test]
    fn grayscale_becomes_three_equal_channels() {
        let bgr = to_bgr8(filled(CV_8UC1, Scalar::all(77.0))).expect("convert gray");
        assert_eq!(bgr.typ(), CV_8UC3);
        assert_eq!(pixel(&bgr), [77, 77, 77]);
    }

    #[test]
    fn bgra_drops_alpha_and_keeps_order() {
        let bgr = to_bgr8(filled(CV_8UC4, Scalar::new(10.0, 20.0, 30.0, 40.0))).expect("convert");
        assert_eq!(bgr.typ(), CV_8UC3);
        assert_eq!(pixel(&bgr), [10, 20, 30]);
    }

    #[test]
    fn sixteen_bit_is_scaled_to_eight_bit() {
        let bgr =
            to_bgr8(filled(CV_16UC3, Scalar::new(65535.0, 257.0, 0.0, 0.0))).expect("convert");
        assert_eq!(bgr.typ(), CV_8UC3);
        assert_eq!(pixel(&bgr), [255, 1, 0]);
    }

    #[test]
    fn float_input_is_rejected_with_its_format() {
        let err = to_bgr8(filled(CV_32FC3, Scalar::all(0.5))).expect_err("float is unsupported");
        assert!(matches!(
            err,
            VideoError::UnsupportedPixelFormat {
                channels: 3,
                depth: 5
            }
        ));
    }
}
