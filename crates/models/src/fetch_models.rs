//! The `fetch-models` task: fetch the selected manifest files, then run the conversions whose
//! sources were selected.

use std::path::PathBuf;

use tracing::info;

use crate::convert::{CONVERSIONS, ConvertReport, run_conversions};
use crate::error::Result;
use crate::fetch::{FetchReport, FileSource, Progress, fetch};
use crate::manifest::{DestinationDirs, Manifest};

/// Everything `fetch-models` needs.
#[derive(Clone, Debug)]
pub struct FetchModelsOptions {
    /// Path of `models/manifest.toml`.
    pub manifest: PathBuf,
    /// Network or mirror.
    pub source: FileSource,
    /// `--only` names (empty = all).
    pub only: Vec<String>,
    /// Destination folders.
    pub dirs: DestinationDirs,
    /// Whether to run the conversions after fetching.
    pub convert: bool,
}

/// What `fetch-models` did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FetchModelsReport {
    /// Per-file fetch results.
    pub fetch: FetchReport,
    /// Per-model conversion results.
    pub convert: ConvertReport,
}

/// Fetches the selected files (each transfer reported to `progress`), then runs the conversions
/// whose sources were all selected, unless `options.convert` is off.
pub fn fetch_models(
    options: &FetchModelsOptions,
    progress: &dyn Progress,
) -> Result<FetchModelsReport> {
    let manifest = Manifest::load(&options.manifest)?;
    let selected = manifest.select(&options.only)?;
    let fetch_report = fetch(
        &manifest,
        &crate::fetch::FetchOptions {
            source: options.source.clone(),
            only: options.only.clone(),
            dirs: options.dirs.clone(),
        },
        progress,
    )?;
    let convert_report = if options.convert {
        run_conversions(CONVERSIONS, &manifest, &selected, &options.dirs)?
    } else {
        ConvertReport::default()
    };
    info!(
        fetched = fetch_report.fetched.len(),
        files_up_to_date = fetch_report.up_to_date.len(),
        converted = convert_report.converted.len(),
        models_up_to_date = convert_report.up_to_date.len(),
        "fetch-models done"
    );
    Ok(FetchModelsReport {
        fetch: fetch_report,
        convert: convert_report,
    })
}
