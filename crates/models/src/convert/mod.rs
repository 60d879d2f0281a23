//! The model conversions `fetch-models` runs after fetching, as a table: each turns fetched
//! manifest files into one ONNX model in the models folder, and is skipped when a stamp shows the
//! output is up to date.

mod stamp;

use std::path::{Path, PathBuf};

use tracing::info;

use crate::error::{Context, Result, ensure, invalid};
use crate::manifest::{DestinationDirs, Manifest, ManifestEntry};
use crate::ssrnet::{self, SsrNetTarget};

pub use stamp::{Stamp, StampSource, stamp_path};

/// A converter: `(source paths in the order of [`Conversion::sources`], output path)`.
pub type ConvertFn = fn(sources: &[PathBuf], out: &Path) -> Result<()>;

/// One conversion: which manifest files it reads and which model it writes.
#[derive(Clone, Copy, Debug)]
pub struct Conversion {
    /// Output file name inside the models folder.
    pub output: &'static str,
    /// Manifest names of the inputs, in the order `convert` receives their paths.
    pub sources: &'static [&'static str],
    /// Converter version; a change makes existing outputs out of date.
    pub converter_version: &'static str,
    /// The converter.
    pub convert: ConvertFn,
}

/// Every conversion, in the order they run.
pub const CONVERSIONS: &[Conversion] = &[
    Conversion {
        output: estimate::SSRNET_AGE_MODEL,
        sources: &["ssrnet-age-h5"],
        converter_version: ssrnet::CONVERTER_VERSION,
        convert: |s, out| ssrnet::convert(source_paths::<1>(s)?[0], SsrNetTarget::Age, out),
    },
    Conversion {
        output: estimate::SSRNET_GENDER_MODEL,
        sources: &["ssrnet-gender-h5"],
        converter_version: ssrnet::CONVERTER_VERSION,
        convert: |s, out| ssrnet::convert(source_paths::<1>(s)?[0], SsrNetTarget::Gender, out),
    },
    Conversion {
        output: estimate::CAFFE_AGE_MODEL,
        sources: &["caffe-age-prototxt", "caffe-age-caffemodel"],
        converter_version: crate::caffe::CONVERTER_VERSION,
        convert: |s, out| {
            let [prototxt, caffemodel] = source_paths::<2>(s)?;
            crate::caffe::convert(prototxt, caffemodel, out)
        },
    },
    Conversion {
        output: estimate::CAFFE_GENDER_MODEL,
        sources: &["caffe-gender-prototxt", "caffe-gender-caffemodel"],
        converter_version: crate::caffe::CONVERTER_VERSION,
        convert: |s, out| {
            let [prototxt, caffemodel] = source_paths::<2>(s)?;
            crate::caffe::convert(prototxt, caffemodel, out)
        },
    },
    Conversion {
        output: estimate::faceapi::FACEAPI_AGE_GENDER_MODEL,
        sources: &["faceapi-age-gender-manifest", "faceapi-age-gender-weights"],
        converter_version: crate::tfjs::CONVERTER_VERSION,
        convert: |s, out| {
            let [manifest, shard] = source_paths::<2>(s)?;
            crate::tfjs::convert_age_gender(manifest, &[shard], out)
        },
    },
];

/// The `K` source paths of a conversion as an array (an error if the table gave another count).
pub fn source_paths<const K: usize>(paths: &[PathBuf]) -> Result<[&Path; K]> {
    let refs: Vec<&Path> = paths.iter().map(PathBuf::as_path).collect();
    <[&Path; K]>::try_from(refs).map_err(|given| {
        invalid(format!(
            "internal: converter expects {K} source files, the table gives {}",
            given.len()
        ))
    })
}

/// What the conversions did (output file names).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ConvertReport {
    /// Models written in this run.
    pub converted: Vec<String>,
    /// Models already up to date.
    pub up_to_date: Vec<String>,
}

/// Runs every conversion of `table` whose sources are all among `selected` (normally the entries
/// just fetched), writing into `dirs.models`.
pub fn run_conversions(
    table: &[Conversion],
    manifest: &Manifest,
    selected: &[&ManifestEntry],
    dirs: &DestinationDirs,
) -> Result<ConvertReport> {
    let mut report = ConvertReport::default();
    for conversion in table {
        let wanted = conversion
            .sources
            .iter()
            .all(|name| selected.iter().any(|e| e.name == *name));
        if !wanted {
            continue;
        }
        let converted = run_one(conversion, manifest, dirs)
            .with_context(|| format!("converting {}", conversion.output))?;
        let name = conversion.output.to_owned();
        if converted {
            report.converted.push(name);
        } else {
            report.up_to_date.push(name);
        }
    }
    Ok(report)
}

/// The conversion that writes `output` (a file name in the models folder).
pub fn conversion_for(output: &str) -> Option<&'static Conversion> {
    CONVERSIONS
        .iter()
        .find(|conversion| conversion.output == output)
}

/// The fetched source files of `conversion`, in its order, with their manifest entries; fails
/// when a source is not in the manifest or not fetched yet.
pub fn locate_sources<'m>(
    conversion: &Conversion,
    manifest: &'m Manifest,
    dirs: &DestinationDirs,
) -> Result<Vec<(PathBuf, &'m ManifestEntry)>> {
    conversion
        .sources
        .iter()
        .map(|name| {
            let entry = manifest.find(name).with_context(|| {
                format!("internal: conversion source {name} is not in the manifest")
            })?;
            let path = dirs.path_of(&entry.destination()?);
            ensure!(
                path.is_file(),
                "{} is missing; run `cargo xtask fetch-models` first",
                path.display()
            );
            Ok((path, entry))
        })
        .collect()
}

/// Converts unless up to date; returns whether it converted.
fn run_one(conversion: &Conversion, manifest: &Manifest, dirs: &DestinationDirs) -> Result<bool> {
    let (paths, sources): (Vec<PathBuf>, Vec<StampSource>) =
        locate_sources(conversion, manifest, dirs)?
            .into_iter()
            .map(|(path, entry)| {
                let source = StampSource {
                    name: entry.name.clone(),
                    sha256: entry.sha256.clone(),
                };
                (path, source)
            })
            .unzip();
    let out = dirs.models.join(conversion.output);
    let wanted = Stamp {
        converter: conversion.converter_version.to_owned(),
        sources,
        output_sha256: String::new(),
    };
    if stamp::is_up_to_date(&out, &wanted)? {
        info!(file = %out.display(), "up to date");
        return Ok(false);
    }
    stamp::remove(&out)?;
    (conversion.convert)(&paths, &out)?;
    stamp::write(&out, wanted)?;
    Ok(true)
}
