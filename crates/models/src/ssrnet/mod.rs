//! SSR-Net converter: Keras 2 `.h5` weight files -> ONNX, in pure Rust.
//!
//! Input `input` float32 `[N, 64, 64, 3]` (NHWC, BGR, 0..255, as Keras), output `output` float32
//! `[N, 1]` (age in years, or the gender score, >= 0.5 = Male). The file is checked layer by layer
//! against [`architecture::layers`] before anything is written.

pub mod architecture;
mod graph;
pub mod weights;

use std::path::Path;

use tracing::info;

pub use architecture::SsrNetTarget;
pub use graph::{INPUT_NAME, OPSET, OUTPUT_NAME, PoolForm};

use crate::error::{Context, Result};
use crate::fetch::sha256_of_file;

/// Version of this converter, recorded in every model it writes; bump it whenever the produced
/// graph changes so that `fetch-models` converts again.
pub const CONVERTER_VERSION: &str = "ssrnet-onnx-2";

/// `metadata_props` key holding the sha256 of the source `.h5`.
pub const SOURCE_SHA256_KEY: &str = "agender.source_sha256";
/// `metadata_props` key holding [`CONVERTER_VERSION`].
pub const CONVERTER_KEY: &str = "agender.converter";

/// Converts the weight file `h5` of the given `target` into the ONNX model `out` (written
/// atomically), its stream pools written phase by phase (what the app runs). Refuses a file
/// whose layers or weight shapes differ from SSR-Net 3_3_3_64.
pub fn convert(h5: &Path, target: SsrNetTarget, out: &Path) -> Result<()> {
    convert_as(h5, target, PoolForm::Phases, out)
}

/// [`convert`] with the stream pools in `pool_form` (the bench times onnxruntime on both forms).
pub fn convert_as(h5: &Path, target: SsrNetTarget, pool_form: PoolForm, out: &Path) -> Result<()> {
    let weights = weights::load_checked(h5, &architecture::layers(target))
        .with_context(|| format!("checking SSR-Net {} weights", target.as_str()))?;
    let source_sha256 = sha256_of_file(h5)?;
    let model = graph::build(
        target,
        &weights,
        pool_form,
        &[
            (CONVERTER_KEY, CONVERTER_VERSION),
            (SOURCE_SHA256_KEY, source_sha256.as_str()),
        ],
    )?;
    model
        .write(out)
        .with_context(|| format!("writing {}", out.display()))?;
    info!(from = %h5.display(), to = %out.display(), "converted SSR-Net {}", target.as_str());
    Ok(())
}
