//! Where the converted models live: [`default_models_dir`] and [`ModelPaths`].

use std::path::PathBuf;

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

/// The two model files an estimator was loaded from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelPaths {
    /// The age net.
    pub age: PathBuf,
    /// The gender net.
    pub gender: PathBuf,
}
