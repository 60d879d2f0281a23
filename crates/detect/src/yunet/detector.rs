//! [`YunetDetector`]: the [`FaceDetector`] that runs YuNet through tract.

use std::path::Path;

use face::{BgrImage, Detection, FaceBox, LandmarkScheme, Landmarks};
use tract_onnx::prelude::TValue;

use super::config::YunetConfig;
use super::decode::{HeadOutputs, decode_head};
use super::face::YunetFace;
use super::input_size::{InputSize, STRIDES};
use super::model::{OUTPUT_NAMES, YunetModel};
use super::nms::{NmsParams, NonMaxSuppression};
use super::preprocess::write_row;
use super::session::Session;
use crate::detector::FaceDetector;
use crate::error::DetectError;

/// How many input sizes keep a ready plan. A video has one frame size; a directory of videos may
/// alternate between a few. Building a plan takes about as long as a few frames' inference.
const MAX_CACHED_INPUT_SIZES: usize = 4;

/// YuNet face detector: loads and parses the model once, optimises one plan per frame size (on
/// the first frame of that size) and reuses its buffers for every frame.
#[derive(Debug)]
pub struct YunetDetector {
    model: YunetModel,
    nms_params: NmsParams,
    /// Most recently used first.
    sessions: Vec<Session>,
    candidates: Vec<YunetFace>,
    kept: Vec<usize>,
    nms: NonMaxSuppression,
    faces: Vec<YunetFace>,
    square_boxes: bool,
}

impl YunetDetector {
    /// Validates `config` and loads its model (a relative path is taken relative to
    /// `models_dir`).
    pub fn new(config: &YunetConfig, models_dir: &Path) -> Result<Self, DetectError> {
        config.validate()?;
        let model = YunetModel::load(&config.model_path(models_dir))?;
        tracing::debug!(model = %model.path().display(), "YuNet model parsed");
        Ok(Self {
            model,
            nms_params: NmsParams {
                score_threshold: config.score_threshold,
                iou_threshold: config.nms_threshold,
                top_k: config.top_k,
            },
            sessions: Vec::with_capacity(MAX_CACHED_INPUT_SIZES),
            candidates: Vec::new(),
            kept: Vec::new(),
            nms: NonMaxSuppression::default(),
            faces: Vec::new(),
            square_boxes: config.square_boxes,
        })
    }

    /// The faces in a BGR 8-bit frame exactly as OpenCV's `FaceDetectorYN::detect` reports them
    /// for the same frame (float boxes, landmarks and scores, best score first). The slice lives
    /// until the next call.
    pub fn detect_faces(&mut self, frame: &BgrImage<'_>) -> Result<&[YunetFace], DetectError> {
        let size = InputSize::padded_for(frame.width(), frame.height());
        let session = self.session_for(size)?;
        let outputs = session.run(|tensor| {
            for y in 0..frame.height() {
                if let Some(row) = frame.row(y) {
                    write_row(tensor, size, y, row);
                }
            }
            Ok(())
        })?;
        self.candidates.clear();
        for (index, &stride) in STRIDES.iter().enumerate() {
            let head = HeadOutputs {
                stride,
                cls: output_values(&outputs, index)?,
                obj: output_values(&outputs, STRIDES.len() + index)?,
                bbox: output_values(&outputs, 2 * STRIDES.len() + index)?,
                kps: output_values(&outputs, 3 * STRIDES.len() + index)?,
            };
            decode_head(
                &head,
                size,
                self.nms_params.score_threshold,
                &mut self.candidates,
            );
        }
        self.nms
            .run(&self.candidates, &self.nms_params, &mut self.kept);
        self.faces.clear();
        let candidates = &self.candidates;
        self.faces.extend(
            self.kept
                .iter()
                .filter_map(|&index| candidates.get(index).copied()),
        );
        Ok(&self.faces)
    }

