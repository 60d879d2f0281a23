//! The one error type of this crate.

use std::path::PathBuf;

/// Everything that can go wrong while loading a shape predictor or aligning a face.
#[derive(Debug, thiserror::Error)]
pub enum AlignError {
    /// The shape predictor file is not where it was looked for.
    #[error(
        "shape predictor {} not found; run `cargo xtask fetch-models --mirror ../shared/mirror` \
         or point the config's `alignment.shape_predictor` at it",
        path.display()
    )]
    ModelMissing {
        /// The path that was looked up.
        path: PathBuf,
    },

    /// The shape predictor file could not be read.
    #[error("cannot read the shape predictor {}: {source}", path.display())]
    ModelRead {
        /// The file.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },

    /// The shape predictor file is not in dlib's serialisation of a `shape_predictor`.
    #[error(
        "{} is not a dlib shape predictor ({reason}); delete it and run `cargo xtask fetch-models`",
        path.display()
    )]
    ModelFormat {
        /// The file.
        path: PathBuf,
        /// What did not fit, and where.
        reason: String,
    },

    /// The points given for a face chip fix no similarity transform (too few, unequal counts,
    /// not finite, or all at one place).
    #[error("cannot align a face chip: {reason}")]
    ChipPoints {
        /// What is wrong with the points.
        reason: &'static str,
    },

    /// A chip's size, padding or rectangle is out of range.
    #[error("invalid face chip: {reason}")]
    ChipGeometry {
        /// Which value is out of range, and what it is.
        reason: String,
    },

    /// An image or landmarks given to this crate do not hold together.
    #[error(transparent)]
    Face(#[from] face::FaceError),
}
