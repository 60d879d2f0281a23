//! dlib's 5-point shape predictor (an ensemble of regression trees, Kazemi and Sullivan 2014) in
//! pure Rust: it reads dlib's own `shape_predictor_5_face_landmarks.dat` and finds, in a face box,
//! the two corners of each eye and the base of the nose exactly where dlib's
//! `shape_predictor::operator()` finds them.

mod model;
mod predict;
mod reader;
mod transform;

use std::fmt;
use std::path::Path;

use face::{BgrImage, FaceBox, LandmarkScheme, Landmarks, Point};

use crate::AlignError;
use model::Cascade;
use transform::CentredReference;

/// Values in a shape vector of the 5-point model: x and y of each of its 5 landmarks.
const SHAPE_LEN: usize = 2 * 5;

/// dlib's 5-point face landmarker, loaded once and shared between threads.
///
/// ```no_run
/// use align::ShapePredictor;
/// use face::{BgrImage, FaceBox};
///
/// let predictor = ShapePredictor::load("models/shape_predictor_5_face_landmarks.dat".as_ref())?;
/// let pixels = vec![128u8; 200 * 200 * 3];
/// let image = BgrImage::packed(200, 200, &pixels)?;
/// let landmarks = predictor.predict(&image, &FaceBox::new(40, 40, 160, 160));
/// assert_eq!(landmarks.points().len(), 5);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct ShapePredictor {
    /// The mean shape, where every prediction starts, in box-normalised coordinates.
    initial_shape: [f32; SHAPE_LEN],
    /// The mean shape centred, for the per-cascade similarity transform.
    reference: CentredReference,
    /// The cascades, in order.
    cascades: Vec<Cascade>,
    /// The most feature pixels any cascade reads.
    max_pixels: usize,
}

impl ShapePredictor {
    /// Reads a shape predictor in dlib's serialisation (`shape_predictor_5_face_landmarks.dat`).
    ///
    /// Fails with [`AlignError::ModelMissing`] when there is no file at `path`,
    /// [`AlignError::ModelRead`] when it cannot be read, and [`AlignError::ModelFormat`] (naming
    /// what did not fit and at which byte) when it is not a complete, consistent dlib
    /// `shape_predictor` of version 1 with 5 landmarks.
    pub fn load(path: &Path) -> Result<Self, AlignError> {
        let bytes = std::fs::read(path).map_err(|source| {
            if source.kind() == std::io::ErrorKind::NotFound {
                AlignError::ModelMissing {
                    path: path.to_path_buf(),
                }
            } else {
                AlignError::ModelRead {
                    path: path.to_path_buf(),
                    source,
                }
            }
        })?;
        Self::from_bytes(&bytes).map_err(|error| AlignError::ModelFormat {
            path: path.to_path_buf(),
            reason: error.to_string(),
        })
    }

    /// Reads a shape predictor from the bytes of its file; the error says what did not fit and
    /// at which byte.
    fn from_bytes(bytes: &[u8]) -> Result<Self, reader::ReadError> {
        let model = model::parse(bytes)?;
        let max_pixels = model
            .cascades
            .iter()
            .map(|cascade| cascade.anchors.len())
            .max()
            .unwrap_or(0);
        tracing::debug!(
            cascades = model.cascades.len(),
            max_pixels,
            "loaded dlib shape predictor"
        );
        Ok(Self {
            reference: CentredReference::new(&model.initial_shape),
            initial_shape: model.initial_shape,
            cascades: model.cascades,
            max_pixels,
        })
    }

    /// Number of landmarks the model finds (5).
    pub fn part_count(&self) -> usize {
        SHAPE_LEN / 2
    }

    /// Number of cascade levels of the model (15 for dlib's 5-point model).
    pub fn cascade_count(&self) -> usize {
        self.cascades.len()
    }

    /// The face's landmarks in `rect` as dlib returns them: each coordinate rounded to the
    /// nearest whole pixel (`floor(v + 0.5)`, dlib's conversion to its integer `point`), so a face
    /// chip built on them reproduces dlib's chip.
    ///
    /// `rect` may lie partly or wholly outside the image; pixels outside read as 0, as in dlib.
    pub fn predict(&self, image: &BgrImage<'_>, rect: &FaceBox) -> Landmarks {
        let points = self.predict_image_points(image, rect);
        let rounded = points.map(|[x, y]| {
            Point::new(
                transform::round_like_dlib(x) as f32,
                transform::round_like_dlib(y) as f32,
            )
        });
        dlib5(rounded)
    }

    /// The same landmarks as [`Self::predict`] before dlib rounds them to whole pixels.
    pub fn predict_unrounded(&self, image: &BgrImage<'_>, rect: &FaceBox) -> Landmarks {
        let points = self.predict_image_points(image, rect);
        dlib5(points.map(|[x, y]| Point::new(x as f32, y as f32)))
    }

    /// The final shape mapped to frame pixels, in the f64 dlib computes it in.
    fn predict_image_points(&self, image: &BgrImage<'_>, rect: &FaceBox) -> [[f64; 2]; 5] {
        let shape = predict::run(self, image, rect);
        let to_image = transform::BoxTransform::new(rect);
        std::array::from_fn(|part| to_image.apply(shape[2 * part], shape[2 * part + 1]))
    }
}

/// Wraps five points as [`LandmarkScheme::Dlib5`] landmarks.
fn dlib5(points: [Point; 5]) -> Landmarks {
    // Five points are exactly what the scheme needs, so this cannot fail.
    Landmarks::new(LandmarkScheme::Dlib5, points.to_vec())
        .expect("five points always make Dlib5 landmarks")
}

impl fmt::Debug for ShapePredictor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The trees are megabytes of numbers; their counts say which model this is.
        f.debug_struct("ShapePredictor")
            .field("parts", &self.part_count())
            .field("cascades", &self.cascades.len())
            .field(
                "trees",
                &self
                    .cascades
                    .iter()
                    .map(|cascade| cascade.trees.len())
                    .sum::<usize>(),
            )
            .field("max_pixels", &self.max_pixels)
            .finish()
    }
}

#[cfg(test)]
mod tests;
