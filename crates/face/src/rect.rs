//! [`PixelRect`]: a face box in whole pixels.

/// A box in whole pixels with inclusive corners (`right - left + 1` pixels wide), the form of
/// dlib's `rectangle` and of the detectors' boxes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct PixelRect {
    /// Leftmost column.
    pub left: i32,
    /// Top row.
    pub top: i32,
    /// Rightmost column (inclusive).
    pub right: i32,
    /// Bottom row (inclusive).
    pub bottom: i32,
}

impl PixelRect {
    /// A box from its inclusive corners.
    pub const fn new(left: i32, top: i32, right: i32, bottom: i32) -> Self {
        Self {
            left,
            top,
            right,
            bottom,
        }
    }

    /// Width in pixels (`right - left + 1`; 0 for an empty box).
    pub fn width(&self) -> i64 {
        (i64::from(self.right) - i64::from(self.left) + 1).max(0)
    }

    /// Height in pixels (`bottom - top + 1`; 0 for an empty box).
    pub fn height(&self) -> i64 {
        (i64::from(self.bottom) - i64::from(self.top) + 1).max(0)
    }

    /// Whether the box holds no pixel.
    pub fn is_empty(&self) -> bool {
        self.width() == 0 || self.height() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn corners_are_inclusive() {
        let rect = PixelRect::new(10, 20, 19, 24);
        assert_eq!((rect.width(), rect.height()), (10, 5));
        assert!(!rect.is_empty());
        assert!(PixelRect::new(5, 5, 4, 9).is_empty());
    }
}
