//! The Haar cascade detector: OpenCV's `CascadeClassifier::detectMultiScale` on the grayscale
//! frame, as the original's `findFaces`.

use std::path::Path;

use face::{BgrImage, Detection, FaceBox};
use opencv::core::{Mat, Rect, Size, Vector};
use opencv::imgproc;
use opencv::objdetect::{CascadeClassifier, CascadeClassifierTrait, CascadeClassifierTraitConst};

use crate::config::{HaarConfig, ObjectSize};
use crate::detector::FaceDetector;
use crate::error::DetectError;
use crate::models::{require_file, utf8_path};
use crate::opencv_frame::MatBuffer;

/// What the cascade file is, for messages.
const WHAT: &str = "Haar cascade";
/// `detectMultiScale` flags; 0 as in the original (the flags only matter for old cascades).
const DETECT_FLAGS: i32 = 0;
/// OpenCV's "no limit" for `minSize` / `maxSize`.
const NO_SIZE_LIMIT: Size = Size {
    width: 0,
    height: 0,
};

/// A loaded Haar cascade with its parameters and reusable buffers.
pub struct HaarDetector {
    classifier: CascadeClassifier,
    config: HaarConfig,
    frame: MatBuffer,
    gray: Mat,
    rects: Vector<Rect>,
}

impl HaarDetector {
    /// Loads the cascade named by `config` (relative to `models_dir`) after validating the
    /// parameters.
    pub fn new(config: &HaarConfig, models_dir: &Path) -> Result<Self, DetectError> {
        config.validate()?;
        let path = config.cascade_path(models_dir);
        require_file(WHAT, &path)?;
        let load_error = |reason: String| DetectError::ModelLoad {
            what: WHAT,
            path: path.clone(),
            reason,
        };
        let classifier = CascadeClassifier::new(utf8_path(WHAT, &path)?)
            .map_err(|e| load_error(e.to_string()))?;
        if classifier.empty().map_err(|e| load_error(e.to_string()))? {
            return Err(load_error(
                "OpenCV loaded no cascade from it (not a cascade XML file?)".to_owned(),
            ));
        }
        tracing::debug!(path = %path.display(), "loaded Haar cascade");
        Ok(Self {
            classifier,
            config: config.clone(),
            frame: MatBuffer::default(),
            gray: Mat::default(),
            rects: Vector::new(),
        })
    }

    /// The parameters this detector runs with.
    pub fn config(&self) -> &HaarConfig {
        &self.config
    }
}

fn cv_size(size: Option<ObjectSize>) -> Size {
    size.map_or(NO_SIZE_LIMIT, |s| Size::new(s.width, s.height))
}

impl FaceDetector for HaarDetector {
    fn detect(&mut self, frame: &BgrImage<'_>) -> Result<Vec<Detection>, DetectError> {
        let frame_bgr = self.frame.fill(frame)?;
        imgproc::cvt_color_def(frame_bgr, &mut self.gray, imgproc::COLOR_BGR2GRAY)
            .map_err(DetectError::opencv("convert the frame to grayscale"))?;
        self.classifier
            .detect_multi_scale(
                &self.gray,
                &mut self.rects,
                self.config.scale_factor,
                self.config.min_neighbors,
                DETECT_FLAGS,
                cv_size(self.config.min_size),
                cv_size(self.config.max_size),
            )
            .map_err(DetectError::opencv("run the Haar cascade"))?;
        Ok(self
            .rects
            .iter()
            .map(|r| Detection::from_box(FaceBox::from_xywh(r.x, r.y, r.width, r.height)))
            .collect())
    }

    fn name(&self) -> &'static str {
        "haar"
    }
}
