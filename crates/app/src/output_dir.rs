//! Output files (video, JSON, CSV) may be named inside directories that do not exist yet; they are
//! created before the file.

use std::path::Path;

use anyhow::{Context, Result};

/// Creates the directory that will hold `path`, with its parents, when `path` names one.
pub fn create_parent_dir(path: &Path) -> Result<()> {
    let Some(parent) = path
        .parent()
        .filter(|parent| !parent.as_os_str().is_empty())
    else {
        return Ok(());
    };
    std::fs::create_dir_all(parent).with_context(|| {
        format!(
            "cannot create the output directory {}: check the path and permissions",
            parent.display()
        )
    })
}
