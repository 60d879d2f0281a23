//! The detector model files: the existence check and OpenCV's UTF-8 paths. Where they live when
//! the caller names no directory is every crate's rule, [`face::default_models_dir`].

use std::path::Path;

use crate::error::DetectError;

/// Errors with [`DetectError::ModelMissing`] unless `path` is an existing file.
pub(crate) fn require_file(what: &'static str, path: &Path) -> Result<(), DetectError> {
    if path.is_file() {
        Ok(())
    } else {
        Err(DetectError::ModelMissing {
            what,
            path: path.to_path_buf(),
        })
    }
}

/// The path as a UTF-8 string for OpenCV, which takes `&str` file names.
#[cfg(feature = "opencv")]
pub(crate) fn utf8_path<'a>(what: &'static str, path: &'a Path) -> Result<&'a str, DetectError> {
    path.to_str().ok_or_else(|| DetectError::ModelLoad {
        what,
        path: path.to_path_buf(),
        reason: "OpenCV needs a UTF-8 path; move the file to a UTF-8 path".to_owned(),
    })
}
