//! Where fetched files come from: the upstream HTTPS URLs, or a local mirror folder holding the
//! same files under their destination file names.

use std::io::Read;
use std::path::PathBuf;
use std::time::Duration;

use crate::error::{ModelsError, Result};
use crate::manifest::ManifestEntry;

/// Connection timeout for downloads (a dead host fails fast; slow transfers are fine).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(30);

/// The origin of fetched files.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileSource {
    /// Download each entry's `url` over HTTPS.
    Network,
    /// Copy `<folder>/<destination file name>`.
    Mirror(PathBuf),
}

impl FileSource {
    /// Human-readable origin of one file, for logs and errors.
    pub fn describe(&self, entry: &ManifestEntry, file_name: &str) -> String {
        match self {
            FileSource::Network => entry.url.clone(),
            FileSource::Mirror(dir) => dir.join(file_name).display().to_string(),
        }
    }

    /// Opens a byte stream of the file.
    pub fn open(&self, entry: &ManifestEntry, file_name: &str) -> Result<Box<dyn Read>> {
        match self {
            FileSource::Mirror(dir) => {
                let path = dir.join(file_name);
                let file =
                    std::fs::File::open(&path).map_err(|source| ModelsError::MirrorFile {
                        mirror: dir.clone(),
                        file_name: file_name.to_owned(),
                        path: path.clone(),
                        source,
                    })?;
                Ok(Box::new(file))
            }
            FileSource::Network => {
                let agent: ureq::Agent = ureq::Agent::config_builder()
                    .timeout_connect(Some(CONNECT_TIMEOUT))
                    .build()
                    .into();
                let response =
                    agent
                        .get(&entry.url)
                        .call()
                        .map_err(|source| ModelsError::Download {
                            url: entry.url.clone(),
                            source: Box::new(source),
                        })?;
                Ok(Box::new(response.into_body().into_reader()))
            }
        }
    }
}
