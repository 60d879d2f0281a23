//! [`ModelPaths`]: the files an estimator was loaded from. Where they are looked for when the
//! caller names no directory is the rule of every crate, [`face::default_models_dir`].

use std::path::PathBuf;

/// The two model files an estimator was loaded from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelPaths {
    /// The age net.
    pub age: PathBuf,
    /// The gender net.
    pub gender: PathBuf,
}
