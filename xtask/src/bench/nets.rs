//! tract against onnxruntime on the same SSR-Net ONNX files, at the same batch sizes, in one run.
//!
//! tract: the criterion group `ssrnet_nets` of `crates/estimate/benches/ssrnet.rs` (release
//! build): each net alone through a plan optimised for the concrete batch (as the `estimate` crate
//! builds them), and the pair through `estimate::SsrNet::run_blob` (age and gender in parallel,
//! exactly what the app runs). onnxruntime: `scripts/bench/py.sh ort_ssrnet.py` (a virtual environment
//! under target/ with onnxruntime from PyPI; not a project dependency), each net alone and the
//! pair one after the other, with onnxruntime's default intra-op threads (one per core) and
//! again with one thread: tract runs each net on one thread, so the second run compares the
//! two runtimes core for core.
//!
//! The three take turns for [`ROUNDS`] rounds and the report quotes the median of the rounds:
//! on this shared machine one runtime measured alone can catch a slow minute that the other
//! did not (onnxruntime's two threads suffer most when the other core is busy).

use std::path::Path;

use anyhow::{Result, bail};
use serde::{Deserialize, Serialize};

use super::stats::median;
use super::{criterion, python};

/// Batch sizes compared (issue #7).
pub const BATCHES: [usize; 3] = [1, 4, 16];
/// Rounds of tract, onnxruntime and onnxruntime on one thread, in turn.
pub const ROUNDS: usize = 3;
/// Timed calls per net and batch size (onnxruntime).
const REPEATS: usize = 50;
/// Untimed calls first (onnxruntime).
const WARMUP: usize = 5;
/// Criterion group of the tract measurements.
const TRACT_GROUP: &str = "ssrnet_nets";
/// The onnxruntime script of `scripts/bench`.
pub const ORT_SCRIPT: &str = "ort_ssrnet.py";
/// Runtime label of onnxruntime with its default intra-op threads.
pub const ORT: &str = "onnxruntime";
/// Runtime label of onnxruntime limited to one intra-op thread.
pub const ORT_ONE_THREAD: &str = "onnxruntime-1-thread";
/// onnxruntime's `intra_op_num_threads` for "its default" (one per core).
const ORT_DEFAULT_THREADS: usize = 0;

/// The command that measures tract, as written in the report.
pub fn tract_command() -> String {
    criterion::command("estimate", "ssrnet", TRACT_GROUP)
}

/// One latency figure.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NetTiming {
    /// `tract`, [`ORT`] or [`ORT_ONE_THREAD`].
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
    let mut rounds = Vec::new();
    let mut version = String::new();
    for _ in 0..ROUNDS {
        rounds.extend(tract_timings(root)?);
        let (ort, ort_version) = onnxruntime_timings(root, &age, &gender, ORT_DEFAULT_THREADS)?;
        rounds.extend(ort);
        version = ort_version;
        let (ort_one_thread, _) = onnxruntime_timings(root, &age, &gender, 1)?;
        rounds.extend(ort_one_thread);
    }
    Ok((median_of_rounds(&rounds), version))
}

/// One timing per runtime, net and batch (in first-seen order): the median of its rounds.
fn median_of_rounds(rounds: &[NetTiming]) -> Vec<NetTiming> {
    let mut medians: Vec<NetTiming> = Vec::new();
    for first in rounds {
        let same = |t: &&NetTiming| {
            t.runtime == first.runtime && t.net == first.net && t.batch == first.batch
        };
        if medians.iter().any(|m| same(&m)) {
            continue;
        }
        let per_call: Vec<f64> = rounds
            .iter()
            .filter(same)
            .map(|t| t.median_ms_per_call)
            .collect();
        medians.push(timing(
            &first.runtime,
            &first.net,
            first.batch,
            median(&per_call),
        ));
    }
    medians
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

fn tract_timings(root: &Path) -> Result<Vec<NetTiming>> {
    criterion::run(root, "estimate", "ssrnet", TRACT_GROUP)?;
    let mut timings = Vec::new();
    for batch in BATCHES {
        for net in ["age", "gender", "pair"] {
            let ms = criterion::median_ms(root, TRACT_GROUP, net, batch)?;
            timings.push(timing("tract", net, batch, ms));
        }
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

/// onnxruntime with `threads` intra-op threads (0: its default), labelled [`ORT`] or
/// [`ORT_ONE_THREAD`].
fn onnxruntime_timings(
    root: &Path,
    age: &Path,
    gender: &Path,
    threads: usize,
) -> Result<(Vec<NetTiming>, String)> {
    let batches: Vec<String> = BATCHES.iter().map(ToString::to_string).collect();
    let args: Vec<std::ffi::OsString> = vec![
        "--age".into(),
        age.into(),
        "--gender".into(),
        gender.into(),
        "--batches".into(),
        batches.join(",").into(),
        "--repeats".into(),
        REPEATS.to_string().into(),
        "--warmup".into(),
        WARMUP.to_string().into(),
        "--threads".into(),
        threads.to_string().into(),
    ];
    let label = if threads == ORT_DEFAULT_THREADS {
        ORT
    } else {
        ORT_ONE_THREAD
    };
    let report: OrtReport = python::run_json(root, ORT_SCRIPT, args)?;
    let timings = report
        .results
        .iter()
        .map(|r| timing(label, &r.net, r.batch, r.median_ms_per_call))
        .collect();
    Ok((timings, report.onnxruntime))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_measurement_is_the_median_of_its_rounds() {
        let rounds = [
            timing("tract", "age", 4, 8.0),
            timing(ORT, "age", 4, 2.0),
            timing("tract", "age", 4, 4.0),
            timing(ORT, "age", 4, 1.0),
            timing("tract", "age", 4, 6.0),
            timing(ORT, "age", 4, 9.0),
        ];
        let medians = median_of_rounds(&rounds);
        let found: Vec<(&str, f64, f64)> = medians
            .iter()
            .map(|t| {
                (
                    t.runtime.as_str(),
                    t.median_ms_per_call,
                    t.median_ms_per_face,
                )
            })
            .collect();
        assert_eq!(found, vec![("tract", 6.0, 1.5), (ORT, 2.0, 0.5)]);
    }
}
