//! [`Point`] and [`Landmarks`]: where a face's features are, in the pixels of the frame they were
//! found in.

use std::fmt;

use crate::error::FaceError;

/// A point in image pixels (x to the right, y down; pixel centres at integer coordinates, as in
/// OpenCV and dlib).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Point {
    /// Horizontal coordinate.
    pub x: f32,
    /// Vertical coordinate.
    pub y: f32,
}

impl Point {
    /// A point at (`x`, `y`).
    pub const fn new(x: f32, y: f32) -> Self {
        Self { x, y }
    }

    /// Whether both coordinates are finite.
    pub fn is_finite(&self) -> bool {
        self.x.is_finite() && self.y.is_finite()
    }
}

/// Which points a set of [`Landmarks`] holds, in which order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LandmarkScheme {
    /// dlib's 5-point shape predictor (`shape_predictor_5_face_landmarks.dat`): the outer and
    /// inner corner of the eye on the image's right, the outer and inner corner of the eye on the
    /// image's left, and the base of the nose.
    Dlib5,
    /// YuNet's five points: right eye centre, left eye centre, nose tip, right and left mouth
    /// corner ("right" is the subject's right, on the image's left), as OpenCV's
    /// `FaceDetectorYN`.
    Yunet5,
}

impl LandmarkScheme {
    /// How many points the scheme has.
    pub const fn point_count(self) -> usize {
        match self {
            Self::Dlib5 | Self::Yunet5 => 5,
        }
    }

    /// The name used in configuration and output files: `"dlib5"` or `"yunet5"`.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Dlib5 => "dlib5",
            Self::Yunet5 => "yunet5",
        }
    }
}

impl fmt::Display for LandmarkScheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A face's landmarks: the points of one [`LandmarkScheme`], in its order, in frame pixels.
#[derive(Debug, Clone, PartialEq)]
pub struct Landmarks {
    scheme: LandmarkScheme,
    points: Vec<Point>,
}

impl Landmarks {
    /// Checks that `points` has as many points as `scheme` and wraps them.
    pub fn new(scheme: LandmarkScheme, points: Vec<Point>) -> Result<Self, FaceError> {
        if points.len() != scheme.point_count() {
            return Err(FaceError::LandmarkCount {
                scheme,
                expected: scheme.point_count(),
                got: points.len(),
            });
        }
        Ok(Self { scheme, points })
    }

    /// Which points these are.
    pub fn scheme(&self) -> LandmarkScheme {
        self.scheme
    }

    /// The points, in the scheme's order.
    pub fn points(&self) -> &[Point] {
        &self.points
    }

    /// Whether every point is finite.
    pub fn is_finite(&self) -> bool {
        self.points.iter().all(Point::is_finite)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wrong_number_of_points_is_refused_with_both_counts() {
        let error = Landmarks::new(LandmarkScheme::Dlib5, vec![Point::default(); 4]).unwrap_err();
        assert_eq!(error.to_string(), "dlib5 landmarks need 5 points, got 4");
        let ok = Landmarks::new(LandmarkScheme::Yunet5, vec![Point::new(1.0, 2.0); 5]).unwrap();
        assert_eq!(ok.scheme(), LandmarkScheme::Yunet5);
        assert!(ok.is_finite());
        let nan = Landmarks::new(LandmarkScheme::Yunet5, vec![Point::new(f32::NAN, 2.0); 5]);
        assert!(!nan.unwrap().is_finite());
    }
}
