//! tract against onnxruntime on the SSR-Net nets, at the same batch sizes, in one run; and on
//! the nets of the aligned estimators ([`aligned`]), in the same rounds.
//!
//! tract: the criterion group `ssrnet_nets` of `crates/estimate/benches/ssrnet.rs` (release
//! build): each net alone through a plan optimised for the concrete batch (as the `estimate` crate
//! builds them), and the pair through `estimate::SsrNet::run_blob` (age and gender in parallel,
//! exactly what the app runs). onnxruntime: `scripts/bench/py.sh ort_ssrnet.py` (a virtual
//! environment under target/ with onnxruntime from PyPI; not a project dependency), each net alone
//! and the pair one after the other, in the four [`ORT_VARIANTS`]:
//!
//! - with its default intra-op threads (one per core) and with one thread (tract runs each net on
//!   one thread, so this compares the runtimes core for core);
//! - on the files the app runs, whose stream pools are written phase by phase (fastest in tract),
//!   and on the same weights converted with plain pool nodes (fastest in onnxruntime), so that
//!   each runtime is timed on the form that suits it best.
//!
//! tract and the onnxruntime variants take turns for [`ROUNDS`] rounds and the report quotes the
//! median of the rounds: on this shared machine one runtime measured alone can catch a slow
//! minute that another did not.

pub mod aligned;

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use models::convert;
use models::manifest::{DestinationDirs, Manifest};
use models::ssrnet::{self, PoolForm, SsrNetTarget};
use serde::{Deserialize, Serialize};

use super::stats::median;
use super::{criterion, python};

/// Batch sizes compared.
pub const BATCHES: [usize; 3] = [1, 4, 16];
/// Rounds of tract and the onnxruntime variants, in turn.
pub const ROUNDS: usize = 3;
/// Timed calls per net and batch size (onnxruntime).
const REPEATS: usize = 50;
/// Untimed calls first (onnxruntime).
const WARMUP: usize = 5;
/// Criterion group of the tract measurements.
const TRACT_GROUP: &str = "ssrnet_nets";
/// The onnxruntime script of `scripts/bench`.
pub const ORT_SCRIPT: &str = "ort_ssrnet.py";
/// Runtime label of tract.
pub const TRACT: &str = "tract";
/// onnxruntime's `intra_op_num_threads` for "its default" (one per core).
const ORT_DEFAULT_THREADS: usize = 0;
/// The nets compared: which SSR-Net file, and the model the app runs for it.
const NETS: [(SsrNetTarget, &str); 2] = [
    (SsrNetTarget::Age, estimate::SSRNET_AGE_MODEL),
    (SsrNetTarget::Gender, estimate::SSRNET_GENDER_MODEL),
];

/// One way of running onnxruntime.
#[derive(Clone, Copy, Debug)]
pub struct OrtVariant {
    /// Runtime label in the timings and the JSON file.
    pub label: &'static str,
    /// Column heading in the report.
    pub heading: &'static str,
    /// Form of the ONNX files.
    pub pool_form: PoolForm,
    /// `intra_op_num_threads` (0: onnxruntime's default).
    pub threads: usize,
}

/// onnxruntime with its default threads on the app's files: the comparison the speed goals ask for.
pub const ORT: &str = "onnxruntime";

/// Every onnxruntime variant timed, in column order.
pub const ORT_VARIANTS: [OrtVariant; 4] = [
    OrtVariant {
        label: ORT,
        heading: "ort, same files",
        pool_form: PoolForm::Phases,
        threads: ORT_DEFAULT_THREADS,
    },
    OrtVariant {
        label: "onnxruntime-pools",
        heading: "ort, pool nodes",
        pool_form: PoolForm::Pools,
        threads: ORT_DEFAULT_THREADS,
    },
    OrtVariant {
        label: "onnxruntime-1-thread",
        heading: "ort 1 thread, same files",
        pool_form: PoolForm::Phases,
        threads: 1,
    },
    OrtVariant {
        label: "onnxruntime-pools-1-thread",
        heading: "ort 1 thread, pool nodes",
        pool_form: PoolForm::Pools,
        threads: 1,
    },
];

/// The commands that measure tract (SSR-Net, then the aligned estimators' nets), one per line,
/// as written in the report.
pub fn tract_command() -> String {
    format!(
        "{}\n{}",
        criterion::command("estimate", "ssrnet", TRACT_GROUP),
        aligned::tract_command()
    )
}

/// One latency figure.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NetTiming {
    /// [`TRACT`] or the label of one of the [`ORT_VARIANTS`].
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

