//! The two transforms of dlib's shape predictor: the similarity transform from the mean shape to
//! the current shape (`find_tform_between_shapes`), and the map from the unit square to the face
//! box (`unnormalizing_tform`), computed in the precisions dlib uses.

use face::FaceBox;

use super::SHAPE_LEN;

/// Points per shape.
const PARTS: usize = SHAPE_LEN / 2;

/// The mean shape's points relative to their centroid, with their mean squared distance from it:
/// the half of Umeyama's least-squares similarity that does not change between calls.
#[derive(Debug, Clone)]
pub(crate) struct CentredReference {
    /// Each point minus the centroid, in f64 as dlib's `find_similarity_transform` works.
    centred: [[f64; 2]; PARTS],
    /// Mean squared distance of the points from their centroid (Umeyama's sigma_from).
    sigma: f64,
}

impl CentredReference {
    /// Centres the mean shape `reference` (x0, y0, x1, y1, ...).
    pub fn new(reference: &[f32; SHAPE_LEN]) -> Self {
        let mean = centroid(reference);
        let mut centred = [[0.0; 2]; PARTS];
        let mut sigma = 0.0;
        for (part, slot) in centred.iter_mut().enumerate() {
            let x = f64::from(reference[2 * part]) - mean[0];
            let y = f64::from(reference[2 * part + 1]) - mean[1];
            *slot = [x, y];
            sigma += x * x + y * y;
        }
        Self {
            centred,
            sigma: sigma / PARTS as f64,
        }
    }

    /// The 2x2 linear part (row-major) of the least-squares similarity transform from the
    /// reference shape to `current`, cast to f32 as dlib casts it before use.
    ///
    /// dlib finds it with Umeyama's method through an SVD of the 2x2 cross-covariance; in two
    /// dimensions that solution has the closed form `[[a + d, b - c], [c - b, a + d]] / sigma`
    /// (covariance `[[a, b], [c, d]]`), also when dlib's reflection correction applies, so the
    /// two agree to the last bits of a double, far below an f32's resolution.
    pub fn similarity_to(&self, current: &[f32; SHAPE_LEN]) -> [[f32; 2]; 2] {
        let mean = centroid(current);
        let mut cov = [[0.0f64; 2]; 2];
        for (part, from) in self.centred.iter().enumerate() {
            let to = [
                f64::from(current[2 * part]) - mean[0],
                f64::from(current[2 * part + 1]) - mean[1],
            ];
            for (row, &to_value) in cov.iter_mut().zip(&to) {
                row[0] += to_value * from[0];
                row[1] += to_value * from[1];
            }
        }
        let n = PARTS as f64;
        let [[a, b], [c, d]] = cov.map(|row| row.map(|value| value / n));
        // dlib keeps the scale at 1 when the reference has no extent; the mean shape always has.
        let scale = if self.sigma != 0.0 {
            1.0 / self.sigma
        } else {
            1.0
        };
        let diagonal = ((a + d) * scale) as f32;
        let off = ((b - c) * scale) as f32;
        [[diagonal, off], [-off, diagonal]]
    }
}

/// The centroid of a shape's points in f64, summed in order as dlib does.
fn centroid(shape: &[f32; SHAPE_LEN]) -> [f64; 2] {
    let mut sum = [0.0f64; 2];
    for point in shape.chunks_exact(2) {
        sum[0] += f64::from(point[0]);
        sum[1] += f64::from(point[1]);
    }
    [sum[0] / PARTS as f64, sum[1] / PARTS as f64]
}

/// dlib's `unnormalizing_tform(rect)`: maps (0, 0) to the box's top-left corner and (1, 1) to its
/// bottom-right corner (inclusive corners, so the scale is the corner width `x2 - x1`, not the
/// pixel width).
#[derive(Debug, Clone, Copy)]
pub(crate) struct BoxTransform {
    origin: [f64; 2],
    scale: [f64; 2],
}

impl BoxTransform {
    /// The transform of `rect`.
    pub fn new(rect: &FaceBox) -> Self {
        let left = f64::from(rect.x1);
        let top = f64::from(rect.y1);
        Self {
            origin: [left, top],
            scale: [f64::from(rect.x2) - left, f64::from(rect.y2) - top],
        }
    }

    /// The image point of the normalised point (`x`, `y`), in f64 as dlib's
    /// `point_transform_affine` computes it.
    pub fn apply(&self, x: f32, y: f32) -> [f64; 2] {
        [
            self.scale[0] * f64::from(x) + self.origin[0],
            self.scale[1] * f64::from(y) + self.origin[1],
        ]
    }
}

/// dlib's conversion of a floating-point coordinate to its integer `point`: `floor(v + 0.5)`
/// (`vector_assign_helper`), saturating where a C++ cast would be undefined.
pub(crate) fn round_like_dlib(value: f64) -> i64 {
    (value + 0.5).floor() as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_similarity_of_a_rotated_scaled_shifted_shape_is_recovered() {
        let reference = [0.1, 0.2, 0.9, 0.25, 0.5, 0.6, 0.3, 0.8, 0.7, 0.85];
        let (angle, scale, shift) = (0.3f64, 1.7f64, [0.4f64, -0.2f64]);
        let (sin, cos) = angle.sin_cos();
        let mut current = [0.0f32; SHAPE_LEN];
        for part in 0..PARTS {
            let (x, y) = (
                f64::from(reference[2 * part]),
                f64::from(reference[2 * part + 1]),
            );
            current[2 * part] = (scale * (cos * x - sin * y) + shift[0]) as f32;
            current[2 * part + 1] = (scale * (sin * x + cos * y) + shift[1]) as f32;
        }
        let m = CentredReference::new(&reference).similarity_to(&current);
        let expected = [[scale * cos, -scale * sin], [scale * sin, scale * cos]];
        for (row, expected_row) in m.iter().zip(&expected) {
            for (&got, &want) in row.iter().zip(expected_row) {
                assert!(
                    (f64::from(got) - want).abs() < 1e-6,
                    "{m:?} vs {expected:?}"
                );
            }
        }
    }

    #[test]
    fn a_mirrored_shape_gets_the_best_rotation_not_a_reflection() {
        // Umeyama's reflection correction: mirroring x gives a proper rotation (det > 0).
        let reference = [0.1, 0.2, 0.9, 0.25, 0.5, 0.6, 0.3, 0.8, 0.7, 0.85];
        let mut mirrored = reference;
        for part in 0..PARTS {
            mirrored[2 * part] = 1.0 - reference[2 * part];
        }
        let m = CentredReference::new(&reference).similarity_to(&mirrored);
        assert!(m[0][0] * m[1][1] - m[0][1] * m[1][0] >= 0.0, "{m:?}");
    }

    #[test]
    fn the_box_maps_the_unit_square_onto_its_inclusive_corners() {
        let tform = BoxTransform::new(&FaceBox::new(10, 20, 109, 69));
        assert_eq!(tform.apply(0.0, 0.0), [10.0, 20.0]);
        assert_eq!(tform.apply(1.0, 1.0), [109.0, 69.0]);
        assert_eq!(round_like_dlib(2.5), 3);
        assert_eq!(round_like_dlib(-2.5), -2);
        assert_eq!(round_like_dlib(f64::MAX), i64::MAX);
    }
}
