//! Streams a file into a temporary file beside its destination while hashing it, checks size and
//! sha256, and only then renames it into place.

use std::io::{Read, Write};
use std::path::Path;

use sha2::{Digest, Sha256};

use super::Progress;
use super::digest::{IO_BUFFER_BYTES, Sha256Hex};
use crate::error::{ModelsError, Result, bail};
use crate::fsutil::{persist, temp_file_beside};
use crate::manifest::ManifestEntry;

/// Copies `reader` to `path` with the checks of the manifest entry. On any failure the temporary
/// file is deleted and `path` is left untouched.
pub(crate) fn copy_verified(
    reader: Box<dyn Read>,
    entry: &ManifestEntry,
    path: &Path,
    from: &str,
    progress: &dyn Progress,
) -> Result<()> {
    let mut temp = temp_file_beside(path)?;
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    progress.start(&file_name, entry.size);
    let copied = copy_hashing(reader, entry, &mut temp, from, progress);
    progress.finish();
    let (total, actual) = copied?;
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

/// Streams `reader` into `temp`, at most one byte more than the manifest's size; returns the
/// byte count and the sha256 of what was read.
fn copy_hashing(
    reader: Box<dyn Read>,
    entry: &ManifestEntry,
    temp: &mut tempfile::NamedTempFile,
    from: &str,
    progress: &dyn Progress,
) -> Result<(u64, Sha256Hex)> {
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
        progress.advance(total);
    }
    Ok((total, Sha256Hex::from_hasher(hasher)))
}
