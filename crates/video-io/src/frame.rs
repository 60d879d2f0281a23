//! A decoded frame ([`Frame`]) and the size of an OpenCV image ([`mat_size`]).

use face::ImageSize;
use opencv::core::Mat;
use opencv::prelude::*;

/// The size of an OpenCV image.
pub fn mat_size(image: &Mat) -> ImageSize {
    ImageSize::new(image.cols(), image.rows())
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
    pub fn size(&self) -> ImageSize {
        mat_size(&self.image)
    }
}
