//! [`ChipDetails`]: which rotated rectangle of an image becomes a face chip, as dlib's
//! `chip_details` and `get_face_chip_details`.

use face::{FaceBox, Landmarks};

use super::similarity::Similarity;
use super::template::{chip_point, unit_template};
use crate::error::AlignError;

/// A rectangle in image pixels with real corners, as dlib's `drectangle`: `right - left + 1`
/// wide, so a rectangle of `n` pixels has `right = left + n - 1`.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct ChipRect {
    /// Left edge (x of the first column's centre).
    pub left: f64,
    /// Top edge.
    pub top: f64,
    /// Right edge (inclusive, as dlib).
    pub right: f64,
    /// Bottom edge (inclusive).
    pub bottom: f64,
}

impl ChipRect {
    /// dlib's `drectangle::width`: `right - left + 1`, or 0 when empty.
    pub fn width(&self) -> f64 {
        if self.is_empty() {
            0.0
        } else {
            self.right - self.left + 1.0
        }
    }

    /// dlib's `drectangle::height`: `bottom - top + 1`, or 0 when empty.
    pub fn height(&self) -> f64 {
        if self.is_empty() {
            0.0
        } else {
            self.bottom - self.top + 1.0
        }
    }

    /// dlib's `drectangle::area`: width times height.
    pub fn area(&self) -> f64 {
        self.width() * self.height()
    }

    /// Whether the rectangle holds nothing (`top > bottom` or `left > right`, as dlib).
    pub fn is_empty(&self) -> bool {
        self.top > self.bottom || self.left > self.right
    }

    /// The centre, `((left + right) / 2, (top + bottom) / 2)`.
    pub fn centre(&self) -> [f64; 2] {
        [
            (self.left + self.right) / 2.0,
            (self.top + self.bottom) / 2.0,
        ]
    }

    /// Whether every corner is finite.
    pub fn is_finite(&self) -> bool {
        [self.left, self.top, self.right, self.bottom]
            .iter()
            .all(|v| v.is_finite())
    }

    /// dlib's `centered_drect(p, width, height)`.
    fn centred(p: [f64; 2], width: f64, height: f64) -> Self {
        let (half_w, half_h) = ((width - 1.0) / 2.0, (height - 1.0) / 2.0);
        Self {
            left: p[0] - half_w,
            top: p[1] - half_h,
            right: p[0] + half_w,
            bottom: p[1] + half_h,
        }
    }
}

/// dlib's `chip_details`: which rotated rectangle of the image becomes the chip.
///
/// The chip's `cols` x `rows` pixels cover `rect` turned by `angle` about its centre; a chip
/// pixel at (c, r) samples the image at the matching point of that turned rectangle.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ChipDetails {
    /// The rectangle before turning, in image pixels (its centre is the chip's centre).
    pub rect: ChipRect,
    /// How far the rectangle is turned about its centre, in radians, as dlib's (positive turns
    /// x towards y, i.e. clockwise on screen).
    pub angle: f64,
    /// Chip height in pixels.
    pub rows: u32,
    /// Chip width in pixels.
    pub cols: u32,
}

impl ChipDetails {
    /// dlib's `chip_details(chip_points, img_points, dims)` for a `size` x `size` chip: the
    /// least-squares similarity from the chip points to the image points fixes the angle, and
    /// the scale and translation fix the rectangle.
    ///
    /// Fails on unequal or too short point lists, non-finite points, a point set all at one
    /// place, or a zero size.
    pub fn from_point_pairs(
        chip_points: &[[f64; 2]],
        image_points: &[[f64; 2]],
        size: u32,
    ) -> Result<Self, AlignError> {
        if size == 0 {
            return Err(AlignError::ChipGeometry {
                reason: "the chip size is 0".to_owned(),
            });
        }
        let tform = Similarity::fit(chip_points, image_points)?;
        let side = f64::from(size);
        // dlib: the centre is the transform of (cols, rows) / 2, the extent dims * scale.
        let centre = tform.apply([side / 2.0, side / 2.0]);
        let rect = ChipRect::centred(centre, side * tform.scale, side * tform.scale);
        Ok(Self {
            rect,
            angle: tform.angle,
            rows: size,
            cols: size,
        })
    }

