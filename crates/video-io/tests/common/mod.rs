//! Shared helpers of the integration tests: where `../shared` is, scratch directories.

#![allow(dead_code)]

use std::path::PathBuf;

/// `$AGENDER_SHARED`, else `<workspace>/../shared`.
pub fn shared_dir() -> PathBuf {
    std::env::var_os("AGENDER_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../../..")
                .join("shared")
        })
}

/// A file of `shared/testdata/videos`, failing clearly when the shared data is missing.
pub fn test_video(name: &str) -> PathBuf {
    let path = shared_dir().join("testdata/videos").join(name);
    assert!(
        path.is_file(),
        "test video {} missing: set AGENDER_SHARED to the shared data directory",
        path.display()
    );
    path
}

/// A file of `shared/mirror`, failing clearly when the shared data is missing.
pub fn mirror_file(name: &str) -> PathBuf {
    let path = shared_dir().join("mirror").join(name);
    assert!(
        path.is_file(),
        "mirror file {} missing: set AGENDER_SHARED to the shared data directory",
        path.display()
    );
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
