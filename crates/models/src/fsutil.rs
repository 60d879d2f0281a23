//! File helpers shared by the fetcher and the converters.

use std::io::Write;
use std::path::Path;

use crate::error::{Context, ModelsError, Result};

/// Writes `bytes` to `path` through a temporary file in the same folder, synced and then renamed,
/// so readers see either the old file or the complete new one, never a partial write.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut temp = temp_file_beside(path)?;
    temp.write_all(bytes)
        .map_err(|e| ModelsError::io("writing", temp.path(), e))?;
    persist(temp, path)
}

/// A temporary file in `path`'s folder (created if needed), deleted on drop unless persisted.
pub fn temp_file_beside(path: &Path) -> Result<tempfile::NamedTempFile> {
    let dir = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir).map_err(|e| ModelsError::io("creating folder", dir, e))?;
    let file_name = path
        .file_name()
        .with_context(|| format!("{} has no file name", path.display()))?
        .to_string_lossy();
    tempfile::Builder::new()
        .prefix(&format!(".{file_name}."))
        .suffix(".part")
        .tempfile_in(dir)
        .map_err(|e| ModelsError::io("creating a temporary file in", dir, e))
}

/// Permissions of fetched and converted files: readable by everyone (temporary files are 0600).
#[cfg(unix)]
const PUBLISHED_FILE_MODE: u32 = 0o644;

/// Syncs `temp` to disk, makes it world-readable and renames it to `path` (atomic on the same
/// file system).
pub fn persist(temp: tempfile::NamedTempFile, path: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        temp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(PUBLISHED_FILE_MODE))
            .map_err(|e| ModelsError::io("setting permissions of", temp.path(), e))?;
    }
    temp.as_file()
        .sync_all()
        .map_err(|e| ModelsError::io("syncing", temp.path(), e))?;
    temp.persist(path)
        .map_err(|e| e.error)
        .map_err(|e| ModelsError::io("renaming the temporary file to", path, e))?;
    Ok(())
}
