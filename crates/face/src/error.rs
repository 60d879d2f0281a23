//! The one error type of this crate.

/// An image view or a set of landmarks that does not hold together.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FaceError {
    /// A BGR image's dimensions do not fit its buffer (see [`crate::BgrImage::new`]).
    #[error(
        "invalid BGR image {width}x{height} with stride {stride} bytes over a {len}-byte buffer: \
         {reason}; pass the width/height in pixels and the row stride in bytes of a 3-channel u8 image"
    )]
    InvalidImage {
        /// Width in pixels as given.
        width: usize,
        /// Height in pixels as given.
        height: usize,
        /// Row stride in bytes as given.
        stride: usize,
        /// Length of the buffer in bytes.
        len: usize,
        /// What is inconsistent.
        reason: &'static str,
    },

    /// A set of landmarks has the wrong number of points for its scheme.
    #[error("{scheme} landmarks need {expected} points, got {got}")]
    LandmarkCount {
        /// The scheme the points were given for.
        scheme: crate::LandmarkScheme,
        /// Points the scheme has.
        expected: usize,
        /// Points given.
        got: usize,
    },
}