    /// dlib's `get_face_chip_details(det, size, padding)` for the landmarks' scheme: each
    /// template point `p` goes to `(padding + p) / (2 * padding + 1) * size` in the chip.
    ///
    /// Fails on a zero size, a negative or non-finite padding, or landmarks that are not finite
    /// or all at one place.
    pub fn from_landmarks(
        landmarks: &Landmarks,
        size: u32,
        padding: f64,
    ) -> Result<Self, AlignError> {
        if !(padding.is_finite() && padding >= 0.0) {
            return Err(AlignError::ChipGeometry {
                reason: format!("the padding must be finite and at least 0, got {padding}"),
            });
        }
        let template = unit_template(landmarks.scheme());
        let chip_points: Vec<[f64; 2]> = template
            .iter()
            .map(|&p| chip_point(p, size, padding))
            .collect();
        let image_points: Vec<[f64; 2]> = landmarks
            .points()
            .iter()
            .map(|p| [f64::from(p.x), f64::from(p.y)])
            .collect();
        Self::from_point_pairs(&chip_points, &image_points, size)
    }

    /// The fallback when a face has no landmarks: the box itself, upright (angle 0), as a
    /// `size` x `size` chip. An empty box gives an empty rectangle, which [`super::extract_chip`]
    /// refuses.
    pub fn from_box(rect: &FaceBox, size: u32) -> Self {
        Self {
            rect: ChipRect {
                left: f64::from(rect.x1),
                top: f64::from(rect.y1),
                right: f64::from(rect.x2),
                bottom: f64::from(rect.y2),
            },
            angle: 0.0,
            rows: size,
            cols: size,
        }
    }
}

#[cfg(test)]
mod tests {
    use face::{LandmarkScheme, Point};

    use super::*;

    #[test]
    fn template_points_on_the_image_give_the_upright_chip_rectangle() {
        // Landmarks exactly at the template of a 100 px chip placed at (40, 30), scale 1.
        let points = unit_template(LandmarkScheme::Yunet5)
            .iter()
            .map(|&p| {
                let q = chip_point(p, 100, 0.25);
                Point::new((q[0] + 40.0) as f32, (q[1] + 30.0) as f32)
            })
            .collect();
        let landmarks = Landmarks::new(LandmarkScheme::Yunet5, points).unwrap();
        let details = ChipDetails::from_landmarks(&landmarks, 100, 0.25).unwrap();
        assert!(details.angle.abs() < 1e-6, "{details:?}");
        // dlib centres the rectangle on the image of chip point (50, 50), (90, 80), and gives it
        // `right - left = 99`: its left edge is half a pixel right of the template's origin.
        assert!((details.rect.left - 40.5).abs() < 1e-4, "{details:?}");
        assert!((details.rect.top - 30.5).abs() < 1e-4, "{details:?}");
        assert!((details.rect.width() - 100.0).abs() < 1e-4, "{details:?}");
        assert_eq!((details.rows, details.cols), (100, 100));
    }

    #[test]
    fn degenerate_landmarks_and_bad_parameters_are_errors() {
        let same = Landmarks::new(LandmarkScheme::Dlib5, vec![Point::new(5.0, 5.0); 5]).unwrap();
        assert!(ChipDetails::from_landmarks(&same, 64, 0.2).is_err());
        let nan = Landmarks::new(LandmarkScheme::Dlib5, vec![Point::new(f32::NAN, 5.0); 5]);
        assert!(ChipDetails::from_landmarks(&nan.unwrap(), 64, 0.2).is_err());
        let spread = Landmarks::new(
            LandmarkScheme::Dlib5,
            (0..5)
                .map(|i| Point::new(i as f32 * 7.0, (i * i) as f32))
                .collect(),
        )
        .unwrap();
        assert!(ChipDetails::from_landmarks(&spread, 64, 0.2).is_ok());
        assert!(ChipDetails::from_landmarks(&spread, 0, 0.2).is_err());
        assert!(ChipDetails::from_landmarks(&spread, 64, -0.1).is_err());
        assert!(ChipDetails::from_landmarks(&spread, 64, f64::NAN).is_err());
    }

    #[test]
    fn a_box_becomes_its_own_upright_rectangle() {
        let details = ChipDetails::from_box(&FaceBox::new(10, 20, 59, 69), 32);
        assert_eq!(details.angle, 0.0);
        assert_eq!((details.rect.width(), details.rect.height()), (50.0, 50.0));
        assert_eq!((details.rows, details.cols), (32, 32));
    }
}