    /// The session for `size`, built on first use and moved to the front of the cache.
    fn session_for(&mut self, size: InputSize) -> Result<&mut Session, DetectError> {
        match self.sessions.iter().position(|s| s.size() == size) {
            Some(0) => {}
            Some(index) => {
                let session = self.sessions.remove(index);
                self.sessions.insert(0, session);
            }
            None => {
                let started = std::time::Instant::now();
                let plan = self.model.plan(size)?;
                let session =
                    Session::new(size, &plan).map_err(|error| DetectError::Inference {
                        detector: "yunet",
                        reason: format!("{}x{} input: {error:#}", size.width, size.height),
                    })?;
                tracing::info!(
                    width = size.width,
                    height = size.height,
                    millis = started.elapsed().as_millis() as u64,
                    "YuNet plan optimised for a new input size"
                );
                self.sessions.truncate(MAX_CACHED_INPUT_SIZES - 1);
                self.sessions.insert(0, session);
            }
        }
        self.sessions
            .first_mut()
            .ok_or_else(|| DetectError::Inference {
                detector: "yunet",
                reason: "no session after building one".to_owned(),
            })
    }
}

impl FaceDetector for YunetDetector {
    /// [`YunetDetector::detect_faces`], each box squared when `square_boxes` is on, rounded to
    /// whole pixels (`x2 = x + w`) and clipped to the frame; a box left empty by clipping is
    /// dropped.
    fn detect(&mut self, frame: &BgrImage<'_>) -> Result<Vec<Detection>, DetectError> {
        let side = |pixels: usize| i32::try_from(pixels).unwrap_or(i32::MAX);
        let (width, height) = (side(frame.width()), side(frame.height()));
        let square = self.square_boxes;
        let faces = self.detect_faces(frame)?;
        Ok(faces
            .iter()
            .map(|face| if square { squared(face) } else { *face })
            .filter_map(|face| to_detection(&face, width, height))
            .collect())
    }

    fn name(&self) -> &'static str {
        "yunet"
    }
}

/// The values of output `index` (in [`OUTPUT_NAMES`] order) as a flat slice.
fn output_values(outputs: &[TValue], index: usize) -> Result<&[f32], DetectError> {
    let unreadable = |reason: String| DetectError::Inference {
        detector: "yunet",
        reason,
    };
    let output = outputs.get(index).ok_or_else(|| {
        unreadable(format!(
            "the plan returned {} outputs, expected {}",
            outputs.len(),
            OUTPUT_NAMES.len()
        ))
    })?;
    output
        .try_as_plain_ram()
        .and_then(|view| view.as_slice::<f32>())
        .map_err(|error| unreadable(format!("output {index} is not readable as f32: {error:#}")))
}

/// `face` with its box grown to a square of its longer side; landmarks and score unchanged.
///
/// The square keeps the box's vertical centre. Horizontally it is centred on the centroid of the
/// five landmarks, as far as it can be while it still contains the whole box: when the head turns,
/// YuNet's box takes in the visible side of the head and its centre drifts off the eyes, nose and
/// mouth, where the crop should stay (on `input1.mp4` the landmark centroid is up to 11 px off
/// the box's centre). Landmarks that are not finite leave the box's centre.
fn squared(face: &YunetFace) -> YunetFace {
    let side = face.width.max(face.height);
    let box_centre_x = face.x + face.width / 2.0;
    let features_x = landmark_centroid_x(face);
    let centre_x = if features_x.is_finite() {
        // How far the square's centre can move sideways and still contain the box.
        let slack = (side - face.width) / 2.0;
        features_x
            .max(box_centre_x - slack)
            .min(box_centre_x + slack)
    } else {
        box_centre_x
    };
    YunetFace {
        x: centre_x - side / 2.0,
        y: face.y + (face.height - side) / 2.0,
        width: side,
        height: side,
        ..*face
    }
}

/// Mean x of the five landmarks.
fn landmark_centroid_x(face: &YunetFace) -> f32 {
    face.landmarks.iter().map(|point| point.x).sum::<f32>() / face.landmarks.len() as f32
}

