//! The one error type of this crate.

use std::path::PathBuf;

/// Everything that can go wrong while writing a test clip.
#[derive(Debug, thiserror::Error)]
pub enum ClipError {
    /// FFmpeg's libraries failed.
    #[error("cannot {operation} for {}: {cause}", path.display())]
    Ffmpeg {
        /// The file being read or written.
        path: PathBuf,
        /// What was being done.
        operation: &'static str,
        /// FFmpeg's error.
        cause: ffmpeg_next::Error,
    },

    /// Reading or writing a file failed.
    #[error("cannot {operation} {}: {cause}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// What was being done.
        operation: &'static str,
        /// The I/O error.
        cause: std::io::Error,
    },

    /// A source clip has no video stream.
    #[error("{} has no video stream; give a video clip", path.display())]
    NoVideo {
        /// The file.
        path: PathBuf,
    },

    /// An argument is out of range.
    #[error("invalid argument: {0}")]
    Invalid(String),
}

impl ClipError {
    /// Wraps an FFmpeg error with the file and what was being done.
    pub(crate) fn ffmpeg(
        path: &std::path::Path,
        operation: &'static str,
    ) -> impl FnOnce(ffmpeg_next::Error) -> Self {
        let path = path.to_path_buf();
        move |cause| Self::Ffmpeg {
            path,
            operation,
            cause,
        }
    }

    /// Wraps an I/O error with the file and what was being done.
    pub(crate) fn io(
        path: &std::path::Path,
        operation: &'static str,
    ) -> impl FnOnce(std::io::Error) -> Self {
        let path = path.to_path_buf();
        move |cause| Self::Io {
            path,
            operation,
            cause,
        }
    }
}
