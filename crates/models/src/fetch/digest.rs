//! sha256 digests of files and streams, as lowercase hex.

use std::fmt;
use std::io::Read;
use std::path::Path;

use sha2::{Digest, Sha256};

use crate::error::{ModelsError, Result};

/// Read buffer size for hashing and copying (1 MiB: few syscalls, small memory).
pub(crate) const IO_BUFFER_BYTES: usize = 1 << 20;

/// A sha256 digest in lowercase hex, as written in `SHA256SUMS` and the manifest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sha256Hex(String);

impl Sha256Hex {
    /// The hex digest of a finished hasher.
    pub(crate) fn from_hasher(hasher: Sha256) -> Self {
        Sha256Hex(hex::encode(hasher.finalize()))
    }

    /// The digest as a string slice.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Sha256Hex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The sha256 of a file's whole content.
pub fn sha256_of_file(path: &Path) -> Result<Sha256Hex> {
    let mut file = std::fs::File::open(path).map_err(|e| ModelsError::io("opening", path, e))?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; IO_BUFFER_BYTES];
    loop {
        let read = file
            .read(&mut buffer)
            .map_err(|e| ModelsError::io("reading", path, e))?;
        let Some(chunk) = buffer.get(..read) else {
            break;
        };
        if chunk.is_empty() {
            break;
        }
        hasher.update(chunk);
    }
    Ok(Sha256Hex::from_hasher(hasher))
}
