//! Where every crate looks for its model files when the caller names no directory.

use std::path::PathBuf;

/// Environment variable that names the models directory.
pub const MODELS_DIR_ENV: &str = "AGENDER_MODELS";

/// The directory used when `$AGENDER_MODELS` is not set, relative to the working directory (where
/// `cargo xtask fetch-models` writes when run from the checkout).
pub const DEFAULT_MODELS_DIR: &str = "models";

/// The models directory: `$AGENDER_MODELS` if it is set and not empty, else `./models`.
///
/// One rule for every crate, so a program that reuses them finds its models the same way
/// whichever crate loads them; a program that keeps its models elsewhere passes the directory
/// to the loaders itself.
pub fn default_models_dir() -> PathBuf {
    std::env::var_os(MODELS_DIR_ENV)
        .filter(|value| !value.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(DEFAULT_MODELS_DIR))
}
