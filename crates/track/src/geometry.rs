//! The tracker's own geometry: face boxes in continuous pixel coordinates, their overlap (IoU)
//! and their motion between frames. Continuous, because a predicted box moves by fractions of a
//! pixel per frame.

use face::FaceBox;

/// An axis-aligned face box in pixels, half-open: it covers `left <= x < right` and
/// `top <= y < bottom`. Degenerate or non-finite boxes are allowed and simply overlap nothing.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct TrackBox {
    /// Left edge (first column inside the box).
    pub left: f32,
    /// Top edge (first row inside the box).
    pub top: f32,
    /// Right edge (first column past the box).
    pub right: f32,
    /// Bottom edge (first row past the box).
    pub bottom: f32,
}

impl TrackBox {
    /// A box from its half-open edges.
    pub(crate) const fn new(left: f32, top: f32, right: f32, bottom: f32) -> Self {
        Self {
            left,
            top,
            right,
            bottom,
        }
    }

    /// The pixels of a face box: its inclusive corners `x2`, `y2` are the last column and row
    /// inside, so the far edges are one past them.
    pub(crate) fn of(face: &FaceBox) -> Self {
        // Widen to f64 before adding 1 so that i32::MAX does not overflow.
        Self::new(
            face.x1 as f32,
            face.y1 as f32,
            (f64::from(face.x2) + 1.0) as f32,
            (f64::from(face.y2) + 1.0) as f32,
        )
    }

    /// The face box of the whole pixels nearest to this box's edges (saturating; a non-finite
    /// edge becomes 0).
    pub(crate) fn to_face_box(self) -> FaceBox {
        let edge = |value: f32| f64::from(value).round() as i32;
        let last = |value: f32| (f64::from(value).round() - 1.0) as i32;
        FaceBox::new(
            edge(self.left),
            edge(self.top),
            last(self.right),
            last(self.bottom),
        )
    }

    /// Width in pixels, 0 for an empty or non-finite box.
    pub(crate) fn width(&self) -> f32 {
        finite_or_zero(self.right - self.left).max(0.0)
    }

    /// Height in pixels, 0 for an empty or non-finite box.
    pub(crate) fn height(&self) -> f32 {
        finite_or_zero(self.bottom - self.top).max(0.0)
    }

    /// Area in square pixels, 0 for an empty or non-finite box.
    pub(crate) fn area(&self) -> f32 {
        finite_or_zero(self.width() * self.height())
    }

    /// Intersection over union with `other`, in `[0, 1]`; 0 when either box is empty.
    pub(crate) fn iou(&self, other: &TrackBox) -> f32 {
        let overlap = TrackBox::new(
            self.left.max(other.left),
            self.top.max(other.top),
            self.right.min(other.right),
            self.bottom.min(other.bottom),
        );
        let intersection = overlap.area();
        let union = self.area() + other.area() - intersection;
        if union > 0.0 {
            finite_or_zero(intersection / union).clamp(0.0, 1.0)
        } else {
            0.0
        }
    }

    /// This box moved by `velocity` for `frames` frames.
    pub(crate) fn advanced(&self, velocity: &BoxVelocity, frames: f32) -> TrackBox {
        TrackBox::new(
            self.left + velocity.left * frames,
            self.top + velocity.top * frames,
            self.right + velocity.right * frames,
            self.bottom + velocity.bottom * frames,
        )
    }
}

/// Replaces NaN and infinities by 0 so that broken boxes cannot poison IoU or areas.
fn finite_or_zero(value: f32) -> f32 {
    if value.is_finite() { value } else { 0.0 }
}

/// Per-frame displacement of each edge of a box (pixels per frame).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub(crate) struct BoxVelocity {
    /// Left edge displacement per frame.
    pub left: f32,
    /// Top edge displacement per frame.
    pub top: f32,
    /// Right edge displacement per frame.
    pub right: f32,
    /// Bottom edge displacement per frame.
    pub bottom: f32,
}

impl BoxVelocity {
    /// The mean velocity that moves `from` onto `to` in `frames` frames; zero for non-finite
    /// input or `frames == 0`.
    pub(crate) fn between(from: &TrackBox, to: &TrackBox, frames: u64) -> Self {
        if frames == 0 {
            return Self::default();
        }
        let per_frame = |a: f32, b: f32| finite_or_zero((b - a) / frames as f32);
        Self {
            left: per_frame(from.left, to.left),
            top: per_frame(from.top, to.top),
            right: per_frame(from.right, to.right),
            bottom: per_frame(from.bottom, to.bottom),
        }
    }

    /// Exponential blend: `weight * newer + (1 - weight) * self`.
    pub(crate) fn blended(&self, newer: &BoxVelocity, weight: f32) -> Self {
        let mix = |old: f32, new: f32| weight * new + (1.0 - weight) * old;
        Self {
            left: mix(self.left, newer.left),
            top: mix(self.top, newer.top),
            right: mix(self.right, newer.right),
            bottom: mix(self.bottom, newer.bottom),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inclusive_corners_add_one_pixel_to_the_far_edges() {
        let face = TrackBox::of(&FaceBox::new(10, 20, 19, 39));
        assert_eq!(face, TrackBox::new(10.0, 20.0, 20.0, 40.0));
        assert_eq!(face.area(), 200.0);
        assert_eq!(face.to_face_box(), FaceBox::new(10, 20, 19, 39));
        let extreme = FaceBox::new(i32::MIN, i32::MIN, i32::MAX, i32::MAX);
        assert_eq!(TrackBox::of(&extreme).to_face_box(), extreme);
    }

    #[test]
    fn iou_of_half_overlapping_squares_is_one_third() {
        let a = TrackBox::new(0.0, 0.0, 10.0, 10.0);
        let b = TrackBox::new(5.0, 0.0, 15.0, 10.0);
        assert_eq!(a.iou(&b), 50.0 / 150.0);
        assert_eq!(a.iou(&a), 1.0);
    }

    #[test]
    fn disjoint_empty_and_nan_boxes_have_zero_iou() {
        let a = TrackBox::new(0.0, 0.0, 10.0, 10.0);
        assert_eq!(a.iou(&TrackBox::new(20.0, 20.0, 30.0, 30.0)), 0.0);
        assert_eq!(a.iou(&TrackBox::new(5.0, 5.0, 5.0, 9.0)), 0.0);
        assert_eq!(a.iou(&TrackBox::new(f32::NAN, 0.0, 10.0, 10.0)), 0.0);
        assert_eq!(a.iou(&TrackBox::new(0.0, 0.0, f32::INFINITY, 10.0)), 0.0);
        let inverted = TrackBox::new(10.0, 10.0, 0.0, 0.0);
        assert_eq!(inverted.area(), 0.0);
        assert_eq!(inverted.iou(&inverted), 0.0);
    }

    #[test]
    fn velocity_between_boxes_is_per_frame_and_advances_back() {
        let from = TrackBox::new(0.0, 0.0, 10.0, 10.0);
        let to = TrackBox::new(6.0, -3.0, 18.0, 7.0);
        let velocity = BoxVelocity::between(&from, &to, 3);
        assert_eq!(
            velocity,
            BoxVelocity {
                left: 2.0,
                top: -1.0,
                right: 8.0 / 3.0,
                bottom: -1.0
            }
        );
        assert_eq!(
            from.advanced(&velocity, 3.0),
            TrackBox::new(6.0, -3.0, 18.0, 7.0)
        );
        assert_eq!(BoxVelocity::between(&from, &to, 0), BoxVelocity::default());
    }
}
