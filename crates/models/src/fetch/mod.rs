//! The verified fetch: brings every manifest file into place, from the network or a local
//! mirror, verified by size and sha256 before it appears under its final name.

mod digest;
mod source;
mod transfer;

use std::path::Path;

use tracing::{info, warn};

pub use digest::{Sha256Hex, sha256_of_file};
pub use source::FileSource;

use crate::error::{Context, ModelsError, Result};
use crate::manifest::{DestinationDirs, Manifest, ManifestEntry};

/// Told how each transfer advances, so that a program can show it (`cargo xtask` draws a
/// progress bar); the fetch itself only logs through `tracing`.
pub trait Progress {
    /// A transfer of `total_bytes` into the file `file_name` starts.
    fn start(&self, file_name: &str, total_bytes: u64);
    /// `done_bytes` of the current transfer have arrived.
    fn advance(&self, done_bytes: u64);
    /// The current transfer ended, complete or not.
    fn finish(&self);
}

/// A [`Progress`] that shows nothing.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoProgress;

impl Progress for NoProgress {
    fn start(&self, _file_name: &str, _total_bytes: u64) {}
    fn advance(&self, _done_bytes: u64) {}
    fn finish(&self) {}
}

/// What to fetch, from where, to where.
#[derive(Clone, Debug)]
pub struct FetchOptions {
    /// Where the files come from.
    pub source: FileSource,
    /// Manifest names (or destination file names) to fetch; empty = everything.
    pub only: Vec<String>,
    /// Destination folders.
    pub dirs: DestinationDirs,
}

/// What a fetch did, per file (manifest names).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FetchReport {
    /// Files copied or downloaded in this run.
    pub fetched: Vec<String>,
    /// Files already present with the right size and sha256.
    pub up_to_date: Vec<String>,
}

/// Fetches the selected manifest entries. Stops at the first failure; files fetched before it
/// stay (they are verified). Each transfer is reported to `progress`.
pub fn fetch(
    manifest: &Manifest,
    options: &FetchOptions,
    progress: &dyn Progress,
) -> Result<FetchReport> {
    let mut report = FetchReport::default();
    for entry in manifest.select(&options.only)? {
        if fetch_one(entry, options, progress)? {
            report.fetched.push(entry.name.clone());
        } else {
            report.up_to_date.push(entry.name.clone());
        }
    }
    Ok(report)
}

/// Brings one file into place; returns whether anything was transferred.
fn fetch_one(
    entry: &ManifestEntry,
    options: &FetchOptions,
    progress: &dyn Progress,
) -> Result<bool> {
    let destination = entry.destination()?;
    let path = options.dirs.path_of(&destination);
    if is_up_to_date(entry, &path)? {
        info!(file = %path.display(), "up to date");
        return Ok(false);
    }
    let from = options.source.describe(entry, &destination.file_name);
    info!(file = %path.display(), %from, size = entry.size, "fetching");
    let reader = options
        .source
        .open(entry, &destination.file_name)
        .with_context(|| format!("opening {from}"))?;
    transfer::copy_verified(reader, entry, &path, &from, progress)
        .with_context(|| format!("fetching {} ({})", entry.name, destination.file_name))?;
    info!(file = %path.display(), sha256 = %entry.sha256, "fetched and verified");
    Ok(true)
}

/// True when `path` exists with the manifest's size and sha256. A present file with the wrong
/// content is removed (with a warning) so that nothing that looks valid stays behind.
fn is_up_to_date(entry: &ManifestEntry, path: &Path) -> Result<bool> {
    let metadata = match std::fs::metadata(path) {
        Ok(metadata) => metadata,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(ModelsError::io("inspecting", path, e)),
    };
    if metadata.len() == entry.size {
        let actual = sha256_of_file(path)?;
        if actual.as_str() == entry.sha256 {
            return Ok(true);
        }
        warn!(file = %path.display(), expected = %entry.sha256, actual = %actual,
            "present file has the wrong sha256; removing it and fetching again");
    } else {
        warn!(file = %path.display(), expected = entry.size, actual = metadata.len(),
            "present file has the wrong size; removing it and fetching again");
    }
    std::fs::remove_file(path).map_err(|e| ModelsError::io("removing stale", path, e))?;
    Ok(false)
}
