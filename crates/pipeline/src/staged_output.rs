//! Outputs written beside their destination and renamed into place when complete, so a run
//! never truncates or deletes an existing file unless it replaces it with a finished one, and two
//! runs writing the same output at once leave one whole file, not an interleaving of both.

use std::fs::File;
use std::path::{Path, PathBuf};

use crate::error::{Context, Result, bail_run};
use tempfile::TempPath;

/// What a staged file's name starts with: hidden, and saying whose it is.
const STAGING_PREFIX: &str = ".";
/// Between the destination's name and tempfile's random part.
const STAGING_MARK: &str = ".agender-partial-";
/// Permissions of the finished file before the umask, as `File::create` gives them (tempfile's
/// own default is owner-only, which would change the permissions of a replaced output).
#[cfg(unix)]
const CREATE_MODE: u32 = 0o666;

/// A file being written at a temporary path beside `destination` (same directory, so the final
/// rename is atomic; same extension, so FFmpeg picks the container from it). Dropped without
/// [`StagedOutput::commit`], the temporary file is deleted and `destination` is left as it was.
///
/// A destination that exists and is not a regular file (`/dev/stdout`, a named pipe, a device) is
/// a stream the user wants written as it goes: it is written directly, never replaced.
#[derive(Debug)]
pub struct StagedOutput {
    destination: PathBuf,
    /// `None` when the destination is written directly.
    staging: Option<TempPath>,
}

impl StagedOutput {
    /// Creates the destination's directory (with its parents) and an empty staging file in it.
    pub fn new(destination: &Path) -> Result<Self> {
        if destination.is_dir() {
            bail_run!(
                "the output {} is a directory: give a file name for the output",
                destination.display()
            );
        }
        if is_special_file(destination) {
            return Ok(Self {
                destination: destination.to_path_buf(),
                staging: None,
            });
        }
        let directory = parent_dir(destination);
        std::fs::create_dir_all(&directory).with_context(|| {
            format!(
                "cannot create the output directory {}: check the path and permissions",
                directory.display()
            )
        })?;
        let name = destination
            .file_name()
            .with_context(|| {
                format!(
                    "the output path {} names no file: give a file name",
                    destination.display()
                )
            })?
            .to_string_lossy();
        let extension = destination
            .extension()
            .map(|ext| format!(".{}", ext.to_string_lossy()))
            .unwrap_or_default();
        let prefix = format!("{STAGING_PREFIX}{name}{STAGING_MARK}");
        let mut builder = tempfile::Builder::new();
        builder.prefix(&prefix).suffix(&extension);
        #[cfg(unix)]
        builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(CREATE_MODE));
        let staging = builder
            .tempfile_in(&directory)
            .with_context(|| {
                format!(
                    "cannot create {} (nor a file beside it): check the path and permissions",
                    destination.display()
                )
            })?
            .into_temp_path();
        Ok(Self {
            destination: destination.to_path_buf(),
            staging: Some(staging),
        })
    }

    /// Where the output is being written.
    pub fn path(&self) -> &Path {
        self.staging.as_deref().unwrap_or(&self.destination)
    }

    /// Where the output goes when complete.
    pub fn destination(&self) -> &Path {
        &self.destination
    }

    /// Opens the staging file for writing (it exists and is empty).
    pub fn open(&self) -> Result<File> {
        File::options()
            .write(true)
            .truncate(true)
            .open(self.path())
            .with_context(|| format!("cannot write {}", self.destination.display()))
    }

    /// Makes the complete output durable and renames it to its destination, replacing any file
    /// there.
    pub fn commit(self) -> Result<()> {
        let Some(staging) = self.staging else {
            return Ok(());
        };
        let context = || format!("cannot write {}", self.destination.display());
        File::open(&staging)
            .and_then(|file| file.sync_all())
            .with_context(context)?;
        staging
            .persist(&self.destination)
            .map_err(|err| err.error)
            .with_context(context)?;
        Ok(())
    }
}

/// Writes `contents` to `destination` whole or not at all.
pub fn write_atomically(destination: &Path, contents: &[u8]) -> Result<()> {
    let staged = StagedOutput::new(destination)?;
    std::fs::write(staged.path(), contents)
        .with_context(|| format!("cannot write {}", destination.display()))?;
    staged.commit()
}

/// `path` exists and is not a regular file or a directory: a device, a pipe, a socket.
fn is_special_file(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|meta| !meta.is_file() && !meta.is_dir())
}

/// The directory holding `path` (`.` for a bare file name).
fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dropped_output_leaves_the_existing_file_and_no_staging_file() {
        let dir = tempfile::tempdir().expect("temp dir");
        let destination = dir.path().join("out.jsonl");
        std::fs::write(&destination, "keep me").expect("write");
        {
            let staged = StagedOutput::new(&destination).expect("stage");
            std::fs::write(staged.path(), "half").expect("write the staging file");
            assert!(staged.path().extension().is_some_and(|ext| ext == "jsonl"));
        }
        assert_eq!(
            std::fs::read_to_string(&destination).expect("read"),
            "keep me"
        );
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .expect("list")
            .map(|entry| entry.expect("entry").file_name())
            .collect();
        assert_eq!(names, ["out.jsonl"]);
    }

    #[test]
    fn a_committed_output_replaces_the_file_with_usual_permissions() {
        let dir = tempfile::tempdir().expect("temp dir");
        let destination = dir.path().join("nested/report.json");
        write_atomically(&destination, b"{}\n").expect("write");
        assert_eq!(std::fs::read_to_string(&destination).expect("read"), "{}\n");
        write_atomically(&destination, b"[]\n").expect("replace");
        assert_eq!(std::fs::read_to_string(&destination).expect("read"), "[]\n");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |path: &Path| {
                std::fs::metadata(path)
                    .expect("metadata")
                    .permissions()
                    .mode()
            };
            let plain = dir.path().join("nested/plain.json");
            File::create(&plain).expect("create");
            assert_eq!(
                mode(&destination),
                mode(&plain),
                "permissions as File::create gives"
            );
        }
    }

    #[test]
    fn a_path_without_a_file_name_is_refused_by_name() {
        let err = StagedOutput::new(Path::new("")).expect_err("no file name");
        assert!(
            crate::error::message_chain(&err).contains("names no file"),
            "{}",
            crate::error::message_chain(&err)
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_device_is_written_directly_and_never_replaced() {
        let device = Path::new("/dev/null");
        let staged = StagedOutput::new(device).expect("stage");
        assert_eq!(staged.path(), device);
        staged.commit().expect("nothing to put in place");
        let meta = std::fs::metadata(device).expect("metadata");
        assert!(!meta.is_file(), "/dev/null is still a device");
    }

    #[test]
    fn a_directory_is_refused_before_anything_is_written() {
        let dir = tempfile::tempdir().expect("temp dir");
        let err = StagedOutput::new(dir.path()).expect_err("a directory");
        assert!(
            crate::error::message_chain(&err).contains("is a directory"),
            "{}",
            crate::error::message_chain(&err)
        );
    }
}
