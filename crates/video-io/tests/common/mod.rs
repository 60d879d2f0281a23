//! Shared helpers of the integration tests: where `../shared` is, scratch directories.

#![allow(dead_code, unused_imports)] // each test binary uses a different subset

use std::path::PathBuf;

pub use test_data::{shared_dir, test_video};

/// A file of `shared/mirror`, failing clearly when the shared data is missing.
pub fn mirror_file(name: &str) -> PathBuf {
    let path = test_data::mirror_dir().join(name);
    assert!(path.is_file(), "mirror file {} missing", path.display());
    path
}

/// A fresh, empty scratch directory for one test.
pub fn scratch_dir(test: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("video-io")
        .join(test);
    if dir.exists() {
        std::fs::remove_dir_all(&dir).expect("clear the scratch directory");
    }
    std::fs::create_dir_all(&dir).expect("create the scratch directory");
    dir
}
