//! Where the tests of every crate find what lives outside the repository: the shared test data
//! (`../shared` beside the checkout, or `$AGENDER_SHARED`), its model mirror, and the models
//! `cargo xtask fetch-models` wrote (`<checkout>/models`, or `$AGENDER_MODELS`).
//!
//! Each lookup fails loudly with the fix when the data is missing: a test that cannot find its
//! data must not pass by skipping its checks.

use std::path::{Path, PathBuf};

/// Environment variable that points at the shared test data (default `../shared`).
pub const SHARED_ENV: &str = "AGENDER_SHARED";

/// Environment variable that points at the models directory (default `<checkout>/models`).
pub const MODELS_ENV: &str = "AGENDER_MODELS";

/// The command that fills the models directory.
pub const FETCH_MODELS_HINT: &str =
    "run `cargo xtask fetch-models --mirror ../shared/mirror` first";

/// The root of this checkout (the workspace).
pub fn workspace_root() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    root.canonicalize().unwrap_or(root)
}

/// The shared data directory, checked to hold `testdata/`.
pub fn shared_dir() -> PathBuf {
    let dir = std::env::var_os(SHARED_ENV)
        .filter(|value| !value.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("../shared"));
    assert!(
        dir.join("testdata").is_dir(),
        "shared test data not found at {}: put ../shared beside the checkout or set {SHARED_ENV}",
        dir.display()
    );
    dir
}

/// A file or folder below `shared/testdata`, checked to exist.
pub fn testdata(relative: impl AsRef<Path>) -> PathBuf {
    let path = shared_dir().join("testdata").join(relative);
    assert!(path.exists(), "missing test data {}", path.display());
    path
}

/// A video of `shared/testdata/videos`, checked to exist.
pub fn test_video(name: &str) -> PathBuf {
    testdata(Path::new("videos").join(name))
}

/// The upstream model mirror, `shared/mirror`.
pub fn mirror_dir() -> PathBuf {
    let dir = shared_dir().join("mirror");
    assert!(dir.is_dir(), "model mirror not found at {}", dir.display());
    dir
}

/// The models directory of this checkout, or `$AGENDER_MODELS` when it is set.
pub fn models_dir() -> PathBuf {
    std::env::var_os(MODELS_ENV)
        .filter(|value| !value.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("models"))
}

/// A model file of [`models_dir`], checked to exist (with the fetch command when it does not).
pub fn model(file: &str) -> PathBuf {
    let path = models_dir().join(file);
    assert!(
        path.is_file(),
        "{} is missing: {FETCH_MODELS_HINT}",
        path.display()
    );
    path
}

/// `file` from [`models_dir`] when it was fetched there, else straight from the shared mirror: for
/// models used as upstream ships them (no conversion), so a test needs no fetch first.
pub fn model_or_mirror(file: &str) -> PathBuf {
    let fetched = models_dir().join(file);
    if fetched.is_file() {
        fetched
    } else {
        mirror_dir().join(file)
    }
}
