//! The DNN detector: OpenCV's SSD face detector (ResNet-10, TensorFlow graph) through
//! `cv::dnn`, as the original's `findFaces`.

use std::path::Path;

use face::{BgrImage, Detection, FaceBox, ImageSize};
use opencv::core::{CV_32F, Mat, Scalar, Size};
use opencv::dnn::{self, Net, NetTrait, NetTraitConst};
use opencv::prelude::*;

use crate::config::DnnConfig;
use crate::detector::FaceDetector;
use crate::error::DetectError;
use crate::models::{require_file, utf8_path};
use crate::opencv_frame::MatBuffer;

/// What the frozen graph is, for messages.
const WHAT_MODEL: &str = "DNN face detector graph";
/// What the text graph is, for messages.
const WHAT_CONFIG: &str = "DNN face detector text graph";
/// Values per detection in the SSD output `[1, 1, K, 7]`:
/// image id, class id, confidence, x1, y1, x2, y2.
const SSD_VALUES: usize = 7;
/// Index of the confidence in an SSD detection.
const SSD_CONFIDENCE: usize = 2;
/// Index of the first corner coordinate (x1) in an SSD detection.
const SSD_FIRST_CORNER: usize = 3;

/// A box as the SSD reports it: corners as fractions (0..1, may overshoot) of the frame size.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NormalizedBox {
    /// Left edge as a fraction of the width.
    pub x1: f32,
    /// Top edge as a fraction of the height.
    pub y1: f32,
    /// Right edge as a fraction of the width.
    pub x2: f32,
    /// Bottom edge as a fraction of the height.
    pub y2: f32,
}

impl NormalizedBox {
    /// Pixel corners exactly as the original: `int(detections[0, 0, i, 3] * width)`, i.e. the
    /// float32 value times the integer size in float64 (NumPy 1.x promotes a float32 scalar times
    /// a Python int to float64), truncated toward zero. Saturates instead of overflowing.
    pub fn to_pixels(&self, frame: ImageSize) -> FaceBox {
        let scale = |v: f32, side: i32| -> i32 { (f64::from(v) * f64::from(side)).trunc() as i32 };
        FaceBox {
            x1: scale(self.x1, frame.width),
            y1: scale(self.y1, frame.height),
            x2: scale(self.x2, frame.width),
            y2: scale(self.y2, frame.height),
        }
    }
}

/// Turns the flat SSD output (`K` rows of 7 floats: image id, class id, confidence, x1, y1, x2,
/// y2) into detections in pixels of `frame`, keeping rows with confidence at least `threshold`,
/// in output order.
pub fn ssd_detections(output: &[f32], frame: ImageSize, threshold: f32) -> Vec<Detection> {
    output
        .chunks_exact(SSD_VALUES)
        .filter(|row| row[SSD_CONFIDENCE] >= threshold)
        .map(|row| {
            let corners = NormalizedBox {
                x1: row[SSD_FIRST_CORNER],
                y1: row[SSD_FIRST_CORNER + 1],
                x2: row[SSD_FIRST_CORNER + 2],
                y2: row[SSD_FIRST_CORNER + 3],
            };
            Detection {
                face: corners.to_pixels(frame),
                confidence: Some(row[SSD_CONFIDENCE]),
                landmarks: None,
            }
        })
        .collect()
}

/// A loaded SSD face detector with its parameters and reusable blob.
pub struct DnnDetector {
    net: Net,
    config: DnnConfig,
    frame: MatBuffer,
    blob: Mat,
}

impl DnnDetector {
    /// Loads the graph named by `config` (relative to `models_dir`) after validating the
    /// parameters.
    pub fn new(config: &DnnConfig, models_dir: &Path) -> Result<Self, DetectError> {
        config.validate()?;
        let model = config.model_path(models_dir);
        let text = config.config_path(models_dir);
        require_file(WHAT_MODEL, &model)?;
        require_file(WHAT_CONFIG, &text)?;
        let load_error = |reason: String| DetectError::ModelLoad {
            what: WHAT_MODEL,
            path: model.clone(),
            reason,
        };
        let net = dnn::read_net_from_tensorflow(
            utf8_path(WHAT_MODEL, &model)?,
            utf8_path(WHAT_CONFIG, &text)?,
        )
        .map_err(|e| load_error(format!("{e} (text graph {})", text.display())))?;
        if net.empty().map_err(|e| load_error(e.to_string()))? {
            return Err(load_error("OpenCV built an empty net from it".to_owned()));
        }
        tracing::debug!(model = %model.display(), config = %text.display(), "loaded DNN face detector");
        Ok(Self {
            net,
            config: config.clone(),
            frame: MatBuffer::default(),
            blob: Mat::default(),
        })
    }

    /// The parameters this detector runs with.
    pub fn config(&self) -> &DnnConfig {
        &self.config
    }
}

impl FaceDetector for DnnDetector {
    fn detect(&mut self, frame: &BgrImage<'_>) -> Result<Vec<Detection>, DetectError> {
        let frame_bgr = self.frame.fill(frame)?;
        let c = &self.config;
        let [m0, m1, m2] = c.mean;
        dnn::blob_from_image_to(
            frame_bgr,
            &mut self.blob,
            c.scale,
            Size::new(c.input_width, c.input_height),
            Scalar::new(m0, m1, m2, 0.0),
            c.swap_rb,
            c.crop,
            CV_32F,
        )
        .map_err(DetectError::opencv("build the DNN input blob"))?;
        self.net
            .set_input_def(&self.blob)
            .map_err(DetectError::opencv("set the DNN input"))?;
        let output = self
            .net
            .forward_single_def()
            .map_err(DetectError::opencv("run the DNN face detector"))?;
        let values = output
            .data_typed::<f32>()
            .map_err(DetectError::opencv("read the DNN output"))?;
        let frame = ImageSize::new(frame_bgr.cols(), frame_bgr.rows());
        Ok(ssd_detections(values, frame, c.confidence_threshold))
    }

    fn name(&self) -> &'static str {
        "dnn"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_below_the_threshold_are_dropped_and_corners_truncate_toward_zero() {
        let frame = ImageSize::new(539, 302);
        #[rustfmt::skip]
        let output = [
            0.0, 1.0, 0.95, -0.01, 0.5, 0.25, 1.01,
            0.0, 1.0, 0.69, 0.1, 0.1, 0.2, 0.2,
            0.0, 1.0, 0.70, 0.1, 0.2, 0.3, 0.4,
            0.0, 1.0, 0.99, // a truncated row is ignored
        ];
        let detections = ssd_detections(&output, frame, 0.7);
        let boxes: Vec<FaceBox> = detections.iter().map(|d| d.face).collect();
        // -0.01 * 539 = -5.39 -> -5; 1.01 * 302 = 305.02 -> 305; 0.3 * 539 = 161.7 -> 161.
        assert_eq!(
            boxes,
            [
                FaceBox::new(-5, 151, 134, 305),
                FaceBox::new(53, 60, 161, 120)
            ]
        );
        assert_eq!(detections[0].confidence, Some(0.95));
        assert_eq!(detections[1].confidence, Some(0.70));
    }
}
