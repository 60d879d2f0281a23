//! Helpers shared by the integration tests of `models`: the manifest, the real SSR-Net weights
//! of the shared mirror, and running converted models with tract.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
pub use test_data::mirror_dir;
use tract_onnx::prelude::*;

/// Environment variable setting the cases per fuzzing property (`scripts/fuzz.sh` raises it).
const FUZZ_CASES_ENV: &str = "AGENDER_FUZZ_CASES";

/// The committed manifest.
pub fn manifest_path() -> PathBuf {
    test_data::workspace_root()
        .join("models")
        .join("manifest.toml")
}

/// `../shared/parity`.
pub fn parity_dir() -> PathBuf {
    test_data::shared_dir().join("parity")
}

/// The real SSR-Net age weights in the mirror.
pub fn age_h5() -> PathBuf {
    mirror_dir().join("ssrnet_age_3_3_3_64_1.0_1.0.h5")
}

/// The real SSR-Net gender weights in the mirror.
pub fn gender_h5() -> PathBuf {
    mirror_dir().join("ssrnet_gender_3_3_3_64_1.0_1.0.h5")
}

/// Reads a raw little-endian f32 file.
pub fn read_f32_file(path: &Path) -> Result<Vec<f32>> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    anyhow::ensure!(bytes.len() % 4 == 0, "{} is not whole f32s", path.display());
    Ok(bytes
        .chunks_exact(4)
        .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect())
}

/// A converted SSR-Net model, optimised and runnable with tract.
pub struct Runnable {
    plan: std::sync::Arc<TypedRunnableModel>,
}

impl Runnable {
    /// Loads an ONNX file with tract-onnx, keeping the symbolic batch dimension.
    pub fn load(path: &Path) -> Result<Self> {
        let plan = tract_onnx::onnx()
            .model_for_path(path)
            .with_context(|| format!("tract parsing {}", path.display()))?
            .into_optimized()?
            .into_runnable()?;
        Ok(Runnable { plan })
    }

    /// Runs `n` NHWC 64x64x3 images, returning the `[n, 1]` output flattened.
    pub fn run(&self, blob: &[f32], n: usize) -> Result<Vec<f32>> {
        let input = Tensor::from_shape(&[n, 64, 64, 3], blob)?;
        let outputs = self.plan.run(tvec!(input.into_tvalue()))?;
        let output = outputs.first().context("no output")?;
        anyhow::ensure!(
            output.shape() == [n, 1],
            "output shape {:?}, expected [{n}, 1]",
            output.shape()
        );
        Ok(output
            .to_plain_array_view::<f32>()?
            .iter()
            .copied()
            .collect())
    }
}

/// proptest settings of the fuzz tests: `$AGENDER_FUZZ_CASES` cases per property, or
/// `default_cases` in a normal test run; no failure files (a crash found becomes a named
/// regression test instead).
pub fn fuzz_config(default_cases: u32) -> proptest::test_runner::Config {
    let cases = std::env::var(FUZZ_CASES_ENV)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default_cases);
    proptest::test_runner::Config {
        cases,
        failure_persistence: None,
        ..proptest::test_runner::Config::default()
    }
}
