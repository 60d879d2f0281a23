//! [`FaceBox`]: a face's box in whole pixels, the one box type of every crate.

/// A face box in whole pixels, stored as the original program stores it: `[x1, y1, x2, y2]`,
/// where both corners are pixels inside the box (inclusive corners; dlib's `rectangle` uses the
/// same form).
///
/// Two widths exist, because the original program uses both and the parity tests check both:
/// - [`FaceBox::corner_width`] is `x2 - x1`, the distance between the corners: the detector's
///   `w` (a detector box `(x, y, w, h)` becomes `x2 = x + w`, see [`FaceBox::from_xywh`]), the
///   base of the original's padding and of [`FaceBox::iou`].
/// - [`FaceBox::pixel_width`] is `x2 - x1 + 1`, the number of pixel columns the box covers: the
///   size of a crop cut from it, and what dlib and the aligned estimators measure.
///
/// The same holds for the heights. Boxes may lie partly or wholly outside a frame, or be
/// inverted (`x2 < x1`); such a box covers no pixel ([`FaceBox::is_empty`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct FaceBox {
    /// Leftmost column inside the box.
    pub x1: i32,
    /// Top row inside the box.
    pub y1: i32,
    /// Rightmost column inside the box.
    pub x2: i32,
    /// Bottom row inside the box.
    pub y2: i32,
}

impl FaceBox {
    /// A box from its inclusive corners.
    pub const fn new(x1: i32, y1: i32, x2: i32, y2: i32) -> Self {
        Self { x1, y1, x2, y2 }
    }

    /// A box from a detector's `(x, y, w, h)`, as the original's Haar branch: `x2 = x + w`,
    /// `y2 = y + h` (saturating, so absurd values cannot overflow).
    pub const fn from_xywh(x: i32, y: i32, width: i32, height: i32) -> Self {
        Self {
            x1: x,
            y1: y,
            x2: x.saturating_add(width),
            y2: y.saturating_add(height),
        }
    }

    /// `x2 - x1` (the detector's `w`; negative for an inverted box, saturating).
    pub const fn corner_width(&self) -> i32 {
        self.x2.saturating_sub(self.x1)
    }

    /// `y2 - y1` (the detector's `h`; negative for an inverted box, saturating).
    pub const fn corner_height(&self) -> i32 {
        self.y2.saturating_sub(self.y1)
    }

    /// Number of pixel columns inside the box: `x2 - x1 + 1`, 0 for an inverted box.
    pub fn pixel_width(&self) -> i64 {
        (i64::from(self.x2) - i64::from(self.x1) + 1).max(0)
    }

    /// Number of pixel rows inside the box: `y2 - y1 + 1`, 0 for an inverted box.
    pub fn pixel_height(&self) -> i64 {
        (i64::from(self.y2) - i64::from(self.y1) + 1).max(0)
    }

    /// Whether the box covers no pixel (`x2 < x1` or `y2 < y1`).
    pub fn is_empty(&self) -> bool {
        self.pixel_width() == 0 || self.pixel_height() == 0
    }

    /// Intersection over union, treating the box as the continuous rectangle
    /// `[x1, x2] x [y1, y2]` (area `corner_width * corner_height`, the detector's `w * h`), as
    /// detectors compare boxes. 0 when either box has no area or they do not overlap.
    pub fn iou(&self, other: &FaceBox) -> f64 {
        let area =
            |b: &FaceBox| f64::from(b.corner_width().max(0)) * f64::from(b.corner_height().max(0));
        let inter_w = f64::from(self.x2.min(other.x2)) - f64::from(self.x1.max(other.x1));
        let inter_h = f64::from(self.y2.min(other.y2)) - f64::from(self.y1.max(other.y1));
        if inter_w <= 0.0 || inter_h <= 0.0 {
            return 0.0;
        }
        let intersection = inter_w * inter_h;
        let union = area(self) + area(other) - intersection;
        if union <= 0.0 {
            0.0
        } else {
            intersection / union
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn corners_are_inclusive() {
        let rect = FaceBox::new(10, 20, 19, 24);
        assert_eq!((rect.pixel_width(), rect.pixel_height()), (10, 5));
        assert_eq!((rect.corner_width(), rect.corner_height()), (9, 4));
        assert!(!rect.is_empty());
        assert!(FaceBox::new(5, 5, 4, 9).is_empty());
    }

    #[test]
    fn iou_of_identical_and_disjoint_boxes() {
        let a = FaceBox::from_xywh(0, 0, 10, 10);
        assert!((a.iou(&a) - 1.0).abs() < 1e-12);
        assert_eq!(a.iou(&FaceBox::from_xywh(20, 20, 5, 5)), 0.0);
        let half = FaceBox::from_xywh(5, 0, 10, 10);
        assert!((a.iou(&half) - 50.0 / 150.0).abs() < 1e-12);
    }
}
