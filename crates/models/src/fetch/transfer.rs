//! Streams a file into a temporary file beside its destination while hashing it, checks size and
//! sha256, and only then renames it into place.

use std::io::{Read, Write};
use std::path::Path;

use crate::error::{ModelsError, Result, bail};
use indicatif::{ProgressBar, ProgressStyle};
use sha2::{Digest, Sha256};

use super::digest::{IO_BUFFER_BYTES, Sha256Hex};
use crate::fsutil::{persist, temp_file_beside};
use crate::manifest::ManifestEntry;

/// Progress bar layout: name, bar, bytes done/total, rate, time left.
const PROGRESS_TEMPLATE: &str =
    "{msg:30!} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} eta {eta}";

/// Copies `reader` to `path` with the checks of the manifest entry. On any failure the temporary
/// file is deleted and `path` is left untouched.
pub(crate) fn copy_verified(
    reader: Box<dyn Read>,
    entry: &ManifestEntry,
    path: &Path,
    from: &str,
) -> Result<()> {
    let mut temp = temp_file_beside(path)?;
    let progress = progress_bar(entry, path);
    // Read one byte more than expected so an oversized source is detected without reading it all.
    let mut limited = reader.take(entry.size.saturating_add(1));
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; IO_BUFFER_BYTES];
    let mut total: u64 = 0;
    loop {
        let read = limited
            .read(&mut buffer)
            .map_err(|source| ModelsError::Read {
                from: from.to_owned(),
                source,
            })?;
        let Some(chunk) = buffer.get(..read) else {
            break;
        };
        if chunk.is_empty() {
            break;
        }
        hasher.update(chunk);
        temp.write_all(chunk)
            .map_err(|e| ModelsError::io("writing", temp.path(), e))?;
        total += chunk.len() as u64;
        progress.set_position(total);
    }
    progress.finish_and_clear();
    let actual = Sha256Hex::from_hasher(hasher);
    let file = path.display();
    // `temp` is dropped (deleted) on every early return below.
    if total > entry.size {
        bail!(
            "{file}: {from} is larger than the expected {} bytes; the partial copy was removed",
            entry.size
        );
    }
    if total < entry.size {
        bail!(
            "{file}: {from} has {total} bytes, expected {} (expected sha256 {}, got {actual}); \
             the partial copy was removed",
            entry.size,
            entry.sha256
        );
    }
    if actual.as_str() != entry.sha256 {
        bail!(
            "{file}: sha256 mismatch for {from}: expected {}, got {actual}; the bad copy was \
             removed (is the mirror or download corrupt?)",
            entry.sha256
        );
    }
    persist(temp, path)
}

fn progress_bar(entry: &ManifestEntry, path: &Path) -> ProgressBar {
    let bar = ProgressBar::new(entry.size);
    if let Ok(style) = ProgressStyle::with_template(PROGRESS_TEMPLATE) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message(
        path.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
    );
    bar
}
