//! The one error type of this crate.

/// Everything that can go wrong while drawing.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// The frame is not a non-empty 8-bit 3-channel (BGR) image.
    #[error(
        "cannot draw on a {width}x{height} frame of OpenCV type {mat_type}: \
         pass a non-empty 8-bit BGR image (CV_8UC3)"
    )]
    InvalidFrame {
        /// Frame width in pixels.
        width: i32,
        /// Frame height in pixels.
        height: i32,
        /// OpenCV type code of the frame (`CV_8UC3` is 16).
        mat_type: i32,
    },

    /// An OpenCV drawing call failed.
    #[error("OpenCV failed to {operation}: {source}")]
    OpenCv {
        /// What was being drawn.
        operation: &'static str,
        /// The OpenCV error.
        #[source]
        source: opencv::Error,
    },
}

impl RenderError {
    /// Wraps an OpenCV error with what was being done.
    pub(crate) fn opencv(operation: &'static str) -> impl FnOnce(opencv::Error) -> Self {
        move |source| Self::OpenCv { operation, source }
    }
}
