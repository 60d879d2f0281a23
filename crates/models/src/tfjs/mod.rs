//! TensorFlow.js weights -> ONNX converter, in pure Rust, for face-api.js's nets.
//!
//! face-api.js ships its nets as a weights manifest (`*-weights_manifest.json`) and binary shards:
//! no graph, only named tensors (float32 or uint8/uint16-quantised). The graph lives in
//! face-api's TypeScript, so each net here has a layout module written from those sources
//! (`tiny_xception` + `age_gender` for AgeGenderNet) that consumes every weight by name and
//! shape. The reader (`manifest`, `weights`, `store`) knows nothing of any net: another net with
//! the same format (FaceRecognitionNet, two shards) needs only its own layout module and a
//! `convert_*` function here.
//!
//! Conversions are deterministic (same files, same bytes) and refuse a missing, unexpected or
//! misshapen weight, a short or overlong shard and a bad quantisation, naming the weight and file.

pub mod age_gender;
mod lower;
pub mod manifest;
mod store;
mod tiny_xception;
pub mod weights;

#[cfg(test)]
mod tests;

use std::path::Path;

use crate::error::{Context, Result};
use crate::fetch::sha256_of_file;
use crate::onnx::ModelBuilder;

pub use tiny_xception::INPUT_SIZE;

/// Version of this converter, recorded in every model it writes; bump it when the produced graph
/// changes so that `fetch-models` converts again.
pub const CONVERTER_VERSION: &str = "tfjs2onnx-1";

/// `metadata_props` key holding [`CONVERTER_VERSION`].
pub const CONVERTER_KEY: &str = "agender.converter";
/// `metadata_props` key holding the sha256 of the weights manifest.
pub const MANIFEST_SHA256_KEY: &str = "agender.source_manifest_sha256";
/// `metadata_props` key holding the sha256 of the shards, in the manifest's order, comma-separated.
pub const SHARDS_SHA256_KEY: &str = "agender.source_shards_sha256";

/// Converts face-api's AgeGenderNet weights (`manifest` + its shard files) into the ONNX model
/// `out` (written atomically).
pub fn convert_age_gender(manifest: &Path, shards: &[&Path], out: &Path) -> Result<()> {
    let model = build_age_gender(manifest, shards)?;
    model
        .write(out)
        .with_context(|| format!("writing {}", out.display()))?;
    tracing::info!(from = %manifest.display(), to = %out.display(), "converted face-api AgeGenderNet");
    Ok(())
}

/// The AgeGenderNet model of `manifest` + `shards`, not yet written.
pub fn build_age_gender(manifest: &Path, shards: &[&Path]) -> Result<ModelBuilder> {
    let context = || format!("converting {} to ONNX", manifest.display());
    let weights = weights::read(manifest, shards).with_context(context)?;
    let manifest_sha256 = sha256_of_file(manifest)?;
    let shard_sha256 = shards
        .iter()
        .map(|path| sha256_of_file(path).map(|digest| digest.to_string()))
        .collect::<Result<Vec<_>>>()?
        .join(",");
    let mut model = age_gender::build(
        weights,
        &[
            (CONVERTER_KEY, CONVERTER_VERSION),
            (MANIFEST_SHA256_KEY, manifest_sha256.as_str()),
            (SHARDS_SHA256_KEY, &shard_sha256),
        ],
    )
    .with_context(context)?;
    model.producer_version(CONVERTER_VERSION);
    Ok(model)
}
