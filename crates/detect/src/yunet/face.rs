//! One raw YuNet detection in frame pixels, before it becomes a [`face::Detection`].

use face::{LandmarkScheme, Point};

/// Points YuNet predicts per face.
pub(crate) const LANDMARK_COUNT: usize = LandmarkScheme::Yunet5.point_count();

/// A face exactly as YuNet (and OpenCV's `FaceDetectorYN`) reports it, in pixels of the frame
/// given to the detector: top-left corner, size, five landmarks and score.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct YunetFace {
    /// Left edge of the box (may be slightly negative for a face cut by the frame border).
    pub x: f32,
    /// Top edge of the box (may be slightly negative).
    pub y: f32,
    /// Box width.
    pub width: f32,
    /// Box height.
    pub height: f32,
    /// Right eye, left eye, nose tip, right mouth corner, left mouth corner ("right" is the
    /// subject's right, on the image's left), as in OpenCV's `FaceDetectorYN`.
    pub landmarks: [Point; LANDMARK_COUNT],
    /// `sqrt(cls * obj)`, both clamped to 0..1.
    pub score: f32,
}

impl YunetFace {
    /// The box as OpenCV's NMS sees it: `Rect2i(int(x), int(y), int(w), int(h))`, truncated
    /// toward zero like a C++ `int()` cast.
    pub(crate) fn truncated_rect(&self) -> TruncatedRect {
        TruncatedRect {
            x: self.x as i32,
            y: self.y as i32,
            width: self.width as i32,
            height: self.height as i32,
        }
    }
}

/// An integer box `x, y, width, height` (exclusive right/bottom edge at `x + width`), the form in
/// which OpenCV's `FaceDetectorYN` runs its non-maximum suppression.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TruncatedRect {
    /// Left edge.
    pub x: i32,
    /// Top edge.
    pub y: i32,
    /// Width (0 or more for a decoded box).
    pub width: i32,
    /// Height (0 or more for a decoded box).
    pub height: i32,
}

impl TruncatedRect {
    /// Area in pixels, as `cv::Rect::area()` (in `i64`, so no overflow).
    pub fn area(&self) -> i64 {
        i64::from(self.width) * i64::from(self.height)
    }

    /// Area of the intersection with `other` (0 when they do not overlap), as `(a & b).area()`.
    pub fn intersection_area(&self, other: &TruncatedRect) -> i64 {
        let left = i64::from(self.x.max(other.x));
        let top = i64::from(self.y.max(other.y));
        let right = (i64::from(self.x) + i64::from(self.width))
            .min(i64::from(other.x) + i64::from(other.width));
        let bottom = (i64::from(self.y) + i64::from(self.height))
            .min(i64::from(other.y) + i64::from(other.height));
        if right <= left || bottom <= top {
            0
        } else {
            (right - left) * (bottom - top)
        }
    }

    /// Intersection over union, as OpenCV's `1 - jaccardDistance(a, b)`: two empty boxes count
    /// as identical (1.0).
    pub fn iou(&self, other: &TruncatedRect) -> f32 {
        let sum = self.area() + other.area();
        if sum <= 0 {
            return 1.0;
        }
        let intersection = self.intersection_area(other);
        (intersection as f64 / (sum - intersection) as f64) as f32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rect(x: i32, y: i32, width: i32, height: i32) -> TruncatedRect {
        TruncatedRect {
            x,
            y,
            width,
            height,
        }
    }

    #[test]
    fn truncation_goes_toward_zero_like_a_cpp_int_cast() {
        let face = YunetFace {
            x: -1.7,
            y: 2.9,
            width: 10.99,
            height: 0.5,
            landmarks: [Point::new(0.0, 0.0); LANDMARK_COUNT],
            score: 0.95,
        };
        assert_eq!(face.truncated_rect(), rect(-1, 2, 10, 0));
    }

    #[test]
    fn iou_of_half_overlapping_boxes_is_one_third() {
        let a = rect(0, 0, 10, 10);
        let b = rect(5, 0, 10, 10);
        assert_eq!(a.intersection_area(&b), 50);
        assert!((a.iou(&b) - 1.0 / 3.0).abs() < 1e-6);
    }

    #[test]
    fn touching_boxes_do_not_overlap_and_empty_boxes_count_as_identical() {
        assert_eq!(rect(0, 0, 10, 10).iou(&rect(10, 0, 10, 10)), 0.0);
        assert_eq!(rect(3, 3, 0, 0).iou(&rect(50, 50, 0, 0)), 1.0);
    }
}
