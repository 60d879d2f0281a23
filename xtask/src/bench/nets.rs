//! tract against onnxruntime on the same SSR-Net ONNX files, at the same batch sizes, in one run.
//!
//! tract: each net alone through a plan optimised for the concrete batch (as the `estimate` crate
//! builds them), and the pair through `estimate::SsrNet::run_blob` (age and gender in parallel,
//! exactly what the app runs). onnxruntime: `scripts/bench/ort_venv.sh` (a virtual environment
//! under target/ with onnxruntime from PyPI; not a project dependency), each net alone and the
//! pair one after the other, with onnxruntime's default intra-op threads.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};
use tract_onnx::prelude::*;

/// Batch sizes compared (issue #7).
pub const BATCHES: [usize; 3] = [1, 4, 16];
/// Timed calls per net and batch size.
const REPEATS: usize = 50;
/// Untimed calls first (plan caches, allocator).
const WARMUP: usize = 5;
/// Per-face input of both nets: NHWC 64x64 BGR (docs/models.md).
const ITEM_SHAPE: [usize; 3] = [64, 64, 3];
/// Largest pixel value fed (inputs are 0..255).
const PIXEL_MAX: f32 = 255.0;

/// One latency figure.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NetTiming {
    /// `tract` or `onnxruntime`.
    pub runtime: String,
    /// `age`, `gender` or `pair`.
    pub net: String,
    /// Faces per call.
    pub batch: usize,
    /// Median milliseconds per call.
    pub median_ms_per_call: f64,
    /// The same divided by the batch.
    pub median_ms_per_face: f64,
}

/// Times both runtimes on the nets in `models_dir`.
pub fn compare(root: &Path, models_dir: &Path) -> Result<(Vec<NetTiming>, String)> {
    let age = models_dir.join("ssrnet_age.onnx");
    let gender = models_dir.join("ssrnet_gender.onnx");
    for path in [&age, &gender] {
        if !path.is_file() {
            bail!(
                "{} is missing: run `cargo xtask fetch-models --mirror ../shared/mirror`",
                path.display()
            );
        }
    }
    let mut timings = tract_timings(&age, &gender)?;
    let (ort, version) = onnxruntime_timings(root, &age, &gender)?;
    timings.extend(ort);
    Ok((timings, version))
}

fn blob(batch: usize) -> Vec<f32> {
    // Deterministic pixels; the cost of these nets does not depend on the values.
    let len = batch * ITEM_SHAPE.iter().product::<usize>();
    (0..len)
        .map(|i| ((i * 7919) % 256) as f32 / 255.0 * PIXEL_MAX)
        .collect()
}

fn median_ms(mut call: impl FnMut() -> Result<()>) -> Result<f64> {
    for _ in 0..WARMUP {
        call()?;
    }
    let mut times = Vec::with_capacity(REPEATS);
    for _ in 0..REPEATS {
        let start = Instant::now();
        call()?;
        times.push(start.elapsed().as_secs_f64() * 1e3);
    }
    times.sort_by(f64::total_cmp);
    Ok(times[REPEATS / 2])
}

fn timing(runtime: &str, net: &str, batch: usize, ms: f64) -> NetTiming {
    NetTiming {
        runtime: runtime.to_owned(),
        net: net.to_owned(),
        batch,
        median_ms_per_call: ms,
        median_ms_per_face: ms / batch as f64,
    }
}

fn tract_plan(path: &Path, batch: usize) -> TractResult<Arc<TypedRunnableModel>> {
    let mut shape = vec![batch];
    shape.extend(ITEM_SHAPE);
    tract_onnx::onnx()
        .model_for_path(path)?
        .with_input_fact(0, f32::fact(shape).into())?
        .into_optimized()?
        .into_runnable()
}

fn tract_timings(age: &Path, gender: &Path) -> Result<Vec<NetTiming>> {
    let pair = estimate::SsrNet::load(age, gender).context("cannot load SSR-Net in tract")?;
    let mut timings = Vec::new();
    for batch in BATCHES {
        let values = blob(batch);
        for (net, path) in [("age", age), ("gender", gender)] {
            let plan = tract_plan(path, batch)
                .map_err(|err| anyhow::anyhow!("{err:?}"))
                .with_context(|| format!("cannot plan {} at batch {batch}", path.display()))?;
            let mut shape = vec![batch];
            shape.extend(ITEM_SHAPE);
            let input = Tensor::from_shape(&shape, &values)
                .map_err(|err| anyhow::anyhow!("{err:?}"))?
                .into_tvalue();
            let ms = median_ms(|| {
                plan.run(tvec![input.clone()])
                    .map(|_| ())
                    .map_err(|err| anyhow::anyhow!("{err:?}"))
            })?;
            timings.push(timing("tract", net, batch, ms));
        }
        let ms = median_ms(|| {
            pair.run_blob(&values, batch)
                .map(|_| ())
                .context("tract SSR-Net pair failed")
        })?;
        timings.push(timing("tract", "pair", batch, ms));
    }
    Ok(timings)
}

#[derive(Deserialize)]
struct OrtReport {
    onnxruntime: String,
    results: Vec<OrtResult>,
}

#[derive(Deserialize)]
struct OrtResult {
    net: String,
    batch: usize,
    median_ms_per_call: f64,
}

fn onnxruntime_timings(root: &Path, age: &Path, gender: &Path) -> Result<(Vec<NetTiming>, String)> {
    let script = root.join("scripts/bench/ort_venv.sh");
    let batches: Vec<String> = BATCHES.iter().map(ToString::to_string).collect();
    let output = Command::new(&script)
        .arg("--age")
        .arg(age)
        .arg("--gender")
        .arg(gender)
        .args(["--batches", &batches.join(",")])
        .args(["--repeats", &REPEATS.to_string()])
        .args(["--warmup", &WARMUP.to_string()])
        .output()
        .with_context(|| format!("cannot run {}", script.display()))?;
    if !output.status.success() {
        bail!(
            "{} failed (needs python3 -m venv and PyPI access): {}",
            script.display(),
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    let report: OrtReport = serde_json::from_slice(&output.stdout)
        .with_context(|| format!("cannot parse the output of {}", script.display()))?;
    let timings = report
        .results
        .iter()
        .map(|r| timing("onnxruntime", &r.net, r.batch, r.median_ms_per_call))
        .collect();
    Ok((timings, report.onnxruntime))
}
