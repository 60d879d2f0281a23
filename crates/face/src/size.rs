//! [`ImageSize`]: the width and height of a frame or an image.

use std::fmt;

/// Width and height of a frame in pixels (signed, as OpenCV and the original's arithmetic use
/// them; a size read from a real image is positive).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ImageSize {
    /// Width in pixels.
    pub width: i32,
    /// Height in pixels.
    pub height: i32,
}

impl ImageSize {
    /// A size from width and height in pixels.
    pub const fn new(width: i32, height: i32) -> Self {
        Self { width, height }
    }

    /// The same size with each side rounded up to an even number (what 4:2:0 encoders need).
    pub const fn even(self) -> Self {
        Self::new(
            self.width.saturating_add(self.width & 1),
            self.height.saturating_add(self.height & 1),
        )
    }

    /// Both sides are positive.
    pub const fn is_positive(self) -> bool {
        self.width > 0 && self.height > 0
    }
}

impl fmt::Display for ImageSize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}x{}", self.width, self.height)
    }
}
