//! tract against onnxruntime on the nets of the aligned estimators: the Cydral (dlib)
//! age and gender nets and face-api's AgeGenderNet, each alone, on the same real face crops.
//!
//! tract: the criterion group `aligned_nets` of `crates/estimate/benches/aligned_nets.rs` (one
//! thread, a plan per batch size built as the `estimate` crate builds them). onnxruntime:
//! `scripts/bench/py.sh ort_nets.py` in the three [`ORT_VARIANTS`]. face-api's net is left out,
//! and the report says so, while its converted file is missing.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use anyhow::{Result, bail};
use serde::Deserialize;

use super::super::{criterion, python};
use super::{BATCHES, NetTiming, TRACT, timing};

/// Criterion group of the tract measurements.
const TRACT_GROUP: &str = "aligned_nets";
/// The criterion bench holding [`TRACT_GROUP`].
const TRACT_BENCH: &str = "aligned_nets";
/// The onnxruntime script of `scripts/bench`.
pub const ORT_SCRIPT: &str = "ort_nets.py";
/// Timed calls per net and batch size (onnxruntime).
const REPEATS: usize = 30;
/// Untimed calls first (onnxruntime).
const WARMUP: usize = 3;
/// The parity crops fed to both runtimes: `<shared>/parity/crop_<i>.png` for i from 0 while they
/// exist (the fixtures the criterion bench cycles through).
const CROP_PREFIX: &str = "crop_";

/// One net compared.
#[derive(Clone, Copy, Debug)]
pub struct AlignedNet {
    /// Label in the timings, the report and the criterion bench.
    pub name: &'static str,
    /// File in the models folder.
    pub file: &'static str,
    /// Input layout, as `ort_nets.py` takes it.
    layout: &'static str,
}

/// The nets compared, in report order (files: `models/manifest.toml` and face-api's converter).
pub const NETS: [AlignedNet; 3] = [
    AlignedNet {
        name: "dlib-age",
        file: "age-v1.onnx",
        layout: "nchw",
    },
    AlignedNet {
        name: "dlib-gender",
        file: "gender-v1.onnx",
        layout: "nchw",
    },
    AlignedNet {
        name: FACEAPI,
        file: estimate::faceapi::FACEAPI_AGE_GENDER_MODEL,
        layout: "nhwc",
    },
];

/// Name of face-api's net, the one that may be missing.
pub const FACEAPI: &str = "faceapi";

/// One way of running onnxruntime on these nets.
#[derive(Clone, Copy, Debug)]
pub struct AlignedOrtVariant {
    /// Runtime label in the timings.
    pub label: &'static str,
    /// Column heading in the report.
    pub heading: &'static str,
    /// `intra_op_num_threads` (0: onnxruntime's default, one per core).
    threads: usize,
    /// Whether onnxruntime flushes denormals to zero (`session.set_denormal_as_zero`).
    flush_denormals: bool,
}

/// Every onnxruntime variant timed, in column order: the denormal lead was found with
/// one thread, so that setting is timed with and without flushing.
pub const ORT_VARIANTS: [AlignedOrtVariant; 3] = [
    AlignedOrtVariant {
        label: "onnxruntime",
        heading: "ort",
        threads: 0,
        flush_denormals: false,
    },
    AlignedOrtVariant {
        label: "onnxruntime-1-thread",
        heading: "ort 1 thread",
        threads: 1,
        flush_denormals: false,
    },
    AlignedOrtVariant {
        label: "onnxruntime-1-thread-ftz",
        heading: "ort 1 thread, FTZ/DAZ",
        threads: 1,
        flush_denormals: true,
    },
];

/// The command that measures tract, as written in the report.
pub fn tract_command() -> String {
    criterion::command("estimate", TRACT_BENCH, TRACT_GROUP)
}

/// The onnxruntime command, as written in the report.
pub fn ort_command() -> String {
    let nets: Vec<String> = NETS
        .iter()
        .map(|n| format!("--net {}=models/{}:{}", n.name, n.file, n.layout))
        .collect();
    format!(
        "{} {ORT_SCRIPT} {} --crops ../shared/parity/crop_*.png --batches {} --threads 0 (and \
         --threads 1, with and without --flush-denormals)",
        python::RUNNER,
        nets.join(" "),
        batches_arg()
    )
}

fn batches_arg() -> String {
    let batches: Vec<String> = BATCHES.iter().map(ToString::to_string).collect();
    batches.join(",")
}

