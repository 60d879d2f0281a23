//! Where the detector model files live: [`default_models_dir`] and the existence check.

use std::path::{Path, PathBuf};

use crate::error::DetectError;

/// Environment variable that overrides the models directory.
pub const MODELS_DIR_ENV: &str = "AGENDER_MODELS";

/// The models directory: `$AGENDER_MODELS` if set, else `<workspace>/models` of the source tree
/// this crate was built from (where `cargo xtask fetch-models` writes).
pub fn default_models_dir() -> PathBuf {
    std::env::var_os(MODELS_DIR_ENV)
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("..")
                .join("..")
                .join("models")
        })
}

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