/// The detection for `face` in a `width` x `height` frame, or `None` if its box lies outside.
fn to_detection(face: &YunetFace, width: i32, height: i32) -> Option<Detection> {
    // `as` saturates (and maps NaN to 0), so no float can overflow the box.
    let clip = |value: f32, limit: i32| (value.round() as i32).clamp(0, limit);
    let face_box = FaceBox::new(
        clip(face.x, width),
        clip(face.y, height),
        clip(face.x + face.width, width),
        clip(face.y + face.height, height),
    );
    (face_box.corner_width() > 0 && face_box.corner_height() > 0).then(|| Detection {
        face: face_box,
        confidence: Some(face.score),
        // Five points for a five-point scheme: never refused.
        landmarks: Landmarks::new(LandmarkScheme::Yunet5, face.landmarks.to_vec()).ok(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yunet::face::LANDMARK_COUNT;
    use face::Point;

    fn face(x: f32, y: f32, width: f32, height: f32) -> YunetFace {
        YunetFace {
            x,
            y,
            width,
            height,
            landmarks: [Point::new(1.0, 2.0); LANDMARK_COUNT],
            score: 0.93,
        }
    }

    #[test]
    fn boxes_are_rounded_with_x2_at_x_plus_w_and_keep_score_and_landmarks() {
        let detection = to_detection(&face(10.4, 20.6, 30.2, 40.0), 100, 100).unwrap();
        assert_eq!(detection.face, FaceBox::new(10, 21, 41, 61));
        assert_eq!(detection.confidence, Some(0.93));
        assert_eq!(
            detection.landmarks.as_ref().map(Landmarks::points),
            Some(&[Point::new(1.0, 2.0); LANDMARK_COUNT][..])
        );
    }

    #[test]
    fn squared_boxes_keep_the_vertical_centre_and_take_the_longer_side() {
        // The landmarks of `face` sit at x = 1, left of both boxes: the square moves as far left
        // as it can while it still contains the box.
        let tall = squared(&face(10.0, 20.0, 30.0, 40.0));
        assert_eq!(
            (tall.x, tall.y, tall.width, tall.height),
            (0.0, 20.0, 40.0, 40.0)
        );
        let wide = squared(&face(10.0, 20.0, 50.0, 40.0));
        assert_eq!(
            (wide.x, wide.y, wide.width, wide.height),
            (10.0, 15.0, 50.0, 50.0)
        );
        assert_eq!(tall.score, 0.93);
        assert_eq!(tall.landmarks, face(0.0, 0.0, 1.0, 1.0).landmarks);
    }

    #[test]
    fn squares_are_centred_sideways_on_the_landmarks() {
        let mut turned = face(100.0, 50.0, 60.0, 80.0);
        let xs = [118.0, 138.0, 124.0, 119.0, 136.0];
        for (point, x) in turned.landmarks.iter_mut().zip(xs) {
            point.x = x;
        }
        // Centroid 127, 3 px left of the box's centre: the square spans 87..167.
        let square = squared(&turned);
        assert_eq!(
            (square.x, square.y, square.width, square.height),
            (87.0, 50.0, 80.0, 80.0)
        );
        turned.landmarks[0].x = f32::NAN;
        assert_eq!(
            squared(&turned).x,
            90.0,
            "the box's centre without landmarks"
        );
    }

    #[test]
    fn boxes_are_clipped_to_the_frame_and_dropped_when_outside() {
        let clipped = to_detection(&face(-5.0, 90.0, 20.0, 30.0), 100, 100).unwrap();
        assert_eq!(clipped.face, FaceBox::new(0, 90, 15, 100));
        assert!(to_detection(&face(101.0, 10.0, 20.0, 20.0), 100, 100).is_none());
        assert!(to_detection(&face(f32::NAN, 10.0, 20.0, 20.0), 100, 100).is_none());
    }
}
