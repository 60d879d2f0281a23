//! Where frames come from: [`Source`] and the heuristics of [`Source::parse`].

use std::fmt;
use std::path::{Path, PathBuf};

use crate::directory::{IMAGE_EXTENSIONS, VIDEO_EXTENSIONS, files_with_extensions, has_extension};

/// An input of the pipeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A video file (anything FFmpeg's libraries decode, GIF included).
    File(PathBuf),
    /// A directory: one of its video files, picked at random (reproducibly with a seed).
    Directory {
        /// The directory.
        path: PathBuf,
        /// Seed of the pick; `None` seeds from the clock.
        seed: Option<u64>,
    },
    /// A camera by OpenCV index (0 is the default camera).
    Camera(i32),
    /// One still image, read as a one-frame video.
    Image(PathBuf),
    /// A directory of still images, read in sorted order as frames.
    ImageDirectory(PathBuf),
}

impl Source {
    /// Interprets a command-line or config input:
    /// - an existing directory is [`Source::Directory`] when it holds a video file, else
    ///   [`Source::ImageDirectory`] when it holds an image file, else [`Source::Directory`]
    ///   (which then fails to open, naming the directory);
    /// - a path with an image extension (png, jpg, ...) is [`Source::Image`];
    /// - a non-negative integer that is not an existing path is [`Source::Camera`];
    /// - anything else is [`Source::File`] (a missing file fails to open, naming the path).
    pub fn parse(input: &str) -> Source {
        let path = Path::new(input);
        if path.is_dir() {
            return Self::classify_directory(path);
        }
        if has_extension(path, IMAGE_EXTENSIONS) {
            return Source::Image(path.to_path_buf());
        }
        if !path.exists()
            && let Ok(index) = input.trim().parse::<i32>()
            && index >= 0
        {
            return Source::Camera(index);
        }
        Source::File(path.to_path_buf())
    }

    fn classify_directory(path: &Path) -> Source {
        let has = |extensions: &[&str]| {
            files_with_extensions(path, extensions).is_ok_and(|files| !files.is_empty())
        };
        if !has(VIDEO_EXTENSIONS) && has(IMAGE_EXTENSIONS) {
            Source::ImageDirectory(path.to_path_buf())
        } else {
            Source::Directory {
                path: path.to_path_buf(),
                seed: None,
            }
        }
    }

    /// The same source with the seed of a directory pick set (other sources are unchanged).
    pub fn with_seed(self, seed: Option<u64>) -> Source {
        match self {
            Source::Directory { path, .. } => Source::Directory { path, seed },
            other => other,
        }
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::File(path) => write!(f, "video {}", path.display()),
            Source::Directory {
                path,
                seed: Some(seed),
            } => write!(f, "a video from {} (seed {seed})", path.display()),
            Source::Directory { path, seed: None } => {
                write!(f, "a random video from {}", path.display())
            }
            Source::Camera(index) => write!(f, "camera {index}"),
            Source::Image(path) => write!(f, "image {}", path.display()),
            Source::ImageDirectory(path) => write!(f, "images in {}", path.display()),
        }
    }
}