/// Times tract and every onnxruntime variant on the SSR-Net nets in `dirs.models`, and on the
/// aligned estimators' nets ([`aligned::round`]) in the same rounds; the SSR-Net pool-node files
/// are converted from the weight files of `manifest` into `scratch`; the aligned nets run on the
/// parity crops of the shared data folder `shared`.
pub fn compare(
    root: &Path,
    shared: &Path,
    dirs: &DestinationDirs,
    manifest: &Path,
    scratch: &Path,
) -> Result<(Vec<NetTiming>, String)> {
    let phases = NETS.map(|(_, model)| dirs.models.join(model));
    for path in &phases {
        if !path.is_file() {
            bail!(
                "{} is missing: run `cargo xtask fetch-models --mirror ../shared/mirror`",
                path.display()
            );
        }
    }
    let pools = convert_with_pool_nodes(dirs, manifest, scratch)?;
    let mut rounds = Vec::new();
    let mut version = String::new();
    for _ in 0..ROUNDS {
        rounds.extend(tract_timings(root)?);
        for variant in ORT_VARIANTS {
            let [age, gender] = match variant.pool_form {
                PoolForm::Phases => &phases,
                PoolForm::Pools => &pools,
            };
            let (timings, ort_version) = onnxruntime_timings(root, age, gender, variant)?;
            rounds.extend(timings);
            version = ort_version;
        }
        rounds.extend(aligned::round(root, shared, &dirs.models)?);
    }
    Ok((median_of_rounds(&rounds), version))
}

/// The age and gender nets converted again with plain pool nodes, into `scratch`, from the
/// weight files that `fetch-models` converts for the app.
fn convert_with_pool_nodes(
    dirs: &DestinationDirs,
    manifest: &Path,
    scratch: &Path,
) -> Result<[PathBuf; 2]> {
    let manifest = Manifest::load(manifest)?;
    std::fs::create_dir_all(scratch)
        .with_context(|| format!("cannot create {}", scratch.display()))?;
    let mut outputs = Vec::new();
    for (target, model) in NETS {
        let conversion = convert::conversion_for(model)
            .with_context(|| format!("internal: no conversion writes {model}"))?;
        let sources = convert::locate_sources(conversion, &manifest, dirs)?;
        let (h5, _) = sources
            .first()
            .with_context(|| format!("internal: the conversion of {model} has no source"))?;
        let out = scratch.join(format!("ssrnet_{}_pools.onnx", target.as_str()));
        ssrnet::convert_as(h5, target, PoolForm::Pools, &out)
            .with_context(|| format!("converting {} with pool nodes", h5.display()))?;
        outputs.push(out);
    }
    <[PathBuf; 2]>::try_from(outputs)
        .map_err(|_| anyhow::anyhow!("internal: expected two converted nets"))
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
            timings.push(timing(TRACT, net, batch, ms));
        }
    }
    Ok(timings)
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

#[derive(Deserialize)]
struct OrtReport {
    onnxruntime: String,
    results: Vec<OrtResult>,
}

/// One net and batch size of an onnxruntime script's report (`ort_ssrnet.py`, `ort_nets.py`).
#[derive(Deserialize)]
pub(super) struct OrtResult {
    /// The net's name as the script was given it.
    pub(super) net: String,
    /// Faces per call.
    pub(super) batch: usize,
    /// Median milliseconds of one call.
    pub(super) median_ms_per_call: f64,
}

/// The arguments both onnxruntime scripts take after their nets and batches: the timed calls per
/// batch, the warm-up calls and the intra-op threads.
fn timing_args(repeats: usize, warmup: usize, threads: usize) -> Vec<std::ffi::OsString> {
    vec![
        "--repeats".into(),
        repeats.to_string().into(),
        "--warmup".into(),
        warmup.to_string().into(),
        "--threads".into(),
        threads.to_string().into(),
    ]
}

/// onnxruntime in `variant` on the nets `age` and `gender`, labelled with the variant.
fn onnxruntime_timings(
    root: &Path,
    age: &Path,
    gender: &Path,
    variant: OrtVariant,
) -> Result<(Vec<NetTiming>, String)> {
    let batches: Vec<String> = BATCHES.iter().map(ToString::to_string).collect();
    let args: Vec<std::ffi::OsString> = vec![
        "--age".into(),
        age.into(),
        "--gender".into(),
        gender.into(),
        "--batches".into(),
        batches.join(",").into(),
    ];
    let args = [args, timing_args(REPEATS, WARMUP, variant.threads)].concat();
    let report: OrtReport = python::run_json(root, ORT_SCRIPT, args)?;
    let timings = report
        .results
        .iter()
        .map(|r| timing(variant.label, &r.net, r.batch, r.median_ms_per_call))
        .collect();
    Ok((timings, report.onnxruntime))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_measurement_is_the_median_of_its_rounds() {
        let rounds = [
            timing(TRACT, "age", 4, 8.0),
            timing(ORT, "age", 4, 2.0),
            timing(TRACT, "age", 4, 4.0),
            timing(ORT, "age", 4, 1.0),
            timing(TRACT, "age", 4, 6.0),
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
        assert_eq!(found, vec![(TRACT, 6.0, 1.5), (ORT, 2.0, 0.5)]);
    }
}
