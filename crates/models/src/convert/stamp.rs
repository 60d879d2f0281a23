//! Sidecar stamps (`<model>.stamp`, TOML) recording what a converted model was made from, so a
//! second run can skip it: same converter version, same source hashes, output unchanged.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{ModelsError, Result};
use crate::fetch::sha256_of_file;
use crate::fsutil::write_atomically;

/// File name suffix of a stamp.
const STAMP_SUFFIX: &str = ".stamp";

/// What one converted model was made from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Stamp {
    /// Converter version.
    pub converter: String,
    /// sha256 of the model as written.
    pub output_sha256: String,
    /// The source files, in the converter's order.
    #[serde(rename = "source")]
    pub sources: Vec<StampSource>,
}

/// One source file of a conversion.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StampSource {
    /// Manifest name.
    pub name: String,
    /// Its sha256 (verified by the fetch).
    pub sha256: String,
}

/// Path of the stamp of `model`.
pub fn stamp_path(model: &Path) -> PathBuf {
    let mut name = model.as_os_str().to_owned();
    name.push(STAMP_SUFFIX);
    PathBuf::from(name)
}

/// True when `model` exists, its stamp has `wanted`'s converter and sources, and the model's
/// sha256 is the one recorded. An unreadable or malformed stamp just means "convert again".
pub(crate) fn is_up_to_date(model: &Path, wanted: &Stamp) -> Result<bool> {
    if !model.is_file() {
        return Ok(false);
    }
    let Ok(text) = std::fs::read_to_string(stamp_path(model)) else {
        return Ok(false);
    };
    let Ok(stamp) = toml::from_str::<Stamp>(&text) else {
        return Ok(false);
    };
    if stamp.converter != wanted.converter || stamp.sources != wanted.sources {
        return Ok(false);
    }
    Ok(sha256_of_file(model)?.as_str() == stamp.output_sha256)
}

/// Removes the stamp of `model` if there is one.
pub(crate) fn remove(model: &Path) -> Result<()> {
    let path = stamp_path(model);
    match std::fs::remove_file(&path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(ModelsError::io("removing", path, e))
        }
        _ => Ok(()),
    }
}

/// Writes the stamp of a freshly converted `model`, recording its sha256.
pub(crate) fn write(model: &Path, mut stamp: Stamp) -> Result<()> {
    stamp.output_sha256 = sha256_of_file(model)?.to_string();
    let text = toml::to_string(&stamp)?;
    write_atomically(&stamp_path(model), text.as_bytes())
}
