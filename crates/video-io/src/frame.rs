//! A decoded frame ([`Frame`]) and a frame size ([`FrameSize`]).

use std::fmt;

use opencv::core::Mat;
use opencv::prelude::*;

/// Width and height of a frame in pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FrameSize {
    /// Width in pixels.
    pub width: i32,
    /// Height in pixels.
    pub height: i32,
}

impl FrameSize {
    /// A size from width and height in pixels.
    pub const fn new(width: i32, height: i32) -> Self {
        Self { width, height }
    }

    /// The size of an OpenCV image.
    pub fn of(image: &Mat) -> Self {
        Self::new(image.cols(), image.rows())
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

impl fmt::Display for FrameSize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}x{}", self.width, self.height)
    }
}

/// One decoded frame.
#[derive(Debug)]
pub struct Frame {
    /// Position in the source, from 0.
    pub index: u64,
    /// Presentation time from the start of the source in milliseconds: [`Frame::pts`] in
    /// milliseconds for video files, time since opening for cameras, 0 for images (they have
    /// no time).
    pub timestamp_ms: f64,
    /// Presentation time of a video file's frame in ticks of the reader's time base
    /// ([`crate::StreamTiming::time_base`]) from the start of the stream, strictly increasing
    /// (a missing timestamp is extrapolated by one average frame duration, a repeated or
    /// earlier one moved after the previous frame); `None` for cameras and images.
    pub pts: Option<i64>,
    /// The pixels, always BGR 8-bit (`CV_8UC3`).
    pub image: Mat,
}

impl Frame {
    /// Width and height of the image.
    pub fn size(&self) -> FrameSize {
        FrameSize::of(&self.image)
    }
}