/// The nets whose files are in `models`.
fn present(models: &Path) -> Vec<(AlignedNet, PathBuf)> {
    NETS.iter()
        .map(|net| (*net, models.join(net.file)))
        .filter(|(_, path)| path.is_file())
        .collect()
}

/// One round: tract, then every onnxruntime variant, on the nets present in `models`. Fails if
/// a dlib net is missing (they come with `fetch-models`); face-api's is skipped. The nets run on
/// the parity crops of the shared data folder `shared`.
pub fn round(root: &Path, shared: &Path, models: &Path) -> Result<Vec<NetTiming>> {
    let nets = present(models);
    for net in NETS.iter().filter(|n| n.name != FACEAPI) {
        if !nets.iter().any(|(n, _)| n.name == net.name) {
            bail!(
                "{} is missing: run `cargo xtask fetch-models --mirror ../shared/mirror`",
                models.join(net.file).display()
            );
        }
    }
    criterion::run(root, "estimate", TRACT_BENCH, TRACT_GROUP)?;
    let mut timings = Vec::new();
    for (net, _) in &nets {
        for batch in BATCHES {
            let ms = criterion::median_ms(root, TRACT_GROUP, net.name, batch)?;
            timings.push(timing(TRACT, net.name, batch, ms));
        }
    }
    let crops = crops(shared)?;
    for variant in ORT_VARIANTS {
        timings.extend(onnxruntime_timings(root, &nets, &crops, variant)?);
    }
    Ok(timings)
}

/// The parity crops, as one comma-separated argument.
fn crops(shared: &Path) -> Result<OsString> {
    let parity = shared.join("parity");
    let files: Vec<String> = (0..)
        .map(|i| parity.join(format!("{CROP_PREFIX}{i}.png")))
        .take_while(|path| path.is_file())
        .map(|path| path.display().to_string())
        .collect();
    if files.is_empty() {
        bail!(
            "no {CROP_PREFIX}0.png in {} (set AGENDER_SHARED)",
            parity.display()
        );
    }
    Ok(files.join(",").into())
}

#[derive(Deserialize)]
struct OrtReport {
    results: Vec<super::OrtResult>,
}

fn onnxruntime_timings(
    root: &Path,
    nets: &[(AlignedNet, PathBuf)],
    crops: &OsString,
    variant: AlignedOrtVariant,
) -> Result<Vec<NetTiming>> {
    let mut args: Vec<OsString> = Vec::new();
    for (net, path) in nets {
        let mut spec = OsString::from(format!("{}=", net.name));
        spec.push(path);
        spec.push(format!(":{}", net.layout));
        args.extend(["--net".into(), spec]);
    }
    args.extend([
        "--crops".into(),
        crops.clone(),
        "--batches".into(),
        batches_arg().into(),
    ]);
    args.extend(super::timing_args(REPEATS, WARMUP, variant.threads));
    if variant.flush_denormals {
        args.push("--flush-denormals".into());
    }
    let report: OrtReport = python::run_json(root, ORT_SCRIPT, args)?;
    Ok(report
        .results
        .iter()
        .map(|r| timing(variant.label, &r.net, r.batch, r.median_ms_per_call))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::super::super::report::BenchReport;
    use super::*;

    /// A report holding only `nets`, through its JSON form.
    fn report_with(nets: &[NetTiming]) -> BenchReport {
        serde_json::from_value(serde_json::json!({
            "machine": {
                "cpu_model": "test", "cores": 2, "load_at_start": 0.0, "load_at_end": 0.0,
                "date": "now", "commit": "abc"
            },
            "commands": [], "pipeline": [], "detect_only": [], "skipped": [],
            "long_run": null, "nets": nets, "onnxruntime_version": "1.0"
        }))
        .expect("report")
    }

    #[test]
    fn the_report_sets_tract_beside_each_onnxruntime_variant_and_names_a_missing_net() {
        let mut nets = vec![timing(TRACT, "dlib-age", 4, 40.0)];
        for (variant, ms) in ORT_VARIANTS.iter().zip([20.0, 28.0, 8.0]) {
            nets.push(timing(variant.label, "dlib-age", 4, ms));
        }
        let md = report_with(&nets).markdown();
        assert!(
            md.contains("| dlib-age | 4 | 10.000 | 5.000 | 7.000 | 2.000 | 5.00 |"),
            "{md}"
        );
        assert!(md.contains("faceapi: not measured"), "{md}");
        assert!(!md.contains("dlib-age: not measured"), "{md}");
        assert!(!md.contains("Not measured in this run"), "{md}");
        let empty = report_with(&[]).markdown();
        assert!(empty.contains("Not measured in this run"), "{empty}");
    }
}
