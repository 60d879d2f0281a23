//! `models/manifest.toml`: the list of files to fetch, with their upstream URL, sha256, size,
//! licence and destination.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::{Context, ModelsError, Result, bail, ensure};

/// Length of a sha256 digest written in hex.
const SHA256_HEX_LEN: usize = 64;

/// The whole manifest file.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Every fetchable file, in the order they are fetched.
    #[serde(rename = "file")]
    pub files: Vec<ManifestEntry>,
}

/// One fetchable file.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManifestEntry {
    /// Short unique name, selected by `--only`.
    pub name: String,
    /// Upstream HTTPS URL.
    pub url: String,
    /// Expected sha256 of the file, lowercase hex.
    pub sha256: String,
    /// Expected size in bytes.
    pub size: u64,
    /// Licence under which the file is distributed.
    pub license: String,
    /// Where the file goes, relative to the workspace root: `models/<file>` or `videos/<file>`.
    pub destination: String,
    /// What the file is.
    pub description: String,
}

/// The folder a manifest entry is fetched into.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DestinationDir {
    /// `models/` (or `--models-dir` / `AGENDER_MODELS`).
    Models,
    /// `videos/` (or `--videos-dir`).
    Videos,
}

/// Where one entry lands: a destination folder and a plain file name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Destination {
    /// Which folder.
    pub dir: DestinationDir,
    /// The file name inside it (also the name of the file in a mirror).
    pub file_name: String,
}

impl ManifestEntry {
    /// Parses `destination` into its folder and file name, refusing anything but
    /// `models/<file>` or `videos/<file>` with a plain file name.
    pub fn destination(&self) -> Result<Destination> {
        let (dir, file_name) = self.destination.split_once('/').with_context(|| {
            format!(
                "manifest entry {}: destination {:?} is not models/<file> or videos/<file>",
                self.name, self.destination
            )
        })?;
        let dir = match dir {
            "models" => DestinationDir::Models,
            "videos" => DestinationDir::Videos,
            other => bail!(
                "manifest entry {}: destination folder {other:?} is neither models nor videos",
                self.name
            ),
        };
        ensure!(
            !file_name.is_empty()
                && !file_name.contains(['/', '\\'])
                && file_name != "."
                && file_name != "..",
            "manifest entry {}: {:?} is not a plain file name",
            self.name,
            file_name
        );
        Ok(Destination {
            dir,
            file_name: file_name.to_owned(),
        })
    }
}

impl Manifest {
    /// Reads and validates a manifest file.
    pub fn load(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| ModelsError::io("reading manifest", path, e))?;
        Self::parse(&text).with_context(|| format!("in manifest {}", path.display()))
    }

    /// Parses and validates manifest text: unique names and file names, 64-hex-digit hashes,
    /// HTTPS URLs, well-formed destinations.
    pub fn parse(text: &str) -> Result<Self> {
        let manifest: Manifest = toml::from_str(text)?;
        let mut names = std::collections::BTreeSet::new();
        let mut files = std::collections::BTreeSet::new();
        for entry in &manifest.files {
            ensure!(
                names.insert(&entry.name),
                "name {} appears twice",
                entry.name
            );
            let destination = entry.destination()?;
            ensure!(
                files.insert(destination.file_name.clone()),
                "file {} appears twice",
                destination.file_name
            );
            ensure!(
                entry.sha256.len() == SHA256_HEX_LEN
                    && entry
                        .sha256
                        .chars()
                        .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c)),
                "entry {}: sha256 {:?} is not 64 lowercase hex digits",
                entry.name,
                entry.sha256
            );
            ensure!(
                entry.url.starts_with("https://"),
                "entry {}: url {} is not HTTPS",
                entry.name,
                entry.url
            );
        }
        Ok(manifest)
    }

    /// The entry called `name` (or whose destination file is called `name`).
    pub fn find(&self, name: &str) -> Option<&ManifestEntry> {
        self.files
            .iter()
            .find(|e| e.name == name || e.destination().is_ok_and(|d| d.file_name == name))
    }

    /// The entries selected by `--only` names (all entries when `only` is empty), in manifest
    /// order. An unknown name is an error listing the valid names.
    pub fn select(&self, only: &[String]) -> Result<Vec<&ManifestEntry>> {
        if only.is_empty() {
            return Ok(self.files.iter().collect());
        }
        let mut chosen = std::collections::BTreeSet::new();
        for name in only {
            let entry = self.find(name).with_context(|| {
                format!(
                    "unknown --only name {name:?}; valid names: {}",
                    self.files
                        .iter()
                        .map(|e| e.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })?;
            chosen.insert(entry.name.as_str());
        }
        Ok(self
            .files
            .iter()
            .filter(|e| chosen.contains(e.name.as_str()))
            .collect())
    }
}

/// Folders that manifest destinations resolve against.
#[derive(Clone, Debug)]
pub struct DestinationDirs {
    /// Where `models/...` entries and converted models go.
    pub models: PathBuf,
    /// Where `videos/...` entries go.
    pub videos: PathBuf,
}

impl DestinationDirs {
    /// The full path of `destination`.
    pub fn path_of(&self, destination: &Destination) -> PathBuf {
        match destination.dir {
            DestinationDir::Models => self.models.join(&destination.file_name),
            DestinationDir::Videos => self.videos.join(&destination.file_name),
        }
    }
}
